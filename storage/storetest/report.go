package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/report"
)

// reportAdapter is an adapter that streams consent records for the report.
type reportAdapter interface {
	ConsentRecords() report.ConsentRecords
}

// RunConsentRecords checks report.ConsentRecords on adapters made by open:
// pages in key order, resumed strictly after the key given, every record
// and history entry exactly once.
func RunConsentRecords(t *testing.T, open Opener) {
	ctx := context.Background()
	a := openT(t, open)
	ra, ok := a.(reportAdapter)
	if !ok {
		t.Fatalf("adapter %T has no ConsentRecords() report.ConsentRecords method", a)
	}
	scan := ra.ConsentRecords()
	page, err := scan.ScanConsents(ctx, report.ConsentKey{}, 10)
	require.NoError(t, err)
	assert.Empty(t, page, "an empty store has no record")

	s := consentStoreOf(t, a)
	var want []report.HistoryKey
	for i := range 5 {
		subject := custos.SubjectID(fmt.Sprintf("S%d", i))
		for _, purpose := range []custos.PurposeID{"marketing", "analytics"} {
			require.NoError(t, s.Apply(ctx, []consent.Write{grantWrite(subject, purpose, 0, consent.StateGiven)}))
			want = append(want, report.HistoryKey{Subject: subject, Purpose: purpose, Seq: 1})
			if i%2 == 0 {
				require.NoError(t, s.Apply(ctx, []consent.Write{grantWrite(subject, purpose, 1, consent.StateWithdrawn)}))
				want = append(want, report.HistoryKey{Subject: subject, Purpose: purpose, Seq: 2})
			}
		}
	}
	for _, limit := range []int{1, 3, 100} {
		t.Run(fmt.Sprintf("records-limit-%d", limit), func(t *testing.T) {
			var got []report.ConsentKey
			after := report.ConsentKey{}
			for {
				page, err := scan.ScanConsents(ctx, after, limit)
				require.NoError(t, err)
				require.LessOrEqual(t, len(page), limit)
				for _, r := range page {
					got = append(got, report.ConsentKey{Subject: r.Subject, Purpose: r.Purpose})
					assert.NotEmpty(t, r.ID)
				}
				if len(page) < limit {
					break
				}
				after = got[len(got)-1]
			}
			var keys []report.ConsentKey
			for _, k := range want {
				if k.Seq == 1 {
					keys = append(keys, report.ConsentKey{Subject: k.Subject, Purpose: k.Purpose})
				}
			}
			assert.ElementsMatch(t, keys, got)
			assert.IsIncreasing(t, keyStrings(got), "records come in key order")
		})
		t.Run(fmt.Sprintf("history-limit-%d", limit), func(t *testing.T) {
			var got []report.HistoryKey
			after := report.HistoryKey{}
			for {
				page, err := scan.ScanHistory(ctx, after, limit)
				require.NoError(t, err)
				require.LessOrEqual(t, len(page), limit)
				for _, h := range page {
					got = append(got, report.HistoryKey{Subject: h.Subject, Purpose: h.Purpose, Seq: h.Entry.Seq})
					assert.False(t, h.Entry.Time.IsZero())
					wantState := consent.StateGiven
					if h.Entry.Seq == 2 {
						wantState = consent.StateWithdrawn
					}
					assert.Equal(t, wantState, h.Entry.State)
				}
				if len(page) < limit {
					break
				}
				after = got[len(got)-1]
			}
			assert.ElementsMatch(t, want, got, "every entry exactly once")
			var ks []string
			for _, k := range got {
				ks = append(ks, fmt.Sprintf("%s\x00%s\x00%09d", string(k.Subject), string(k.Purpose), k.Seq))
			}
			assert.IsIncreasing(t, ks, "entries come in key order")
		})
	}
}

func keyStrings(ks []report.ConsentKey) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k.Subject) + "\x00" + string(k.Purpose)
	}
	return out
}

// FaultyConsentRecords wraps a report.ConsentRecords so that f decides
// which of its calls fail.
func FaultyConsentRecords(s report.ConsentRecords, f *Faults) report.ConsentRecords {
	return &faultyConsentRecords{s: s, f: f}
}

type faultyConsentRecords struct {
	s report.ConsentRecords
	f *Faults
}

func (w *faultyConsentRecords) ScanConsents(ctx context.Context, after report.ConsentKey, limit int) ([]consent.Record, error) {
	return call(w.f, "report.ScanConsents", func() ([]consent.Record, error) { return w.s.ScanConsents(ctx, after, limit) })
}

func (w *faultyConsentRecords) ScanHistory(ctx context.Context, after report.HistoryKey, limit int) ([]report.HistoryEntry, error) {
	return call(w.f, "report.ScanHistory", func() ([]report.HistoryEntry, error) { return w.s.ScanHistory(ctx, after, limit) })
}
