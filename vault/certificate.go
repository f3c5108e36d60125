package vault

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
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
	// Method says how the erasure reaches every copy and by when, in
	// words that are true for this erasure (see keys.Shredded.Method).
	Method string `json:"method"`
	// ShreddedAt is when the erasure began: the customer's tombstone
	// holds this time, and from then on no write to the customer succeeds;
	// the key is destroyed moments later. IssuedAt is when the certificate
	// was made and recorded, before anything changed.
	ShreddedAt time.Time `json:"shredded_at"`
	IssuedAt   time.Time `json:"issued_at"`
	// CompleteBy is the deadline after which no copy of the store (live
	// file, WAL, free pages, any backup) together with every key custos
	// still holds can decrypt the customer: when the erasure epoch that
	// held the customer's DEK is closed and its key destroyed, if the host
	// runs the epoch closer (keys.Keyring.RunEpochs). It equals ShreddedAt
	// only when no copy could exist. It is zero when the DEK was wrapped
	// by the deployment KEK (no keys.EpochConfig): no deadline can be
	// named. Vault.ErasureComplete tells whether it is reached.
	CompleteBy time.Time `json:"complete_by,omitzero"`
	// KeyGroup and KeyEpoch name that erasure epoch (0 when none).
	KeyGroup int64 `json:"key_group,omitempty"`
	KeyEpoch int64 `json:"key_epoch,omitempty"`
}

// Category is one destroyed field and its class.
type Category struct {
	RecordType string `json:"record_type"`
	Field      string `json:"field"`
	Level      string `json:"level"`
	Sensitive  bool   `json:"sensitive"`
}

// certificateMethod describes the erasure: the keys part, then what the
// vault deleted.
func certificateMethod(s keys.Shredded) string {
	return s.Method() + "; records and index entries were deleted"
}

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
