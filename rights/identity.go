package rights

import (
	"context"
	"fmt"
	"time"
)

// Verifier verifies a requester's identity, and for an agent or relative
// their authority, before anything is fulfilled (rule R8; PIPL Art. 45 ¶3,
// 49; GDPR Art. 12(6)). The host implements it over its own means — a
// signed-in session, a one-time code, a document checked at a branch — and
// returns how it verified and a reference to its evidence. custos keeps
// only those two; the documents stay with the host.
//
// Verify returns an error wrapping ErrVerification when it could not
// verify; any other error means it could not decide.
type Verifier interface {
	Verify(ctx context.Context, r Request) (Identity, error)
}

// VerifierFunc adapts a function to the Verifier interface.
type VerifierFunc func(ctx context.Context, r Request) (Identity, error)

// Verify calls f.
func (f VerifierFunc) Verify(ctx context.Context, r Request) (Identity, error) { return f(ctx, r) }

// Identity is how a requester's identity was verified.
type Identity struct {
	// Method names the means, such as "app-session", "sms-otp",
	// "branch-id-check".
	Method string `json:"method"`
	// Evidence references the host's record of the check, such as
	// "otp:5521" or "branch:0012/2026-0419": a reference, never the
	// document or a number read from it.
	Evidence string `json:"evidence"`
	// At is when the Desk recorded the verification.
	At time.Time `json:"at"`
}

// IsZero reports whether no verification is recorded.
func (id Identity) IsZero() bool { return id == Identity{} }

func (id Identity) validate() error {
	if err := checkCode("verification method", id.Method); err != nil {
		return fmt.Errorf("%w: %w", ErrVerification, err)
	}
	if err := checkReference("verification evidence", id.Evidence); err != nil {
		return fmt.Errorf("%w: %w", ErrVerification, err)
	}
	return nil
}
