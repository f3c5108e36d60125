package transfer_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/custos-go/custos/transfer"
)

// fuzzWorld is an exported bundle and what verifies it.
func fuzzWorld(f *testing.F) (*world, []byte) {
	w := newWorld(f, mergerPlan)
	b, _ := w.export(f)
	return w, b
}

// FuzzVerify feeds received bytes to the bundle verifier: it must never
// panic, and every refusal must be an ErrBundle naming what is wrong.
func FuzzVerify(f *testing.F) {
	w, good := fuzzWorld(f)
	f.Add(good)
	fs := splitFrames(f, good)
	f.Add(joinFrames(fs[:1]))
	f.Add(joinFrames(fs[:3]))
	f.Add([]byte(transfer.BundleMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := transfer.Verify(bytes.NewReader(b), w.rcpt.public, w.ag)
		if err != nil {
			if !errors.Is(err, transfer.ErrBundle) {
				t.Fatalf("refusal without ErrBundle: %v", err)
			}
			return
		}
		if v.Manifest.Customers != uint64(len(v.Subjects)) {
			t.Fatalf("verified a bundle whose manifest counts %d customers for %d", v.Manifest.Customers, len(v.Subjects))
		}
	})
}

// FuzzOpenManifest feeds received bytes to the manifest and receipt
// parsers.
func FuzzOpenManifest(f *testing.F) {
	w, good := fuzzWorld(f)
	fs := splitFrames(f, good)
	f.Add(fs[len(fs)-1].payload)
	f.Add([]byte("origin\n1\nAAAA\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := transfer.OpenManifest(b, w.from.vkey)
		if err != nil {
			if !errors.Is(err, transfer.ErrBundle) {
				t.Fatalf("refusal without ErrBundle: %v", err)
			}
		} else if len(m.Root) != 32 || len(m.Header) != 32 {
			t.Fatalf("accepted a manifest with malformed digests")
		}
		if _, err := transfer.OpenReceipt(b, w.to.vkey); err == nil {
			t.Fatalf("a seller-signed note accepted as the acquirer's receipt")
		}
	})
}

// FuzzParseRecipientKey feeds received bytes to the public-keyset parser
// and the transfer-key opener.
func FuzzParseRecipientKey(f *testing.F) {
	w, good := fuzzWorld(f)
	f.Add(w.rcpt.public)
	f.Add(splitFrames(f, good)[0].payload)
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := transfer.ParseRecipientKey(b); err != nil && !errors.Is(err, transfer.ErrKey) {
			t.Fatalf("refusal without ErrKey: %v", err)
		}
		if _, err := transfer.OpenTransferKey(w.rcpt.private, w.plan.ID, b); err != nil && !errors.Is(err, transfer.ErrKey) {
			t.Fatalf("refusal without ErrKey: %v", err)
		}
	})
}
