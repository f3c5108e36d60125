package audit

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"

	"github.com/custos-go/custos"
)

// AuditRecordType is the record type of the events the log records about
// reads of itself.
const AuditRecordType = "audit-log"

// Query selects entries of the log. Each field left zero matches every
// entry; the fields set must all match.
type Query struct {
	// Subject matches entries about this customer, through the customer's
	// pseudonymous reference in each entry's period. Answering needs every
	// period's reference key (ErrReference otherwise).
	Subject custos.SubjectID
	// Actor matches the acting actor's ID.
	Actor string
	// Role matches the acting actor's role.
	Role custos.Role
	// Credential matches the credential id the access came with, and
	// Instance the application instance it came through (custos.Access).
	Credential string
	Instance   string
	// Purpose matches the purpose.
	Purpose custos.PurposeID
	// Action matches the action.
	Action custos.Action
	// Since and Until bound the entries' time: Since <= Time < Until.
	Since, Until time.Time
	// Limit stops after this many matches; 0 means no limit.
	Limit int
}

// filters names the filters set, for the audit event of the query: which
// kinds of question were asked, not the values asked about.
func (q Query) filters() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"action", q.Action != ""}, {"actor", q.Actor != ""}, {"credential", q.Credential != ""}, {"instance", q.Instance != ""},
		{"purpose", q.Purpose != ""}, {"role", q.Role != ""},
		{"since", !q.Since.IsZero()}, {"subject", q.Subject != ""}, {"until", !q.Until.IsZero()}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	if len(out) == 0 {
		out = []string{"all"}
	}
	return out
}

func (q Query) validate() error {
	if q.Subject != "" {
		if err := q.Subject.Validate(); err != nil {
			return err
		}
	}
	if q.Limit < 0 {
		return fmt.Errorf("%w: negative query limit", ErrConfig)
	}
	return nil
}

// Match is one entry answering a query, with what an auditor needs to check
// that the log holds it: its bytes, and its inclusion proof into the signed
// checkpoint the whole answer was computed against.
type Match struct {
	// Index is the entry's position.
	Index uint64
	// Entry is the decoded entry; Leaf its bytes as logged.
	Entry Entry
	Leaf  []byte
	// Proof is the RFC 6962 inclusion proof of Leaf at Index in the tree
	// of Checkpoint.
	Proof [][]byte
	// Checkpoint is the signed checkpoint the answer is proved against; the
	// same for every match of one query.
	Checkpoint []byte
}

// Verify checks, with only the log's verifier key, that the match's
// checkpoint is signed by the log and that the entry is in the tree it
// commits to.
func (m Match) Verify(verifierKey string) error {
	_, err := VerifyInclusion(m.Checkpoint, verifierKey, m.Index, m.Leaf, m.Proof)
	return err
}

// Query returns the entries matching q, in index order, each with its
// inclusion proof into one signed checkpoint. Before reading anything it
// durably records the query itself as a custos.ActionAuditRead event of
// acc (PIPL Art. 54, 55: who looked at the trail and why), so the answer's
// checkpoint covers the query; if that fails, the query yields only the
// error. That entry is part of the log the query reads: a query by customer
// finds it (and the earlier queries about the customer) among its answers.
//
// Matches come in index order, except for a query by actor, role,
// credential or instance that names no customer: in order of time, then
// index. Memory is bounded by a
// page of entries whatever the size of the answer; stop early by breaking
// out of the loop. On a Store that implements IndexedStore, a query naming
// a customer, an actor or a role reads only the index entries of that
// customer (one page per reference period), actor, role, credential or
// instance (within Since and Until): time proportional to the answer. Any other query, or any query on
// a Store without indexes, scans the log: time proportional to its size.
// Every match is decoded and checked against q in full and proved into the
// checkpoint; a stored entry that does not decode, is out of place or
// whose proof does not verify yields an error wrapping ErrTampered. The
// proofs show that each match is in the log; that no entry was left out
// rests on the store's index (Verify checks the log, not the index).
func (l *Log) Query(ctx context.Context, acc custos.Access, q Query) iter.Seq2[Match, error] {
	return func(yield func(Match, error) bool) {
		if err := acc.Validate(); err != nil {
			yield(Match{}, err)
			return
		}
		if err := q.validate(); err != nil {
			yield(Match{}, err)
			return
		}
		ev := custos.Event{Action: custos.ActionAuditRead, Access: acc, Subject: q.Subject,
			RecordType: AuditRecordType, Fields: q.filters(), Outcome: custos.OutcomeAllowed}
		if err := l.Record(ctx, ev); err != nil {
			yield(Match{}, err)
			return
		}
		if err := l.query(ctx, q, yield); err != nil {
			yield(Match{}, err)
		}
	}
}

