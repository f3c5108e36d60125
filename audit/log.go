package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"

	"github.com/custos-go/custos"
)

// Config configures a Log. Store, Keys and Origin are required.
type Config struct {
	// Store persists the log.
	Store Store
	// Keys holds the audit keysets: the reference keys and the keyset
	// that encrypts the checkpoint signing key. Pass the deployment's
	// *keys.Keyring, so that they are wrapped by the KEK and rewrapped when
	// it rotates.
	Keys Keys
	// Origin names the log in its checkpoints and is the signing key's
	// name, such as "audit.example.com/custos". It cannot change once the
	// log has a signing key. Non-empty, at most 256 bytes of UTF-8 without
	// spaces or '+'.
	Origin string
	// Period is how often the reference key changes; the zero value is
	// PeriodMonth.
	Period Period
	// MaxBatch bounds how many appends share one store write; 0 means 512.
	MaxBatch int
	// CheckpointHistory is how often a signed checkpoint is kept in the
	// store's history, which later verifications check the log against;
	// 0 means every 10 minutes. The latest checkpoint, covering every
	// entry, is written with each batch regardless.
	CheckpointHistory time.Duration
	// WriteTimeout bounds one store write of a batch; 0 means 30 seconds.
	WriteTimeout time.Duration
	// Clock gives the time of events that carry none and of history
	// checkpoints; nil means time.Now.
	Clock custos.Clock
	// Logger receives operational messages (never entry content); nil
	// discards them.
	Logger *slog.Logger
	// KeepMonths is how many calendar months after a period ends its
	// entries stay linkable to customers: ForgetPeriod refuses, with
	// ErrTooRecent, a period that ended less than KeepMonths ago. 0 means
	// DefaultKeepMonths (36: the log is the record of processing, kept at
	// least 3 years, PIPL Art. 56); below MinKeepMonths (6: network logs,
	// CSL Art. 21(3)) is refused.
	KeepMonths int
}

const (
	defaultMaxBatch     = 512
	defaultHistory      = 10 * time.Minute
	defaultWriteTimeout = 30 * time.Second
)

func (c *Config) validate() error {
	switch {
	case c.Store == nil:
		return fmt.Errorf("%w: no Store", ErrConfig)
	case c.Keys == nil:
		return fmt.Errorf("%w: no Keys", ErrConfig)
	case !validOrigin(c.Origin):
		return fmt.Errorf("%w: Origin must be 1 to 256 bytes of UTF-8 without spaces or '+'", ErrConfig)
	case c.MaxBatch < 0 || c.CheckpointHistory < 0 || c.WriteTimeout < 0:
		return fmt.Errorf("%w: negative MaxBatch, CheckpointHistory or WriteTimeout", ErrConfig)
	}
	if _, err := keepMonths(c.KeepMonths); err != nil {
		return err
	}
	return c.Period.validate()
}

// Log is the tamper-evident audit log: an append-only RFC 6962 Merkle tree
// of entries, each batch of appends durable before any appender returns and
// covered by a signed checkpoint written with it. Build it with New; a Log
// is safe for concurrent use, and several processes may append to one store.
//
// Log implements the vault's Recorder: the vault releases plaintext only
// after Record has returned nil.
type Log struct {
	store    Store
	keys     signingKeys
	refs     *references
	deleter  KeyDeleter
	origin   string
	period   Period
	clock    custos.Clock
	log      *slog.Logger
	maxBatch int
	history  time.Duration
	timeout  time.Duration
	// keepMonths is Config.KeepMonths with its default.
	keepMonths int

	mu      sync.RWMutex // guards closed and sends on queue
	closed  bool
	queue   chan *request
	stopped chan struct{}

	// Owned by the committer goroutine (and New, before it starts).
	tree
	savedAt   time.Time
	savedSize uint64
}

