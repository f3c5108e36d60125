package main

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/synth"
	"github.com/custos-go/custos/vault"
)

// load stores n synthetic customers from several goroutines, so that their
// writes share database commits.
func load(ctx context.Context, v *vault.Vault, acc custos.Access, n int) error {
	gen := synth.New(2026)
	customers := make(chan synth.Customer)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(customers)
		for range n {
			c := gen.Next()
			select {
			case customers <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	for range 16 {
		g.Go(func() error {
			for c := range customers {
				id := custos.SubjectID(c.ID)
				if err := v.Put(ctx, acc, id, "customer", vault.Values{
					"name": c.Name, "resident_id": c.ResidentID, "mobile": c.Mobile, "bank_card": c.BankCard, "address": c.Address,
				}); err != nil {
					return fmt.Errorf("store customer: %w", err)
				}
				if err := v.Put(ctx, acc, id, "lease", vault.Values{"contract": c.Contract, "amount": c.Amount}); err != nil {
					return fmt.Errorf("store lease: %w", err)
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// nth regenerates the synthetic customer with the given id.
func nth(id custos.SubjectID) synth.Customer {
	gen := synth.New(2026)
	for {
		if c := gen.Next(); c.ID == string(id) {
			return c
		}
	}
}
