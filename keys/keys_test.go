package keys_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/memstore"
)

// countingAEAD counts the calls made to a KEK.
type countingAEAD struct {
	tink.AEAD
	encrypts, decrypts atomic.Int64
}

func (c *countingAEAD) Encrypt(p, ad []byte) ([]byte, error) {
	c.encrypts.Add(1)
	return c.AEAD.Encrypt(p, ad)
}

func (c *countingAEAD) Decrypt(ct, ad []byte) ([]byte, error) {
	c.decrypts.Add(1)
	return c.AEAD.Decrypt(ct, ad)
}

func newKEK(t testing.TB) keys.KEK {
	t.Helper()
	k, err := insecuredevkek.New()
	require.NoError(t, err)
	return k
}

type env struct {
	db, ledger *memstore.Store
	kek        keys.KEK
	count      *countingAEAD
	now        time.Time
}

func newEnv(t testing.TB) *env {
	kek := newKEK(t)
	c := &countingAEAD{AEAD: kek.AEAD}
	kek.AEAD = c
	return &env{db: memstore.New(), ledger: memstore.New(), kek: kek, count: c, now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (e *env) keyring(t testing.TB, cache keys.CacheConfig) *keys.Keyring {
	t.Helper()
	kr, err := keys.New(context.Background(), keys.Config{KEK: e.kek, Store: e.db.Keys(), Ledger: e.ledger.Ledger(), Cache: cache, Clock: func() time.Time { return e.now }})
	require.NoError(t, err)
	return kr
}

func TestConfigIsValidated(t *testing.T) {
	ctx := context.Background()
	kek := newKEK(t)
	db := memstore.New()
	good := keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()}
	cases := []struct {
		name string
		edit func(*keys.Config)
	}{
		{"KEK without ID", func(c *keys.Config) { c.KEK.ID = "" }},
		{"KEK without AEAD", func(c *keys.Config) { c.KEK.AEAD = nil }},
		{"previous KEK sharing the ID", func(c *keys.Config) { c.PreviousKEKs = []keys.KEK{kek} }},
		{"no store", func(c *keys.Config) { c.Store = nil }},
		{"no ledger", func(c *keys.Config) { c.Ledger = nil }},
		{"negative cache size", func(c *keys.Config) { c.Cache.MaxEntries = -1 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.edit(&cfg)
			_, err := keys.New(ctx, cfg)
			require.ErrorIs(t, err, keys.ErrConfig)
			n, err := db.Keys().ListKeys(ctx)
			require.NoError(t, err)
			assert.Empty(t, n, "nothing stored")
		})
	}
	_, err := keys.New(ctx, good)
	require.NoError(t, err)
}

// TestOneKEKCallPerCacheLifetime: 10,000 reads of one customer cost one KEK
// call while the cache entry is fresh, and one more after it expires.
func TestOneKEKCallPerCacheLifetime(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, err := e.keyring(t, keys.CacheConfig{}).ForWrite(ctx, "C1")
	require.NoError(t, err)

	kr := e.keyring(t, keys.CacheConfig{MaxAge: time.Minute}) // a new process: cold cache
	before := e.count.decrypts.Load()
	startCalls := kr.Stats().KEKCalls // the reference key, unwrapped by New
	for range 10_000 {
		_, err := kr.AEAD(ctx, "C1")
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), e.count.decrypts.Load()-before, "one unwrap for 10,000 reads")
	st := kr.Stats()
	assert.Equal(t, uint64(9_999), st.Hits)
	assert.Equal(t, uint64(1), st.Misses)
	assert.Equal(t, uint64(1), st.KEKCalls-startCalls, "the counter agrees with the KEK")

	e.now = e.now.Add(time.Minute)
	_, err = kr.AEAD(ctx, "C1")
	require.NoError(t, err)
	assert.Equal(t, int64(2), e.count.decrypts.Load()-before, "unwrapped again once stale")
	assert.Equal(t, uint64(1), kr.Stats().Evictions)
}

func TestCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	w := e.keyring(t, keys.CacheConfig{})
	for _, s := range []custos.SubjectID{"C1", "C2", "C3", "C4", "C5"} {
		_, err := w.ForWrite(ctx, s)
		require.NoError(t, err)
	}
	kr := e.keyring(t, keys.CacheConfig{MaxEntries: 3})
	for _, s := range []custos.SubjectID{"C1", "C2", "C3", "C4", "C5"} {
		_, err := kr.AEAD(ctx, s)
		require.NoError(t, err)
	}
	st := kr.Stats()
	assert.Equal(t, 3, st.Entries)
	assert.Equal(t, uint64(2), st.Evictions)
	before := e.count.decrypts.Load()
	_, err := kr.AEAD(ctx, "C5") // most recent: cached
	require.NoError(t, err)
	_, err = kr.AEAD(ctx, "C1") // least recent: evicted
	require.NoError(t, err)
	assert.Equal(t, int64(1), e.count.decrypts.Load()-before)

	off := e.keyring(t, keys.CacheConfig{Disabled: true})
	before = e.count.decrypts.Load()
	for range 3 {
		_, err := off.AEAD(ctx, "C1")
		require.NoError(t, err)
	}
	assert.Equal(t, int64(3), e.count.decrypts.Load()-before, "disabled cache unwraps every time")
}

func TestConcurrentFirstUseUnwrapsOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, err := e.keyring(t, keys.CacheConfig{}).ForWrite(ctx, "C1")
	require.NoError(t, err)
	kr := e.keyring(t, keys.CacheConfig{})
	before := e.count.decrypts.Load()
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			_, err := kr.AEAD(ctx, "C1")
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int64(1), e.count.decrypts.Load()-before)
}

func TestWrongKEK(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, err := e.keyring(t, keys.CacheConfig{}).ForWrite(ctx, "C1")
	require.NoError(t, err)
	wrapped, err := e.db.Keys().GetDEK(ctx, "C1")
	require.NoError(t, err)

	// Another KEK under the same ID cannot open the deployment at all.
	impostor := newKEK(t)
	impostor.ID = e.kek.ID
	_, err = keys.New(ctx, keys.Config{KEK: impostor, Store: e.db.Keys(), Ledger: e.ledger.Ledger()})
	require.ErrorIs(t, err, keys.ErrUnwrap)

	// Nor a DEK wrapped by the first KEK, moved into its own deployment.
	other := memstore.New()
	kr, err := keys.New(ctx, keys.Config{KEK: impostor, Store: other.Keys(), Ledger: other.Ledger()})
	require.NoError(t, err)
	require.NoError(t, other.Keys().CreateDEK(ctx, wrapped))
	_, err = kr.AEAD(ctx, "C1")
	require.ErrorIs(t, err, keys.ErrUnwrap)
	assert.NotContains(t, err.Error(), "C1")
	stored, err := other.Keys().GetDEK(ctx, "C1")
	require.NoError(t, err)
	assert.Equal(t, wrapped, stored, "nothing changed")

	// A KEK ID that is not configured is named as such.
	wrapped.KEKID, wrapped.Version = "kms://retired", wrapped.Version+1
	require.NoError(t, other.Keys().UpdateDEK(ctx, wrapped))
	_, err = kr.AEAD(ctx, "C1")
	require.ErrorIs(t, err, keys.ErrUnknownKEK)
}

func TestShred(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	kr := e.keyring(t, keys.CacheConfig{})
	_, err := kr.ForWrite(ctx, "C1")
	require.NoError(t, err)

	entry, err := kr.Shred(ctx, "C1")
	require.NoError(t, err)
	assert.Equal(t, kr.Reference("C1"), entry.Ref)
	assert.Len(t, entry.Ref, keys.ReferenceSize)
	assert.Equal(t, e.now, entry.At)

	_, err = kr.AEAD(ctx, "C1")
	assert.ErrorIs(t, err, keys.ErrShredded, "the cached key went too")
	_, err = kr.ForWrite(ctx, "C1")
	assert.ErrorIs(t, err, keys.ErrShredded, "no new key for a shredded customer")
	_, err = e.keyring(t, keys.CacheConfig{}).AEAD(ctx, "C1")
	assert.ErrorIs(t, err, keys.ErrShredded)
	_, err = kr.AEAD(ctx, "C2")
	assert.ErrorIs(t, err, keys.ErrNotFound, "never-seen customers are not shredded")
}

func TestReferenceIsStableAndKeyed(t *testing.T) {
	e := newEnv(t)
	a := e.keyring(t, keys.CacheConfig{})
	b := e.keyring(t, keys.CacheConfig{})
	assert.Equal(t, a.Reference("C1"), b.Reference("C1"), "stable across processes")
	assert.NotEqual(t, a.Reference("C1"), a.Reference("C2"))
	other := newEnv(t).keyring(t, keys.CacheConfig{})
	assert.NotEqual(t, a.Reference("C1"), other.Reference("C1"), "keyed per deployment")
}
