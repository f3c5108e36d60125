package audit_test

// This file verifies the log as an outside auditor would: with only the
// log's verifier key, golang.org/x/mod/sumdb/note and
// github.com/transparency-dev/merkle. The custos code below only produces
// bytes (a checkpoint, an entry, a proof, an export).

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/storage/memstore"
)

// auditorOpen checks a C2SP checkpoint with stock tools only.
func auditorOpen(t *testing.T, signed []byte, vkey string) (origin string, size uint64, root []byte) {
	t.Helper()
	v, err := note.NewVerifier(vkey)
	require.NoError(t, err)
	n, err := note.Open(signed, note.VerifierList(v))
	require.NoError(t, err, "the checkpoint is signed by the log's key")
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 3)
	size, err = strconv.ParseUint(lines[1], 10, 64)
	require.NoError(t, err)
	root, err = base64.StdEncoding.DecodeString(lines[2])
	require.NoError(t, err)
	require.Equal(t, v.Name(), lines[0], "the key's name is the origin")
	return lines[0], size, root
}

func TestOutsideAuditorVerifiesInclusion(t *testing.T) {
	ctx := context.Background()
	s := memstore.New().Audit()
	l := newLog(t, s, newKeyring(t))
	appendN(t, l, 0, 37)
	vkey := l.Verifier()
	signed, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	ms := collect(t, l, audit.Query{Subject: "C4"})
	require.NotEmpty(t, ms)

	_, size, root := auditorOpen(t, signed, vkey)
	for _, m := range ms {
		// The match's own checkpoint is newer (it covers the query); prove
		// against both.
		_, msize, mroot := auditorOpen(t, m.Checkpoint, vkey)
		leaf := rfc6962.DefaultHasher.HashLeaf(m.Leaf)
		require.NoError(t, proof.VerifyInclusion(rfc6962.DefaultHasher, m.Index, msize, leaf, m.Proof, mroot))
		if m.Index < size {
			p, err := l.InclusionProof(ctx, m.Index, size)
			require.NoError(t, err)
			require.NoError(t, proof.VerifyInclusion(rfc6962.DefaultHasher, m.Index, size, leaf, p, root))
			bad := bytes.Clone(m.Leaf)
			bad[len(bad)-1] ^= 1
			assert.Error(t, proof.VerifyInclusion(rfc6962.DefaultHasher, m.Index, size, rfc6962.DefaultHasher.HashLeaf(bad), p, root))
		}
	}
}

func TestOutsideAuditorRecomputesExport(t *testing.T) {
	ctx := context.Background()
	l := newLog(t, memstore.New().Audit(), newKeyring(t))
	appendN(t, l, 0, 600)
	dir := t.TempDir()
	_, err := l.Export(ctx, auditor, dir, nil)
	require.NoError(t, err)

	signed, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	require.NoError(t, err)
	_, size, root := auditorOpen(t, signed, l.Verifier())

	// Recompute the tree from the entry bundles, checking the level 0 tiles.
	rf := &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	rng := rf.NewEmptyRange(0)
	for n := uint64(0); n*256 < size; n++ {
		name, tile := "tile/entries/"+threeDigits(n), "tile/0/"+threeDigits(n)
		if w := size - n*256; w < 256 {
			name += ".p/" + strconv.FormatUint(w, 10)
			tile += ".p/" + strconv.FormatUint(w, 10)
		}
		bundle, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		hashes, err := os.ReadFile(filepath.Join(dir, tile))
		require.NoError(t, err)
		for i := 0; len(bundle) > 0; i++ {
			ln := int(binary.BigEndian.Uint16(bundle))
			entry := bundle[2 : 2+ln]
			bundle = bundle[2+ln:]
			h := rfc6962.DefaultHasher.HashLeaf(entry)
			require.Equal(t, hashes[32*i:32*i+32], h, "level 0 tile holds the leaf hash")
			require.NoError(t, rng.Append(h, nil))
		}
	}
	require.Equal(t, size, rng.End())
	got, err := rng.GetRootHash(nil)
	require.NoError(t, err)
	assert.Equal(t, root, got, "the entries give the signed root")
}

func threeDigits(n uint64) string {
	require := n < 1000
	if !require {
		panic("test helper handles small indexes only")
	}
	return strings.Repeat("0", 3-len(strconv.FormatUint(n, 10))) + strconv.FormatUint(n, 10)
}
