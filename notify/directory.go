package notify

import (
	"context"

	"github.com/custos-go/custos"
)

// Contact is a recipient's address on one channel and preferred language.
type Contact struct {
	Address Address
	// Language is the preferred language as stored, a BCP 47 tag or an
	// Accept-Language list; "" for none.
	Language string
}

// Directory reads a customer's address and preferred language at send
// time, under acc, the message's sender access: for customers in the
// vault through its audited, purpose-bound read (see package vaultdir).
// It returns ErrNoAddress when the customer has none for the channel,
// ErrForgotten when the customer was forgotten, a *Failure for other
// refusals that no retry cures; any other error counts as temporary.
type Directory interface {
	Contact(ctx context.Context, acc custos.Access, subject custos.SubjectID, ch Channel) (Contact, error)
}

// DirectoryFunc adapts a function to Directory.
type DirectoryFunc func(ctx context.Context, acc custos.Access, subject custos.SubjectID, ch Channel) (Contact, error)

// Contact calls f.
func (f DirectoryFunc) Contact(ctx context.Context, acc custos.Access, subject custos.SubjectID, ch Channel) (Contact, error) {
	return f(ctx, acc, subject, ch)
}
