package consent

import (
	"context"
	"errors"
	"fmt"

	"github.com/custos-go/custos"
)

// Request is what an access asks the Checker; see custos.AccessRequest.
type Request = custos.AccessRequest

// Decision is the Checker's answer; see custos.Decision.
type Decision = custos.Decision

// Checker decides, on every access, whether the access's purpose may
// perform the action on the named fields of the customer now. It is what
// the vault asks before releasing or changing anything (DESIGN: reads are
// purpose-bound and fail closed).
//
// An access is allowed only if its purpose is declared, allows the action
// and every field named (minimum necessary, PIPL Art. 6), and its legal
// basis holds for the customer now (PIPL Art. 13; GDPR Art. 6): for a
// consent-based purpose, the customer's record for exactly that purpose is
// in state Given or Renewed, on the purpose's current notice generation,
// within its validity (rules L3, L10); for any other basis, the purpose's
// Condition, if set, holds. Refusing or withdrawing one purpose never
// affects another (PIPL Art. 16, rule L5).
//
// A withdrawal recorded by any Registry over the same Store refuses the
// very next access (PIPL Art. 15, rule L4). The Checker reads the record
// from the Store on every consent-based access, except when the request
// carries the store's AuthVersion of the customer, which every consent write
// changes in its own transaction: then an answer read under the same version
// is reused, and the vault's read costs no extra query.
//
// Refusal reasons: "invalid-access", "purpose-unknown",
// "action-not-allowed", "field-not-allowed", "no-consent",
// "consent-requested", "consent-deferred", "consent-refused",
// "consent-withdrawn", "consent-revoked", "consent-expired",
// "consent-invalidated", "notice-changed", "basis-condition-not-met". A
// customer whose consent records were erased has none: "no-consent".
type Checker struct{ r *Registry }

// Authorize answers req. It returns an error only when it cannot decide (a
// failing store or Condition); a refusal is a Decision with Allowed false.
func (c *Checker) Authorize(ctx context.Context, req Request) (Decision, error) {
	// A search first asks, with no subject, whether the purpose may search
	// at all; each customer found is then checked in full.
	search := req.Subject == "" && req.Action == custos.ActionFind
	if req.Access.Validate() != nil || (!search && req.Subject.Validate() != nil) {
		return Decision{Reason: "invalid-access"}, nil
	}
	p, ok := c.r.purposes[req.Access.Purpose]
	switch {
	case !ok:
		return Decision{Reason: "purpose-unknown"}, nil
	case !p.actions[req.Action]:
		return Decision{Reason: "action-not-allowed"}, nil
	}
	if len(req.Fields) > 0 {
		allowed := p.fields[req.RecordType]
		for _, f := range req.Fields {
			if !allowed[f] {
				return Decision{Reason: "field-not-allowed"}, nil
			}
		}
	}
	if search {
		return Decision{Allowed: true, Basis: p.Basis}, nil
	}
	if p.Basis != custos.BasisConsent {
		if p.Condition != nil {
			holds, err := p.Condition(ctx, req.Subject)
			if err != nil {
				return Decision{}, fmt.Errorf("consent: condition of purpose %q: %w", p.ID, err)
			}
			if !holds {
				return Decision{Reason: "basis-condition-not-met"}, nil
			}
		}
		return Decision{Allowed: true, Basis: p.Basis}, nil
	}
	rec, found, err := c.record(ctx, req, p.ID)
	if err != nil {
		return Decision{}, err
	}
	if !found {
		return Decision{Reason: reasonNoConsent}, nil
	}
	if _, reason := p.effective(rec, c.r.now()); reason != "" {
		return Decision{Reason: reason}, nil
	}
	return Decision{Allowed: true, Basis: custos.BasisConsent}, nil
}

// consentKey names one customer's record for one purpose.
type consentKey struct {
	subject custos.SubjectID
	purpose custos.PurposeID
}

// cachedConsent is a consent record as read while the customer's
// authorization version was version.
type cachedConsent struct {
	version int64
	found   bool
	rec     Record
}

// record returns the customer's record for the purpose. When the request
// carries the store's AuthVersion it may come from the cache: the version
// changes in the same transaction as every consent write, and it was read
// before the record, so an entry cached under the request's version is never
// older than the version says.
func (c *Checker) record(ctx context.Context, req Request, purpose custos.PurposeID) (Record, bool, error) {
	k := consentKey{req.Subject, purpose}
	cacheable := c.r.cache != nil && req.AuthVersion != 0
	if cacheable {
		if e, ok := c.r.cache.Get(k); ok && e.version == req.AuthVersion {
			return e.rec, e.found, nil
		}
	}
	rec, err := c.r.store.GetConsent(ctx, req.Subject, purpose)
	found := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Record{}, false, fmt.Errorf("consent: read record: %w", err)
	}
	if cacheable {
		c.r.cache.Put(k, cachedConsent{version: req.AuthVersion, found: found, rec: rec},
			func(old cachedConsent) bool { return old.version > req.AuthVersion })
	}
	return rec, found, nil
}
