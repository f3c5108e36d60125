package transfer

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
)

// Party names a personal-information handler as the notices state it
// (PIPL Art. 17, 22): a company, not a person.
type Party struct {
	// Name is the handler's legal name.
	Name string `json:"name"`
	// Contact is how customers reach it: an address, a phone line, a web
	// page.
	Contact string `json:"contact"`
	// Jurisdiction is where it is established, as an ISO 3166-1 alpha-2
	// code such as "CN".
	Jurisdiction string `json:"jurisdiction"`
}

// Recipient is the handler that receives the customers: the acquirer.
type Recipient struct {
	Party
	// PublicKeyset is the acquirer's Tink hybrid (HPKE) public keyset in
	// Tink's binary format, as PublicKeyset returns it. The transfer key
	// is encapsulated to it; only the holder of the private keyset opens
	// it.
	PublicKeyset []byte `json:"public_keyset"`
	// Verifier is the acquirer's signed-note verifier key
	// (golang.org/x/mod/sumdb/note), which checks its receipt of the
	// manifest. Optional at planning; required to finish.
	Verifier string `json:"verifier,omitempty"`
}

// Scope is what moves.
type Scope struct {
	// RecordTypes are the vault record types that move; a customer's
	// records of other types stay with the seller.
	RecordTypes []string `json:"record_types"`
	// Purposes are the processing purposes carried over: the recipient
	// stays bound to them and their methods (PIPL Art. 22; RULES M2).
	Purposes []custos.PurposeID `json:"purposes"`
}

// Plan is a transfer as decided before anything moves. Build it, call
// Validate, then have it approved (see Seller.Approve). A plan is
// immutable once proposed: its Digest is what approvers sign off.
type Plan struct {
	// ID identifies the transfer: 1 to 48 lower-case letters, digits and
	// '-'. It is bound into every key and digest of the transfer, so a
	// bundle of one transfer is refused by another.
	ID string `json:"id"`
	// Cause decides the article (Cause.Article).
	Cause Cause `json:"cause"`
	// Seller is the handler handing the customers over.
	Seller Party `json:"seller"`
	// Recipient is the acquirer.
	Recipient Recipient `json:"recipient"`
	// Scope is what moves.
	Scope Scope `json:"scope"`
	// Exclusions are customers that do not move whatever their consent.
	Exclusions []custos.SubjectID `json:"exclusions,omitempty"`
	// ImpactAssessment references the personal-information impact
	// assessment made before the transfer (PIPL Art. 55(3); RULES M4),
	// such as a report number.
	ImpactAssessment string `json:"impact_assessment"`
	// Effective is the day the customers pass to the recipient, stated in
	// the notices (PIPL Art. 22).
	Effective time.Time `json:"effective"`
	// Terms state, for a plan needing separate consent, the recipient's
	// purpose, method and categories of data the consent request names
	// (PIPL Art. 23). Required then.
	Terms *Terms `json:"terms,omitempty"`
	// ConsentPurpose is the registered purpose of the separate consent to
	// this provision. Required when the plan needs separate consent (PIPL
	// Art. 23 or 39): only customers with a live consent for it move.
	ConsentPurpose custos.PurposeID `json:"consent_purpose,omitempty"`
	// ConsentDeadline is when the consent requests of an Art. 23 or 39
	// plan close: only customers who consented by then move. Required with
	// ConsentPurpose.
	ConsentDeadline time.Time `json:"consent_deadline,omitzero"`
	// Processors are the processors the seller engaged that hold data of
	// the customers who move: each must return or delete it before the
	// transfer closes (PIPL Art. 21; RULES M6; Seller.Finish).
	Processors []Processor `json:"processors,omitempty"`
}

// Terms are what a separate-consent request states besides the recipient
// (PIPL Art. 23): the recipient's purpose, method and categories of data,
// as plain text in the notice's words. No personal data.
type Terms struct {
	Purpose    string `json:"purpose"`
	Method     string `json:"method"`
	Categories string `json:"categories"`
}

