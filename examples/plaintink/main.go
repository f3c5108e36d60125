// Command plaintink decrypts a customer's records from a custos SQLite
// database using only Tink and database/sql — no custos code — following
// docs/FORMAT.md. It exists to prove there is no lock-in: whoever holds the
// KEK can read their data without custos.
//
//	go run ./examples/quickstart -db /tmp/x.db
//	go run ./examples/plaintink -db /tmp/x.db -subject C0000002
//
// It reads the development KEK file the quickstart writes (PATH.dev-kek.json)
// and, for DEKs wrapped under erasure-epoch keys, its development key source
// file (PATH.dev-epochs.json). With a KMS, pass the KMS client's AEADs
// instead. For a forgotten customer it prints "forgotten".
package main

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/prf"
	"github.com/tink-crypto/tink-go/v2/tink"
	_ "modernc.org/sqlite"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "plaintink:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("plaintink", flag.ContinueOnError)
	path := fs.String("db", "", "custos SQLite database `path`")
	subject := fs.String("subject", "", "customer `id` to decrypt")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" || *subject == "" {
		return errors.New("-db and -subject are required")
	}

	// The KEK: here the development keyset file; in production a KMS AEAD.
	raw, err := os.ReadFile(*path + ".dev-kek.json")
	if err != nil {
		return err
	}
	kh, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(bytes.NewReader(raw)))
	if err != nil {
		return err
	}
	kek, err := aead.New(kh)
	if err != nil {
		return err
	}

	db, err := sql.Open("sqlite", "file:"+*path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()

	// The customer's DEK: a Tink EncryptedKeyset wrapped under
	// associated data "custos.dek.v1" || part(subject), by the KEK (grp 0)
	// or by the erasure-epoch key kek_id names.
	var (
		grp     int64
		kekID   string
		wrapped []byte
	)
	err = db.QueryRow(`SELECT grp, kek_id, keyset FROM custos_deks WHERE subject = ?`, *subject).Scan(&grp, &kekID, &wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return absent(out, db, kek, *path, *subject)
	}
	if err != nil {
		return fmt.Errorf("read DEK: %w", err)
	}
	if grp != 0 {
		if kek, err = epochKey(*path+".dev-epochs.json", kekID); err != nil {
			return err
		}
	}
	dh, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), kek, ad("custos.dek.v1", *subject))
	if err != nil {
		return fmt.Errorf("unwrap DEK: %w", err)
	}
	dek, err := aead.New(dh)
	if err != nil {
		return err
	}

	rows, err := db.Query(`SELECT record_type, envelope FROM custos_records WHERE subject = ? ORDER BY record_type`, *subject)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var typ string
		var env []byte
		if err := rows.Scan(&typ, &env); err != nil {
			return err
		}
		if err := printRecord(out, dek, typ, *subject, env); err != nil {
			return err
		}
	}
	return rows.Err()
}

// epochKey reads an erasure-epoch key from the development key source file
// the quickstart writes (PATH.dev-epochs.json): {"keys": {name: Tink JSON
// keyset}}. With a KMS, the name is the KMS key's.
func epochKey(path, name string) (tink.AEAD, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Keys map[string]json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("key source file: %w", err)
	}
	ks, ok := f.Keys[name]
	if !ok {
		return nil, fmt.Errorf("the erasure-epoch key %s was destroyed: this DEK cannot be unwrapped", name)
	}
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(bytes.NewReader(ks)))
	if err != nil {
		return nil, err
	}
	return aead.New(h)
}

// absent tells a forgotten customer from one never stored: it computes the
// customer's pseudonymous reference, PRF_custos.reference("custos.ref.v1"
// || part(subject)) truncated to 32 bytes, and looks it up in the shred
// ledger (PATH.ledger, or the main database if that holds the ledger).
func absent(out io.Writer, db *sql.DB, kek tink.AEAD, path, subject string) error {
	var wrapped []byte
	if err := db.QueryRow(`SELECT keyset FROM custos_named_keys WHERE name = 'custos.reference'`).Scan(&wrapped); err != nil {
		return fmt.Errorf("read reference key: %w", err)
	}
	h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), kek, ad("custos.key.v1", "custos.reference"))
	if err != nil {
		return fmt.Errorf("unwrap reference key: %w", err)
	}
	ps, err := prf.NewPRFSet(h)
	if err != nil {
		return err
	}
	ref, err := ps.ComputePrimaryPRF(ad("custos.ref.v1", subject), 32)
	if err != nil {
		return err
	}
	ledger := db
	if _, err := os.Stat(path + ".ledger"); err == nil {
		if ledger, err = sql.Open("sqlite", "file:"+path+".ledger?mode=ro"); err != nil {
			return err
		}
		defer ledger.Close()
	}
	var n int
	if err := ledger.QueryRow(`SELECT COUNT(*) FROM custos_shred_ledger WHERE ref = ?`, ref).Scan(&n); err != nil {
		return fmt.Errorf("read shred ledger: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("no customer %s in this database", subject)
	}
	fmt.Fprintf(out, "%s: forgotten (in the shred ledger; no key to decrypt it is stored)\n", subject)
	return nil
}

// printRecord decodes an envelope and decrypts each field under associated
// data "custos.field.v1" || part(type) || part(subject) || part(field).
func printRecord(out io.Writer, dek tink.AEAD, typ, subject string, env []byte) error {
	fields, err := parse(env)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		pt, err := dek.Decrypt(fields[n], ad("custos.field.v1", typ, subject, n))
		if err != nil {
			return fmt.Errorf("decrypt %s.%s: %w", typ, n, err)
		}
		fmt.Fprintf(out, "%s.%s = %s\n", typ, n, pt)
	}
	return nil
}

// ad is a label followed by each part as a 4-byte big-endian length and
// its bytes.
func ad(label string, parts ...string) []byte {
	b := []byte(label)
	for _, p := range parts {
		b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	return b
}

// parse reads an envelope: 0x01, uvarint count, then per field uvarint
// name length, name, uvarint ciphertext length, ciphertext.
func parse(b []byte) (map[string][]byte, error) {
	if len(b) == 0 || b[0] != 1 {
		return nil, errors.New("not a version-1 envelope")
	}
	r := bytes.NewReader(b[1:])
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for range n {
		name, err := chunk(r)
		if err != nil {
			return nil, err
		}
		ct, err := chunk(r)
		if err != nil {
			return nil, err
		}
		out[string(name)] = ct
	}
	return out, nil
}

func chunk(r *bytes.Reader) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > uint64(r.Len()) {
		return nil, errors.New("truncated envelope")
	}
	b := make([]byte, n)
	_, err = io.ReadFull(r, b)
	return b, err
}
