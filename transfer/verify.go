package transfer

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// Agreement is what the acquirer agreed with the seller out of band, and
// checks every bundle against.
type Agreement struct {
	// Transfer is the plan ID expected: a bundle of any other transfer,
	// such as an older one replayed, is refused.
	Transfer string
	// SellerVerifier is the seller's signed-note verifier key: a manifest
	// signed by any other key is refused.
	SellerVerifier string
	// SellerAudit is the verifier key of the seller's audit log: every
	// moved customer's audit trail must verify against it.
	SellerAudit string
	// Purposes maps each seller purpose carried over to the acquirer's
	// purpose that continues it. A mapping onto a purpose wider than the
	// original (another basis, more actions or fields, a longer validity)
	// is refused: it would need new consent (PIPL Art. 14 ¶2, 22).
	Purposes map[custos.PurposeID]custos.PurposeID
}

// Verified is a bundle that passed verification: its header, plan and
// manifest, and what the second pass checks each customer frame against.
type Verified struct {
	Header   Header
	Plan     Plan
	Manifest Manifest
	Subjects []custos.SubjectID
	leaves   [][]byte
	notices  []consent.PublishedNotice
}

// Verify reads a whole bundle and checks, before anything is imported,
// that it is exactly what the seller signed for this acquirer: the magic
// line and frame order (one header, customers, notices, one manifest,
// nothing after); the header names the agreed transfer, its plan matches
// its digest, and the transfer key is sealed to publicKeyset; customers
// are in strictly ascending order, each once, each followed by its audit
// trail, whose every entry verifies against the seller log's signed
// checkpoint with the agreed key; the manifest is signed by
// the agreed seller key and commits to exactly these customers (root and
// count), this header, these notices and these trails. Anything else — a flipped byte,
// a customer added, removed, reordered or swapped, a truncated or replayed
// bundle, another signer — gives ErrBundle naming what is wrong.
func Verify(r io.Reader, publicKeyset []byte, ag Agreement) (*Verified, error) {
	fr, err := newFrameReader(r)
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBundle}, args...)...)
	}
	kind, hp, err := fr.next()
	if err == io.EOF {
		return nil, bad("truncated: no header")
	}
	if err != nil {
		return nil, err
	}
	if kind != frameHeader {
		return nil, bad("the first frame is not the header")
	}
	v := &Verified{}
	if err := decodeStrict(hp, &v.Header); err != nil {
		return nil, bad("header does not decode")
	}
	h := &v.Header
	switch {
	case h.Format != headerFormat:
		return nil, bad("header format %q is not %q", h.Format, headerFormat)
	case h.Transfer != ag.Transfer:
		return nil, bad("bundle of transfer %q, not the agreed %q (replayed or misdirected)", safeText(h.Transfer), ag.Transfer)
	}
	if d := sha256.Sum256(h.Plan); !bytes.Equal(d[:], h.PlanDigest) {
		return nil, bad("plan does not match its digest")
	}
	if err := decodeStrict(h.Plan, &v.Plan); err != nil || v.Plan.ID != h.Transfer {
		return nil, bad("plan does not decode or names another transfer")
	}
	if !bytes.Equal(h.RecipientKey, KeyFingerprint(publicKeyset)) || !bytes.Equal(KeyFingerprint(v.Plan.Recipient.PublicKeyset), h.RecipientKey) {
		return nil, bad("bundle is not sealed to this acquirer's key")
	}
	t := newTree()
	nd, ad := newChain(), newChain()
	var lastNotice string
	trailed := false
	for {
		kind, payload, err := fr.next()
		if err == io.EOF {
			return nil, bad("truncated: no manifest")
		}
		if err != nil {
			return nil, err
		}
		switch kind {
		case frameCustomer:
			if len(v.notices) > 0 {
				return nil, bad("customer frame after the notices")
			}
			var c Customer
			if err := decodeStrict(payload, &c); err != nil {
				return nil, bad("customer %d does not decode", len(v.Subjects))
			}
			if err := c.Subject.Validate(); err != nil {
				return nil, bad("customer %d has an invalid subject", len(v.Subjects))
			}
			for _, cr := range c.Consents {
				if _, err := wireToCarried(cr); err != nil {
					return nil, bad("customer %d: %v", len(v.Subjects), strings.TrimPrefix(err.Error(), ErrBundle.Error()+": "))
				}
			}
			if n := len(v.Subjects); n > 0 && v.Subjects[n-1] >= c.Subject {
				return nil, bad("customer %d is out of order or repeated", n)
			}
			if n := len(v.Subjects); n > 0 && !trailed {
				return nil, bad("customer %d has no audit trail", n-1)
			}
			v.Subjects = append(v.Subjects, c.Subject)
			v.leaves = append(v.leaves, t.add(payload))
			trailed = false
		case frameAudit:
			n := len(v.Subjects)
			var tr AuditTrail
			if err := decodeStrict(payload, &tr); err != nil {
				return nil, bad("audit trail %d does not decode", n-1)
			}
			if n == 0 || trailed || len(v.notices) > 0 || tr.Subject != v.Subjects[n-1] {
				return nil, bad("audit trail out of place")
			}
			if err := tr.verify(ag.SellerAudit); err != nil {
				return nil, bad("audit trail of customer %d: %v", n-1, err)
			}
			trailed = true
			ad.add(payload)
		case frameNotice:
			if len(v.Subjects) > 0 && !trailed && len(v.notices) == 0 {
				return nil, bad("customer %d has no audit trail", len(v.Subjects)-1)
			}
			var n consent.PublishedNotice
			if err := decodeStrict(payload, &n); err != nil {
				return nil, bad("notice %d does not decode", len(v.notices))
			}
			if n.Version <= lastNotice {
				return nil, bad("notice %d is out of order or repeated", len(v.notices))
			}
			lastNotice = n.Version
			v.notices = append(v.notices, n)
			nd.add(payload)
		case frameManifest:
			if len(v.Subjects) > 0 && !trailed && len(v.notices) == 0 {
				return nil, bad("customer %d has no audit trail", len(v.Subjects)-1)
			}
			m, err := OpenManifest(payload, ag.SellerVerifier)
			if err != nil {
				return nil, err
			}
			switch {
			case m.Transfer != h.Transfer:
				return nil, bad("manifest names another transfer")
			case m.Customers != t.size():
				return nil, bad("manifest commits to %d customers, the bundle holds %d (added or removed)", m.Customers, t.size())
			case !bytes.Equal(m.Root, t.root()):
				return nil, bad("customer frames do not match the manifest root (altered or swapped)")
			case !bytes.Equal(m.Header, headerDigest(hp)):
				return nil, bad("header does not match the manifest")
			case !bytes.Equal(m.Notices, nd.sum()):
				return nil, bad("notices do not match the manifest")
			case !bytes.Equal(m.Audit, ad.sum()):
				return nil, bad("audit trails do not match the manifest")
			}
			if _, _, err := fr.next(); !errors.Is(err, io.EOF) {
				return nil, bad("data after the manifest")
			}
			v.Manifest = m
			return v, nil
		default:
			return nil, bad("unknown frame kind %q", kind)
		}
	}
}

