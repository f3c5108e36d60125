package report_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/text/language"

	"github.com/custos-go/custos/report"
)

func signer(t *testing.T) (note.Signer, string) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "report.leasing.example")
	require.NoError(t, err)
	s, err := note.NewSigner(skey)
	require.NoError(t, err)
	return s, vkey
}

// A signed report verifies, as JSON and as HTML, with the verifier key
// alone; any change to a figure or to the page's text does not.
func TestSignedReportVerifies(t *testing.T) {
	e := fullEnv(t)
	r, rep := build(t, e.config())
	s, vkey := signer(t)
	signed, err := report.Sign(rep, s)
	require.NoError(t, err)

	var js, page bytes.Buffer
	require.NoError(t, report.WriteJSON(&js, signed))
	require.NoError(t, r.WriteHTML(&page, signed, language.English))
	for name, data := range map[string][]byte{"json": js.Bytes(), "html": page.Bytes()} {
		t.Run(name, func(t *testing.T) {
			got, err := report.Verify(data, vkey)
			require.NoError(t, err)
			assert.Equal(t, signed, got)

			_, other := signer(t)
			_, err = report.Verify(data, other)
			assert.ErrorIs(t, err, report.ErrSignature, "another key")

			tampered := bytes.Replace(data, []byte(`"servicing"`), []byte(`"servicinG"`), 1)
			if name == "html" {
				tampered = bytes.Replace(data, []byte(">servicing<"), []byte(">servicinG<"), 1)
			}
			require.NotEqual(t, data, tampered)
			_, err = report.Verify(tampered, vkey)
			assert.ErrorIs(t, err, report.ErrSignature, "an edited figure")
		})
	}
	// The page shows the digest and the signature.
	assert.Contains(t, page.String(), "Report digest (SHA-256)")
	assert.Contains(t, page.String(), "— report.leasing.example ")

	_, err = report.Verify(js.Bytes(), "not a key")
	assert.ErrorIs(t, err, report.ErrConfig)
	unsigned := strings.Replace(js.String(), `"signature"`, `"signaturX"`, 1)
	_, err = report.Verify([]byte(unsigned), vkey)
	assert.ErrorIs(t, err, report.ErrSignature)
}
