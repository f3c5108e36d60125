package consent_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// TestConfigErrors shows that every policy mistake stops the registry at
// start-up, with the rule it breaks.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *consent.Config)
		says   string
	}{
		{"no store", func(c *consent.Config) { c.Store = nil }, "no Store"},
		{"no recorder", func(c *consent.Config) { c.Recorder = nil }, "no Recorder"},
		{"no subjects", func(c *consent.Config) { c.Subjects = nil }, "no Subjects"},
		{"no pseudonyms", func(c *consent.Config) { c.Pseudonyms = nil }, "no Pseudonyms"},
		{"pseudonyms too short", func(c *consent.Config) { c.Pseudonyms = shortRefs{} }, "references of 4 bytes"},
		{"negative proof retention", func(c *consent.Config) { c.ProofRetention = -time.Hour }, "negative ProofRetention"},
		{"no purpose", func(c *consent.Config) { c.Purposes = nil }, "no purpose"},
		{"no field classes", func(c *consent.Config) { c.Fields = nil }, "no field classes"},
		{"field without a level", func(c *consent.Config) { c.Fields["lease"]["months"] = custos.Class{} }, "JR/T 0171"},
		{"negative ask-again interval", func(c *consent.Config) { c.AskAgainAfter = -time.Hour }, "negative AskAgainAfter"},
		{"remedy in one language", func(c *consent.Config) { c.Remedy = consent.Text{EN: "complain"} }, "remedy"},
		{"L1 unknown basis", func(c *consent.Config) { c.Purposes[1].Basis = custos.BasisUnknown }, "PIPL Art. 13"},
		{"L1 legal duty citing no law", func(c *consent.Config) { c.Purposes[4].Law = "" }, "cites no law"},
		{"L1 condition on a consent purpose", func(c *consent.Config) {
			c.Purposes[1].Condition = func(context.Context, custos.SubjectID) (bool, error) { return true, nil }
		}, "may not set a Condition"},
		{"purpose declared twice", func(c *consent.Config) { c.Purposes = append(c.Purposes, c.Purposes[1]) }, "declared twice"},
		{"purpose without description", func(c *consent.Config) { c.Purposes[1].Description.ZH = "" }, "description"},
		{"purpose reading an unknown field", func(c *consent.Config) { c.Purposes[1].Fields["customer"] = []string{"shoe_size"} }, "no field \"shoe_size\""},
		{"purpose reading an unknown record type", func(c *consent.Config) { c.Purposes[1].Fields["spaceship"] = []string{"name"} }, "unknown record type"},
		{"purpose reading records without fields", func(c *consent.Config) { c.Purposes[1].Fields = nil }, "minimum necessary"},
		{"purpose with no action", func(c *consent.Config) { c.Purposes[1].Actions = nil }, "no action"},
		{"purpose naming an undeclared notice", func(c *consent.Config) { c.Purposes[1].Notice = "other" }, "undeclared notice"},
		{"L7 L8 sensitive field without separate consent", func(c *consent.Config) {
			c.Purposes[1].Fields["customer"] = []string{"name", "resident_id"}
		}, "sensitive field customer.resident_id but is not marked for separate consent (PIPL Art. 29)"},
		{"L7 trigger on a purpose not resting on consent", func(c *consent.Config) {
			c.Purposes[0].Separate = []consent.Trigger{consent.TriggerSensitive}
		}, "rests on PIPL 13(2), not consent"},
		{"L8 sensitive without necessity", func(c *consent.Config) { c.Purposes[3].Necessity = consent.Text{} }, "PIPL Art. 30"},
		{"L8 sensitive without impact", func(c *consent.Config) { c.Purposes[3].Impact.EN = "" }, "PIPL Art. 30"},
		{"L7 provision without recipient", func(c *consent.Config) { c.Purposes[3].Recipients = nil }, "names no recipient"},
		{"L7 cross-border without country", func(c *consent.Config) {
			c.Purposes[3].Separate = append(c.Purposes[3].Separate, consent.TriggerCrossBorder)
			c.Purposes[3].Recipients[0].Country = ""
		}, "PIPL Art. 39"},
		{"L7 undeclared trigger", func(c *consent.Config) { c.Purposes[3].Separate = []consent.Trigger{99} }, "not declared"},
		{"L9 notice without controller contact", func(c *consent.Config) { c.Notices[0].Controller.Contact = "" }, "PIPL Art. 17(1)"},
		{"L9 notice without methods", func(c *consent.Config) { c.Notices[0].Methods = nil }, "PIPL Art. 17(2)"},
		{"L9 notice without retention", func(c *consent.Config) { c.Notices[0].Retention = consent.Text{} }, "retention period"},
		{"L9 notice without what happens at expiry", func(c *consent.Config) { c.Notices[0].AtExpiry.ZH = "" }, "NDSR Art. 21"},
		{"L9 notice without rights", func(c *consent.Config) { c.Notices[0].Rights = consent.Text{} }, "PIPL Art. 17(3)"},
		{"L9 notice without withdrawal method", func(c *consent.Config) { c.Notices[0].Withdrawal = consent.Text{} }, "PIPL Art. 15"},
		{"L9 notice without storage location", func(c *consent.Config) { c.Notices[0].StorageLocation = "" }, "storage location"},
		{"notice with a bad id", func(c *consent.Config) { c.Notices[0].ID = "Privacy Notice" }, "not a valid name"},
		{"notice describing no purpose", func(c *consent.Config) {
			n := testNotice()
			n.ID = "unused"
			c.Notices = append(c.Notices, n)
		}, "describes no purpose"},
		{"negative validity", func(c *consent.Config) { c.Purposes[1].Validity = -time.Hour }, "negative validity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fixture{t: t, store: newFixture(t, nil).store, events: &events{}, subjects: &subjects{}, now: t0}
			cfg := f.config()
			tc.change(&cfg)
			_, err := consent.New(context.Background(), cfg)
			require.ErrorIs(t, err, consent.ErrConfig)
			assert.Contains(t, err.Error(), tc.says)
		})
	}
}

