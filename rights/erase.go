package rights

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// erase answers an erasure request through retention (PIPL Art. 47; GDPR
// Art. 17): destroyed with a certificate; kept in storage only while a
// statutory period runs (PIPL Art. 47 ¶2), the answer naming the rules and
// until when; refused under a legal hold, with the hold's reason (GDPR
// Art. 17(3)(e)).
func (a *acts) erase(ctx context.Context) (outcome, error) {
	if e, ok := a.done[actErase]; ok {
		return recorded(e), nil
	}
	if held, err := a.holdsOver(ctx); err != nil {
		return outcome{}, err
	} else if len(held) > 0 {
		var why, ids []string
		for _, h := range held {
			why, ids = append(why, "legal hold: "+h.Reason), append(ids, h.ID)
		}
		text := "erasure refused (GDPR Art. 17(3)(e)): " + strings.Join(why, "; ")
		return a.erased(ctx, outcome{state: Refused, text: bounded(text), holds: ids}, nil)
	}
	o, err := a.d.retention.Erase(ctx, a.r.Subject, a.r.ID)
	switch {
	case errors.Is(err, retention.ErrUnknownSubject):
		return a.erased(ctx, outcome{state: Fulfilled, text: noData}, nil)
	case errors.Is(err, retention.ErrForgotten):
		// Destroyed by an earlier attempt whose record was lost, or
		// forgotten elsewhere: Forget finishes an interrupted erasure and
		// returns its certificate, or the certificate of the erasure done.
		cert, ferr := a.d.vault.Forget(ctx, a.as(), a.r.Subject, a.erasure())
		switch {
		case cert.ID != "" && (ferr == nil || errors.Is(ferr, vault.ErrForgotten)):
			return a.erased(ctx, destroyedOutcome(cert), &cert)
		case ferr == nil, errors.Is(ferr, vault.ErrForgotten), errors.Is(ferr, vault.ErrNotFound):
			return a.erased(ctx, outcome{state: Fulfilled, text: "erased earlier; " + noData}, nil)
		}
		return outcome{}, fmt.Errorf("rights: finish the erasure: %w", ferr)
	case err != nil:
		return outcome{}, fmt.Errorf("rights: erase: %w", err)
	}
	switch {
	case o.Kind == retention.Destroyed && o.Certificate != nil:
		return a.erased(ctx, destroyedOutcome(*o.Certificate), o.Certificate)
	case len(o.Holds) > 0:
		var why []string
		for _, id := range o.Holds {
			h, err := a.d.retention.Hold(ctx, id)
			if err != nil {
				return outcome{}, fmt.Errorf("rights: read hold: %w", err)
			}
			why = append(why, "legal hold: "+h.Reason)
		}
		text := "erasure refused (GDPR Art. 17(3)(e); PIPL Art. 47 ¶2): " + strings.Join(why, "; ") + "; kept in storage only"
		return a.erased(ctx, outcome{state: Refused, text: bounded(text), holds: o.Holds}, nil)
	case o.Kind == retention.Restricted:
		return a.erased(ctx, outcome{state: PartiallyFulfilled, text: bounded(o.Why)}, nil)
	}
	return outcome{}, fmt.Errorf("rights: erase: retention answered %s", o.Kind)
}

func destroyedOutcome(c vault.Certificate) outcome {
	return outcome{state: Fulfilled, text: "erased by crypto-shredding; destruction certificate issued"}
}

// erased records the erasure act with its outcome, the legal holds that
// refused it and its certificate.
func (a *acts) erased(ctx context.Context, o outcome, cert *vault.Certificate) (outcome, error) {
	d := map[string]any{"state": o.state.String(), "outcome": o.text}
	if len(o.holds) > 0 {
		// The holds' ids stay in the history, not in the answer's text: a
		// random id may read as a number a notice refuses as personal data.
		d["holds"] = o.holds
	}
	if cert != nil {
		d["certificate"] = cert
	}
	if err := a.did(ctx, actErase, d); err != nil {
		return outcome{}, err
	}
	return o, nil
}

// bounded keeps an outcome within custos.GroundRule's 512 bytes.
func bounded(s string) string {
	if len(s) <= 512 {
		return s
	}
	cut := 509
	for cut > 0 && s[cut]&0xc0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}

// holdsOver returns the legal holds in force now over the customer: not
// released, started and not ended, naming the customer or no one, and
// covering a record type the customer holds or all. They are read before
// anything is erased, so that a refusal changes nothing. Holds are few;
// they are listed whole.
func (a *acts) holdsOver(ctx context.Context) ([]retention.Hold, error) {
	held, err := a.held(ctx)
	if err != nil || !held {
		return nil, err
	}
	types, err := a.d.vault.RecordTypes(ctx, a.as(), a.r.Subject)
	if err != nil {
		return nil, fmt.Errorf("rights: record types: %w", err)
	}
	now := a.d.now()
	var out []retention.Hold
	for h, err := range a.d.retention.ListHolds(ctx, 0) {
		if err != nil {
			return nil, fmt.Errorf("rights: read holds: %w", err)
		}
		inForce := h.Released.IsZero() && !h.Start.After(now) && (h.End.IsZero() || h.End.After(now))
		names := len(h.Subjects) == 0 || slices.Contains(h.Subjects, a.r.Subject)
		covers := len(h.RecordTypes) == 0 || slices.ContainsFunc(h.RecordTypes, func(t string) bool { return slices.Contains(types, t) })
		if inForce && names && covers {
			out = append(out, h)
		}
	}
	return out, nil
}
