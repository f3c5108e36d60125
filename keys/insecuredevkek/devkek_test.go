package insecuredevkek_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/keys/insecuredevkek"
)

func TestOpenCreatesThenReads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev-kek.json")
	a, err := insecuredevkek.Open(path)
	require.NoError(t, err)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "readable by its owner only")

	b, err := insecuredevkek.Open(path)
	require.NoError(t, err)
	assert.Equal(t, a.ID, b.ID)
	ct, err := a.AEAD.Encrypt([]byte("keyset"), []byte("ad"))
	require.NoError(t, err)
	pt, err := b.AEAD.Decrypt(ct, []byte("ad"))
	require.NoError(t, err)
	assert.Equal(t, []byte("keyset"), pt)

	c, err := insecuredevkek.Open(filepath.Join(t.TempDir(), "other.json"))
	require.NoError(t, err)
	assert.NotEqual(t, a.ID, c.ID, "different files, different IDs")
}

func TestOpenRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev-kek.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"not":"a keyset"}`), 0o600))
	_, err := insecuredevkek.Open(path)
	require.Error(t, err)
	raw, _ := os.ReadFile(path)
	assert.Equal(t, `{"not":"a keyset"}`, string(raw), "the file is left alone")
}
