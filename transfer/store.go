package transfer

import (
	"context"
	"time"

	"github.com/custos-go/custos"
)

// StoredPlan is a proposed plan as the store keeps it.
type StoredPlan struct {
	// ID is the plan's ID.
	ID string
	// Plan is the plan's canonical JSON (Plan.MarshalCanonical).
	Plan []byte
	// Digest is Plan.Digest.
	Digest []byte
	// Proposed is when the plan was proposed, and By who proposed it.
	Proposed time.Time
	By       string
	// SealedKey is the transfer key encapsulated to the recipient
	// (SealTransferKey), set once by the first export so that an export
	// run again writes the same bundle; empty before.
	SealedKey []byte
	// Root and Customers are the manifest of the latest complete export;
	// empty before.
	Root      []byte
	Customers uint64
	// Finished is when Seller.Finish completed; zero before.
	Finished time.Time
}

// Approval is one approver's sign-off of a plan's digest.
type Approval struct {
	// TransferID names the plan, and Digest the exact plan approved.
	TransferID string
	Digest     []byte
	// Approver is who approved, in the role given.
	Approver custos.Actor
	// At is when.
	At time.Time
}

// Import is the acquirer's record of one transfer's import: which
// manifest it follows, and whether it finished.
type Import struct {
	// ID is the transfer (plan) ID.
	ID string
	// Root, Customers, Header and Notices are the verified manifest's.
	Root            []byte
	Customers       uint64
	Header, Notices []byte
	// Started is when the import began; Done when it finished (zero
	// while under way).
	Started, Done time.Time
}

// Store persists transfers. It holds no business rules. Implementations
// must be safe for concurrent use and return ErrNotFound and ErrExists
// (wrapped is fine) where documented; storage/storetest checks them.
type Store interface {
	// CreatePlan stores a new plan, or returns ErrExists if its ID is
	// taken.
	CreatePlan(ctx context.Context, p StoredPlan) error
	// GetPlan returns the plan, or ErrNotFound.
	GetPlan(ctx context.Context, id string) (StoredPlan, error)
	// SetSealedKey sets the plan's SealedKey if it is empty and returns
	// the stored one: the first caller's key wins, so that concurrent or
	// repeated exports agree. ErrNotFound if there is no such plan.
	SetSealedKey(ctx context.Context, id string, sealed []byte) ([]byte, error)
	// SetExported records the manifest root and customer count of a
	// complete export, replacing any earlier; ErrNotFound if there is no
	// such plan.
	SetExported(ctx context.Context, id string, root []byte, customers uint64) error
	// SetFinished sets the plan's Finished time if it is zero; ErrNotFound
	// if there is no such plan.
	SetFinished(ctx context.Context, id string, at time.Time) error
	// AddApproval stores an approval, or returns ErrExists if the same
	// approver (Actor.ID) already approved the plan; ErrNotFound if there
	// is no such plan.
	AddApproval(ctx context.Context, a Approval) error
	// Approvals returns the plan's approvals in the order stored.
	Approvals(ctx context.Context, id string) ([]Approval, error)

	// CreateImport stores the start of an import, or returns ErrExists.
	CreateImport(ctx context.Context, im Import) error
	// GetImport returns the import of a transfer, or ErrNotFound.
	GetImport(ctx context.Context, id string) (Import, error)
	// FinishImport sets the import's Done time if it is zero; ErrNotFound
	// if there is no such import.
	FinishImport(ctx context.Context, id string, at time.Time) error
}

// Recorder durably records audit events; audit.Log is one.
type Recorder interface {
	Record(ctx context.Context, e custos.Event) error
}
