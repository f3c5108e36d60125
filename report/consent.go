package report

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// ConsentKey is a position in the consent records' key order: by Subject,
// then Purpose, in byte order.
type ConsentKey struct {
	Subject custos.SubjectID
	Purpose custos.PurposeID
}

// HistoryKey is a position in the history's key order: by Subject, then
// Purpose, then Seq.
type HistoryKey struct {
	Subject custos.SubjectID
	Purpose custos.PurposeID
	Seq     int64
}

// HistoryEntry is one entry of a consent record's history with the key
// of its record.
type HistoryEntry struct {
	Subject custos.SubjectID
	Purpose custos.PurposeID
	Entry   consent.Entry
}

// ConsentRecords streams the consent store's records and histories a page
// at a time, in key order, through the store's primary keys: the report
// holds one page at a time, whatever the number of customers. The stores
// of storage/memstore and storage/sqlstore implement it.
type ConsentRecords interface {
	// ScanConsents returns up to limit records whose key is after `after`
	// (the zero key starts at the beginning), in key order.
	ScanConsents(ctx context.Context, after ConsentKey, limit int) ([]consent.Record, error)
	// ScanHistory returns up to limit history entries whose key is after
	// `after`, in key order.
	ScanHistory(ctx context.Context, after HistoryKey, limit int) ([]HistoryEntry, error)
}

// pageSize is how many records or entries one store call returns.
const pageSize = 512

// consentStates reports consent states per purpose now and at the end of
// each of the past months (GDPR Art. 7(1); PIPL Art. 14, 15): counts only,
// no customer.
type consentStates struct {
	src      ConsentRecords
	purposes []consent.Purpose
	months   int
}

// trendStates are the states the trend shows, in order; the current
// counts show every state.
var trendStates = []consent.State{consent.StateRequested, consent.StateGiven, consent.StateRenewed, consent.StateRefused, consent.StateWithdrawn, consent.StateRevoked, consent.StateExpired}

// allStates lists every state but Unknown, in the order of the DPV.
var allStates = []consent.State{consent.StateRequested, consent.StateDeferred, consent.StateGiven, consent.StateRenewed,
	consent.StateRefused, consent.StateWithdrawn, consent.StateRevoked, consent.StateExpired, consent.StateInvalidated}

func (s consentStates) Section(ctx context.Context, at time.Time) (Section, []Finding, error) {
	now := map[custos.PurposeID]map[consent.State]int64{}
	after := ConsentKey{}
	for {
		page, err := s.src.ScanConsents(ctx, after, pageSize)
		if err != nil {
			return Section{}, nil, fmt.Errorf("report: scan consents: %w", err)
		}
		for _, r := range page {
			st := r.State
			// A given consent past its validity permits nothing: it counts
			// as expired, as Registry.Status reports it.
			if st.Permits() && !r.Expires.IsZero() && !r.Expires.After(at) {
				st = consent.StateExpired
			}
			if now[r.Purpose] == nil {
				now[r.Purpose] = map[consent.State]int64{}
			}
			now[r.Purpose][st]++
		}
		if len(page) < pageSize {
			break
		}
		last := page[len(page)-1]
		after = ConsentKey{Subject: last.Subject, Purpose: last.Purpose}
	}
	current := Table{ID: "consent-now", Columns: []Column{{ID: "purpose", Kind: Code}}}
	for _, st := range allStates {
		current.Columns = append(current.Columns, Column{ID: "state." + st.String(), Kind: Count})
	}
	for _, p := range s.purposes {
		if p.Basis != custos.BasisConsent {
			continue
		}
		row := []Cell{Str(string(p.ID))}
		for _, st := range allStates {
			row = append(row, Num(now[p.ID][st]))
		}
		current.Rows = append(current.Rows, row)
	}
	sec := Section{ID: "consent", Tables: []Table{current}}
	trends, err := s.trends(ctx, at)
	if err != nil {
		return Section{}, nil, err
	}
	for _, p := range s.purposes {
		if p.Basis != custos.BasisConsent {
			continue
		}
		id := "consent-trend-" + string(p.ID)
		tb := trends[p.ID].table(id)
		tb.Title, tb.Args = "consent-trend", []string{string(p.ID)}
		sec.Tables = append(sec.Tables, tb)
		sec.Charts = append(sec.Charts, Chart{ID: id, Table: id, Series: []string{"state.given", "state.renewed", "state.refused", "state.withdrawn"}, Stacked: true})
	}
	return sec, nil, nil
}

// trend is one purpose's records per state at the end of each month.
type trend struct {
	m     months
	start map[consent.State]int64   // before the first month
	delta []map[consent.State]int64 // changes within each month
}

func (t *trend) move(at time.Time, from, to consent.State) {
	i := t.m.index(at)
	if i >= t.m.n {
		return // after the report's time
	}
	d := t.start
	if i >= 0 {
		d = t.delta[i]
	}
	if from != consent.StateUnknown {
		d[from]--
	}
	d[to]++
}

func (t *trend) table(id string) Table {
	tb := Table{ID: id, Columns: []Column{{ID: "month", Kind: Code}}}
	for _, st := range trendStates {
		tb.Columns = append(tb.Columns, Column{ID: "state." + st.String(), Kind: Count})
	}
	run := map[consent.State]int64{}
	if t != nil {
		for k, v := range t.start {
			run[k] = v
		}
	}
	for i := 0; t != nil && i < t.m.n; i++ {
		for k, v := range t.delta[i] {
			run[k] += v
		}
		row := []Cell{Str(t.m.label(i))}
		for _, st := range trendStates {
			row = append(row, Num(run[st]))
		}
		tb.Rows = append(tb.Rows, row)
	}
	return tb
}

// trends replays every history entry in key order, keeping only the state
// before each entry of the record being read: per purpose, the records in
// each state at the end of each month.
func (s consentStates) trends(ctx context.Context, at time.Time) (map[custos.PurposeID]*trend, error) {
	m := monthsTo(at, s.months)
	out := map[custos.PurposeID]*trend{}
	for _, p := range s.purposes {
		if p.Basis == custos.BasisConsent {
			t := &trend{m: m, start: map[consent.State]int64{}, delta: make([]map[consent.State]int64, m.n)}
			for i := range t.delta {
				t.delta[i] = map[consent.State]int64{}
			}
			out[p.ID] = t
		}
	}
	var prev consent.State
	var prevKey ConsentKey
	after := HistoryKey{}
	for {
		page, err := s.src.ScanHistory(ctx, after, pageSize)
		if err != nil {
			return nil, fmt.Errorf("report: scan consent history: %w", err)
		}
		for _, h := range page {
			key := ConsentKey{Subject: h.Subject, Purpose: h.Purpose}
			if key != prevKey {
				prev, prevKey = consent.StateUnknown, key
			}
			if t := out[h.Purpose]; t != nil && !h.Entry.Time.After(at) {
				t.move(h.Entry.Time, prev, h.Entry.State)
			}
			prev = h.Entry.State
		}
		if len(page) < pageSize {
			break
		}
		last := page[len(page)-1]
		after = HistoryKey{Subject: last.Subject, Purpose: last.Purpose, Seq: last.Entry.Seq}
	}
	return out, nil
}