func TestRegistryLookups(t *testing.T) {
	f := newFixture(t, nil)
	p, ok := f.reg.Purpose(sharing)
	require.True(t, ok)
	assert.True(t, p.Separately())
	_, ok = f.reg.Purpose("spaceship")
	assert.False(t, ok)
	var ids []custos.PurposeID
	for _, p := range f.reg.Purposes() {
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []custos.PurposeID{analytics, receipts, sharing, erasure, servicing, marketing}, ids)
	_, ok = f.reg.Notice("missing")
	assert.False(t, ok)

	n, _ := f.reg.Notice("privacy-notice")
	n.Generations[marketing] = "tampered"
	again, _ := f.reg.Notice("privacy-notice")
	assert.NotEqual(t, "tampered", again.Generations[marketing], "callers get copies")

	_, err := f.reg.Status(context.Background(), dpo, "C-0001", servicing)
	assert.ErrorIs(t, err, consent.ErrNotConsentBased)
	_, err = f.reg.Status(context.Background(), dpo, "C-0001", "spaceship")
	assert.ErrorIs(t, err, consent.ErrUnknownPurpose)
}

func TestTriggersL7(t *testing.T) {
	for _, tc := range []struct {
		trigger consent.Trigger
		article string
	}{
		{consent.TriggerProvision, "PIPL 23"},
		{consent.TriggerDisclosure, "PIPL 25"},
		{consent.TriggerPublicImages, "PIPL 26"},
		{consent.TriggerSensitive, "PIPL 29"},
		{consent.TriggerCrossBorder, "PIPL 39"},
	} {
		t.Run(tc.trigger.String(), func(t *testing.T) {
			assert.Equal(t, tc.article, tc.trigger.Article())
			back, err := consent.ParseTrigger(tc.trigger.String())
			require.NoError(t, err)
			assert.Equal(t, tc.trigger, back)
			assert.NoError(t, tc.trigger.Validate())
		})
	}
}

// shortRefs gives references too short to be keyed pseudonyms.
type shortRefs struct{}

func (shortRefs) Reference(custos.SubjectID) []byte { return []byte{1, 2, 3, 4} }
