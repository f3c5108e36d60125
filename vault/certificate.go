package vault

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/custos-go/custos"
)

// Erasure says why a customer is forgotten, for the destruction
// certificate.
type Erasure struct {
	// Ground is the legal ground of the erasure, such as "PIPL 47(1)(2):
	// service ended" or "GDPR 17(1)(b): consent withdrawn". Required. No
	// personal data.
	Ground string
	// Policy names the retention or erasure policy applied, such as
	// "aml-identity-10y". Optional.
	Policy string
}

// Certificate is the destruction certificate Forget returns: who destroyed
// what, when, why and how. It names the customer only by pseudonymous
// reference; the host can match it to a customer it still knows with
// keys.Keyring.Reference.
type Certificate struct {
	// ID identifies the certificate (128 random bits, hex).
	ID string `json:"id"`
	// SubjectRef is the customer's pseudonymous reference, hex.
	SubjectRef string `json:"subject_ref"`
	// Actor, Role, Purpose and RequestID are who destroyed and under what
	// purpose.
	Actor     string           `json:"actor"`
	Role      custos.Role      `json:"role"`
	Purpose   custos.PurposeID `json:"purpose"`
	RequestID string           `json:"request_id,omitempty"`
	// Ground and Policy are why.
	Ground string `json:"ground"`
	Policy string `json:"policy,omitempty"`
	// Categories are the fields that held data, by record type, with their
	// classes: what was destroyed.
	Categories []Category `json:"categories"`
	// Erased lists, for each of Config.Erasers, what the component
	// erased and what it keeps as proof a named rule requires.
	Erased []custos.Erased `json:"erased,omitempty"`
	// Records and IndexEntries count what was deleted from the store.
	Records      int `json:"records"`
	IndexEntries int `json:"index_entries"`
	// Method says how: the DEK keyset was destroyed, so every copy of the
	// ciphertexts, including backups, is undecryptable.
	Method string `json:"method"`
	// ShreddedAt is when the erasure began: the customer's tombstone
	// holds this time, and from then on no write to the customer succeeds;
	// the key is destroyed moments later. IssuedAt is when the certificate
	// was made and recorded, before anything changed.
	ShreddedAt time.Time `json:"shredded_at"`
	IssuedAt   time.Time `json:"issued_at"`
}

// Category is one destroyed field and its class.
type Category struct {
	RecordType string `json:"record_type"`
	Field      string `json:"field"`
	Level      string `json:"level"`
	Sensitive  bool   `json:"sensitive"`
}

// shredMethod describes crypto-shredding in certificates.
const shredMethod = "crypto-shredding: the customer's AES-256-GCM data-encryption keyset was deleted and its reference entered in the shred ledger; records and index entries were deleted"

// Digest returns the SHA-256 of the certificate's JSON encoding, hex, for
// citing the certificate in other records.
func (c Certificate) Digest() string {
	b, err := json.Marshal(c)
	if err != nil {
		panic("vault: certificate does not encode: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func newCertificateID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("vault: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}