// New validates cfg, loads or creates the log's signing key, and loads the
// tree, checking that the stored head is signed by the log's key and matches
// the stored hashes. A log whose head does not verify is refused with an
// error wrapping ErrTampered.
func New(ctx context.Context, cfg Config) (*Log, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	l := &Log{
		store: cfg.Store, refs: newReferences(cfg.Keys), origin: cfg.Origin, period: cfg.Period,
		clock: cfg.Clock, log: cfg.Logger, maxBatch: cfg.MaxBatch, history: cfg.CheckpointHistory, timeout: cfg.WriteTimeout,
	}
	l.keepMonths, _ = keepMonths(cfg.KeepMonths) // validated above
	l.deleter, _ = cfg.Keys.(KeyDeleter)
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.maxBatch == 0 {
		l.maxBatch = defaultMaxBatch
	}
	if l.history == 0 {
		l.history = defaultHistory
	}
	if l.timeout == 0 {
		l.timeout = defaultWriteTimeout
	}
	var err error
	if l.keys, err = loadSigner(ctx, cfg.Store, cfg.Keys, cfg.Origin, l.now()); err != nil {
		return nil, err
	}
	if err := l.reload(ctx); err != nil {
		return nil, err
	}
	if l.rng.End() == 0 && len(l.latest) == 0 {
		if err := l.initHead(ctx); err != nil {
			return nil, err
		}
	}
	l.savedAt = l.now()
	l.queue = make(chan *request, l.maxBatch)
	l.stopped = make(chan struct{})
	go l.run()
	return l, nil
}

// initHead signs and stores the checkpoint of the empty log, so that even
// an empty log has a checkpoint to give an auditor. If another Log stored
// a head first, it loads that one.
func (l *Log) initHead(ctx context.Context) error {
	signed, err := signCheckpoint(Checkpoint{Origin: l.origin, Size: 0, Root: hasher.EmptyRoot()}, l.keys.signer)
	if err != nil {
		return fmt.Errorf("audit: sign checkpoint: %w", err)
	}
	err = l.store.Append(ctx, func(_ context.Context, h Head, _ HashReader) (Batch, error) {
		if h.Size != 0 || len(h.Checkpoint) > 0 {
			return Batch{}, errHeadExists
		}
		return Batch{First: 0, Head: Head{Size: 0, Checkpoint: signed}}, nil
	})
	if errors.Is(err, errHeadExists) {
		return l.reload(ctx)
	}
	if err != nil {
		return fmt.Errorf("audit: store head: %w", err)
	}
	l.latest = signed
	return nil
}

// errHeadExists stops initHead's append when another Log stored a head.
var errHeadExists = errors.New("audit: head already stored")

// reload reads the stored head and adopts the tree behind it (see adopt).
func (l *Log) reload(ctx context.Context) error {
	h, err := l.store.Head(ctx)
	if err != nil {
		return fmt.Errorf("audit: read head: %w", err)
	}
	t, err := l.adopt(ctx, h, l.store)
	if err != nil {
		return err
	}
	l.tree = t
	return nil
}

// maxExtendLeaves bounds the entries of other writers that adopt reads one
// by one; beyond it, it reads O(log n) stored nodes and a consistency proof.
const maxExtendLeaves = 4096

// extendTo adopts the stored head h of a log this Log knows a prefix of by
// appending the leaf hashes stored since to its own tree: the result
// extends the tree it knew by construction, and must give the signed root.
func (l *Log) extendTo(ctx context.Context, h Head, root []byte, r HashReader) (tree, error) {
	rng, err := l.extendRange(ctx, h.Size, r)
	if err != nil {
		return tree{}, err
	}
	if !sameHash(rootOf(rng), root) {
		return tree{}, tampered("stored log of size %d does not extend the log of size %d this Log saw", h.Size, l.rng.End())
	}
	return tree{rng: rng, root: root, latest: h.Checkpoint}, nil
}

