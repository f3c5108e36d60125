package rights

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// Pseudonyms gives customers' pseudonymous references: a keyed, stable
// function of the subject that cannot be turned back into it without the
// key (GDPR Art. 4(5)). *keys.Keyring implements it (Keyring.Reference).
type Pseudonyms interface {
	Reference(subject custos.SubjectID) []byte
}

// ProofRule is the rule under which the requests of a forgotten customer
// are kept, pseudonymous, as custos.Kept.Rule names it: the handler must be
// able to show how it answered each request (GDPR Art. 5(2), 12; PIPL Art.
// 50, 54).
const ProofRule = "GDPR Art. 5(2), 12; PIPL Art. 50, 54: the handler must be able to show how it answered each request"

// refPrefix starts the SubjectKey of a pseudonymised request: a space, which
// no SubjectID holds, so that no customer's key equals a reference's.
const refPrefix = "ref "

// SubjectKey is the key a Store files the request under for OfSubject: the
// SubjectID, or "ref " and SubjectRef once the request is pseudonymised.
func (r Request) SubjectKey() string {
	if r.SubjectRef != "" {
		return refPrefix + r.SubjectRef
	}
	return string(r.Subject)
}

// Pseudonymised reports whether the request names its customer only by
// pseudonymous reference.
func (r Request) Pseudonymised() bool { return r.SubjectRef != "" }

// refOf returns the customer's pseudonymous reference, hex.
func refOf(p Pseudonyms, subject custos.SubjectID) string {
	return hex.EncodeToString(p.Reference(subject))
}

// validRef reports whether s is a reference as refOf writes it: 16 to 64
// bytes, hex.
func validRef(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) >= 16 && len(b) <= 64 && hex.EncodeToString(b) == s
}

// pseudonymise is the step that replaces a closed request's customer by
// their reference; a request already pseudonymised is left as it is.
func pseudonymise(ref string) change {
	return func(r *Request, _ time.Time) (Entry, bool, error) {
		if r.Pseudonymised() {
			return Entry{}, false, nil
		}
		if r.Open() {
			return Entry{}, false, fmt.Errorf("%w: an open request keeps its customer until answered", ErrState)
		}
		r.Subject, r.SubjectRef = "", ref
		return Entry{Step: StepPseudonymised}, true, nil
	}
}

// EraserConfig configures an Eraser.
type EraserConfig struct {
	// Store is the Desk's Store.
	Store Store
	// Recorder records each pseudonymisation, as a step of its request.
	Recorder Recorder
	// Pseudonyms gives the references (the Desk's Config.Pseudonyms).
	Pseudonyms Pseudonyms
	// Clock gives the time; nil means time.Now.
	Clock custos.Clock
}

// Eraser keeps the requests of a customer the vault forgets as
// pseudonymous proof of their answers (PIPL Art. 47; GDPR Art. 17): it is
// the rights package's custos.Eraser, which the vault's Forget calls before
// it destroys the customer's key. Build it with NewEraser, before the vault
// (vault.Config.Erasers), over the Store the Desk uses.
type Eraser struct {
	d      *Desk
	pseudo Pseudonyms
}

var _ custos.Eraser = (*Eraser)(nil)

// NewEraser validates cfg and returns an Eraser.
func NewEraser(cfg EraserConfig) (*Eraser, error) {
	switch {
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrConfig)
	case cfg.Recorder == nil:
		return nil, fmt.Errorf("%w: no Recorder", ErrConfig)
	case cfg.Pseudonyms == nil:
		return nil, fmt.Errorf("%w: no Pseudonyms (the keyring)", ErrConfig)
	}
	return &Eraser{d: &Desk{store: cfg.Store, rec: cfg.Recorder, clock: cfg.Clock}, pseudo: cfg.Pseudonyms}, nil
}

// EraseSubject replaces the customer by their pseudonymous reference in
// every closed request of theirs: Subject becomes empty and SubjectRef the
// reference, each change a step of its request's history
// (StepPseudonymised), audited under the request's id before it is stored.
// The requests and histories are kept, as proof of the answers (ProofRule);
// they hold no other personal data (see Request).
//
// A request still open keeps the customer, since answering it needs them
// (an erasure request is open while the vault forgets the customer it
// names): the Desk pseudonymises it in the step that closes it, once the
// vault has forgotten the customer. EraseSubject is idempotent: a rerun
// pseudonymises what is left and reports every request kept.
func (e *Eraser) EraseSubject(ctx context.Context, acc custos.Access, subject custos.SubjectID) (custos.Erased, error) {
	if err := acc.Validate(); err != nil {
		return custos.Erased{}, err
	}
	if err := subject.Validate(); err != nil {
		return custos.Erased{}, err
	}
	ref := refOf(e.pseudo, subject)
	err := e.each(ctx, string(subject), func(r Request) error {
		if r.Open() {
			return nil
		}
		if _, err := e.d.advance(ctx, acc, r.ID, pseudonymise(ref)); err != nil && !errors.Is(err, ErrState) {
			return err
		}
		return nil
	})
	if err != nil {
		return custos.Erased{}, err
	}
	n := 0
	if err := e.each(ctx, refPrefix+ref, func(Request) error { n++; return nil }); err != nil {
		return custos.Erased{}, err
	}
	out := custos.Erased{Component: "rights"}
	if n > 0 {
		out.Kept = []custos.Kept{{What: "data-subject requests and their histories, keyed by pseudonymous reference", Count: n, Rule: ProofRule}}
	}
	return out, nil
}

// each calls fn with every request filed under key, by ID, a page at a
// time.
func (e *Eraser) each(ctx context.Context, key string, fn func(Request) error) error {
	const page = 256
	for after := ""; ; {
		rs, err := e.d.store.OfSubject(ctx, key, after, page)
		if err != nil {
			return fmt.Errorf("rights: read requests: %w", err)
		}
		for _, r := range rs {
			if err := fn(r); err != nil {
				return err
			}
			after = r.ID
		}
		if len(rs) < page {
			return nil
		}
	}
}

// closingRef returns the reference a closing step puts in place of r's
// customer: theirs when the vault has forgotten them, empty otherwise.
func (d *Desk) closingRef(ctx context.Context, r Request) (string, error) {
	if r.Pseudonymised() {
		return "", nil
	}
	st, err := d.vault.SubjectState(ctx, r.Subject)
	if err != nil {
		return "", fmt.Errorf("rights: customer state: %w", err)
	}
	if st != custos.SubjectForgotten {
		return "", nil
	}
	return refOf(d.pseudo, r.Subject), nil
}
