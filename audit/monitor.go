package audit

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/custos-go/custos"
)

// MonitorConfig says which rules a Monitor applies and with which
// thresholds. A nil rule is off. The rules serve PIPL Art. 51(2) and (5)
// (access control, security checks), PIPL Art. 54 (compliance audits) and
// GDPR Art. 32(1)(d) (regularly testing the effectiveness of measures).
type MonitorConfig struct {
	// BulkReads alerts when one actor reads more than Max distinct
	// customers within Window: the pattern of an insider exporting the
	// customer base.
	BulkReads *BulkReads
	// OffHours alerts on every read outside working hours.
	OffHours *WorkingHours
	// RefusedReads alerts when more than Max reads are refused within
	// Window: probing, or a misconfigured service.
	RefusedReads *RefusedReads
	// AuditReads alerts on every read of the audit log itself (queries and
	// exports record custos.ActionAuditRead).
	AuditReads bool
	// SearchEnumeration alerts when one actor searches many times and
	// finds little: the pattern of trying values (the hidden digits of a
	// masked number, identity numbers) to learn who holds them.
	SearchEnumeration *SearchEnumeration
}

// SearchEnumeration configures the search-enumeration rule over the
// vault's Find events: a Find records one custos.ActionFind entry per
// customer holding the queried values (naming the customer, allowed or
// denied) and, when none does, one entry naming no customer with Reason
// "no-match"; a search refused before the index is read (a masked field)
// is a denied entry naming no customer. An entry that names a customer and
// was allowed is a match; every Find entry is a search.
type SearchEnumeration struct {
	// MinSearches is how many searches one actor makes within Window
	// before the rule judges them; at least 1.
	MinSearches int
	// MaxMatchRatio is the share of searches that matched at or below
	// which the rule alerts, in [0, 1): 0.1 alerts when at most one search
	// in ten found a customer.
	MaxMatchRatio float64
	// Window is the sliding window; positive.
	Window time.Duration
}

// BulkReads configures the bulk-read rule.
type BulkReads struct {
	// Max is the most distinct customers one actor may read within Window
	// without an alert; at least 1.
	Max int
	// Window is the sliding window; positive.
	Window time.Duration
}

// WorkingHours configures the off-hours rule: reads are expected on Days
// between Start and End (offsets from local midnight) in Location.
type WorkingHours struct {
	// Location is the time zone of the working hours, such as
	// time.LoadLocation("Asia/Shanghai"). Required.
	Location *time.Location
	// Start and End bound the working day, as offsets from midnight:
	// 9*time.Hour and 18*time.Hour for 09:00 to 18:00. Start < End <= 24h.
	Start, End time.Duration
	// Days are the working days; empty means Monday to Friday.
	Days []time.Weekday
}

// RefusedReads configures the refused-read spike rule.
type RefusedReads struct {
	// Max is the most refused reads within Window without an alert; at
	// least 1.
	Max int
	// Window is the sliding window; positive.
	Window time.Duration
}

// Rule names, as written in alerts.
const (
	RuleBulkReads    = "bulk-reads"
	RuleOffHours     = "off-hours"
	RuleRefusedReads = "refused-reads"
	RuleAuditRead    = "audit-read"
	RuleSearchEnum   = "search-enumeration"
)

// Alert is what a rule raises. It names the entry that raised it and the
// actor, never a customer.
type Alert struct {
	// Rule is the rule's name, such as RuleBulkReads.
	Rule string
	// Index and Time are those of the entry that raised the alert.
	Index uint64
	Time  time.Time
	// Actor is who acted; empty for rules over all actors.
	Actor string
	// Count is the number the threshold was exceeded with, where one
	// applies.
	Count int
	// Message describes the alert for a human.
	Message string
}

// Monitor applies rules to entries in log order and raises alerts. Build it
// with NewMonitor. A Monitor keeps the state of its windows; it is not safe
// for concurrent use.
type Monitor struct {
	cfg     MonitorConfig
	days    map[time.Weekday]bool
	bulk    map[string]*window // per actor
	search  map[string]*window // per actor: keys "match" and "miss"
	refused window
	next    uint64
}

// window is a sliding window of (time, key) events; keys count distinct
// values (for bulk reads) and armed suppresses repeated alerts until the
// count falls back under the threshold.
type window struct {
	times []time.Time
	keys  []string
	count map[string]int
	armed bool
}

