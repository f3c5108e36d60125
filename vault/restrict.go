package vault

import (
	"context"
	"errors"
	"fmt"

	"github.com/custos-go/custos"
)

// Restrict puts the customer in restricted, storage-only state (PIPL Art.
// 47 ¶2; NDSR Art. 24; GDPR Art. 18): from now on Get, Find, Export, Put and
// Update are refused with ErrRestricted for every purpose except the
// configured legal-hold purposes, and Forget is refused until Unrestrict.
// ground says why, such as a retention duty still running; it must not hold
// personal data, and follows custos.GroundRule (one line of at most 512
// bytes, no control or invisible formatting characters): otherwise Restrict
// fails with an error wrapping custos.ErrInvalidText (and ErrMissingField
// for an empty ground) and changes nothing. Restricting a restricted
// customer replaces the ground.
func (v *Vault) Restrict(ctx context.Context, acc custos.Access, subject custos.SubjectID, ground string) error {
	if err := checkGround("restriction", ground); err != nil {
		return err
	}
	return v.setRestriction(ctx, acc, subject, custos.ActionRestrict, Restriction{Restricted: true, Ground: ground})
}

// Unrestrict lifts the customer's restriction.
func (v *Vault) Unrestrict(ctx context.Context, acc custos.Access, subject custos.SubjectID) error {
	return v.setRestriction(ctx, acc, subject, custos.ActionUnrestrict, Restriction{})
}

func (v *Vault) setRestriction(ctx context.Context, acc custos.Access, subject custos.SubjectID, act custos.Action, r Restriction) error {
	if err := validate(acc, subject); err != nil {
		return err
	}
	ev, err := v.decide(ctx, Request{Access: acc, Action: act, Subject: subject})
	if err != nil {
		return err
	}
	defer v.lock(subject)()
	return v.change(ctx, &ev, func() (func() error, error) {
		if _, err := v.restriction(ctx, subject); err != nil {
			return nil, err
		}
		if r.Restricted {
			r.Since = v.now()
		}
		return func() error {
			err := v.store.SetRestriction(ctx, subject, r)
			if errors.Is(err, ErrNotFound) {
				return v.notFound(ctx, subject)
			}
			if err != nil {
				return fmt.Errorf("vault: store restriction: %w", err)
			}
			return nil
		}, nil
	})
}

// Restriction returns the customer's restriction state: whether and why
// the customer is restricted, which is no personal data but still a read of
// the customer's state. The access must be allowed custos.ActionState
// for the customer, and the read is recorded like any other: a refusal is
// returned before anything is read, so a caller without the right learns
// neither whether the customer exists nor whether they were forgotten;
// otherwise Restriction returns ErrNotFound, ErrForgotten or the state.
//
// Components that only need to know whether a customer may be acted on, as
// part of an operation they audit themselves, use custos.Subjects.
func (v *Vault) Restriction(ctx context.Context, acc custos.Access, subject custos.SubjectID) (Restriction, error) {
	return readState(ctx, v, acc, subject, func() (Restriction, error) { return v.restriction(ctx, subject) })
}

// restriction reads the customer's restriction state.
func (v *Vault) restriction(ctx context.Context, subject custos.SubjectID) (Restriction, error) {
	s, err := v.subject(ctx, subject)
	return s.Restriction, err
}
