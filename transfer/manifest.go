package transfer

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos/audit"
)

// The manifest is a C2SP tlog-checkpoint (as audit checkpoints are) over an
// RFC 6962 Merkle tree whose leaves are the customer frames of the bundle,
// in order, with three extension lines naming the format, the transfer and
// the SHA-256 of the header frame:
//
//	<origin: the signer's key name>
//	<number of customers>
//	<base64 root>
//	custos.transfer.manifest.v1
//	transfer <id>
//	header <base64 SHA-256 of the header frame's payload>
//	notices <base64 SHA-256 of the notice frames' payloads, each
//	        preceded by its length as a uvarint, in order>
//	audit <base64 SHA-256 of the audit-trail frames, likewise>
//
// signed as a C2SP signed note by the seller. The acquirer's receipt is the
// same text without the audit line and with custos.transfer.receipt.v1 on
// the fourth line, signed by the acquirer. The audit trail is not under the
// root: it grows with every read, so an export run again writes other
// trail frames but the same root.
const (
	manifestFormat = "custos.transfer.manifest.v1"
	receiptFormat  = "custos.transfer.receipt.v1"
)

var (
	hasher  = rfc6962.DefaultHasher
	factory = &compact.RangeFactory{Hash: hasher.HashChildren}
)

// Manifest is a verified manifest: what a bundle commits to.
type Manifest struct {
	// Transfer is the plan ID.
	Transfer string
	// Customers is the number of customers moved.
	Customers uint64
	// Root is the RFC 6962 root over the customer frames.
	Root []byte
	// Header is the SHA-256 of the header frame, and Notices the digest
	// of the notice frames.
	Header, Notices []byte
	// Audit is the digest of the audit-trail frames; empty in a receipt.
	Audit []byte
	// Signed is the signed note.
	Signed []byte
}

// tree accumulates the leaves of a manifest.
type tree struct {
	rng *compact.Range
}

func newTree() *tree { return &tree{rng: factory.NewEmptyRange(0)} }

// add appends a customer frame's payload and returns its leaf hash.
func (t *tree) add(payload []byte) []byte {
	h := hasher.HashLeaf(payload)
	if err := t.rng.Append(h, nil); err != nil {
		panic("transfer: appending to a compact range failed: " + err.Error())
	}
	return h
}

func (t *tree) size() uint64 { return t.rng.End() }

func (t *tree) root() []byte {
	if t.rng.End() == 0 {
		return hasher.EmptyRoot()
	}
	r, err := t.rng.GetRootHash(nil)
	if err != nil {
		panic("transfer: root of a range from 0 failed: " + err.Error())
	}
	return r
}

func headerDigest(payload []byte) []byte {
	d := sha256.Sum256(payload)
	return d[:]
}

// noteText is the checkpoint text of a manifest or receipt.
func noteText(format, origin string, m Manifest) string {
	ext := []string{
		format, "transfer " + m.Transfer,
		"header " + base64.StdEncoding.EncodeToString(m.Header),
		"notices " + base64.StdEncoding.EncodeToString(m.Notices),
	}
	if format == manifestFormat {
		ext = append(ext, "audit "+base64.StdEncoding.EncodeToString(m.Audit))
	}
	return audit.Checkpoint{Origin: origin, Size: m.Customers, Root: m.Root, Extensions: ext}.Text()
}

// signManifest signs the manifest of a bundle.
func signManifest(s note.Signer, m Manifest) ([]byte, error) {
	return note.Sign(&note.Note{Text: noteText(manifestFormat, s.Name(), m)}, s)
}

// openNote verifies a signed manifest or receipt with verifierKey and
// returns what it commits to. It names what is wrong in an ErrBundle.
func openNote(signed []byte, verifierKey, format string) (Manifest, error) {
	c, err := audit.OpenCheckpoint(signed, verifierKey)
	if err != nil {
		return Manifest{}, fmt.Errorf("%w: signature: %v", ErrBundle, strings.TrimPrefix(err.Error(), "audit: "))
	}
	lines := 4
	if format == manifestFormat {
		lines = 5
	}
	if len(c.Extensions) != lines || c.Extensions[0] != format || !strings.HasPrefix(c.Extensions[1], "transfer ") {
		return Manifest{}, fmt.Errorf("%w: not a %s", ErrBundle, format)
	}
	m := Manifest{Transfer: strings.TrimPrefix(c.Extensions[1], "transfer "), Customers: c.Size, Root: c.Root, Signed: bytes.Clone(signed)}
	var err1, err2, err3 error
	m.Header, err1 = digestLine(c.Extensions[2], "header ")
	m.Notices, err2 = digestLine(c.Extensions[3], "notices ")
	if lines == 5 {
		m.Audit, err3 = digestLine(c.Extensions[4], "audit ")
	}
	if err1 != nil || err2 != nil || err3 != nil {
		return Manifest{}, fmt.Errorf("%w: %s digest lines malformed", ErrBundle, format)
	}
	return m, nil
}

// OpenManifest verifies a signed manifest with the seller's verifier key
// and returns it. A note signed by another key, altered, or not a
// manifest gives ErrBundle.
func OpenManifest(signed []byte, sellerVerifier string) (Manifest, error) {
	return openNote(signed, sellerVerifier, manifestFormat)
}

// OpenReceipt verifies an acquirer's signed receipt with its verifier key.
func OpenReceipt(signed []byte, acquirerVerifier string) (Manifest, error) {
	return openNote(signed, acquirerVerifier, receiptFormat)
}

// signReceipt signs the receipt of a manifest.
func signReceipt(s note.Signer, m Manifest) ([]byte, error) {
	m.Audit = nil
	return note.Sign(&note.Note{Text: noteText(receiptFormat, s.Name(), m)}, s)
}

func digestLine(line, prefix string) ([]byte, error) {
	if !strings.HasPrefix(line, prefix) {
		return nil, fmt.Errorf("no %q", prefix)
	}
	d, err := base64.StdEncoding.Strict().DecodeString(strings.TrimPrefix(line, prefix))
	if err != nil || len(d) != sha256.Size {
		return nil, fmt.Errorf("bad digest")
	}
	return d, nil
}
