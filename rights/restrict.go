package rights

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/vault"
)

// restrict answers a restriction request: the customer is put in
// storage-only state with the request's ground (GDPR Art. 18; PIPL Art.
// 44).
func (a *acts) restrict(ctx context.Context) (outcome, error) {
	o, err := a.restricted(ctx)
	if err != nil || o.text != "" {
		return o, err
	}
	return outcome{state: Fulfilled, text: "processing restricted to storage only"}, nil
}

// restricted restricts the customer once; it returns the no-data outcome
// when the vault does not hold them.
func (a *acts) restricted(ctx context.Context) (outcome, error) {
	if e, ok := a.done[actRestrict]; ok {
		if strings.Contains(e.Detail, `"held":false`) {
			return outcome{state: Fulfilled, text: noData}, nil
		}
		return outcome{}, nil
	}
	ground := bounded("data-subject request " + a.r.ID + " (" + a.r.Kind.String() + "): " + a.r.Ground)
	err := a.d.vault.Restrict(ctx, a.as(), a.r.Subject, ground)
	held := true
	switch {
	case errors.Is(err, vault.ErrNotFound), errors.Is(err, vault.ErrForgotten):
		held = false
	case err != nil:
		return outcome{}, fmt.Errorf("rights: restrict: %w", err)
	}
	if err := a.did(ctx, actRestrict, map[string]any{"held": held}); err != nil {
		return outcome{}, err
	}
	if !held {
		return outcome{state: Fulfilled, text: noData}, nil
	}
	return outcome{}, nil
}

// withdraw answers a withdrawal request: consent is withdrawn for each
// purpose (PIPL Art. 15; GDPR Art. 7(3)).
func (a *acts) withdraw(ctx context.Context) (outcome, error) {
	var none []string
	for _, p := range a.r.Purposes {
		live, err := a.withdrawn(ctx, p)
		if err != nil {
			return outcome{}, err
		}
		if !live {
			none = append(none, string(p))
		}
	}
	text := "consent withdrawn for " + joinPurposes(a.r.Purposes)
	if len(none) > 0 {
		text += "; no live consent for " + strings.Join(none, ", ")
	}
	return outcome{state: Fulfilled, text: text}, nil
}

// withdrawn withdraws the consent for p once, and reports whether one was
// live.
func (a *acts) withdrawn(ctx context.Context, p custos.PurposeID) (bool, error) {
	act := "withdraw:" + string(p)
	if e, ok := a.done[act]; ok {
		return !strings.Contains(e.Detail, `"live":false`), nil
	}
	err := a.d.consent.Withdraw(ctx, consent.Act{
		Subject: a.r.Subject, Purposes: []custos.PurposeID{p}, Actor: a.acc.Actor, Channel: a.r.Channel, RequestID: a.r.ID,
	})
	live := true
	switch {
	case errors.Is(err, consent.ErrNoConsent):
		live = false
	case err != nil:
		return false, fmt.Errorf("rights: withdraw: %w", err)
	}
	return live, a.did(ctx, act, map[string]any{"live": live})
}

// object answers an objection (GDPR Art. 21; PIPL Art. 44): consent is
// withdrawn for the consent-based purposes; for the others processing is
// restricted, storage only, while the objection is weighed (GDPR Art.
// 18(1)(d)).
func (a *acts) object(ctx context.Context) (outcome, error) {
	var withdrawn, restricted []custos.PurposeID
	for _, p := range a.r.Purposes {
		if a.d.purposes[p].Basis == custos.BasisConsent {
			if _, err := a.withdrawn(ctx, p); err != nil {
				return outcome{}, err
			}
			withdrawn = append(withdrawn, p)
			continue
		}
		restricted = append(restricted, p)
	}
	var parts []string
	if len(withdrawn) > 0 {
		parts = append(parts, "consent withdrawn for "+joinPurposes(withdrawn))
	}
	if len(restricted) > 0 {
		o, err := a.restricted(ctx)
		if err != nil {
			return outcome{}, err
		}
		if o.text == noData {
			parts = append(parts, noData)
		} else {
			parts = append(parts, "processing restricted to storage only while the objection to "+joinPurposes(restricted)+" is weighed (GDPR Art. 18(1)(d))")
		}
	}
	return outcome{state: Fulfilled, text: bounded(strings.Join(parts, "; "))}, nil
}

func joinPurposes(ps []custos.PurposeID) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}
