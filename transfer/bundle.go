package transfer

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// BundleMagic is the first line of every bundle.
const BundleMagic = "custos-transfer-bundle/v1\n"

// Frame kinds, in the order a bundle holds them: one header; the
// customers in ascending byte order of subject, each followed by its audit
// trail; the notice versions their consents name in ascending order; one
// manifest.
const (
	frameHeader   byte = 'H'
	frameCustomer byte = 'C'
	frameAudit    byte = 'A'
	frameNotice   byte = 'N'
	frameManifest byte = 'M'
)

// maxFrameBytes bounds one frame read from a bundle.
const maxFrameBytes = 64 << 20

// Header is the first frame of a bundle: which transfer, under which plan,
// for which recipient key, with the transfer key sealed to it.
type Header struct {
	Format string `json:"format"`
	// Transfer is the plan ID.
	Transfer string `json:"transfer"`
	// Plan is the plan's canonical JSON; PlanDigest its SHA-256.
	Plan       json.RawMessage `json:"plan"`
	PlanDigest []byte          `json:"plan_digest"`
	// RecipientKey is the SHA-256 of the recipient public keyset the
	// transfer key is sealed to (KeyFingerprint).
	RecipientKey []byte `json:"recipient_key"`
	// SealedKey is the transfer key sealed to the recipient
	// (SealTransferKey).
	SealedKey []byte `json:"sealed_key"`
	// Purposes are the seller's definitions of the purposes carried over,
	// so that the acquirer can check that its mapping does not widen them.
	Purposes []consent.Spec `json:"purposes"`
}

// headerFormat is Header.Format.
const headerFormat = "custos.transfer.header.v1"

// Customer is one moved customer in a bundle: its DEK under the transfer
// key and its records as ciphertext, with the state that travels with
// them (RULES M5).
type Customer struct {
	Subject custos.SubjectID `json:"subject"`
	// DEK is the customer's DEK keyset under the transfer key
	// (TransferKey.ExportDEK).
	DEK         []byte               `json:"dek"`
	Records     []vault.SealedRecord `json:"records"`
	Restriction vault.Restriction    `json:"restriction"`
	// Consents are the customer's consent records for the purposes carried
	// over, each with its full history.
	Consents []ConsentRecord `json:"consents,omitempty"`
	// Retention is the customer's retention clocks, holds and reviews
	// (retention.Retention.ExportSubject).
	Retention retention.SubjectState `json:"retention"`
}

// frameWriter writes frames: kind (1 byte) | uvarint length | payload.
type frameWriter struct {
	w *bufio.Writer
}

func newFrameWriter(w io.Writer) (*frameWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(BundleMagic); err != nil {
		return nil, err
	}
	return &frameWriter{w: bw}, nil
}

func (f *frameWriter) frame(kind byte, payload []byte) error {
	var hdr [1 + binary.MaxVarintLen64]byte
	hdr[0] = kind
	n := binary.PutUvarint(hdr[1:], uint64(len(payload)))
	if _, err := f.w.Write(hdr[:1+n]); err != nil {
		return err
	}
	_, err := f.w.Write(payload)
	return err
}

func (f *frameWriter) flush() error { return f.w.Flush() }

// frameReader reads the frames frameWriter writes.
type frameReader struct {
	r *bufio.Reader
}

func newFrameReader(r io.Reader) (*frameReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic := make([]byte, len(BundleMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != BundleMagic {
		return nil, fmt.Errorf("%w: not a custos transfer bundle", ErrBundle)
	}
	return &frameReader{r: br}, nil
}

// next returns the next frame, or io.EOF at a clean end.
func (f *frameReader) next() (byte, []byte, error) {
	kind, err := f.r.ReadByte()
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, err
	}
	n, err := binary.ReadUvarint(f.r)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: truncated frame", ErrBundle)
	}
	if n > maxFrameBytes {
		return 0, nil, fmt.Errorf("%w: frame larger than %d bytes", ErrBundle, maxFrameBytes)
	}
	// Read what is there rather than allocate what the length claims: a
	// received bundle may lie about it.
	payload, err := io.ReadAll(io.LimitReader(f.r, int64(n)))
	if err != nil {
		return 0, nil, err
	}
	if uint64(len(payload)) != n {
		return 0, nil, fmt.Errorf("%w: truncated frame", ErrBundle)
	}
	return kind, payload, nil
}

// decodeStrict decodes JSON refusing unknown fields and trailing data.
func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	return nil
}
