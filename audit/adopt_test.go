package audit_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos/audit"
)

// TestAdoptAnotherWritersHead shows how a Log takes the appends another
// writer (another process, with the same key) stored since it last wrote.
// The head that writer stored is exactly the note the Log's own key gives
// for the extended tree, and is adopted by re-signing (the fast path),
// without a verification. Any other head is checked the long way: a valid
// checkpoint carrying one more signature is adopted and the Log appends on
// it; a checkpoint with a changed byte is refused as tampered and nothing is
// appended.
func TestAdoptAnotherWritersHead(t *testing.T) {
	other, _, err := note.GenerateKey(nil, "witness.test.example")
	require.NoError(t, err)
	witness, err := note.NewSigner(other)
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		change   func(t *testing.T, l *audit.Log, checkpoint []byte) []byte
		fast     bool
		appended bool
	}{
		{"the head the other writer stored", func(_ *testing.T, _ *audit.Log, c []byte) []byte { return c }, true, true},
		{"one more signature", func(t *testing.T, l *audit.Log, c []byte) []byte {
			v, err := note.NewVerifier(l.Verifier())
			require.NoError(t, err)
			n, err := note.Open(c, note.VerifierList(v))
			require.NoError(t, err)
			cosigned, err := note.Sign(n, witness)
			require.NoError(t, err)
			return cosigned
		}, false, true},
		{"a changed byte", func(_ *testing.T, _ *audit.Log, c []byte) []byte {
			c = append([]byte(nil), c...)
			i := len(c) - 20 // a base64 digit of the signature
			c[i] = map[bool]byte{true: 'B', false: 'A'}[c[i] == 'A']
			return c
		}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := &sliceStore{}
			kr := newKeyring(t)
			mine := newLog(t, s, kr)
			appendN(t, mine, 0, 2)
			otherWriter := newLog(t, s, kr)
			appendN(t, otherWriter, 2, 5)

			s.mu.Lock()
			s.head.Checkpoint = tc.change(t, mine, s.head.Checkpoint)
			h := s.head
			s.mu.Unlock()
			assert.Equal(t, tc.fast, audit.AdoptSigned(ctx, mine, h))

			_, err := mine.Append(ctx, event(5))
			after, herr := s.Head(ctx)
			require.NoError(t, herr)
			if !tc.appended {
				require.ErrorIs(t, err, audit.ErrTampered)
				assert.Equal(t, h, after, "nothing appended")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, uint64(6), after.Size)
			_, err = audit.Verify(ctx, audit.StoreSource(s), audit.VerifyOptions{Verifier: mine.Verifier()})
			require.NoError(t, err)
		})
	}
}
