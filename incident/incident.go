package incident

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/custos-go/custos"
)

// Kind is what happened to the personal information (PIPL Art. 57: leak,
// alteration or loss; GDPR Art. 4(12); unavailability for CSF's broader
// incidents).
type Kind string

const (
	KindLeak           Kind = "leak"
	KindAlteration     Kind = "alteration"
	KindLoss           Kind = "loss"
	KindUnavailability Kind = "unavailability"
)

func (k Kind) valid() bool {
	return k == KindLeak || k == KindAlteration || k == KindLoss || k == KindUnavailability
}

// Category is a kind of personal information an incident concerns: a record
// type's fields, each with its class (PIPL Art. 28 sensitivity, JR/T 0171
// level).
type Category struct {
	RecordType string
	Fields     []Field
}

// Field is one field of a category with its class; a zero class level
// means not known.
type Field struct {
	Name  string
	Class custos.Class
}

// Exposure is what the evidence says about how the data was exposed, from
// which the individuals' exemption is computed (GDPR Art. 34(3)).
type Exposure struct {
	// Plaintext is true when personal information left the vault in clear
	// (reads allowed by the vault, as scoping from the audit log finds).
	Plaintext bool
	// Ciphertext is true when stored ciphertext was exposed (a copy of the
	// database, a backup).
	Ciphertext bool
	// CompromisedKEKs names the KEK or epoch key ids that were exposed;
	// any one removes the encryption exemption.
	CompromisedKEKs []string
	// Mitigated is the reason, if any, that measures taken since ensure
	// the high risk is no longer likely to materialise (GDPR Art.
	// 34(3)(b)); empty if none.
	Mitigated string
	// Disproportionate is the reason, if any, that individual notices would
	// involve disproportionate effort, so a public communication replaces
	// them (GDPR Art. 34(3)(c)); empty if none.
	Disproportionate string
}

// Incident is one entry of the register: what happened, what it concerns,
// its grade, lifecycle state and obligations. Its timeline is kept apart
// (Register.Timeline). It holds no personal data: customers are counted
// here and listed only in the store's affected set.
type Incident struct {
	// ID is the host's stable id, such as "INC-2026-0042".
	ID string
	// Drill marks a rehearsal: notices go to the drill sink, obligations
	// are computed but not owed (rule I5).
	Drill bool
	// Detected is when the incident was detected; Aware when the handler
	// became aware it concerns personal information (GDPR Art. 33(1)).
	// Aware is not before Detected.
	Detected, Aware time.Time
	Kind            Kind
	// Cause is a short description, without personal data.
	Cause string
	// Systems names the systems concerned.
	Systems []string
	// Categories are the kinds of personal information concerned.
	Categories []Category
	// People and Records count the people and records concerned, as
	// scoping found or the host estimated (GDPR Art. 33(3)(a)).
	People, Records int64
	// Harm is the likely consequences (GDPR Art. 33(3)(c); PIPL Art. 57).
	Harm string
	// Measures taken or proposed (GDPR Art. 33(3)(d); PIPL Art. 57).
	Measures []string
	// Remedies is what the people concerned can do (PIPL Art. 57).
	Remedies string
	// Exposure is how the data was exposed.
	Exposure Exposure
	// Grade is the CAC grade; State the lifecycle phase.
	Grade Grade
	State State
	// Obligations are the reports and notices owed, with their due times.
	Obligations []Obligation
	// Lessons is the lessons-learned summary recorded at closing.
	Lessons string
	// Version counts stored changes: 1 when opened.
	Version int64
	// Steps is the number of timeline entries; LastStep the date of the
	// last, before which no entry may be dated.
	Steps    int64
	LastStep time.Time
	// Updated is the time of the last change.
	Updated time.Time
}

// LogValue renders the incident for log/slog: its id, kind, state and
// counts.
func (i Incident) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", i.ID), slog.String("kind", string(i.Kind)),
		slog.String("state", i.State.String()), slog.Int64("people", i.People), slog.Bool("drill", i.Drill))
}

// maxText bounds every free-text part of an incident.
const maxText = 2000

// validate checks what every stored incident satisfies.
func (i Incident) validate() error {
	if err := custos.SubjectID(i.ID).Validate(); err != nil {
		return fmt.Errorf("%w: incident id: %v", ErrInvalid, err)
	}
	switch {
	case i.Detected.IsZero() || i.Aware.IsZero():
		return fmt.Errorf("%w: detected and aware times are required", ErrInvalid)
	case i.Aware.Before(i.Detected):
		return fmt.Errorf("%w: aware (%s) before detected (%s)", ErrInvalid, i.Aware.UTC().Format(time.RFC3339), i.Detected.UTC().Format(time.RFC3339))
	case !i.Kind.valid():
		return fmt.Errorf("%w: kind %q is not leak, alteration, loss or unavailability", ErrInvalid, i.Kind)
	case i.People < 0 || i.Records < 0:
		return fmt.Errorf("%w: negative counts", ErrInvalid)
	case len(i.Cause) > maxText || len(i.Harm) > maxText || len(i.Remedies) > maxText || len(i.Lessons) > maxText:
		return fmt.Errorf("%w: a text is longer than %d bytes", ErrInvalid, maxText)
	}
	for _, c := range i.Categories {
		if c.RecordType == "" {
			return fmt.Errorf("%w: category without record type", ErrInvalid)
		}
		for _, f := range c.Fields {
			if f.Name == "" {
				return fmt.Errorf("%w: category %s: field without name", ErrInvalid, c.RecordType)
			}
			if err := f.Class.Validate(); err != nil && f.Class.Level != custos.LevelNone {
				return fmt.Errorf("%w: category %s field %s: %v", ErrInvalid, c.RecordType, f.Name, err)
			}
		}
	}
	return nil
}
