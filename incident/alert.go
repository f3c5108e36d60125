package incident

import (
	"context"
	"fmt"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
)

// OpenFromAlert opens the incident an audit.Monitor alert raises, so that
// detection is not a manual step: id "ALERT-<rule>-<entry index>", detected
// at the alert's entry time, aware now, kind leak (a possible leak, PIPL Art.
// 57 "may have occurred"), the rule as cause. It is idempotent like Open:
// the same alert opens one incident. The Monitor runs over the log apart
// from the vault's read path, so this adds nothing to a read.
func (r *Register) OpenFromAlert(ctx context.Context, acc custos.Access, a audit.Alert, drill bool) (Incident, error) {
	if a.Rule == "" || a.Time.IsZero() {
		return Incident{}, fmt.Errorf("%w: alert without a rule or a time", ErrInvalid)
	}
	aware := r.now()
	if aware.Before(a.Time) {
		aware = a.Time
	}
	prev, err := r.Get(ctx, alertID(a))
	if err == nil {
		return prev, nil
	}
	return r.Open(ctx, acc, Incident{ID: alertID(a), Drill: drill, Detected: a.Time, Aware: aware, Kind: KindLeak,
		Cause: "audit monitor rule " + a.Rule})
}

func alertID(a audit.Alert) string { return fmt.Sprintf("ALERT-%s-%d", a.Rule, a.Index) }
