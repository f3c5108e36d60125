package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/custos-go/custos"
)

// DispatcherConfig configures a Dispatcher. Outbox, Channels, Owner and,
// when messages go to customers, Directory are required.
type DispatcherConfig struct {
	// Outbox is the outbox drained; its store, templates, recorder and
	// subjects are the dispatcher's.
	Outbox *Outbox
	// Channels holds the Notifier of each channel. A message for a
	// channel with none becomes a dead letter ("unknown-channel").
	Channels map[Channel]Notifier
	// Directory reads customers' addresses at send time.
	Directory Directory
	// Organisations holds the addresses and language of each
	// organisation recipient, per channel.
	Organisations map[string]map[Channel]Contact
	// Owner names this dispatcher in claims and delivery records; each
	// dispatcher sharing an outbox needs its own, such as host and process
	// id.
	Owner string
	// Lease is how long a claim lasts; 0 means 2 minutes. A dispatcher
	// that dies leaves its messages to others after it.
	Lease time.Duration
	// SendTimeout bounds one send; 0 means 30 seconds. It must be shorter
	// than Lease, so that a live dispatcher records a result before its
	// claim ends.
	SendTimeout time.Duration
	// Batch is how many messages one RunOnce claims; 0 means 32.
	Batch int
	// Workers is how many of them are sent at once; 0 means 4.
	Workers int
	// MaxAttempts is how many attempts a message gets before it becomes a
	// dead letter ("attempts-exhausted"); 0 means 8.
	MaxAttempts int
	// Backoff spaces retries; zero means Base 30 seconds, Max 1 hour.
	Backoff Backoff
	// Jitter returns a uniform number in [0, 1) for the backoff's jitter;
	// nil means crypto/rand. Tests inject their own.
	Jitter func() float64
	// Clock gives the time; nil means the outbox's.
	Clock custos.Clock
	// Logger receives operational messages, never personal data; nil
	// discards them.
	Logger *slog.Logger
}

// Dispatcher drains an outbox: it claims due messages under a lease,
// checks the customer is still held, reads the address, renders the text
// in the reader's language, sends it through the channel's Notifier, and
// records the attempt and an audit event. Build it with NewDispatcher; it
// is safe for concurrent use, and any number of dispatchers, in any
// number of processes, may drain one outbox.
type Dispatcher struct {
	outbox  *Outbox
	store   Store
	chans   map[Channel]Notifier
	dir     Directory
	orgs    map[string]map[Channel]Contact
	owner   string
	lease   time.Duration
	timeout time.Duration
	batch   int
	workers int
	max     int
	backoff Backoff
	jitter  func() float64
	clock   custos.Clock
	log     *slog.Logger
}

// NewDispatcher validates cfg and returns a Dispatcher.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	switch {
	case cfg.Outbox == nil:
		return nil, fmt.Errorf("%w: no Outbox", ErrConfig)
	case len(cfg.Channels) == 0:
		return nil, fmt.Errorf("%w: no Channels", ErrConfig)
	case cfg.Directory == nil:
		return nil, fmt.Errorf("%w: no Directory", ErrConfig)
	case cfg.Lease < 0 || cfg.SendTimeout < 0 || cfg.Batch < 0 || cfg.Workers < 0 || cfg.MaxAttempts < 0 || cfg.Backoff.Base < 0 || cfg.Backoff.Max < cfg.Backoff.Base:
		return nil, fmt.Errorf("%w: negative lease, timeout, batch, workers, attempts or backoff, or backoff Max below Base", ErrConfig)
	}
	if err := checkName("owner", cfg.Owner); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	for ch, n := range cfg.Channels {
		if checkName("channel", string(ch)) != nil || n == nil {
			return nil, fmt.Errorf("%w: channel %q invalid or without a Notifier", ErrConfig, safeName(string(ch)))
		}
	}
	d := &Dispatcher{
		outbox: cfg.Outbox, store: cfg.Outbox.store, chans: maps.Clone(cfg.Channels), dir: cfg.Directory, orgs: cfg.Organisations,
		owner: cfg.Owner, lease: or(cfg.Lease, 2*time.Minute), timeout: or(cfg.SendTimeout, 30*time.Second),
		batch: or(cfg.Batch, 32), workers: or(cfg.Workers, 4), max: or(cfg.MaxAttempts, 8),
		backoff: cfg.Backoff, jitter: cfg.Jitter, clock: cfg.Clock, log: cfg.Logger,
	}
	if d.backoff == (Backoff{}) {
		d.backoff = Backoff{Base: 30 * time.Second, Max: time.Hour}
	}
	if d.timeout >= d.lease {
		return nil, fmt.Errorf("%w: SendTimeout must be shorter than Lease", ErrConfig)
	}
	if d.jitter == nil {
		d.jitter = cryptoJitter
	}
	if d.clock == nil {
		d.clock = cfg.Outbox.clock
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	return d, nil
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Report counts what one RunOnce did with the messages it claimed.
type Report struct {
	Claimed, Sent, Retried, Dead, Cancelled int
	// Unrecorded counts attempts whose result or audit event could not be
	// recorded; their messages are claimed again when the lease ends.
	Unrecorded int
	// Unstarted counts messages claimed but not tried because ctx ended
	// first; they are claimed again when the lease ends.
	Unstarted int
}

func (r *Report) add(o Report) {
	r.Claimed += o.Claimed
	r.Sent += o.Sent
	r.Retried += o.Retried
	r.Dead += o.Dead
	r.Cancelled += o.Cancelled
	r.Unrecorded += o.Unrecorded
	r.Unstarted += o.Unstarted
}

// RunOnce claims up to Batch due messages and delivers them, Workers at a
// time. It returns an error when the claim fails or a result could not be
// recorded; the messages concerned are then claimed again after the lease.
// When ctx ends (a dispatcher shutting down), the results of sends under
// way are still recorded, messages not yet tried stay claimed until the
// lease ends (Report.Unstarted), and the error wraps ctx's.
func (d *Dispatcher) RunOnce(ctx context.Context) (Report, error) {
	now := d.clock.Now()
	msgs, err := d.store.Claim(ctx, Claim{Owner: d.owner, Now: now, Until: now.Add(d.lease), Limit: d.batch})
	if err != nil {
		return Report{}, fmt.Errorf("notify: claim: %w", err)
	}
	var (
		mu   sync.Mutex
		rep  = Report{Claimed: len(msgs)}
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, d.workers)
	)
	for i, m := range msgs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			wg.Wait()
			rep.Unstarted = len(msgs) - i
			return rep, errors.Join(append(errs, fmt.Errorf("notify: stopped: %w", ctx.Err()))...)
		}
		wg.Go(func() {
			defer func() { <-sem }()
			r, err := d.deliver(ctx, m)
			mu.Lock()
			defer mu.Unlock()
			rep.add(r)
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	return rep, errors.Join(errs...)
}

// Run calls RunOnce until ctx ends, waiting idle between runs that claim
// nothing or fail. It returns ctx's error.
func (d *Dispatcher) Run(ctx context.Context, idle time.Duration) error {
	for {
		rep, err := d.RunOnce(ctx)
		if err != nil {
			d.log.WarnContext(ctx, "notify: dispatch", "error", err.Error())
		}
		if rep.Claimed == 0 || err != nil {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(idle):
			}
		} else if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}
