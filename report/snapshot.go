package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/rights"
)

// SnapshotVersion is the version of a Snapshot's stored form.
const SnapshotVersion = 1

// ErrNoSnapshot reports a store that holds no policy snapshot.
var ErrNoSnapshot = errors.New("report: no policy snapshot stored")

// ErrSnapshot reports stored bytes that are not a policy snapshot.
var ErrSnapshot = errors.New("report: malformed policy snapshot")

// Snapshot is the records of processing (GDPR Art. 30(1)) as figures,
// generated from the host's policy values by Reporter.Snapshot: the
// sections a report derives from Policies (the records of processing, the
// security measures, the impact-assessment drafts) with their findings,
// and what the live sections need of the policies (the purposes whose
// consent is counted, the request clocks' regimes).
//
// A host stores it (Reporter.SaveSnapshot) whenever it configures its
// policies. A report built from a Snapshot (Config.Snapshot), as the stock
// `custos report` builds it, which has none of the host's Go values, shows
// the same records of processing as one built from the Policies: the
// policy is typed once, in the host's code. Like a Report, a Snapshot holds
// no personal data.
type Snapshot struct {
	// Version is SnapshotVersion.
	Version int `json:"version"`
	// Taken is when the snapshot was generated from the policies.
	Taken time.Time `json:"taken"`
	// Controller names the handler.
	Controller string `json:"controller,omitempty"`
	// Records are the sections generated from the policies before the
	// live state ("processing", "security"); Assessments those after it
	// (the impact-assessment drafts), if any.
	Records     []Section `json:"records"`
	Assessments []Section `json:"assessments,omitempty"`
	// Findings are the findings of those sections.
	Findings []Finding `json:"findings"`
	// ConsentPurposes are the purposes based on consent, whose states the
	// consent section counts.
	ConsentPurposes []custos.PurposeID `json:"consent_purposes"`
	// Regimes are the request clocks' regimes the rights section states.
	Regimes []SnapshotRegime `json:"regimes,omitempty"`
}

// SnapshotRegime is what the report states of a rights.Regime.
type SnapshotRegime struct {
	Name      string        `json:"name"`
	Period    rights.Period `json:"period"`
	Extension rights.Period `json:"extension"`
	Soon      rights.Period `json:"soon"`
	Law       string        `json:"law,omitempty"`
}

// SnapshotStore keeps the latest policy snapshot of a deployment. The
// stores of storage/memstore and storage/sqlstore implement it.
type SnapshotStore interface {
	// PutSnapshot stores s, replacing the snapshot stored before.
	PutSnapshot(ctx context.Context, s Snapshot) error
	// LatestSnapshot returns the snapshot stored last, or ErrNoSnapshot.
	LatestSnapshot(ctx context.Context) (Snapshot, error)
}

// Snapshot generates the policy snapshot of r's Policies as of at (zero:
// the Config's clock now). A Reporter built from a Snapshot returns that
// snapshot.
func (r *Reporter) Snapshot(ctx context.Context, at time.Time) (Snapshot, error) {
	if r.cfg.Snapshot != nil {
		return *r.cfg.Snapshot, nil
	}
	at = r.at(at)
	p := &r.cfg.Policies
	s := Snapshot{Version: SnapshotVersion, Taken: at, Controller: p.Controller.Name, Findings: []Finding{}, ConsentPurposes: []custos.PurposeID{}}
	head, tail := r.policySources()
	for _, part := range []struct {
		srcs []Source
		out  *[]Section
	}{{head, &s.Records}, {tail, &s.Assessments}} {
		for _, src := range part.srcs {
			sec, fs, err := src.Section(ctx, at)
			if err != nil {
				return Snapshot{}, err
			}
			*part.out = append(*part.out, normalize(sec))
			s.Findings = append(s.Findings, fs...)
		}
	}
	for _, pu := range p.Purposes {
		if pu.Basis == custos.BasisConsent {
			s.ConsentPurposes = append(s.ConsentPurposes, pu.ID)
		}
	}
	if r.cfg.Rights != nil {
		for _, g := range r.cfg.Rights.Regimes {
			s.Regimes = append(s.Regimes, SnapshotRegime{Name: g.Name, Period: g.Period, Extension: g.Extension, Soon: g.Soon, Law: g.Law})
		}
	}
	return s, nil
}

