package notify_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/storage/storetest"
)

// book is a Directory over a map of synthetic addresses; it counts reads.
type book struct {
	mu    sync.Mutex
	addr  map[custos.SubjectID]notify.Contact
	reads int
	err   error
}

func (b *book) Contact(_ context.Context, acc custos.Access, s custos.SubjectID, ch notify.Channel) (notify.Contact, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reads++
	if b.err != nil {
		return notify.Contact{}, b.err
	}
	c, ok := b.addr[s]
	if !ok || ch != notify.ChannelEmail {
		return notify.Contact{}, notify.ErrNoAddress
	}
	return c, nil
}

func (b *book) readCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.reads
}

// dispatchFixture is an outbox with a dispatcher sending to a Sink.
type dispatchFixture struct {
	*outboxFixture
	book *book
	sink *notify.Sink
	disp *notify.Dispatcher
	clk  *storetest.Clock
}

func (f *dispatchFixture) clock() time.Time { return f.clk.Now() }

func (f *dispatchFixture) advance(d time.Duration) { f.clk.Advance(d) }

var dispatchDefaults = notify.DispatcherConfig{
	Owner: "d1", Lease: time.Minute, SendTimeout: 10 * time.Second, MaxAttempts: 3,
	Backoff: notify.Backoff{Base: 30 * time.Second, Max: 10 * time.Minute}, Jitter: func() float64 { return 0.5 },
	Organisations: map[string]map[notify.Channel]notify.Contact{
		"regulator-cac": {notify.ChannelEmail: {Address: "reports@regulator.example", Language: "zh-CN"}},
	},
}

func newDispatch(t *testing.T, customers map[custos.SubjectID]notify.Contact) *dispatchFixture {
	t.Helper()
	var ids []custos.SubjectID
	for id := range customers {
		ids = append(ids, id)
	}
	f := &dispatchFixture{outboxFixture: newOutbox(t, ids...), book: &book{addr: customers}, sink: &notify.Sink{}, clk: storetest.NewClock(t0)}
	var err error
	f.outbox, err = notify.NewOutbox(notify.OutboxConfig{Store: f.store, Recorder: f.events, Subjects: f.subjects, Clock: f.clock})
	require.NoError(t, err)
	f.disp = f.dispatcher(t, dispatchDefaults)
	return f
}

// dispatcher builds another dispatcher over the fixture's outbox.
func (f *dispatchFixture) dispatcher(t *testing.T, cfg notify.DispatcherConfig) *notify.Dispatcher {
	t.Helper()
	cfg.Outbox, cfg.Directory, cfg.Clock = f.outbox, f.book, f.clock
	if cfg.Channels == nil {
		cfg.Channels = map[notify.Channel]notify.Notifier{notify.ChannelEmail: f.sink}
	}
	d, err := notify.NewDispatcher(cfg)
	require.NoError(t, err)
	return d
}

func (f *dispatchFixture) enqueue(t *testing.T, ms ...notify.Message) []string {
	t.Helper()
	var ids []string
	for _, m := range ms {
		id, err := f.outbox.Enqueue(context.Background(), m)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	return ids
}

func (f *dispatchFixture) run(t *testing.T) notify.Report {
	t.Helper()
	r, err := f.disp.RunOnce(context.Background())
	require.NoError(t, err)
	return r
}

func (f *dispatchFixture) message(t *testing.T, id string) notify.Stored {
	t.Helper()
	m, err := f.outbox.Get(context.Background(), id)
	require.NoError(t, err)
	return m
}

func (f *dispatchFixture) attempts(t *testing.T, id string) []notify.Attempt {
	t.Helper()
	a, err := f.outbox.Attempts(context.Background(), id)
	require.NoError(t, err)
	return a
}

func contacts(n int) map[custos.SubjectID]notify.Contact {
	out := map[custos.SubjectID]notify.Contact{}
	for i := 1; i <= n; i++ {
		id := custos.SubjectID("C000000" + string(rune('0'+i)))
		out[id] = notify.Contact{Address: notify.Address("customer" + string(rune('0'+i)) + "@mail.example"), Language: []string{"zh-CN", "en-GB"}[i%2]}
	}
	return out
}