// stop is returned by query's callbacks when the consumer stopped.
type stop struct{}

func (stop) Error() string { return "stopped" }

func (l *Log) query(ctx context.Context, q Query, yield func(Match, error) bool) error {
	signed, err := l.Checkpoint(ctx)
	if err != nil {
		return err
	}
	cp, err := openCheckpoint(signed, l.keys.verifier)
	if err != nil {
		return err
	}
	refs := map[string][]byte{}
	found := 0
	size := leafPage
	if _, ok := l.store.(IndexedStore); ok && (q.Subject != "" || q.lookup().Keyed()) {
		size = lookupPage // matches are proved and yielded a lookup page at a time
	}
	page := make([]Match, 0, size)
	flush := func() error {
		if err := l.prove(ctx, page, cp); err != nil {
			return err
		}
		for _, m := range page {
			m.Checkpoint = signed
			if !yield(m, nil) {
				return stop{}
			}
		}
		page = page[:0]
		return nil
	}
	err = l.candidates(ctx, q, cp.Size, func(leaf Leaf) error {
		e, err := ParseEntry(leaf.Entry)
		if err != nil || e.Index != leaf.Index {
			return tamperAt(leaf.Index, "stored entry does not decode or is out of place")
		}
		ok, err := l.matches(ctx, q, e, refs)
		if err != nil || !ok {
			return err
		}
		page = append(page, Match{Index: e.Index, Entry: e, Leaf: leaf.Entry})
		found++
		if len(page) == cap(page) || found == q.Limit {
			if err := flush(); err != nil {
				return err
			}
		}
		if found == q.Limit {
			return stop{}
		}
		return nil
	})
	if err == nil && len(page) > 0 {
		err = flush()
	}
	if _, stopped := err.(stop); stopped {
		return nil
	}
	return err
}

func (l *Log) matches(ctx context.Context, q Query, e Entry, refs map[string][]byte) (bool, error) {
	switch {
	case q.Actor != "" && e.Actor.ID != q.Actor,
		q.Role != "" && e.Actor.Role != q.Role,
		q.Credential != "" && e.Credential != q.Credential,
		q.Instance != "" && e.Instance != q.Instance,
		q.Purpose != "" && e.Purpose != q.Purpose,
		q.Action != "" && e.Action != q.Action,
		!q.Since.IsZero() && e.Time.Before(q.Since),
		!q.Until.IsZero() && !e.Time.Before(q.Until):
		return false, nil
	case q.Subject == "":
		return true, nil
	case len(e.Ref) == 0:
		return false, nil
	}
	ref, ok := refs[e.Period]
	if !ok {
		var err error
		if ref, err = l.refs.ref(ctx, e.Period, q.Subject, false); err != nil {
			return false, err
		}
		refs[e.Period] = ref
	}
	return bytes.Equal(ref, e.Ref), nil
}