// NewMonitor validates cfg and returns a Monitor.
func NewMonitor(cfg MonitorConfig) (*Monitor, error) {
	m := &Monitor{cfg: cfg, bulk: map[string]*window{}, search: map[string]*window{}, refused: window{armed: true}}
	if e := cfg.SearchEnumeration; e != nil && (e.MinSearches < 1 || e.Window <= 0 || e.MaxMatchRatio < 0 || e.MaxMatchRatio >= 1) {
		return nil, fmt.Errorf("%w: search enumeration needs MinSearches >= 1, 0 <= MaxMatchRatio < 1 and a positive Window", ErrConfig)
	}
	if b := cfg.BulkReads; b != nil && (b.Max < 1 || b.Window <= 0) {
		return nil, fmt.Errorf("%w: bulk reads need Max >= 1 and a positive Window", ErrConfig)
	}
	if r := cfg.RefusedReads; r != nil && (r.Max < 1 || r.Window <= 0) {
		return nil, fmt.Errorf("%w: refused reads need Max >= 1 and a positive Window", ErrConfig)
	}
	if w := cfg.OffHours; w != nil {
		if w.Location == nil {
			return nil, fmt.Errorf("%w: working hours need a Location", ErrConfig)
		}
		if w.Start < 0 || w.Start >= w.End || w.End > 24*time.Hour {
			return nil, fmt.Errorf("%w: working hours need 0 <= Start < End <= 24h", ErrConfig)
		}
		days := w.Days
		if len(days) == 0 {
			days = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
		}
		m.days = map[time.Weekday]bool{}
		for _, d := range days {
			if d < time.Sunday || d > time.Saturday {
				return nil, fmt.Errorf("%w: working day %d is not a weekday", ErrConfig, d)
			}
			m.days[d] = true
		}
	}
	return m, nil
}

// isRead reports whether an action releases customer data.
func isRead(a custos.Action) bool {
	return a == custos.ActionGet || a == custos.ActionFind || a == custos.ActionExport
}

// Observe applies every rule to e, which must follow the entries observed
// before in log order, and returns the alerts it raises.
func (m *Monitor) Observe(e Entry) []Alert {
	var out []Alert
	m.next = e.Index + 1
	if m.cfg.AuditReads && e.Action == custos.ActionAuditRead {
		out = append(out, Alert{Rule: RuleAuditRead, Index: e.Index, Time: e.Time, Actor: e.Actor.ID,
			Message: fmt.Sprintf("the audit log was read (%s) for purpose %q", joinFields(e.Fields), e.Purpose)})
	}
	if a, ok := m.searchEnumeration(e); ok {
		out = append(out, a)
	}
	if !isRead(e.Action) {
		return out
	}
	switch e.Outcome {
	case custos.OutcomeAllowed:
		if a, ok := m.offHours(e); ok {
			out = append(out, a)
		}
		if a, ok := m.bulkReads(e); ok {
			out = append(out, a)
		}
	case custos.OutcomeDenied:
		if a, ok := m.refusedReads(e); ok {
			out = append(out, a)
		}
	}
	return out
}

func joinFields(f []string) string {
	if len(f) == 0 {
		return "unspecified"
	}
	s := f[0]
	for _, x := range f[1:] {
		s += "," + x
	}
	return s
}

func (m *Monitor) offHours(e Entry) (Alert, bool) {
	w := m.cfg.OffHours
	if w == nil {
		return Alert{}, false
	}
	t := e.Time.In(w.Location)
	midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, w.Location)
	since := t.Sub(midnight)
	if m.days[t.Weekday()] && since >= w.Start && since < w.End {
		return Alert{}, false
	}
	return Alert{Rule: RuleOffHours, Index: e.Index, Time: e.Time, Actor: e.Actor.ID,
		Message: fmt.Sprintf("read outside working hours (%s %s, %s)", t.Weekday(), t.Format("15:04"), w.Location)}, true
}

