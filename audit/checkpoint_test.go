package audit_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos/audit"
)

var root32 = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))

func TestParseCheckpoint(t *testing.T) {
	c, err := audit.ParseCheckpoint([]byte("log.example/a\n20852163\n" + root32 + "\n"))
	require.NoError(t, err)
	assert.Equal(t, audit.Checkpoint{Origin: "log.example/a", Size: 20852163, Root: bytes.Repeat([]byte{9}, 32)}, c)
	assert.Equal(t, "log.example/a\n20852163\n"+root32+"\n", c.Text(), "text round-trips")

	ext, err := audit.ParseCheckpoint([]byte("log.example/a\n0\n" + root32 + "\nextension line\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"extension line"}, ext.Extensions)

	bad := map[string]string{
		"empty":             "",
		"no final newline":  "log.example/a\n1\n" + root32,
		"two lines":         "log.example/a\n1\n",
		"empty origin":      "\n1\n" + root32 + "\n",
		"origin with space": "log example\n1\n" + root32 + "\n",
		"origin with plus":  "log+example\n1\n" + root32 + "\n",
		"leading zero":      "log.example/a\n01\n" + root32 + "\n",
		"negative size":     "log.example/a\n-1\n" + root32 + "\n",
		"size overflow":     "log.example/a\n18446744073709551616\n" + root32 + "\n",
		"short root":        "log.example/a\n1\nAAAA\n",
		"root not base64":   "log.example/a\n1\n!!!!\n",
		"empty extension":   "log.example/a\n1\n" + root32 + "\n\n",
		"windows line ends": "log.example/a\r\n1\r\n" + root32 + "\r\n",
		"huge":              strings.Repeat("x", 70000) + "\n1\n" + root32 + "\n",
		"unpadded root":     "log.example/a\n1\n" + strings.TrimRight(root32, "=") + "\n",
	}
	for name, text := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := audit.ParseCheckpoint([]byte(text))
			assert.ErrorIs(t, err, audit.ErrMalformed)
		})
	}
}

func signed(t *testing.T, skey, text string) []byte {
	t.Helper()
	s, err := note.NewSigner(skey)
	require.NoError(t, err)
	b, err := note.Sign(&note.Note{Text: text}, s)
	require.NoError(t, err)
	return b
}

func TestOpenCheckpoint(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "log.example/a")
	require.NoError(t, err)
	otherSkey, _, err := note.GenerateKey(rand.Reader, "log.example/a")
	require.NoError(t, err)
	otherLogSkey, otherLogVkey, err := note.GenerateKey(rand.Reader, "log.example/b")
	require.NoError(t, err)
	text := "log.example/a\n3\n" + root32 + "\n"

	c, err := audit.OpenCheckpoint(signed(t, skey, text), vkey)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), c.Size)

	cases := map[string]struct {
		msg  []byte
		vkey string
		want error
	}{
		"signed by another key":                      {signed(t, otherSkey, text), vkey, audit.ErrTampered},
		"text changed":                               {bytes.Replace(signed(t, skey, text), []byte("\n3\n"), []byte("\n4\n"), 1), vkey, audit.ErrTampered},
		"another log's checkpoint under its own key": {signed(t, otherLogSkey, text), otherLogVkey, audit.ErrTampered},
		"not a note":                                 {[]byte(text), vkey, audit.ErrMalformed},
		"bad verifier key":                           {signed(t, skey, text), "not-a-key", audit.ErrConfig},
		"signed garbage":                             {signed(t, skey, "log.example/a\nnot a size\n"), vkey, audit.ErrMalformed},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := audit.OpenCheckpoint(c.msg, c.vkey)
			assert.ErrorIs(t, err, c.want)
		})
	}
}
