package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/report"
)

// A company transfer is reported from its stored plan, and its impact
// assessment drafted from the same plan.
func TestTransferSection(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	plan := e.transfer(t)
	st := e.db.Transfer()
	cfg := report.Config{Policies: policies(), Transfers: &report.TransferState{Store: st, Plans: []string{plan.ID}},
		Assessments: []report.Plan{report.TransferPlan(plan, map[string]consent.Text{report.QuestionLawful: text("合并", "Merger")})}}
	_, rep := build(t, cfg)
	tr := table(t, section(t, rep, "transfer"), "transfers")
	assert.Equal(t, "PIPL Art. 22", cell(t, tr, plan.ID, "articles").S)
	assert.Equal(t, "no", cell(t, tr, plan.ID, "abroad").S)
	assert.Equal(t, int64(2), cell(t, tr, plan.ID, "approvals").N)
	assert.Equal(t, int64(1234), cell(t, tr, plan.ID, "customers").N)
	assert.Equal(t, at.AddDate(0, 1, 0).Format(time.RFC3339), cell(t, tr, plan.ID, "effective").S)

	as := table(t, section(t, rep, "assessment"), "assessment-transfer-merger-2027")
	assert.Equal(t, "provision (PIPL 55(3))", cell(t, as, "assess.case", "value").S)
	assert.Equal(t, "Acquirer Leasing Co. CN", cell(t, as, "assess.recipients", "value").S)
	var codes []string
	for _, f := range rep.Findings {
		codes = append(codes, f.Code)
	}
	assert.Contains(t, codes, "transfer-no-assessment", "the plan names no prior assessment (PIPL Art. 55(3))")

	cfg.Transfers.Plans = []string{"no-such-plan"}
	r, err := report.New(cfg)
	require.NoError(t, err)
	_, err = r.Build(ctx, at)
	assert.ErrorIs(t, err, report.ErrConfig)
}
