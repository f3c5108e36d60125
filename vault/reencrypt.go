package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/custos-go/custos"
)

// ReencryptOptions controls Reencrypt.
type ReencryptOptions struct {
	// Type and After resume an interrupted sweep from the Type and
	// Checkpoint of its last progress report.
	Type  string
	After custos.SubjectID
	// BatchSize is how many records are read per store call; 0 means 256.
	BatchSize int
	// Progress, if set, is called after each batch.
	Progress func(ReencryptProgress)
}

// ReencryptProgress reports how far Reencrypt has come.
type ReencryptProgress struct {
	// Seen counts records examined, Reencrypted those rewritten.
	Seen, Reencrypted int64
	// Type and Checkpoint are the last record done.
	Type       string
	Checkpoint custos.SubjectID
}

// Reencrypt is the sweep that follows DEK rotations (keys.Keyring.RotateDEK):
// every record holding a field encrypted under a key other than its
// customer's current primary key is decrypted and encrypted again under
// it, so that the old keys can later be retired. Records already current
// are left alone, so the sweep is cheap to run again. It streams record
// types in name order and records in subject order with bounded memory,
// is safe to run while the vault serves, and no plaintext leaves the vault.
// Forgotten customers are skipped.
//
// The access must be allowed custos.ActionReencrypt (asked once, with no
// subject, like Find's first check). Every record rewritten has its own
// audit event, naming the customer and the fields, durably recorded before
// the rewrite commits: if the recorder fails, the sweep stops with an
// error wrapping ErrAudit and that record is unchanged.
func (v *Vault) Reencrypt(ctx context.Context, acc custos.Access, opt ReencryptOptions) (ReencryptProgress, error) {
	var p ReencryptProgress
	if err := acc.Validate(); err != nil {
		return p, err
	}
	sweep, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionReencrypt})
	if err != nil {
		return p, err
	}
	err = v.sweep(ctx, opt.Type, opt.After, opt.BatchSize,
		func(*recordType) bool { return true },
		func(t *recordType, s Stored) error {
			done, err := v.reencrypt(ctx, sweep, t, s)
			if err != nil {
				return err
			}
			p.Seen++
			if done {
				p.Reencrypted++
			}
			p.Type, p.Checkpoint = t.name, s.Subject
			return nil
		},
		func() {
			if opt.Progress != nil {
				opt.Progress(p)
			}
		})
	return p, err
}

// reencrypt rewrites one record under its customer's primary key if any
// field needs it, retrying when the record changes meanwhile.
func (v *Vault) reencrypt(ctx context.Context, sweep custos.Event, t *recordType, s Stored) (bool, error) {
	defer v.lock(s.Subject)()
	done := false
	err := v.sweepChange(ctx, sweep, t, s, func(ev *custos.Event, s Stored) (func() error, error) {
		w, names, err := v.prepareReencrypt(ctx, t, s)
		if err != nil || w == nil {
			return nil, err
		}
		ev.Fields = names
		return func() error {
			if err := v.putRecord(ctx, *w); err != nil {
				return err
			}
			done = true
			return nil
		}, nil
	})
	return done, err
}

// prepareReencrypt returns the rewrite of a record under its customer's
// primary key, or nil if every field is already under it or the customer
// was forgotten.
func (v *Vault) prepareReencrypt(ctx context.Context, t *recordType, s Stored) (*Write, []string, error) {
	env, err := decodeEnvelope(s.Envelope)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	primary, err := v.keys.PrimaryPrefix(ctx, s.Subject)
	if err != nil {
		if err = keyErr(err); errors.Is(err, ErrForgotten) {
			err = nil
		}
		return nil, nil, err
	}
	if !slices.ContainsFunc(env, func(f sealedField) bool { return !bytes.HasPrefix(f.ciphertext, primary) }) {
		return nil, nil, nil
	}
	names := env.names()
	canonical := make(map[string]string, len(names))
	if err := v.open(ctx, s.Subject, t, s.Envelope, names, func(i int, c string) error {
		canonical[names[i]] = c
		return nil
	}); err != nil {
		return nil, nil, err
	}
	a, err := v.keys.ForWrite(ctx, s.Subject)
	if err != nil {
		return nil, nil, keyErr(err)
	}
	sealed, err := seal(a, t.name, s.Subject, names, canonical)
	if err != nil {
		return nil, nil, err
	}
	return &Write{Subject: s.Subject, Ref: v.keys.Reference(s.Subject), Type: t.name,
		Envelope: encodeEnvelope(sealed), Expect: s.Version, Time: s.Updated}, names, nil
}
