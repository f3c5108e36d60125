package rights

import (
	"context"
	"iter"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// Vault is what the desk needs of the vault: *vault.Vault implements it.
// Every fulfilment act on customer records goes through it, under the
// operator's access and the request's id, so the vault authorizes and
// audits each one.
type Vault interface {
	ExportRecords(ctx context.Context, acc custos.Access, subject custos.SubjectID) (vault.Export, error)
	Update(ctx context.Context, acc custos.Access, subject custos.SubjectID, recordType string, values vault.Values) error
	Forget(ctx context.Context, acc custos.Access, subject custos.SubjectID, why vault.Erasure) (vault.Certificate, error)
	Restrict(ctx context.Context, acc custos.Access, subject custos.SubjectID, ground string) error
	RecordTypes(ctx context.Context, acc custos.Access, subject custos.SubjectID) ([]string, error)
	SubjectState(ctx context.Context, subject custos.SubjectID) (custos.SubjectState, error)
}

// Consent is what the desk needs of the consent registry:
// *consent.Registry implements it.
type Consent interface {
	Receipts(ctx context.Context, acc custos.Access, subject custos.SubjectID) ([]consent.Receipt, error)
	Withdraw(ctx context.Context, a consent.Act) error
	Purposes() []consent.Purpose
}

// Retention is what the desk needs of retention: *retention.Retention
// implements it. Erasure requests go through it, so that what a statutory
// period keeps is restricted, not destroyed (PIPL Art. 47 ¶2).
type Retention interface {
	Erase(ctx context.Context, subject custos.SubjectID, request string) (retention.Outcome, error)
	Hold(ctx context.Context, id string) (retention.Hold, error)
	ListHolds(ctx context.Context, batch int) iter.Seq2[retention.Hold, error]
}

// Outbox is what the desk needs of the notification outbox:
// *notify.Outbox implements it. Answers, extension notices and correction
// notices are enqueued under keys derived from the request's id, so that
// a rerun enqueues nothing twice.
type Outbox interface {
	Enqueue(ctx context.Context, m notify.Message) (string, error)
	Templates() *notify.Templates
}