func (m *Monitor) bulkReads(e Entry) (Alert, bool) {
	b := m.cfg.BulkReads
	if b == nil || len(e.Ref) == 0 {
		return Alert{}, false
	}
	w := m.bulk[e.Actor.ID]
	if w == nil {
		w = &window{count: map[string]int{}, armed: true}
		m.bulk[e.Actor.ID] = w
	}
	// A reference is per period; the period is part of the key so that two
	// periods' references are not confused.
	w.add(e.Time, e.Period+"/"+string(e.Ref), b.Window)
	n := len(w.count)
	if n <= b.Max {
		w.armed = true
		return Alert{}, false
	}
	if !w.armed {
		return Alert{}, false
	}
	w.armed = false
	return Alert{Rule: RuleBulkReads, Index: e.Index, Time: e.Time, Actor: e.Actor.ID, Count: n,
		Message: fmt.Sprintf("actor read %d distinct customers within %s (threshold %d)", n, b.Window, b.Max)}, true
}

func (m *Monitor) refusedReads(e Entry) (Alert, bool) {
	r := m.cfg.RefusedReads
	if r == nil {
		return Alert{}, false
	}
	w := &m.refused
	if w.count == nil {
		w.count = map[string]int{}
	}
	w.add(e.Time, "", r.Window)
	n := len(w.times)
	if n <= r.Max {
		w.armed = true
		return Alert{}, false
	}
	if !w.armed {
		return Alert{}, false
	}
	w.armed = false
	return Alert{Rule: RuleRefusedReads, Index: e.Index, Time: e.Time, Count: n,
		Message: fmt.Sprintf("%d reads refused within %s (threshold %d); the last by actor %q", n, r.Window, r.Max, e.Actor.ID)}, true
}

func (m *Monitor) searchEnumeration(e Entry) (Alert, bool) {
	r := m.cfg.SearchEnumeration
	if r == nil || e.Action != custos.ActionFind {
		return Alert{}, false
	}
	w := m.search[e.Actor.ID]
	if w == nil {
		w = &window{count: map[string]int{}, armed: true}
		m.search[e.Actor.ID] = w
	}
	key := "miss"
	if e.Outcome == custos.OutcomeAllowed && len(e.Ref) > 0 {
		key = "match"
	}
	w.add(e.Time, key, r.Window)
	n, hits := len(w.times), w.count["match"]
	if n < r.MinSearches || float64(hits) > r.MaxMatchRatio*float64(n) {
		w.armed = true
		return Alert{}, false
	}
	if !w.armed {
		return Alert{}, false
	}
	w.armed = false
	return Alert{Rule: RuleSearchEnum, Index: e.Index, Time: e.Time, Actor: e.Actor.ID, Count: n,
		Message: fmt.Sprintf("actor searched %d times within %s and found a customer %d times (alert at or below %.0f%%)",
			n, r.Window, hits, 100*r.MaxMatchRatio)}, true
}

// add records an event at t and drops those older than t-span.
func (w *window) add(t time.Time, key string, span time.Duration) {
	w.times = append(w.times, t)
	w.keys = append(w.keys, key)
	w.count[key]++
	cut := 0
	for cut < len(w.times) && !w.times[cut].After(t.Add(-span)) {
		if w.count[w.keys[cut]]--; w.count[w.keys[cut]] == 0 {
			delete(w.count, w.keys[cut])
		}
		cut++
	}
	if cut > 0 {
		w.times = slices.Delete(w.times, 0, cut)
		w.keys = slices.Delete(w.keys, 0, cut)
	}
}

// Next returns the index of the entry the Monitor expects next: where Run
// resumes.
func (m *Monitor) Next() uint64 { return m.next }

// Run observes the entries of s from index from up to the current head, in
// pages, calling alert for each alert, and returns the index to resume
// from. Call it again, with that index, to follow the log. It reads the
// store directly, as a monitor must not itself raise an audit-read alert.
func (m *Monitor) Run(ctx context.Context, s Store, from uint64, alert func(Alert)) (uint64, error) {
	h, err := s.Head(ctx)
	if err != nil {
		return from, fmt.Errorf("audit: read head: %w", err)
	}
	next := from
	err = storeSource{s}.leaves(ctx, from, h.Size, func(l Leaf) error {
		if l.Index != next {
			return tamperAt(next, "entry missing")
		}
		e, err := ParseEntry(l.Entry)
		if err != nil || e.Index != l.Index {
			return tamperAt(l.Index, "stored entry does not decode or is out of place")
		}
		for _, a := range m.Observe(e) {
			alert(a)
		}
		next++
		return ctx.Err()
	})
	return next, err
}
