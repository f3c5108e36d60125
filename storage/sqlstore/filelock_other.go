//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlstore

import "errors"

// haveFlock is false: SQLite's busy handler alone waits for the lock.
const haveFlock = false

func flockExclusive(int) error { return errors.ErrUnsupported }

func flockTry(int) bool { return false }

func flockRelease(int) {}
