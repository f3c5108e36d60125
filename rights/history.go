package rights

import (
	"time"

	"github.com/custos-go/custos"
)

// Step names an entry of a request's history. The names are stable.
type Step string

// The steps of a request's history.
const (
	StepReceived Step = "received"
	StepVerified Step = "verified"
	StepStarted  Step = "started"
	StepExtended Step = "extended"
	// StepDone records one fulfilment act done through another package
	// (an export, a correction, an erasure, a notice enqueued); Entry.Act
	// names it and Entry.Detail holds what it produced.
	StepDone      Step = "done"
	StepFulfilled Step = "fulfilled"
	StepPartial   Step = "partially-fulfilled"
	StepRefused   Step = "refused"
	// StepAnswered records that the answer notice was enqueued.
	StepAnswered Step = "answered"
	// StepPseudonymised records that the request, closed, names its
	// forgotten customer only by pseudonymous reference (Eraser).
	StepPseudonymised Step = "pseudonymised"
)

// Entry is one entry of a request's append-only history: which step, when,
// by whom, and what it left. It holds no personal data.
type Entry struct {
	// Request is the request's ID and Seq the entry's position, from 1:
	// the request's Version after the entry.
	Request string `json:"request"`
	Seq     int64  `json:"seq"`
	// At is when the step was taken, from the Desk's clock.
	At time.Time `json:"at"`
	// Step is what happened, and State the request's state after it.
	Step  Step  `json:"step"`
	State State `json:"state"`
	// Actor and Role are who took the step.
	Actor string      `json:"actor"`
	Role  custos.Role `json:"role"`
	// Act names the fulfilment act of a StepDone entry, such as "export"
	// or "notice:acme-leasing".
	Act string `json:"act,omitempty"`
	// Reason is the one-line reason of an extension, refusal or partial
	// fulfilment, or the verification method.
	Reason string `json:"reason,omitempty"`
	// Detail is a small JSON document of what the step left: a digest, a
	// certificate, a message id. No personal data.
	Detail string `json:"detail,omitempty"`
}
