package storetest

import "testing"

func runVault(t *testing.T, open Opener) {
	_ = open
}