// extendRange returns the Log's compact range extended to size leaves with
// the leaf hashes r reads.
func (l *Log) extendRange(ctx context.Context, size uint64, r HashReader) (*compact.Range, error) {
	old := l.rng.End()
	rng := cloneRange(l.rng)
	if size <= old {
		return rng, nil
	}
	idx := make([]uint64, 0, size-old)
	for i := old; i < size; i++ {
		idx = append(idx, i)
	}
	blobs, err := r.ReadHashes(ctx, idx)
	if err != nil {
		return nil, fmt.Errorf("audit: read tree hashes: %w", err)
	}
	if len(blobs) != len(idx) {
		return nil, fmt.Errorf("audit: store returned %d hash sets for %d leaves", len(blobs), len(idx))
	}
	for i, b := range blobs {
		if len(b) != hashesLen(idx[i]) {
			return nil, tamperAt(idx[i], "stored tree hashes have the wrong length")
		}
		if err := rng.Append(b[:hashSize:hashSize], nil); err != nil {
			return nil, fmt.Errorf("audit: append to tree: %w", err)
		}
	}
	return rng, nil
}

// adoptSigned is adopt's fast path for a head another writer with this
// Log's key stored on top of the tree this Log knows: it extends the Log's
// tree with the stored leaf hashes and signs the checkpoint of the result.
// Ed25519 signatures are deterministic (RFC 8032), so a stored checkpoint
// byte for byte equal to that note is signed by the log's key and names
// exactly the extended tree: the checks of adopt hold, and signing costs a
// third of verifying. ok is false, with nothing decided, for any other head
// (another size, root, text or signature, or a store read failing): adopt
// then checks it the long way, reporting what is wrong.
func (l *Log) adoptSigned(ctx context.Context, h Head, r HashReader) (t tree, ok bool) {
	if l.rng == nil || len(l.latest) == 0 || h.Size < l.rng.End() || h.Size-l.rng.End() > maxExtendLeaves || len(h.Checkpoint) == 0 {
		return tree{}, false
	}
	rng, err := l.extendRange(ctx, h.Size, r)
	if err != nil {
		return tree{}, false
	}
	root := rootOf(rng)
	signed, err := signCheckpoint(Checkpoint{Origin: l.origin, Size: h.Size, Root: root}, l.keys.signer)
	if err != nil || !bytes.Equal(signed, h.Checkpoint) {
		return tree{}, false
	}
	return tree{rng: rng, root: root, latest: h.Checkpoint}, true
}

// tree is the state of the log a Log knows: the compact range of its
// leaves, its root and its signed checkpoint.
type tree struct {
	rng    *compact.Range
	root   []byte
	latest []byte // signed checkpoint of rng
}

// adopt checks the stored head h and returns the tree behind it: the
// head's signature, that the hashes r reads give its root and, if the Log
// knew an earlier tree, that h's tree extends it. Another writer's appends
// are taken only after these checks.
func (l *Log) adopt(ctx context.Context, h Head, r HashReader) (tree, error) {
	if t, ok := l.adoptSigned(ctx, h, r); ok {
		return t, nil
	}
	root := hasher.EmptyRoot()
	if len(h.Checkpoint) > 0 {
		cp, err := openCheckpoint(h.Checkpoint, l.keys.verifier)
		if err != nil {
			return tree{}, fmt.Errorf("audit: stored head: %w", err)
		}
		if cp.Size != h.Size {
			return tree{}, tampered("stored head size %d differs from its checkpoint's size %d", h.Size, cp.Size)
		}
		root = cp.Root
	} else if h.Size != 0 {
		return tree{}, tampered("stored head of size %d has no checkpoint", h.Size)
	}
	if l.rng != nil && h.Size >= l.rng.End() && h.Size-l.rng.End() <= maxExtendLeaves {
		return l.extendTo(ctx, h, root, r)
	}
	rng, err := loadRange(ctx, r, h.Size)
	if err != nil {
		return tree{}, err
	}
	if !sameHash(rootOf(rng), root) {
		return tree{}, tampered("stored tree hashes do not give the signed root of size %d", h.Size)
	}
	if l.rng != nil && l.rng.End() > 0 {
		old := l.rng.End()
		if h.Size < old {
			return tree{}, tamperAt(h.Size, "stored log has %d entries, fewer than the %d this Log wrote or saw", h.Size, old)
		}
		p, err := consistency(ctx, r, old, h.Size)
		if err != nil {
			return tree{}, err
		}
		if err := proof.VerifyConsistency(hasher, old, h.Size, p, l.root, root); err != nil {
			return tree{}, tampered("stored log of size %d does not extend the log of size %d this Log saw", h.Size, old)
		}
	}
	return tree{rng: rng, root: root, latest: h.Checkpoint}, nil
}

