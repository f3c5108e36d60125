package keys_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/memstore"
)

func TestEpochConfigIsValidated(t *testing.T) {
	ctx := context.Background()
	src := insecuredevkek.NewSource()
	cases := []struct {
		name string
		cfg  keys.EpochConfig
		msg  string
	}{
		{"no source", keys.EpochConfig{Groups: 4}, "Source"},
		{"group count 0", keys.EpochConfig{Source: src}, "group count"},
		{"negative group count", keys.EpochConfig{Source: src, Groups: -1}, "group count"},
		{"too many groups", keys.EpochConfig{Source: src, Groups: keys.MaxGroups + 1}, "group count"},
		{"negative period", keys.EpochConfig{Source: src, Groups: 4, Period: -time.Hour}, "negative epoch period"},
		{"negative check interval", keys.EpochConfig{Source: src, Groups: 4, CheckEvery: -time.Minute}, "negative epoch check"},
		{"check interval above period", keys.EpochConfig{Source: src, Groups: 4, Period: time.Hour, CheckEvery: 2 * time.Hour}, "longer than the epoch period"},
		{"period too short", keys.EpochConfig{Source: src, Groups: 4, Period: 10}, "too short"},
		{"negative destroy delay", keys.EpochConfig{Source: src, Groups: 4, DestroyDelay: -1}, "destruction delay"},
		{"bad key prefix", keys.EpochConfig{Source: src, Groups: 4, KeyPrefix: "Custos_Epoch"}, "prefix"},
		{"long key prefix", keys.EpochConfig{Source: src, Groups: 4, KeyPrefix: "a-prefix-much-longer-than-24"}, "prefix"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := memstore.New()
			cfg := tc.cfg
			_, err := keys.New(ctx, keys.Config{KEK: newKEK(t), Store: db.Keys(), Ledger: db.Ledger(), Epochs: &cfg})
			require.ErrorIs(t, err, keys.ErrConfig)
			assert.Contains(t, err.Error(), tc.msg)
			named, err := db.Keys().ListKeys(ctx)
			require.NoError(t, err)
			assert.Empty(t, named, "nothing stored")
			names, err := src.List(ctx)
			require.NoError(t, err)
			assert.Empty(t, names, "no epoch key created")
		})
	}
}

// epochEnv is a keyring with one erasure group on memstore.
func epochEnv(t *testing.T) (*env, *insecuredevkek.Source, *keys.Keyring) {
	e := newEnv(t)
	src := insecuredevkek.NewSource()
	kr, err := keys.New(context.Background(), keys.Config{KEK: e.kek, Store: e.db.Keys(), Ledger: e.ledger.Ledger(),
		Clock: func() time.Time { return e.now }, Epochs: &keys.EpochConfig{Source: src, Groups: 1, Period: time.Hour, DestroyDelay: 24 * time.Hour}})
	require.NoError(t, err)
	return e, src, kr
}

func TestRunEpochsClosesOnEachTick(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	e, src, kr := epochEnv(t)
	for _, s := range []custos.SubjectID{"C1", "C2"} {
		_, err := kr.ForWrite(ctx, s)
		require.NoError(t, err)
	}
	sh, err := kr.Shred(ctx, "C1")
	require.NoError(t, err)
	assert.Equal(t, e.now.Add(time.Hour+time.Hour/24+24*time.Hour), sh.CompleteBy, "period, check interval and destruction delay")

	ticks := make(chan time.Time)
	reports := make(chan keys.EpochReport)
	done := make(chan error)
	go func() {
		done <- kr.RunEpochs(ctx, ticks, func(r keys.EpochReport, err error) {
			assert.NoError(t, err)
			reports <- r
		})
	}()
	ticks <- e.now
	assert.Equal(t, keys.EpochReport{}, <-reports, "not due yet")
	e.now = e.now.Add(time.Hour)
	ticks <- e.now
	assert.Equal(t, keys.EpochReport{Closed: 1, Rewrapped: 1, Destroyed: []string{"custos-epoch-g1-e1"}}, <-reports)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)

	names, err := src.List(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"custos-epoch-g1-e2"}, names)
	complete, err := kr.ErasureComplete(context.Background(), sh.Group, sh.Epoch)
	require.NoError(t, err)
	assert.False(t, complete, "the Source's destruction delay has not passed")
	e.now = e.now.Add(24 * time.Hour)
	complete, err = kr.ErasureComplete(context.Background(), sh.Group, sh.Epoch)
	require.NoError(t, err)
	assert.True(t, complete)
}

func TestShredWithoutEpochsNamesNoDeadline(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	kr := e.keyring(t, keys.CacheConfig{})
	_, err := kr.ForWrite(ctx, "C1")
	require.NoError(t, err)
	sh, err := kr.Shred(ctx, "C1")
	require.NoError(t, err)
	assert.True(t, sh.KEKWrapped)
	assert.True(t, sh.CompleteBy.IsZero(), "no deadline custos can keep")
	assert.Contains(t, sh.Method(), "still decrypts with that KEK")
	_, err = kr.ErasureComplete(ctx, 1, 1)
	assert.ErrorIs(t, err, keys.ErrConfig)
	_, err = kr.CloseDueEpochs(ctx)
	assert.ErrorIs(t, err, keys.ErrConfig)
	_, err = kr.CloseEpoch(ctx, 1)
	assert.ErrorIs(t, err, keys.ErrConfig)
}

func TestShredOfCustomerWithoutDEKIsCompleteAtOnce(t *testing.T) {
	ctx := context.Background()
	_, src, kr := epochEnv(t)
	sh, err := kr.Shred(ctx, "C9")
	require.NoError(t, err)
	assert.Equal(t, sh.At, sh.CompleteBy, "no wrapped DEK ever existed")
	assert.Zero(t, sh.Epoch)
	names, err := src.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, names, "no group created for it")
}
