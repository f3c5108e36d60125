package transfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/transfer"
)

var gateway = transfer.Processor{
	Party:    transfer.Party{Name: "Example SMS Gateway Ltd.", Contact: "https://sms.example/dpa", Jurisdiction: "CN"},
	Contract: "DPA-2024-007", Holds: []string{"customer"},
}

func TestPlanValidatesProcessors(t *testing.T) {
	pub := newRecipient(t).public
	tests := []struct {
		name string
		edit func(*transfer.Processor)
		want string
	}{
		{"no name", func(p *transfer.Processor) { p.Name = "" }, "processor 0 has no name"},
		{"no contact", func(p *transfer.Processor) { p.Contact = "" }, "processor 0 has no contact"},
		{"no jurisdiction", func(p *transfer.Processor) { p.Jurisdiction = "China" }, "processor 0 jurisdiction"},
		{"no contract", func(p *transfer.Processor) { p.Contract = " " }, "no entrustment contract"},
		{"holds nothing", func(p *transfer.Processor) { p.Holds = nil }, "holds nothing"},
		{"holds a category twice", func(p *transfer.Processor) { p.Holds = []string{"customer", "customer"} }, "given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mergerPlan(pub)
			pr := gateway
			tt.edit(&pr)
			p.Processors = []transfer.Processor{pr}
			err := p.Validate()
			require.ErrorIs(t, err, transfer.ErrInvalidPlan)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	p := mergerPlan(pub)
	p.Processors = []transfer.Processor{gateway, gateway}
	require.ErrorIs(t, p.Validate(), transfer.ErrInvalidPlan, "the same processor twice")
	p.Processors = []transfer.Processor{gateway}
	require.NoError(t, p.Validate())
	without := mergerPlan(pub)
	b, err := without.MarshalCanonical()
	require.NoError(t, err)
	assert.NotContains(t, string(b), "processors", "a plan without processors keeps its digest")
}

// RULES M6 (PIPL Art. 21): a plan that engages processors closes only with
// each one's confirmation that it returned or deleted the data; until then
// Finish refuses and destroys nothing.
func TestFinishNeedsEveryProcessorToReturnOrDelete(t *testing.T) {
	ctx := context.Background()
	collector := transfer.Processor{Party: transfer.Party{Name: "Example Collections Co.", Contact: "+86 10 0000 0000", Jurisdiction: "CN"},
		Contract: "DPA-2025-002", Holds: []string{"customer", "lease"}}
	w := newWorld(t, func(pub []byte) transfer.Plan {
		p := mergerPlan(pub)
		p.Processors = []transfer.Processor{gateway, collector}
		return p
	})
	bundle, _ := w.export(t)
	got, err := w.buy.Import(ctx, seller, bytes.NewReader(bundle), w.ag, nil)
	require.NoError(t, err)

	deleted := transfer.ProcessorDone{Processor: gateway.Name, Disposition: transfer.Deleted, Evidence: "SMS-DEL-0001", At: t0}
	returned := transfer.ProcessorDone{Processor: collector.Name, Disposition: transfer.Returned, Evidence: "COL-RET-0001", At: t0}
	tests := []struct {
		name string
		done []transfer.ProcessorDone
		want string
	}{
		{"none confirmed", nil, "processor 0 has not confirmed"},
		{"one missing", []transfer.ProcessorDone{deleted}, "processor 1 has not confirmed"},
		{"an unknown processor", []transfer.ProcessorDone{deleted, returned, {Processor: "Someone Else Ltd.", Disposition: transfer.Deleted, Evidence: "X-1", At: t0}}, "confirmation 2 names a processor the plan does not engage"},
		{"a processor twice", []transfer.ProcessorDone{deleted, deleted, returned}, "confirmation 1 repeats"},
		{"kept a copy", []transfer.ProcessorDone{deleted, {Processor: collector.Name, Disposition: "kept", Evidence: "COL-1", At: t0}}, "confirmation 1: the disposition"},
		{"no evidence", []transfer.ProcessorDone{deleted, {Processor: collector.Name, Disposition: transfer.Returned, At: t0}}, "confirmation 1 references no evidence"},
		{"no time", []transfer.ProcessorDone{deleted, {Processor: collector.Name, Disposition: transfer.Returned, Evidence: "COL-1"}}, "confirmation 1 has no time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(w.from.events.Events())
			_, err := w.sell.Finish(ctx, seller, w.plan.ID, bytes.NewReader(bundle), got.Receipt, &transfer.FinishOptions{Processors: tt.done})
			require.ErrorIs(t, err, transfer.ErrProcessors)
			assert.Contains(t, err.Error(), tt.want)
			for _, s := range []custos.SubjectID{"c-1", "c-2", "c-3"} {
				st, err := w.from.vault.SubjectState(ctx, s)
				require.NoError(t, err)
				assert.NotEqual(t, custos.SubjectForgotten, st, "nothing destroyed")
			}
			has, err := w.from.keys.HasNamedKeyset(ctx, "custos.transfer."+w.plan.ID)
			require.NoError(t, err)
			assert.True(t, has, "the transfer key is kept")
			assert.Len(t, w.from.events.Events(), before, "nothing recorded")
		})
	}

	done := []transfer.ProcessorDone{returned, deleted}
	rep, err := w.sell.Finish(ctx, seller, w.plan.ID, bytes.NewReader(bundle), got.Receipt, &transfer.FinishOptions{Processors: done})
	require.NoError(t, err)
	assert.Equal(t, transfer.FinishReport{Moved: 3, Destroyed: 2, Kept: 1, Processors: done}, rep)
	var begin map[string]any
	for _, e := range w.from.events.Events() {
		if e.Action == transfer.ActionFinish && bytes.Contains([]byte(e.Detail), []byte(`"step":"begin"`)) {
			require.NoError(t, json.Unmarshal([]byte(e.Detail), &begin))
		}
	}
	require.NotNil(t, begin, "the finish is audited")
	assert.Len(t, begin["processors"], 2, "each confirmation is in the audit log")
	assert.Contains(t, begin["processors"].([]any)[0], "evidence")
}
