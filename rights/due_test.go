package rights_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/storetest"
)

func ids(t *testing.T, seq func(func(rights.Request, error) bool)) []string {
	t.Helper()
	var out []string
	for r, err := range seq {
		require.NoError(t, err)
		out = append(out, r.Key)
	}
	return out
}

// TestDueLists: overdue, due-soon and open lists through the due index;
// closed requests are in none; an extension moves a request out of the
// overdue list.
func TestDueLists(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.now = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	d := f.desk()
	submit := func(key string, received time.Time) rights.Request {
		r := request(key, rights.Access)
		r.Received = received
		got, err := d.Submit(ctx, dpo, r)
		require.NoError(t, err)
		return got
	}
	submit("late", time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC))            // due 11 March: overdue
	submit("later", time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC))           // due 21 March: overdue
	submit("soon", time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC))             // due 6 April: due soon
	submit("not-yet", time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC))         // due 26 April
	done := submit("answered", time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)) // would be overdue
	_, err := d.Refuse(ctx, dpo, done.ID, "manifestly unfounded")
	require.NoError(t, err)

	assert.Equal(t, []string{"late", "later"}, ids(t, d.Overdue(ctx, f.now, 1)), "most overdue first; batch of one pages")
	assert.Equal(t, []string{"soon"}, ids(t, d.DueSoon(ctx, f.now, 0)))
	assert.Equal(t, []string{"late", "later", "soon", "not-yet"}, ids(t, d.Open(ctx, f.now.AddDate(1, 0, 0), 0)))
	at := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, []string{"late"}, ids(t, d.Overdue(ctx, at, 0)), "overdue from the first instant of Due")
	assert.Empty(t, ids(t, d.Overdue(ctx, at.Add(-time.Microsecond), 0)))
}

// TestOverdueCostFollowsResult: listing the overdue requests among many
// reads only the index pages holding them, whatever the number stored.
func TestOverdueCostFollowsResult(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	d := f.desk()
	for i := range 300 {
		r := request(fmt.Sprintf("form-%04d", i), rights.Access)
		r.Received = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
		if i < 3 {
			r.Received = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		_, err := d.Submit(ctx, dpo, r)
		require.NoError(t, err)
	}
	faults := &storetest.Faults{}
	f.store = storetest.FaultyRights(f.db.Rights(), faults)
	f.build()
	counted := f.d
	faults.Arm(0, storetest.Before, false)
	assert.Len(t, ids(t, counted.Overdue(ctx, f.now, 2)), 3)
	assert.Equal(t, 2, faults.Calls(), "two pages of two for three requests, not a scan of 300")
}
