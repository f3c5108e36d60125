package rights

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/custos-go/custos"
)

// Actions of the rights package in the audit log: one per step.
const (
	ActionSubmit       custos.Action = "rights.submit"
	ActionVerify       custos.Action = "rights.verify"
	ActionStart        custos.Action = "rights.start"
	ActionExtend       custos.Action = "rights.extend"
	ActionFulfil       custos.Action = "rights.fulfil"
	ActionRefuse       custos.Action = "rights.refuse"
	ActionStep         custos.Action = "rights.step"
	ActionAnswer       custos.Action = "rights.answer"
	ActionPseudonymise custos.Action = "rights.pseudonymise"
)

// recordType names requests in audit events.
const recordType = "rights.request"

var stepActions = map[Step]custos.Action{
	StepReceived: ActionSubmit, StepVerified: ActionVerify, StepStarted: ActionStart, StepExtended: ActionExtend,
	StepFulfilled: ActionFulfil, StepPartial: ActionFulfil, StepRefused: ActionRefuse, StepDone: ActionStep,
	StepAnswered: ActionAnswer, StepPseudonymised: ActionPseudonymise,
}

// eventDetail is an event's Detail, its keys in the order of the JSON
// object they always had.
type eventDetail struct {
	Act     string `json:"act,omitempty"`
	Kind    string `json:"kind"`
	Request string `json:"request"`
	State   string `json:"state"`
	Step    string `json:"step"`
}

// event builds the audit event of entry e of request r, under the
// operator's access with the request's id.
func event(acc custos.Access, r Request, e Entry) custos.Event {
	acc.RequestID = r.ID
	b, _ := json.Marshal(eventDetail{Act: e.Act, Kind: r.Kind.String(), Request: r.ID, State: e.State.String(), Step: string(e.Step)})
	return custos.Event{
		Time: e.At, Action: stepActions[e.Step], Access: acc, Subject: r.Subject, RecordType: recordType,
		Outcome: custos.OutcomeAllowed, Reason: string(e.Step), Detail: string(b),
	}
}

// record records ev, failing closed.
func (d *Desk) record(ctx context.Context, ev custos.Event) error {
	if err := d.rec.Record(ctx, ev); err != nil {
		return fmt.Errorf("%w: %w", ErrAudit, err)
	}
	return nil
}

// notCommitted records, best effort, that the step of ev was not stored.
func (d *Desk) notCommitted(ctx context.Context, ev custos.Event) {
	ev.Outcome, ev.Reason = custos.OutcomeError, "not-committed"
	_ = d.rec.Record(context.WithoutCancel(ctx), ev)
}
