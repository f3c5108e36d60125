package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"

	"github.com/transparency-dev/merkle/proof"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
)

// AuditTrail is the seller's audit trail of one moved customer, as a
// bundle carries it: every entry of the seller's log about the customer,
// each with its RFC 6962 inclusion proof into one signed checkpoint of the
// log. The acquirer checks it with the log's verifier key alone; proofs
// are hashes, so it learns nothing of the entries of customers who stay.
type AuditTrail struct {
	Subject custos.SubjectID `json:"subject"`
	// Checkpoint is the seller log's signed checkpoint the proofs are
	// against.
	Checkpoint []byte `json:"checkpoint"`
	// Entries are the customer's entries in index order.
	Entries []TrailEntry `json:"entries"`
}

// TrailEntry is one audit entry with its inclusion proof.
type TrailEntry struct {
	Index uint64   `json:"index"`
	Leaf  []byte   `json:"leaf"`
	Proof [][]byte `json:"proof"`
}

// trail reads the customer's audit trail from the seller's log.
func (s *Seller) trail(ctx context.Context, acc custos.Access, subj custos.SubjectID) (AuditTrail, error) {
	t := AuditTrail{Subject: subj, Entries: []TrailEntry{}}
	for m, err := range s.audit.Query(ctx, acc, audit.Query{Subject: subj}) {
		if err != nil {
			return AuditTrail{}, fmt.Errorf("transfer: read audit trail: %w", err)
		}
		t.Checkpoint = m.Checkpoint
		t.Entries = append(t.Entries, TrailEntry{Index: m.Index, Leaf: m.Leaf, Proof: m.Proof})
	}
	return t, nil
}

// verify checks every entry of the trail against its checkpoint with the
// seller log's verifier key.
func (t AuditTrail) verify(verifierKey string) error {
	if len(t.Entries) == 0 {
		return nil
	}
	cp, err := audit.OpenCheckpoint(t.Checkpoint, verifierKey)
	if err != nil {
		return fmt.Errorf("checkpoint does not verify against the seller's log")
	}
	for i, e := range t.Entries {
		if i > 0 && t.Entries[i-1].Index >= e.Index {
			return fmt.Errorf("entries out of order")
		}
		if err := proof.VerifyInclusion(hasher, e.Index, cp.Size, hasher.HashLeaf(e.Leaf), e.Proof, cp.Root); err != nil {
			return fmt.Errorf("entry %d does not verify against the seller's log", i)
		}
	}
	return nil
}

// chain is the digest of a sequence of frames: each payload preceded by
// its length as a uvarint.
type chain struct{ h hash.Hash }

func newChain() *chain { return &chain{h: sha256.New()} }

func (c *chain) add(payload []byte) {
	c.h.Write(binary.AppendUvarint(nil, uint64(len(payload))))
	c.h.Write(payload)
}

func (c *chain) sum() []byte { return c.h.Sum(nil) }
