package transfer_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/transfer"
)

func TestCauseArticle(t *testing.T) {
	for _, tc := range []struct {
		cause transfer.Cause
		want  transfer.Article
	}{
		{transfer.CauseMerger, transfer.Article22},
		{transfer.CauseDivision, transfer.Article22},
		{transfer.CauseDissolution, transfer.Article22},
		{transfer.CauseBankruptcy, transfer.Article22},
		{transfer.CauseSale, transfer.Article23},
		{"asset-swap", transfer.Article23},
	} {
		t.Run(string(tc.cause), func(t *testing.T) {
			assert.Equal(t, tc.want, tc.cause.Article())
		})
	}
}

func TestPlanArticlesAndConsent(t *testing.T) {
	pub := newRecipient(t).public
	merger := mergerPlan(pub)
	assert.Equal(t, []transfer.Article{transfer.Article22}, merger.Articles())
	assert.False(t, merger.NeedsSeparateConsent(), "Art. 22 at home needs no new consent")

	abroad := mergerPlan(pub)
	abroad.Recipient.Jurisdiction = "SG"
	assert.Equal(t, []transfer.Article{transfer.Article22, transfer.Article39}, abroad.Articles())
	assert.True(t, abroad.NeedsSeparateConsent(), "Art. 39 needs separate consent")

	sale := salePlan(pub)
	assert.Equal(t, []transfer.Article{transfer.Article23}, sale.Articles())
	assert.True(t, sale.NeedsSeparateConsent())
}

func TestPlanValidate(t *testing.T) {
	pub := newRecipient(t).public
	require.NoError(t, mergerPlan(pub).Validate())
	require.NoError(t, salePlan(pub).Validate())
	for _, tc := range []struct {
		name string
		edit func(*transfer.Plan)
		want string
	}{
		{"bad id", func(p *transfer.Plan) { p.ID = "Merger 2026" }, "id must be"},
		{"no cause", func(p *transfer.Plan) { p.Cause = "" }, "no cause"},
		{"no seller name", func(p *transfer.Plan) { p.Seller.Name = " " }, "seller has no name"},
		{"no recipient contact", func(p *transfer.Plan) { p.Recipient.Contact = "" }, "recipient has no contact"},
		{"bad jurisdiction", func(p *transfer.Plan) { p.Recipient.Jurisdiction = "China" }, "recipient jurisdiction"},
		{"no public key", func(p *transfer.Plan) { p.Recipient.PublicKeyset = nil }, "recipient public keyset"},
		{"garbage public key", func(p *transfer.Plan) { p.Recipient.PublicKeyset = []byte("not a keyset") }, "recipient public keyset"},
		{"no record types", func(p *transfer.Plan) { p.Scope.RecordTypes = nil }, "no record type"},
		{"repeated record type", func(p *transfer.Plan) { p.Scope.RecordTypes = []string{"lease", "lease"} }, "given twice"},
		{"no purposes", func(p *transfer.Plan) { p.Scope.Purposes = nil }, "no purpose"},
		{"no impact assessment", func(p *transfer.Plan) { p.ImpactAssessment = "" }, "PIPL Art. 55(3)"},
		{"sale without consent purpose", func(p *transfer.Plan) { p.Cause, p.Terms = transfer.CauseSale, salePlan(nil).Terms }, "needs separate consent"},
		{"abroad without consent purpose", func(p *transfer.Plan) { p.Recipient.Jurisdiction, p.Terms = "SG", salePlan(nil).Terms }, "PIPL Art. 39 needs separate consent"},
		{"consent without deadline", func(p *transfer.Plan) {
			p.Cause, p.ConsentPurpose, p.Terms = transfer.CauseSale, "provision", &transfer.Terms{Purpose: "p", Method: "m", Categories: "c"}
		}, "deadline"},
		{"sale without terms", func(p *transfer.Plan) {
			p.Cause, p.ConsentPurpose, p.ConsentDeadline = transfer.CauseSale, "provision", t0
		}, "purpose, method and categories"},
		{"no effective date", func(p *transfer.Plan) { p.Effective = time.Time{} }, "effective date"},
		{"unsorted exclusions", func(p *transfer.Plan) { p.Exclusions = []custos.SubjectID{"c-2", "c-1"} }, "not sorted"},
		{"repeated exclusion", func(p *transfer.Plan) { p.Exclusions = []custos.SubjectID{"c-1", "c-1"} }, "not sorted or repeated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mergerPlan(pub)
			tc.edit(&p)
			err := p.Validate()
			require.ErrorIs(t, err, transfer.ErrInvalidPlan)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestPlanDigestChangesWithPlan(t *testing.T) {
	pub := newRecipient(t).public
	a, b := mergerPlan(pub), mergerPlan(pub)
	assert.Equal(t, a.Digest(), b.Digest())
	b.Recipient.Contact = "https://acquirer.example/other"
	assert.NotEqual(t, a.Digest(), b.Digest())
}

func TestPlanExcluded(t *testing.T) {
	p := mergerPlan(nil)
	p.Exclusions = []custos.SubjectID{"c-1", "c-3"}
	assert.True(t, p.Excluded("c-3"))
	assert.False(t, p.Excluded("c-2"))
}