// safeText returns s if it is a short plan-id-like string, else a
// placeholder, so that received bytes are not echoed into errors.
func safeText(s string) string {
	if planID.MatchString(s) {
		return s
	}
	return "(not a transfer id)"
}

// checkMapping refuses a purpose mapping that leaves a carried purpose
// unmapped or maps it onto a wider acquirer purpose.
func checkMapping(specs []consent.Spec, mapping map[custos.PurposeID]custos.PurposeID, ours func(custos.PurposeID) (consent.Spec, bool)) error {
	for _, from := range specs {
		to, ok := mapping[from.ID]
		if !ok {
			return fmt.Errorf("%w: seller purpose %q is not mapped onto a purpose of the acquirer", ErrMapping, from.ID)
		}
		spec, ok := ours(to)
		if !ok {
			return fmt.Errorf("%w: purpose %q is not declared by the acquirer", ErrMapping, to)
		}
		if why := widens(from, spec); why != "" {
			return fmt.Errorf("%w: %q onto %q widens the purpose (%s): new consent needed (PIPL Art. 14 ¶2)", ErrMapping, from.ID, to, why)
		}
	}
	return nil
}

// widens says how to is wider than from, or "" if it is not.
func widens(from, to consent.Spec) string {
	if to.Basis != from.Basis {
		return "another legal basis"
	}
	for _, a := range to.Actions {
		if !slices.Contains(from.Actions, a) {
			return fmt.Sprintf("action %s", a)
		}
	}
	for typ, fs := range to.Fields {
		for _, f := range fs {
			if !slices.Contains(from.Fields[typ], f) {
				return fmt.Sprintf("field %s.%s", typ, f)
			}
		}
	}
	if from.Validity > 0 && (to.Validity == 0 || to.Validity > from.Validity) {
		return "a longer consent validity"
	}
	return ""
}

// leafOf hashes a customer frame's payload as the manifest tree does.
func leafOf(payload []byte) []byte { return hasher.HashLeaf(payload) }
