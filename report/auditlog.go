package report

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/custos-go/custos/audit"
)

// auditLog reports the audit log's size, its latest checkpoint, the result
// of a full verification and the monitors' alerts per rule (PIPL Art. 54;
// GDPR Art. 5(2), 32(1)(d)). It reads the store in pages: memory stays
// bounded whatever the log's size.
type auditLog struct{ a *AuditState }

// monitorRules lists the monitor rules in the order the report shows them.
var monitorRules = []string{audit.RuleBulkReads, audit.RuleOffHours, audit.RuleRefusedReads, audit.RuleAuditRead, audit.RuleSearchEnum}

func (s auditLog) Section(ctx context.Context, _ time.Time) (Section, []Finding, error) {
	head, err := s.a.Store.Head(ctx)
	if err != nil {
		return Section{}, nil, fmt.Errorf("report: audit head: %w", err)
	}
	state := Table{ID: "audit-state", Columns: cols("item", Term, "value", Term)}
	add := func(item, value string) {
		state.Rows = append(state.Rows, []Cell{Str("audit." + item), Str(value)})
	}
	add("size", strconv.FormatUint(head.Size, 10))
	var fs []Finding
	if len(head.Checkpoint) > 0 {
		if cp, err := audit.ParseCheckpoint(head.Checkpoint); err == nil {
			add("origin", cp.Origin)
			add("checkpoint-size", strconv.FormatUint(cp.Size, 10))
			add("checkpoint-root", hex.EncodeToString(cp.Root))
		}
	}
	add("verifier", s.a.Verifier)
	rep, err := audit.Verify(ctx, audit.StoreSource(s.a.Store), audit.VerifyOptions{Verifier: s.a.Verifier, Checkpoints: s.a.Checkpoints})
	switch {
	case err == nil:
		add("verification", "verified")
		add("verified-entries", strconv.FormatUint(rep.Entries, 10))
		add("verified-checkpoints", strconv.Itoa(rep.Checkpoints))
	case errors.Is(err, audit.ErrTampered) || errors.Is(err, audit.ErrConfig):
		// A log that fails verification is the first thing the reader must
		// see: a finding, not an omission (PIPL Art. 54).
		add("verification", "failed")
		add("verification-error", err.Error())
		fs = append(fs, Finding{Severity: Failure, Section: "audit", Code: "audit-verification-failed", Args: []string{err.Error()}, Article: "PIPL 54; GDPR 5(2)"})
	default:
		return Section{}, nil, fmt.Errorf("report: verify the audit log: %w", err)
	}
	sec := Section{ID: "audit", Tables: []Table{state}}
	if s.a.Monitor == nil {
		return sec, fs, nil
	}
	alerts, err := s.alerts(ctx)
	if err != nil {
		return Section{}, nil, err
	}
	sec.Tables = append(sec.Tables, alerts)
	sec.Charts = append(sec.Charts, Chart{ID: "alerts", Table: "alerts", Series: []string{"alerts"}})
	return sec, fs, nil
}

// alerts runs the monitor rules over the whole log and counts the alerts
// of each rule.
func (s auditLog) alerts(ctx context.Context) (Table, error) {
	m, err := audit.NewMonitor(*s.a.Monitor)
	if err != nil {
		return Table{}, fmt.Errorf("%w: Audit.Monitor: %w", ErrConfig, err)
	}
	counts := map[string]int64{}
	if _, err := m.Run(ctx, s.a.Store, 0, func(a audit.Alert) { counts[a.Rule]++ }); err != nil && !errors.Is(err, audit.ErrTampered) {
		return Table{}, fmt.Errorf("report: monitor the audit log: %w", err)
	}
	t := Table{ID: "alerts", Columns: cols("rule", Code, "alerts", Count)}
	for _, r := range monitorRules {
		t.Rows = append(t.Rows, []Cell{Str(r), Num(counts[r])})
	}
	return t, nil
}