func (l *Log) now() time.Time { return l.clock.Now().UTC().Truncate(time.Microsecond) }

// Verifier returns the note verifier key of the log's checkpoints: what an
// auditor needs, with the checkpoint and entries, to verify the log. Give it
// to auditors through a channel they trust, not through the database.
func (l *Log) Verifier() string { return l.keys.vkey }

// Origin returns the log's origin.
func (l *Log) Origin() string { return l.origin }

// Record appends the event and returns once it is durable; it implements
// the vault's Recorder. It fails with an error wrapping ErrInvalidEvent for
// an event that cannot be logged, custos.ErrClosed after Close, or the
// store's error, and then the vault releases nothing.
func (l *Log) Record(ctx context.Context, e custos.Event) error {
	_, err := l.Append(ctx, e)
	return err
}

var _ custos.BatchRecorder = (*Log)(nil)

// RecordBatch appends the events, in order, at consecutive indexes, and
// returns once all of them are durable and covered by a signed checkpoint;
// it implements custos.BatchRecorder. The events are written in one store
// write, all or none: an event that cannot be logged fails the whole
// batch, before anything is written, with an error naming its position
// (*custos.ItemError).
func (l *Log) RecordBatch(ctx context.Context, events []custos.Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if len(events) == 0 {
		return nil
	}
	entries := make([]pending, len(events))
	for i, e := range events {
		ent, err := l.entryOf(ctx, e)
		if err == nil {
			entries[i] = pending{keys: ent.Keys()}
			entries[i].entry, err = ent.Encode()
		}
		if err != nil {
			return &custos.ItemError{Index: i, Err: err}
		}
	}
	_, err := l.submit(ctx, entries...)
	return err
}

// Append logs the event and returns its index once it is durable and
// covered by a signed checkpoint. Concurrent appends share one store write
// (group commit); if that write fails, each of them returns the error. If
// ctx ends first, Append returns ctx's error and the entry may still be
// written.
//
// The customer is written as a pseudonymous reference under the key of the
// event time's period; field names are written, never values.
func (l *Log) Append(ctx context.Context, e custos.Event) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("audit: %w", err)
	}
	ent, err := l.entryOf(ctx, e)
	if err != nil {
		return 0, err
	}
	b, err := ent.Encode()
	if err != nil {
		return 0, err
	}
	return l.submit(ctx, pending{entry: b, keys: ent.Keys()})
}

// entryOf turns an event into an entry without personal data.
func (l *Log) entryOf(ctx context.Context, e custos.Event) (Entry, error) {
	ent := Entry{
		Time: e.Time.UTC().Truncate(time.Microsecond), Action: e.Action, Actor: e.Access.Actor, Purpose: e.Access.Purpose,
		RequestID: e.Access.RequestID, Credential: e.Access.Credential, Instance: e.Access.Instance, Basis: e.Basis, RecordType: e.RecordType, Fields: e.Fields,
		Outcome: e.Outcome, Reason: e.Reason,
	}
	if e.Time.IsZero() {
		ent.Time = l.now()
	}
	if e.Subject != "" {
		if err := e.Subject.Validate(); err != nil {
			return Entry{}, fmt.Errorf("%w: %w", ErrInvalidEvent, err)
		}
		ent.Period = l.period.ID(ent.Time)
		ref, err := l.refs.ref(ctx, ent.Period, e.Subject, true)
		if err != nil {
			return Entry{}, err
		}
		ent.Ref = ref
	}
	return ent, nil
}

// Reference returns the pseudonymous reference under which entries of the
// period containing t name the customer, for matching entries obtained
// elsewhere (an export). It fails with ErrReference if the period's key was
// deleted.
func (l *Log) Reference(ctx context.Context, subject custos.SubjectID, t time.Time) (period string, ref []byte, err error) {
	if err := subject.Validate(); err != nil {
		return "", nil, err
	}
	period = l.period.ID(t)
	ref, err = l.refs.ref(ctx, period, subject, false)
	return period, ref, err
}

