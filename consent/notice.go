package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
)

// Notice is the notice a person reads before consenting, as policy data
// (rule L9): it names the handler and its contact, the processing methods,
// the retention period and what happens at its end, how to exercise rights
// and to withdraw, and, through the purposes that name it, the purposes and
// categories of data (PIPL Art. 17; GDPR Art. 13, 14; NDSR Art. 21).
//
// A notice is versioned by content: its version is the SHA-256 of its
// canonical content together with the purposes it describes, so any change,
// even of wording, makes a new version, and a consent names exactly the
// version the person saw. Each purpose also has a generation: the hash of
// the notice's material terms for that purpose only (purpose, legal basis,
// actions, data categories, methods, separate-consent triggers,
// recipients). A change of purpose, method or categories of data makes a
// new generation, and consents given on the earlier one no longer permit
// processing until given again (PIPL Art. 14 ¶2, rule L3); a change of
// wording alone keeps the generation and the consents.
type Notice struct {
	// ID names the notice, such as "privacy-notice": lower-case letters,
	// digits, '.', '-' and '_', at most 64 bytes.
	ID string
	// Controller is the personal information handler and its contact
	// (PIPL Art. 17(1)).
	Controller Party
	// Methods name the processing methods, such as "collection",
	// "encrypted-storage" or "automated-decision" (PIPL Art. 17(2)). They
	// are material: changing them changes every purpose's generation.
	Methods []string
	// Retention states how long the data is kept (PIPL Art. 17(2)).
	Retention Text
	// AtExpiry states what happens when the retention period ends (NDSR
	// Art. 21).
	AtExpiry Text
	// Rights states how to exercise the rights of PIPL Chapter IV (PIPL
	// Art. 17(3)).
	Rights Text
	// Withdrawal states how to withdraw consent, as easy as giving it (PIPL
	// Art. 15; GDPR Art. 7(3)).
	Withdrawal Text
	// StorageLocation is where the data is stored, such as "CN"; Jurisdiction
	// is the law the processing falls under, such as "CN" or "EU". Both go
	// into receipts (ISO/IEC TS 27560).
	StorageLocation, Jurisdiction string
	// Body is the full wording shown to the person.
	Body Text
}

var noticeID = regexp.MustCompile(`^[a-z][a-z0-9._-]{0,63}$`)

// validate enforces rule L9: every item a notice must state is stated.
func (n Notice) validate() error {
	if !noticeID.MatchString(n.ID) {
		return fmt.Errorf("%w: notice id %q is not a valid name", ErrConfig, n.ID)
	}
	if err := n.Controller.validate(fmt.Sprintf("notice %q controller", n.ID)); err != nil {
		return err
	}
	if len(n.Methods) == 0 {
		return fmt.Errorf("%w: notice %q states no processing method (PIPL Art. 17(2))", ErrConfig, n.ID)
	}
	for i, m := range n.Methods {
		if strings.TrimSpace(m) == "" || slices.Contains(n.Methods[:i], m) {
			return fmt.Errorf("%w: notice %q: empty or repeated method", ErrConfig, n.ID)
		}
	}
	for _, t := range []struct {
		text Text
		what string
	}{
		{n.Retention, "retention period (PIPL Art. 17(2))"},
		{n.AtExpiry, "what happens at the end of retention (NDSR Art. 21)"},
		{n.Rights, "how to exercise rights (PIPL Art. 17(3))"},
		{n.Withdrawal, "how to withdraw consent (PIPL Art. 15)"},
		{n.Body, "body"},
	} {
		if err := requireText(t.text, fmt.Sprintf("notice %q %s", n.ID, t.what)); err != nil {
			return err
		}
	}
	if strings.TrimSpace(n.StorageLocation) == "" || strings.TrimSpace(n.Jurisdiction) == "" {
		return fmt.Errorf("%w: notice %q names no storage location or jurisdiction", ErrConfig, n.ID)
	}
	return nil
}

// PublishedNotice is one notice version as the Store keeps it: every
// version ever published stays, so that a consent can be traced to the
// exact content the person saw (GDPR Art. 7(1)).
type PublishedNotice struct {
	// Version is "sha256:" and the hex SHA-256 of Content.
	Version string
	// Notice is the notice's ID.
	Notice string
	// Generations maps each purpose the version describes to its
	// generation.
	Generations map[custos.PurposeID]string
	// Content is the canonical JSON of the notice and its purposes.
	Content []byte
	// Published is when this registry first published the version.
	Published time.Time
}

