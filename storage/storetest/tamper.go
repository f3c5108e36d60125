package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// overwrite replaces a stored record's envelope as someone with database
// access could.
func (f *fixture) overwrite(subject custos.SubjectID, typ string, env []byte) {
	f.t.Helper()
	require.NoError(f.t, f.db.Vault().PutRecord(context.Background(), vault.Write{
		Subject: subject, Ref: f.keys.Reference(subject), Type: typ, Envelope: env, Expect: vault.ExpectAny, Time: t0,
	}))
}

func (f *fixture) envelope(subject custos.SubjectID, typ string) []byte {
	f.t.Helper()
	r, err := f.db.Vault().GetRecord(context.Background(), subject, typ)
	require.NoError(f.t, err)
	return r.Envelope
}

var customerFields = []string{"birth", "mobile", "name", "resident_id"}

func testTampered(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	orig := f.envelope("C1", "customer")

	// Every byte of the envelope matters: a version byte, a length, a field
	// name, a Tink key prefix, a nonce, the ciphertext or the tag.
	positions := []int{}
	step := max(1, len(orig)/48)
	for i := 0; i < len(orig); i += step {
		positions = append(positions, i)
	}
	positions = append(positions, len(orig)-1)
	for _, i := range positions {
		bad := slices.Clone(orig)
		bad[i] ^= 0x01
		f.overwrite("C1", "customer", bad)
		r, err := f.vault.Get(ctx, clerk, "C1", "customer", customerFields...)
		require.ErrorIs(t, err, vault.ErrCorrupt, "byte %d of %d flipped", i, len(orig))
		assert.Nil(t, r.Values, "no plaintext")
		assert.Equal(t, custos.OutcomeError, f.events.last().Outcome)
		assert.Equal(t, "corrupt", f.events.last().Reason)
	}
	f.overwrite("C1", "customer", orig)
	_, err := f.vault.Get(ctx, clerk, "C1", "customer", customerFields...)
	require.NoError(t, err, "the original still reads")

	// A field dropped from the envelope is reported missing, never as
	// another field's value.
	fs, err := parseEnvelope(orig)
	require.NoError(t, err)
	f.overwrite("C1", "customer", buildEnvelope(fs[1:]))
	r, err := f.vault.Get(ctx, clerk, "C1", "customer", customerFields...)
	require.NoError(t, err)
	assert.NotContains(t, r.Values, fs[0].name)
}

func testMisplaced(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	f.customer("C2")
	c1 := f.envelope("C1", "customer")
	c2 := f.envelope("C2", "customer")
	fs1, err := parseEnvelope(c1)
	require.NoError(t, err)
	fs2, err := parseEnvelope(c2)
	require.NoError(t, err)
	byName := func(fs []field, n string) []byte {
		for _, f := range fs {
			if f.name == n {
				return f.ct
			}
		}
		t.Fatalf("no field %s", n)
		return nil
	}

	cases := []struct {
		name string
		env  []byte
		typ  string
	}{
		{"whole envelope copied to another customer", c1, "customer"},
		{"one field copied from another customer", buildEnvelope([]field{
			{"mobile", byName(fs1, "mobile")}, {"name", byName(fs2, "name")}, {"resident_id", byName(fs2, "resident_id")},
		}), "customer"},
		{"one field copied to another field", buildEnvelope([]field{
			{"mobile", byName(fs2, "resident_id")}, {"name", byName(fs2, "name")}, {"resident_id", byName(fs2, "resident_id")},
		}), "customer"},
		{"fields renamed into each other", buildEnvelope([]field{
			{"mobile", byName(fs2, "name")}, {"name", byName(fs2, "mobile")}, {"resident_id", byName(fs2, "resident_id")},
		}), "customer"},
		{"record moved to another type", buildEnvelope([]field{{"contract", byName(fs2, "name")}}), "lease"},
		{"field the schema does not declare", buildEnvelope(append(slices.Clone(fs2), field{"zz_extra", byName(fs2, "name")})), "customer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			orig := f.envelope("C2", c.typ)
			f.overwrite("C2", c.typ, c.env)
			defer f.overwrite("C2", c.typ, orig)
			fields := customerFields
			if c.typ == "lease" {
				fields = []string{"contract", "months"}
			}
			r, err := f.vault.Get(ctx, clerk, "C2", c.typ, fields...)
			require.ErrorIs(t, err, vault.ErrCorrupt)
			assert.Nil(t, r.Values)
		})
	}

	t.Run("wrapped key copied to another customer", func(t *testing.T) {
		d1, err := f.db.Keys().GetDEK(ctx, "C1")
		require.NoError(t, err)
		d2, err := f.db.Keys().GetDEK(ctx, "C2")
		require.NoError(t, err)
		d2.Keyset, d2.Version = d1.Keyset, d2.Version+1
		require.NoError(t, f.db.Keys().UpdateDEK(ctx, d2))
		kr := f.keyring(f.kek) // a cold cache
		_, err = kr.AEAD(ctx, "C2")
		require.ErrorIs(t, err, keys.ErrUnwrap)
		_, err = f.newVault(kr).Get(ctx, clerk, "C2", "customer", "name")
		require.ErrorIs(t, err, keys.ErrUnwrap)
	})
}