// ForgetPeriod deletes the reference key of a past period, so that no one
// can tell any more which customer that period's entries concern; the
// entries themselves are untouched and still verify. It needs Keys that
// implement KeyDeleter (ErrUnsupported otherwise), refuses the current
// period and an id that is not a month, quarter or year (ErrConfig), and a
// period that ended less than Config.KeepMonths ago (ErrTooRecent: PIPL
// Art. 56, CSL Art. 21(3)); it fails with ErrUnknownPeriod for a period
// that has no reference key: none of its entries named a customer, or it
// was forgotten already. A refused call changes nothing.
func (l *Log) ForgetPeriod(ctx context.Context, period string) error {
	end, ok := periodEnd(period)
	if !validPeriod(period) || !ok {
		return fmt.Errorf("%w: not a period id", ErrConfig)
	}
	now := l.now()
	if period == l.period.ID(now) {
		return fmt.Errorf("%w: the current period's key is in use", ErrConfig)
	}
	if keep := end.AddDate(0, l.keepMonths, 0); now.Before(keep) {
		return fmt.Errorf("%w: period %s must stay linkable until %s (%d months after it ends)", ErrTooRecent, period, keep.Format(time.DateOnly), l.keepMonths)
	}
	if l.deleter == nil {
		return fmt.Errorf("%w: the configured Keys cannot delete a keyset", ErrUnsupported)
	}
	has, err := l.deleter.HasNamedKeyset(ctx, ReferenceKeyPrefix+period)
	if err != nil {
		return fmt.Errorf("audit: read reference key: %w", err)
	}
	if !has {
		return ErrUnknownPeriod
	}
	if err := l.deleter.DeleteNamedKeyset(ctx, ReferenceKeyPrefix+period); err != nil {
		return fmt.Errorf("audit: delete reference key: %w", err)
	}
	l.refs.forget(period)
	l.log.Info("audit reference key deleted", slog.String("period", period))
	return nil
}

// Checkpoint returns the latest signed checkpoint, after checking its
// signature: a C2SP signed note an auditor can keep and later check the log
// against.
func (l *Log) Checkpoint(ctx context.Context) ([]byte, error) {
	h, err := l.store.Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit: read head: %w", err)
	}
	if _, err := openCheckpoint(h.Checkpoint, l.keys.verifier); err != nil {
		return nil, fmt.Errorf("audit: stored head: %w", err)
	}
	return h.Checkpoint, nil
}

// InclusionProof returns the RFC 6962 inclusion proof of entry index in
// the tree of size entries, computed from stored hashes (O(log size) reads).
// The proof reveals no entry.
func (l *Log) InclusionProof(ctx context.Context, index, size uint64) ([][]byte, error) {
	if err := l.checkSize(ctx, size); err != nil {
		return nil, err
	}
	return inclusion(ctx, l.store, index, size)
}

// ConsistencyProof returns the RFC 6962 consistency proof that the tree of
// size2 entries extends the tree of size1, computed from stored hashes.
func (l *Log) ConsistencyProof(ctx context.Context, size1, size2 uint64) ([][]byte, error) {
	if err := l.checkSize(ctx, size2); err != nil {
		return nil, err
	}
	return consistency(ctx, l.store, size1, size2)
}

func (l *Log) checkSize(ctx context.Context, size uint64) error {
	h, err := l.store.Head(ctx)
	if err != nil {
		return fmt.Errorf("audit: read head: %w", err)
	}
	if size > h.Size {
		return fmt.Errorf("%w: tree size %d is larger than the log (%d)", ErrNotFound, size, h.Size)
	}
	return nil
}

// Close stops accepting appends, waits until every append already accepted
// is written, and keeps the latest checkpoint in the history. Later calls
// fail with custos.ErrClosed. It does not close the Store.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.queue)
	l.mu.Unlock()
	<-l.stopped
	return nil
}
