package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

// testConcurrent runs Put, Get, Update and Forget on a few customers from
// many goroutines and two vault instances, and checks that every read saw a
// value some writer wrote, every error is one a caller expects, and the end
// state is consistent.
func testConcurrent(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	vaults := []*vault.Vault{f.vault, f.newVault(f.keyring(f.kek))}
	subjects := []custos.SubjectID{"C1", "C2", "C3", "C4"}
	for _, s := range subjects {
		f.customer(s)
	}
	expected := func(err error) bool {
		return err == nil || errors.Is(err, vault.ErrForgotten) || errors.Is(err, vault.ErrNotFound) || errors.Is(err, vault.ErrConflict)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			v := vaults[g%2]
			for i := range 40 {
				s := subjects[rng.IntN(len(subjects))]
				switch op := rng.IntN(10); {
				case op < 5:
					r, err := v.Get(ctx, clerk, s, "customer", "name", "note")
					assert.True(t, expected(err), "get: %v", err)
					if err == nil {
						assert.Contains(t, r.Values["name"], nameOf(s), "a value written for this customer")
					}
				case op < 8:
					err := v.Update(ctx, clerk, s, "customer", vault.Values{"note": fmt.Sprintf("w%d-%d", g, i)})
					assert.True(t, expected(err), "update: %v", err)
				case op < 9:
					err := v.Put(ctx, clerk, s, "customer", vault.Values{"name": nameOf(s) + " Again"})
					assert.True(t, expected(err), "put: %v", err)
				default:
					if s == "C1" || s == "C2" {
						_, err := v.Forget(ctx, dpo, s, vault.Erasure{Ground: "test"})
						assert.True(t, expected(err), "forget: %v", err)
					}
				}
			}
		})
	}
	wg.Wait()

	// Whatever raced, a forgotten customer stays forgotten once the
	// ledger is re-applied, and the others read.
	_, err := f.vault.Reapply(ctx, nil)
	require.NoError(t, err)
	for _, s := range subjects {
		gone, err := f.keys.Shredded(ctx, s)
		require.NoError(t, err)
		_, err = f.vault.Get(ctx, clerk, s, "customer", "name")
		if gone {
			assert.ErrorIs(t, err, vault.ErrForgotten, "subject %d", s)
		} else {
			assert.NoError(t, err)
		}
	}
}
