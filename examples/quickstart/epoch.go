package main

import (
	"context"
	"time"

	"github.com/custos-go/custos"
)

// closeEpoch completes the erasure at once: it closes the erasure epoch
// that held the forgotten customer's DEK, ahead of the deadline the
// certificate names, so that the quickstart need not wait a day. A host
// runs keys.Keyring.RunEpochs in a goroutine instead, which closes each
// dirty epoch when it is due (daily by default).
func (a *app) closeEpoch(ctx context.Context, _ custos.SubjectID) error {
	done, err := a.vault.ErasureComplete(ctx, a.cert)
	if err != nil {
		return err
	}
	a.printf("erasure complete before the epoch close: %v (deadline %s)\n", done, a.cert.CompleteBy.Format(time.RFC3339))
	rep, err := a.keys.CloseEpoch(ctx, a.cert.KeyGroup)
	if err != nil {
		return err
	}
	if done, err = a.vault.ErasureComplete(ctx, a.cert); err != nil {
		return err
	}
	a.printf("closed erasure epoch %d of group %d: %d other customers' keys rewrapped, key %v destroyed; erasure complete: %v\n",
		a.cert.KeyEpoch, a.cert.KeyGroup, rep.Rewrapped, rep.Destroyed, done)
	return nil
}
