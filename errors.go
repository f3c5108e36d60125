package custos

import "errors"

var (
	// ErrInvalidSubject reports a customer identifier that is empty, too
	// long or holds characters an identifier may not hold.
	ErrInvalidSubject = errors.New("custos: invalid subject identifier")

	// ErrNoActor reports an access that does not name who is acting. There
	// is no default actor.
	ErrNoActor = errors.New("custos: access names no actor")

	// ErrNoPurpose reports an access that does not name why. There is no
	// purpose-free read.
	ErrNoPurpose = errors.New("custos: access names no purpose")

	// ErrClosed reports a call on a store, log or vault that was closed.
	ErrClosed = errors.New("custos: closed")
)