// prove fills in the inclusion proofs of ms in the tree of cp, reading
// the stored hashes they all need in one store call, and checks each proof
// against cp.
func (l *Log) prove(ctx context.Context, ms []Match, cp Checkpoint) error {
	if len(ms) == 0 {
		return nil
	}
	all := make([]proof.Nodes, len(ms))
	var ids []compact.NodeID
	for i, m := range ms {
		n, err := proof.Inclusion(m.Index, cp.Size)
		if err != nil {
			return fmt.Errorf("audit: %v", err)
		}
		all[i] = n
		ids = append(ids, n.IDs...)
	}
	hashes, err := readNodes(ctx, l.store, ids)
	if err != nil {
		return err
	}
	for i := range ms {
		n := len(all[i].IDs)
		p, err := all[i].Rehash(hashes[:n:n], hasher.HashChildren)
		if err != nil {
			return fmt.Errorf("audit: %v", err)
		}
		hashes = hashes[n:]
		if err := proof.VerifyInclusion(hasher, ms[i].Index, cp.Size, hasher.HashLeaf(ms[i].Leaf), p, cp.Root); err != nil {
			return tamperAt(ms[i].Index, "stored tree hashes do not prove the entry into the latest checkpoint")
		}
		ms[i].Proof = p
	}
	return nil
}

// Export records a custos.ActionAuditRead event of acc (an export is a
// read of the log: PIPL Art. 54, 55), durably, then exports the log into
// dir as ExportTiles does. The export covers its own event. opt.Verifier,
// if set, is the key the log is verified with (the one the operator holds);
// empty means the Log's own key, which the KEK authenticates. If recording
// fails, nothing is exported.
func (l *Log) Export(ctx context.Context, acc custos.Access, dir string, opt *ExportOptions) (ExportReport, error) {
	if err := acc.Validate(); err != nil {
		return ExportReport{}, err
	}
	o := ExportOptions{}
	if opt != nil {
		o = *opt
	}
	if o.Verifier == "" {
		o.Verifier = l.keys.vkey
	}
	ev := custos.Event{Action: custos.ActionAuditRead, Access: acc, RecordType: AuditRecordType,
		Fields: []string{"export"}, Outcome: custos.OutcomeAllowed}
	if err := l.Record(ctx, ev); err != nil {
		return ExportReport{}, err
	}
	return ExportTiles(ctx, l.store, dir, &o)
}

// VerifyInclusion checks that signed is a checkpoint signed by verifierKey
// and that entry is at index in the tree it commits to, given the entry's
// inclusion proof. It returns the checkpoint. Failures wrap ErrTampered.
func VerifyInclusion(signed []byte, verifierKey string, index uint64, entry []byte, p [][]byte) (Checkpoint, error) {
	cp, err := OpenCheckpoint(signed, verifierKey)
	if err != nil {
		return Checkpoint{}, err
	}
	if err := proof.VerifyInclusion(hasher, index, cp.Size, hasher.HashLeaf(entry), p, cp.Root); err != nil {
		return Checkpoint{}, tamperAt(index, "inclusion proof does not verify against the checkpoint of size %d", cp.Size)
	}
	return cp, nil
}

// VerifyConsistency checks that older and newer are checkpoints signed by
// verifierKey and that the tree of newer extends the tree of older, given
// the consistency proof between their sizes: nothing in older was changed
// or removed. Failures wrap ErrTampered.
func VerifyConsistency(older, newer []byte, verifierKey string, p [][]byte) error {
	a, err := OpenCheckpoint(older, verifierKey)
	if err != nil {
		return err
	}
	b, err := OpenCheckpoint(newer, verifierKey)
	if err != nil {
		return err
	}
	if a.Size > b.Size {
		return tamperAt(b.Size, "the newer checkpoint (size %d) is smaller than the older (size %d)", b.Size, a.Size)
	}
	if err := proof.VerifyConsistency(hasher, a.Size, b.Size, p, a.Root, b.Root); err != nil {
		return tampered("checkpoints of sizes %d and %d are not consistent: the log was rewritten or forked", a.Size, b.Size)
	}
	return nil
}
