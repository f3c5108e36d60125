package report

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Reporter builds reports from a Config. Build it with New; it is safe
// for concurrent use as far as the stores it reads are.
type Reporter struct {
	cfg     Config
	sources []Source
	cat     *catalogs
}

// New validates cfg and returns its Reporter. It fails with ErrConfig on
// a Config that cannot make a report.
func New(cfg Config) (*Reporter, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cat, err := newCatalogs()
	if err != nil {
		return nil, err
	}
	r := &Reporter{cfg: cfg, cat: cat}
	head, tail := r.policySources()
	r.sources = head
	if cfg.Consents != nil {
		r.sources = append(r.sources, consentStates{src: cfg.Consents, purposes: r.cfg.consentPurposes(), months: cfg.months()})
	}
	if cfg.Retention != nil {
		r.sources = append(r.sources, retentionState{store: cfg.Retention, months: cfg.months()})
	}
	if cfg.Rights != nil {
		r.sources = append(r.sources, rightsState{r: r.cfg.rights(), months: cfg.months()})
	}
	if cfg.Incidents != nil {
		r.sources = append(r.sources, incidents{cfg.Incidents})
	}
	if cfg.Transfers != nil {
		r.sources = append(r.sources, transfers{cfg.Transfers})
	}
	if cfg.Outbox != nil {
		r.sources = append(r.sources, outbox{cfg.Outbox})
	}
	if cfg.Audit != nil {
		r.sources = append(r.sources, auditLog{cfg.Audit})
	}
	r.sources = append(r.sources, tail...)
	r.sources = append(r.sources, cfg.Sources...)
	return r, nil
}

// Build reads every section as of at (zero: the Config's clock now) and
// returns the report. Any store error fails the whole report: a report
// with a section silently missing would mislead its reader. A failed
// check (a log that does not verify) is not an error but a finding.
func (r *Reporter) Build(ctx context.Context, at time.Time) (Report, error) {
	at = r.at(at)
	rep := Report{Version: FormatVersion, At: at, Controller: r.cfg.controller(), Findings: []Finding{}}
	for i, s := range r.sources {
		sec, fs, err := s.Section(ctx, at)
		if err != nil {
			return Report{}, err
		}
		if sec.ID == "" {
			return Report{}, fmt.Errorf("%w: a source returned a section without an ID", ErrConfig)
		}
		rep.Sections = append(rep.Sections, normalize(sec))
		rep.Findings = append(rep.Findings, fs...)
		if r.cfg.Progress != nil {
			r.cfg.Progress(i+1, len(r.sources))
		}
	}
	// Failures first, then gaps, then open questions: what the reader
	// must see first comes first.
	slices.SortStableFunc(rep.Findings, func(a, b Finding) int { return severityRank[a.Severity] - severityRank[b.Severity] })
	return rep, nil
}

var severityRank = map[Severity]int{Failure: 0, Gap: 1, Open: 2}

// policySources returns the sections generated from the policies: those
// before the live state and those after it. A Config with a Snapshot
// reads them from it.
func (r *Reporter) policySources() (head, tail []Source) {
	if s := r.cfg.Snapshot; s != nil {
		return storedSources(s.Records, s.Findings), storedSources(s.Assessments, s.Findings)
	}
	p := &r.cfg.Policies
	verifier := ""
	if r.cfg.Audit != nil {
		verifier = r.cfg.Audit.Verifier
	}
	head = []Source{processing{p}, security{p: p, verifier: verifier}}
	if len(r.cfg.Assessments) > 0 {
		tail = []Source{assessments{p: p, plans: r.cfg.Assessments}}
	}
	return head, tail
}

// at is the report's time: at, or the Config's clock now when at is zero,
// in UTC to the second.
func (r *Reporter) at(at time.Time) time.Time {
	if at.IsZero() {
		if r.cfg.Clock != nil {
			at = r.cfg.Clock.Now()
		} else {
			at = time.Now()
		}
	}
	return at.UTC().Truncate(time.Second)
}

// normalize gives a section's empty lists their JSON form ([] rather than
// null), so that a section reads back as it was written.
func normalize(sec Section) Section {
	if sec.Tables == nil {
		sec.Tables = []Table{}
	}
	for i := range sec.Tables {
		if sec.Tables[i].Rows == nil {
			sec.Tables[i].Rows = [][]Cell{}
		}
	}
	return sec
}