var planID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,47}$`)

// maxExclusions bounds a plan's exclusion list.
const maxExclusions = 100_000

// Abroad reports whether the recipient is established in another
// jurisdiction than the seller (PIPL Art. 38, 39).
func (p Plan) Abroad() bool {
	return !strings.EqualFold(p.Recipient.Jurisdiction, p.Seller.Jurisdiction)
}

// Articles returns the articles the transfer is made under: Article22 or
// Article23 by cause, and Article39 when the recipient is abroad.
func (p Plan) Articles() []Article {
	a := []Article{p.Cause.Article()}
	if p.Abroad() {
		a = append(a, Article39)
	}
	return a
}

// NeedsSeparateConsent reports whether each customer must give separate
// consent before moving: under Art. 23, or abroad under Art. 39 (RULES L7,
// M3). An Art. 22 transfer at home needs none (RULES M1).
func (p Plan) NeedsSeparateConsent() bool {
	return p.Cause.Article() == Article23 || p.Abroad()
}

// Excluded reports whether the plan excludes the customer.
func (p Plan) Excluded(s custos.SubjectID) bool {
	_, found := slices.BinarySearch(p.Exclusions, s)
	return found
}

// Validate reports the first rule the plan breaks, wrapped in
// ErrInvalidPlan. It checks that the cause, the seller and the recipient
// (name, contact, jurisdiction, an HPKE public keyset) are given; that the
// scope names record types and purposes, each once; that the impact
// assessment is referenced (PIPL Art. 55(3)); that a plan needing separate
// consent names its consent purpose and deadline; that each processor is
// named, reachable, located, under a referenced contract and given once;
// and that exclusions are valid, sorted and distinct.
func (p Plan) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidPlan}, args...)...)
	}
	if !planID.MatchString(p.ID) {
		return bad("id must be 1-48 lower-case letters, digits and '-'")
	}
	if p.Cause == "" {
		return bad("no cause")
	}
	if err := p.Seller.validate("seller"); err != nil {
		return bad("%v", err)
	}
	if err := p.Recipient.validate("recipient"); err != nil {
		return bad("%v", err)
	}
	if _, err := ParseRecipientKey(p.Recipient.PublicKeyset); err != nil {
		return bad("recipient public keyset: %v", err)
	}
	if len(p.Scope.RecordTypes) == 0 {
		return bad("scope names no record type")
	}
	if err := distinct(p.Scope.RecordTypes); err != nil {
		return bad("scope record types: %v", err)
	}
	if len(p.Scope.Purposes) == 0 {
		return bad("scope names no purpose carried over")
	}
	if err := distinct(p.Scope.Purposes); err != nil {
		return bad("scope purposes: %v", err)
	}
	if strings.TrimSpace(p.ImpactAssessment) == "" {
		return bad("no impact assessment referenced (PIPL Art. 55(3))")
	}
	if p.Effective.IsZero() {
		return bad("no effective date for the notices (PIPL Art. 22)")
	}
	if p.NeedsSeparateConsent() {
		if p.Terms == nil || strings.TrimSpace(p.Terms.Purpose) == "" || strings.TrimSpace(p.Terms.Method) == "" || strings.TrimSpace(p.Terms.Categories) == "" {
			return bad("separate consent needs the recipient's purpose, method and categories (PIPL Art. 23)")
		}
		if p.ConsentPurpose == "" {
			return bad("%s needs separate consent: no consent purpose", strings.Join(articleNames(p.Articles()), ", "))
		}
		if p.ConsentDeadline.IsZero() {
			return bad("separate consent needs a deadline")
		}
		if slices.Contains(p.Scope.Purposes, p.ConsentPurpose) {
			return bad("the consent purpose is not a purpose carried over")
		}
	}
	if err := validateProcessors(p.Processors); err != nil {
		return bad("%v", err)
	}
	if len(p.Exclusions) > maxExclusions {
		return bad("more than %d exclusions", maxExclusions)
	}
	for i, s := range p.Exclusions {
		if err := s.Validate(); err != nil {
			return bad("exclusion %d: %v", i, err)
		}
		if i > 0 && p.Exclusions[i-1] >= s {
			return bad("exclusions not sorted or repeated at %d", i)
		}
	}
	return nil
}

func (p Party) validate(who string) error {
	switch {
	case strings.TrimSpace(p.Name) == "":
		return fmt.Errorf("%s has no name", who)
	case strings.TrimSpace(p.Contact) == "":
		return fmt.Errorf("%s has no contact", who)
	case !validJurisdiction(p.Jurisdiction):
		return fmt.Errorf("%s jurisdiction must be an ISO 3166-1 alpha-2 code", who)
	}
	return nil
}

func validJurisdiction(j string) bool {
	if len(j) != 2 {
		return false
	}
	for _, c := range j {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func distinct[T ~string](xs []T) error {
	seen := make(map[T]bool, len(xs))
	for _, x := range xs {
		if x == "" {
			return fmt.Errorf("empty name")
		}
		if seen[x] {
			return fmt.Errorf("%q given twice", string(x))
		}
		seen[x] = true
	}
	return nil
}

func articleNames(as []Article) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}

// Digest returns the SHA-256 of the plan's canonical JSON: what approvers
// approve and what the manifest names. Any change of the plan changes it.
func (p Plan) Digest() []byte {
	b, err := p.MarshalCanonical()
	if err != nil {
		panic("transfer: plan does not encode: " + err.Error())
	}
	d := sha256.Sum256(b)
	return d[:]
}

// MarshalCanonical returns the plan's canonical JSON: fields in the order
// of the Plan type, times in UTC at microsecond precision.
func (p Plan) MarshalCanonical() ([]byte, error) {
	p.ConsentDeadline = canonicalTime(p.ConsentDeadline)
	p.Effective = canonicalTime(p.Effective)
	return json.Marshal(p)
}

func canonicalTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}
