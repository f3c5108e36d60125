//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sqlstore

import (
	"errors"
	"syscall"
)

const haveFlock = true

// flockExclusive waits for an exclusive flock on fd.
func flockExclusive(fd int) error {
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// flockTry takes an exclusive flock on fd if no one holds it.
func flockTry(fd int) bool {
	return syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

// flockRelease releases fd's flock.
func flockRelease(fd int) {
	syscall.Flock(fd, syscall.LOCK_UN)
}
