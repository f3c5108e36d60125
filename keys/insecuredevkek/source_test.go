package insecuredevkek_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
)

// keyValues returns the base64 key material of every keyset in a source
// file, as Tink's JSON writes it.
func keyValues(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	var f struct {
		Keys map[string]struct {
			Key []struct {
				KeyData struct {
					Value string `json:"value"`
				} `json:"keyData"`
			} `json:"key"`
		} `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(raw, &f))
	out := map[string]string{}
	for name, ks := range f.Keys {
		require.Len(t, ks.Key, 1)
		out[name] = ks.Key[0].KeyData.Value
	}
	return out
}

func TestFileSourceDestroysKeysFromTheFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "epochs.json")
	s, err := insecuredevkek.OpenSource(path)
	require.NoError(t, err)
	require.NoError(t, s.Create(ctx, "e-g1-e1"))
	require.NoError(t, s.Create(ctx, "e-g1-e2"))
	require.NoError(t, s.Create(ctx, "e-g1-e1"), "creating an existing key changes nothing")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	before := keyValues(t, raw)
	require.Len(t, before, 2)

	a, err := s.AEAD(ctx, "e-g1-e1")
	require.NoError(t, err)
	ct, err := a.Encrypt([]byte("wrapped DEK"), []byte("ad"))
	require.NoError(t, err)

	other, err := insecuredevkek.OpenSource(path) // a second handle on the file
	require.NoError(t, err)
	require.NoError(t, other.Destroy(ctx, "e-g1-e1"))
	require.NoError(t, other.Destroy(ctx, "e-g1-e1"), "destroying twice succeeds")

	raw, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), before["e-g1-e1"], "the key material is gone from the file")
	assert.Contains(t, string(raw), before["e-g1-e2"])
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left")

	_, err = s.AEAD(ctx, "e-g1-e1")
	assert.ErrorIs(t, err, keys.ErrDestroyed, "the first handle reads the file again")
	assert.ErrorIs(t, s.Create(ctx, "e-g1-e1"), keys.ErrDestroyed, "a destroyed key never comes back")
	names, err := s.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"e-g1-e2"}, names)
	b, err := s.AEAD(ctx, "e-g1-e2")
	require.NoError(t, err)
	_, err = b.Decrypt(ct, []byte("ad"))
	assert.Error(t, err, "another key does not open it")
}

func TestSourceRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "epochs.json")
	s, err := insecuredevkek.OpenSource(path)
	require.NoError(t, err)
	require.NoError(t, s.Create(ctx, "e-g1-e1"))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		call func() error
		want error
	}{
		{"invalid name", func() error { return s.Create(ctx, "Bad/Name") }, keys.ErrConfig},
		{"empty name", func() error { return s.Create(ctx, "") }, keys.ErrConfig},
		{"unknown key", func() error { _, err := s.AEAD(ctx, "e-g9-e9"); return err }, keys.ErrNotFound},
		{"destroy unknown key", func() error { return s.Destroy(ctx, "e-g9-e9") }, keys.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.call(), tc.want)
			now, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, raw, now, "the file is unchanged")
		})
	}

	garbage := filepath.Join(t.TempDir(), "other.json")
	require.NoError(t, os.WriteFile(garbage, []byte(`{"not":"a source"}`), 0o600))
	_, err = insecuredevkek.OpenSource(garbage)
	require.Error(t, err)
	left, _ := os.ReadFile(garbage)
	assert.Equal(t, `{"not":"a source"}`, string(left), "the file is left alone")
}

func TestMemorySource(t *testing.T) {
	ctx := context.Background()
	s := insecuredevkek.NewSource()
	require.NoError(t, s.Create(ctx, "k1"))
	_, err := s.AEAD(ctx, "k1")
	require.NoError(t, err)
	require.NoError(t, s.Destroy(ctx, "k1"))
	_, err = s.AEAD(ctx, "k1")
	assert.ErrorIs(t, err, keys.ErrDestroyed)
	names, err := s.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, names)
}