// SaveSnapshot generates the policy snapshot now and stores it: a host
// calls it when it configures its policies, so that `custos report`
// reports them.
func (r *Reporter) SaveSnapshot(ctx context.Context, store SnapshotStore) (Snapshot, error) {
	s, err := r.Snapshot(ctx, time.Time{})
	if err != nil {
		return Snapshot{}, err
	}
	if err := store.PutSnapshot(ctx, s); err != nil {
		return Snapshot{}, fmt.Errorf("report: store the policy snapshot: %w", err)
	}
	return s, nil
}

// MarshalSnapshot encodes s as it is stored: JSON.
func MarshalSnapshot(s Snapshot) ([]byte, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	return json.Marshal(s)
}

// ParseSnapshot decodes a stored snapshot, failing with ErrSnapshot on
// bytes MarshalSnapshot did not write: an unknown version, fields it does
// not know, a section or finding without an ID, a row whose width is not
// its table's.
func ParseSnapshot(b []byte) (Snapshot, error) {
	var s Snapshot
	if err := strictJSON(b, &s); err != nil {
		return Snapshot{}, fmt.Errorf("%w: %v", ErrSnapshot, err)
	}
	if err := s.validate(); err != nil {
		return Snapshot{}, err
	}
	return s, nil
}

func (s Snapshot) validate() error {
	if s.Version != SnapshotVersion {
		return fmt.Errorf("%w: version %d, this custos reads %d", ErrSnapshot, s.Version, SnapshotVersion)
	}
	if len(s.Records) == 0 {
		return fmt.Errorf("%w: no records of processing", ErrSnapshot)
	}
	for _, sec := range slices.Concat(s.Records, s.Assessments) {
		if err := sec.check(); err != nil {
			return fmt.Errorf("%w: %v", ErrSnapshot, err)
		}
	}
	for _, f := range s.Findings {
		if _, known := severityRank[f.Severity]; f.Code == "" || f.Section == "" || !known {
			return fmt.Errorf("%w: a finding without a code, section or known severity", ErrSnapshot)
		}
	}
	for _, p := range s.ConsentPurposes {
		if p == "" {
			return fmt.Errorf("%w: an empty consent purpose", ErrSnapshot)
		}
	}
	for _, g := range s.Regimes {
		if g.Name == "" {
			return fmt.Errorf("%w: a regime without a name", ErrSnapshot)
		}
	}
	return nil
}

// strictJSON decodes one JSON value into v, refusing fields v does not
// have and anything after the value.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// check reports a section that no renderer can show.
func (sec Section) check() error {
	if sec.ID == "" {
		return errors.New("a section without an ID")
	}
	for _, t := range sec.Tables {
		if t.ID == "" {
			return fmt.Errorf("section %s: a table without an ID", sec.ID)
		}
		for _, row := range t.Rows {
			if len(row) != len(t.Columns) {
				return fmt.Errorf("section %s: table %s: a row of %d cells, %d columns", sec.ID, t.ID, len(row), len(t.Columns))
			}
		}
	}
	for _, c := range sec.Charts {
		if !slices.ContainsFunc(sec.Tables, func(t Table) bool { return t.ID == c.Table }) {
			return fmt.Errorf("section %s: chart %s draws no table of the section", sec.ID, c.ID)
		}
	}
	return nil
}

// consentPurposes are the purposes the consent section counts, from the
// policies or the snapshot.
func (c *Config) consentPurposes() []consent.Purpose {
	if c.Snapshot == nil {
		return c.Policies.Purposes
	}
	out := make([]consent.Purpose, 0, len(c.Snapshot.ConsentPurposes))
	for _, id := range c.Snapshot.ConsentPurposes {
		out = append(out, consent.Purpose{ID: id, Basis: custos.BasisConsent})
	}
	return out
}

// snapshotRegimes rebuilds the regimes a snapshot states.
func snapshotRegimes(gs []SnapshotRegime) []rights.Regime {
	out := make([]rights.Regime, 0, len(gs))
	for _, g := range gs {
		out = append(out, rights.Regime{Name: g.Name, Period: g.Period, Extension: g.Extension, Soon: g.Soon, Law: g.Law})
	}
	return out
}

// stored is a section read from a snapshot, with its findings.
type stored struct {
	sec Section
	fs  []Finding
}

func (s stored) Section(context.Context, time.Time) (Section, []Finding, error) {
	return s.sec, s.fs, nil
}

// storedSources returns the snapshot's sections as sources, each with the
// findings of its section.
func storedSources(secs []Section, fs []Finding) []Source {
	out := make([]Source, 0, len(secs))
	for _, sec := range secs {
		var mine []Finding
		for _, f := range fs {
			if f.Section == sec.ID {
				mine = append(mine, f)
			}
		}
		out = append(out, stored{sec: sec, fs: mine})
	}
	return out
}
