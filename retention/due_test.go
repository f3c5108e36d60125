package retention_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
)

func TestDueListsWhatASweepWouldLookAt(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.now = t0.AddDate(-1, 0, 0) // the customers were collected a year ago
	defer func() { f.now = t0 }()
	for i := range 7 {
		s := custos.SubjectID(fmt.Sprintf("c-%d", i))
		f.customer(s, "transaction")
		f.now = t0
		require.NoError(t, r.Report(ctx, retention.Event{Subject: s, Kind: retention.EventTransaction, At: t0.AddDate(0, -i, 0)}))
		f.now = t0.AddDate(-1, 0, 0)
	}
	f.now = t0
	var got []custos.SubjectID
	for c, err := range r.Due(ctx, t0.AddDate(9, 9, 0), 2) {
		require.NoError(t, err)
		got = append(got, c.Subject)
	}
	assert.Equal(t, []custos.SubjectID{"c-6", "c-5", "c-4", "c-3"}, got, "due by 9 years and 9 months, in due-date order")
	n := 0
	for range r.Due(ctx, t0.AddDate(9, 9, 0), 2) {
		n++
		break
	}
	assert.Equal(t, 1, n, "stopping early stops reading")
}
