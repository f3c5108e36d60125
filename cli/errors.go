package cli

import (
	"errors"
	"fmt"

	"github.com/custos-go/custos/audit"
)

// Exit statuses of a command (../shared/DESIGN.md, Operator CLI).
const (
	// ExitOK: the command did what it was asked; for a check, the check
	// passed.
	ExitOK = 0
	// ExitFailed: a check failed (the log does not verify) or the work
	// could not be completed (a store or KMS error). What was done before
	// the failure stays done, and a rerun resumes where the library call
	// allows.
	ExitFailed = 1
	// ExitUsage: bad input — an unknown command or flag, a missing or
	// malformed argument, a file that does not exist or cannot be parsed.
	// Nothing was written to any store.
	ExitUsage = 2
)

// ErrUsage is wrapped by every error of bad input: ExitCode maps it to
// ExitUsage.
var ErrUsage = errors.New("bad usage")

// ErrCheckFailed is wrapped by the error of a check that ran and failed,
// such as a log that does not verify.
var ErrCheckFailed = errors.New("check failed")

// usagef returns an error wrapping ErrUsage.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

// reported marks an error whose explanation the command already printed,
// so that Main adds nothing but the exit status.
type reported struct{ err error }

func (e *reported) Error() string { return e.err.Error() }
func (e *reported) Unwrap() error { return e.err }

// ExitCode returns the exit status for the error a command returned: 0 for
// nil, ExitUsage for bad input, ExitFailed for everything else.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrUsage), errors.Is(err, audit.ErrConfig):
		return ExitUsage
	}
	return ExitFailed
}