// noticeFormat and generationFormat version the canonical encodings that
// are hashed; changing either would change every hash.
const (
	noticeFormat     = "custos.consent.notice.v1"
	generationFormat = "custos.consent.generation.v1"
)

type noticeContent struct {
	Format          string           `json:"format"`
	ID              string           `json:"id"`
	Controller      Party            `json:"controller"`
	Methods         []string         `json:"methods"`
	Retention       Text             `json:"retention"`
	AtExpiry        Text             `json:"at_expiry"`
	Rights          Text             `json:"rights"`
	Withdrawal      Text             `json:"withdrawal"`
	StorageLocation string           `json:"storage_location"`
	Jurisdiction    string           `json:"jurisdiction"`
	Body            Text             `json:"body"`
	Purposes        []purposeContent `json:"purposes"`
}

type purposeContent struct {
	ID          custos.PurposeID    `json:"id"`
	Description Text                `json:"description"`
	Basis       string              `json:"basis"`
	Law         string              `json:"law,omitempty"`
	Actions     []string            `json:"actions"`
	Fields      map[string][]string `json:"fields"`
	Separate    []string            `json:"separate,omitempty"`
	Recipients  []Recipient         `json:"recipients,omitempty"`
	Necessity   *Text               `json:"necessity,omitempty"`
	Impact      *Text               `json:"impact,omitempty"`
	Validity    string              `json:"validity,omitempty"`
}

type generationTerms struct {
	Format     string              `json:"format"`
	Notice     string              `json:"notice"`
	Methods    []string            `json:"methods"`
	Purpose    custos.PurposeID    `json:"purpose"`
	Basis      string              `json:"basis"`
	Actions    []string            `json:"actions"`
	Fields     map[string][]string `json:"fields"`
	Separate   []string            `json:"separate"`
	Recipients []string            `json:"recipients"`
}

// publish computes the version, content and per-purpose generations of n
// describing purposes (sorted by ID).
func publish(n Notice, purposes []Purpose) PublishedNotice {
	c := noticeContent{
		Format: noticeFormat, ID: n.ID, Controller: n.Controller, Methods: sortedCopy(n.Methods),
		Retention: n.Retention, AtExpiry: n.AtExpiry, Rights: n.Rights, Withdrawal: n.Withdrawal,
		StorageLocation: n.StorageLocation, Jurisdiction: n.Jurisdiction, Body: n.Body,
	}
	pub := PublishedNotice{Notice: n.ID, Generations: map[custos.PurposeID]string{}}
	for _, p := range purposes {
		pc := purposeContent{
			ID: p.ID, Description: p.Description, Basis: p.Basis.String(), Law: p.Law,
			Actions: actionNames(p.Actions), Fields: sortedFields(p.Fields), Separate: triggerList(p.Separate),
			Recipients: p.Recipients,
		}
		if slices.Contains(p.Separate, TriggerSensitive) {
			pc.Necessity, pc.Impact = &p.Necessity, &p.Impact
		}
		if p.Validity > 0 {
			pc.Validity = p.Validity.String()
		}
		c.Purposes = append(c.Purposes, pc)
		pub.Generations[p.ID] = hashJSON(generationTerms{
			Format: generationFormat, Notice: n.ID, Methods: c.Methods, Purpose: p.ID, Basis: pc.Basis,
			Actions: pc.Actions, Fields: pc.Fields, Separate: pc.Separate, Recipients: recipientTerms(p.Recipients),
		})
	}
	pub.Content = mustJSON(c)
	pub.Version = hashBytes(pub.Content)
	return pub
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only plain strings, slices and maps are encoded: unreachable.
		panic("consent: canonical encoding: " + err.Error())
	}
	return b
}

func hashJSON(v any) string { return hashBytes(mustJSON(v)) }

func hashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func sortedFields(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for typ, names := range m {
		out[typ] = sortedCopy(names)
	}
	return out
}

func actionNames(as []custos.Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	slices.Sort(out)
	return out
}

func triggerList(ts []Trigger) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.String())
	}
	slices.Sort(out)
	return out
}

func recipientTerms(rs []Recipient) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Name+"\x00"+r.Country)
	}
	slices.Sort(out)
	return out
}
