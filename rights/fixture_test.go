package rights_test

import (
	"context"
	"fmt"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
)

var (
	t0  = time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	dpo = custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "dpo"}, Purpose: "data-subject-requests"}
)

// tb is what the fixture needs of a test; panicking, for examples.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	FailNow()
}

// panicking is a tb for Example functions: a failed step panics.
type panicking struct{}

func (panicking) Helper()                           {}
func (panicking) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (panicking) FailNow()                          { panic("example setup failed") }

// fixture is a Desk on memstore under a clock the test moves.
type fixture struct {
	t        tb
	now      time.Time
	db       *memstore.Store
	events   *storetest.Recorder
	store    rights.Store // possibly wrapped
	verified map[string]rights.Identity
}

func newFixture(t tb) *fixture {
	return &fixture{t: t, now: t0.Add(time.Hour), db: memstore.New(), events: &storetest.Recorder{}, verified: map[string]rights.Identity{}}
}

func (f *fixture) clock() time.Time { return f.now }

// verify is the host's verifier: it verifies the requests the test says.
func (f *fixture) verify(_ context.Context, r rights.Request) (rights.Identity, error) {
	id, ok := f.verified[r.ID]
	if !ok {
		return rights.Identity{}, fmt.Errorf("%w: no matching one-time code", rights.ErrVerification)
	}
	return id, nil
}

func (f *fixture) desk() *rights.Desk {
	f.t.Helper()
	if f.store == nil {
		f.store = f.db.Rights()
	}
	d, err := rights.New(rights.Config{
		Store: f.store, Recorder: f.events, Verifier: rights.VerifierFunc(f.verify),
		Regimes: []rights.Regime{rights.GDPR(), rights.PIPL(rights.Days(15))}, Clock: f.clock,
	})
	require.NoError(f.t, err)
	return d
}

// request is a valid request of the customer.
func request(key string, k rights.Kind) rights.Request {
	r := rights.Request{Key: key, Kind: k, Subject: "C0000042", Requester: rights.Requester{Kind: rights.Self}, Channel: "app", Received: t0, Regime: "gdpr"}
	switch k {
	case rights.Portability:
		r.Recipient = "acme-leasing"
	case rights.Correction:
		r.Fields = []string{"customer.mobile"}
	case rights.Withdrawal:
		r.Purposes = []custos.PurposeID{"marketing"}
	case rights.Objection:
		r.Purposes, r.Ground = []custos.PurposeID{"marketing"}, "GDPR Art. 21(2): direct marketing"
	case rights.Erasure:
		r.Ground = "PIPL Art. 47(1)(2): service ended"
	case rights.Restriction:
		r.Ground = "GDPR Art. 18(1)(a): accuracy contested"
	}
	return r
}

// snapshot is everything a refused call must leave unchanged.
type snapshot struct {
	requests []rights.Request
	history  map[string][]rights.Entry
	events   int
}

func (f *fixture) snapshot() snapshot {
	f.t.Helper()
	ctx := context.Background()
	s := snapshot{history: map[string][]rights.Entry{}, events: len(f.events.Events())}
	all, err := f.db.Rights().List(ctx, "", 1000)
	require.NoError(f.t, err)
	s.requests = all
	for _, r := range all {
		h, err := f.db.Rights().History(ctx, r.ID)
		require.NoError(f.t, err)
		s.history[r.ID] = h
	}
	return s
}
