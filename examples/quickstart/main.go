// Command quickstart runs custos end to end on the embedded default store:
// it creates (or opens) a SQLite database, a development KEK, 1,000
// synthetic customers of a leasing company; reads some of them for a
// purpose and is refused a field the purpose may not see; finds one by a
// mobile number typed in full-width digits (customer service, which sees
// mobile numbers masked, may not search by them; the back office may);
// reads for marketing only while the customer's consent holds; forgets the
// customer and prints the destruction certificate; then a short summary.
//
//	go run ./examples/quickstart              # a new temporary database
//	go run ./examples/quickstart -db /tmp/x.db
//
// Beside the database it keeps the shred ledger (PATH.ledger), the
// development key-encryption key (PATH.dev-kek.json), the development
// source of erasure-epoch keys (PATH.dev-epochs.json) and the audit log's
// verifier key (PATH.audit.pub). The key files are in clear: they are for
// development only. In production the KEK is an AEAD from your KMS (see
// keys.KEK) and the epoch keys are KMS keys (see keys.Source).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// app is the quickstart's wiring: the stores, keys, consent registry and
// vault a host would build once at start-up.
type app struct {
	db, ledger *sqlstore.DB
	keys       *keys.Keyring
	consent    *consent.Registry
	vault      *vault.Vault
	audit      *audit.Log
	out        io.Writer
	cert       vault.Certificate // the last destruction certificate
	kekID      string            // the KEK's ID, for the report's security measures
	epochs     *keys.EpochConfig
	customers  int // the expected population (blind-index budget)
}

// open builds the app over the SQLite database at path.
func open(ctx context.Context, path string, n int, out io.Writer) (*app, error) {
	a := &app{out: out}
	var err error
	if a.db, err = sqlstore.OpenSQLite(ctx, path, nil); err != nil {
		return nil, err
	}
	if a.ledger, err = sqlstore.OpenSQLite(ctx, path+".ledger", nil); err != nil { // kept apart from backups
		a.db.Close()
		return nil, err
	}
	kek, err := insecuredevkek.Open(path + ".dev-kek.json") // development only
	var src *insecuredevkek.Source
	if err == nil {
		src, err = insecuredevkek.OpenSource(path + ".dev-epochs.json") // development only: a KMS in production
	}
	if err == nil {
		a.kekID, a.customers = kek.ID, max(n, vault.MinCustomers)
		a.epochs = &keys.EpochConfig{Source: src, Groups: max(1, n/64)} // about 64 DEKs rewrapped per epoch close
		a.keys, err = keys.New(ctx, keys.Config{KEK: kek, Store: a.db.Keys(), Ledger: a.ledger.Ledger(), Epochs: a.epochs})
	}
	if err == nil {
		// Every vault and consent operation is recorded here before it
		// returns; the verifier key is what an auditor needs.
		a.audit, err = audit.New(ctx, audit.Config{Store: a.db.Audit(), Keys: a.keys, Origin: "quickstart.custos.example/audit"})
	}
	if err == nil {
		err = os.WriteFile(path+".audit.pub", []byte(a.audit.Verifier()+"\n"), 0o644)
	}
	schema := Schema()
	if err == nil {
		a.consent, err = registry(ctx, a.db.Consent(), schema, a.audit, a.db.Vault(), a.keys)
	}
	if err == nil {
		a.vault, err = vault.New(vault.Config{
			Schema: schema, Keys: a.keys, Store: a.db.Vault(), Authorizer: a.consent.Checker(), Recorder: a.audit,
			Erasers: []custos.Eraser{a.consent}, // Forget erases consent records too
			Search:  vault.SearchConfig{ExpectedCustomers: a.customers},
			Masking: masking(),
		})
	}
	if err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

func (a *app) close() {
	if a.audit != nil {
		a.audit.Close()
	}
	a.db.Close()
	a.ledger.Close()
}

func (a *app) printf(format string, args ...any) { fmt.Fprintf(a.out, format, args...) }

// Who does what, and why.
var (
	loader  = custos.Access{Actor: custos.Actor{ID: "onboarding-job", Role: "system"}, Purpose: onboarding}
	agent   = custos.Access{Actor: custos.Actor{ID: "agent-042", Role: "customer-service"}, Purpose: servicing, RequestID: "ticket-7781"}
	desk    = custos.Access{Actor: custos.Actor{ID: "desk-003", Role: "back-office"}, Purpose: servicing, RequestID: "ticket-7782"}
	market  = custos.Access{Actor: custos.Actor{ID: "crm-007", Role: "marketer"}, Purpose: marketing}
	dpo     = custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "data-protection-officer"}, Purpose: erasure}
	channel = custos.Actor{ID: "mobile-app", Role: "channel"}
)

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database `path` (default: a new temporary file)")
	n := fs.Int("n", 1000, "number of synthetic customers to create")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "custos-quickstart-")
		if err != nil {
			return err
		}
		*dbPath = filepath.Join(dir, "custos.db")
	}
	start := time.Now()
	a, err := open(ctx, *dbPath, *n, out)
	if err != nil {
		return err
	}
	defer a.close()
	a.printf("custos quickstart: database %s\n", *dbPath)

	target, err := a.loadOrReuse(ctx, *n)
	if err != nil {
		return err
	}
	for _, step := range []func(context.Context, custos.SubjectID) error{a.read, a.find, a.consentFlow, a.forget, a.closeEpoch} {
		if err := step(ctx, target); err != nil {
			return err
		}
	}
	st := a.keys.Stats()
	left, err := a.db.Keys().CountDEKs(ctx)
	if err != nil {
		return err
	}
	cp, err := a.audit.Checkpoint(ctx)
	if err != nil {
		return err
	}
	c, err := audit.OpenCheckpoint(cp, a.audit.Verifier())
	if err != nil {
		return err
	}
	a.printf("summary: %d customers, %d audit log entries, DEK cache %d hits / %d misses, %d KEK calls, %s\n",
		left, c.Size, st.Hits, st.Misses, st.KEKCalls, time.Since(start).Round(time.Millisecond))
	a.printf("an auditor verifies the log with:\n  go run ./cmd/custos audit verify --db %s --key @%s.audit.pub\n", *dbPath, *dbPath)
	return a.writeReport(ctx, *dbPath)
}

// loadOrReuse stores n synthetic customers in a new database, or uses
// those of an existing one, and returns the first customer no earlier run
// forgot: the one this run works with.
func (a *app) loadOrReuse(ctx context.Context, n int) (custos.SubjectID, error) {
	stored, err := a.db.Keys().CountDEKs(ctx)
	if err != nil {
		return "", err
	}
	if stored == 0 {
		if err := load(ctx, a.vault, loader, n); err != nil {
			return "", err
		}
		a.printf("stored %d synthetic customers, each field encrypted under the customer's own key\n", n)
	} else {
		a.printf("the database already holds %d customers; using them\n", stored)
	}
	for i := 1; ; i++ {
		id := custos.SubjectID(fmt.Sprintf("C%07d", i))
		switch _, err := a.vault.Get(ctx, agent, id, "lease", "contract"); {
		case err == nil:
			return id, nil
		case !errors.Is(err, vault.ErrForgotten):
			return "", fmt.Errorf("no customer left: %w", err)
		}
	}
}

// read reads the leases of the three customers after target, and tries a
// field customer service may not see.
func (a *app) read(ctx context.Context, target custos.SubjectID) error {
	first := must(strconv.Atoi(string(target[1:])))
	for i := 1; i <= 3; i++ {
		id := custos.SubjectID(fmt.Sprintf("C%07d", first+i))
		r, err := a.vault.Get(ctx, agent, id, "lease", "contract", "amount")
		if err != nil {
			return err
		}
		a.printf("read %s for %s: lease %v, amount %v\n", string(id), agent.Purpose, r.Values["contract"], r.Values["amount"])
	}
	_, err := a.vault.Get(ctx, agent, target, "customer", "resident_id")
	a.printf("read of a resident ID for %s: %v\n", agent.Purpose, err)
	return nil
}

// find looks target up by mobile number typed the way people type it, with
// the country code, spaces and full-width digits. Customer service, which
// sees mobile numbers masked, may not search by them (trying the hidden
// digits would reveal them); the back office sees them in full and finds
// the customer, whose name it sees masked.
func (a *app) find(ctx context.Context, target custos.SubjectID) error {
	mobile := nth(target).Mobile
	typed := "+86 " + toFullWidth(mobile[:3]) + " " + mobile[3:7] + " " + toFullWidth(mobile[7:])
	_, err := a.vault.Find(ctx, agent, "customer", vault.Values{"mobile": typed}, "name")
	a.printf("customer service searching by a mobile it sees masked: %v\n", err)
	found, err := a.vault.Find(ctx, desk, "customer", vault.Values{"mobile": typed}, "name", "mobile")
	if err != nil {
		return err
	}
	for _, f := range found {
		a.printf("find by mobile %q: %s, name %v, mobile %v (masked for %s: %v)\n",
			typed, string(f.Subject), f.Values["name"], f.Values["mobile"], desk.Actor.Role, f.Masked)
	}
	return nil
}

// consentFlow: marketing may read only with the customer's consent, and a
// withdrawal stops it at once.
func (a *app) consentFlow(ctx context.Context, target custos.SubjectID) error {
	_, err := a.vault.Get(ctx, market, target, "customer", "mobile")
	a.printf("marketing read before consent: %v\n", err)
	notice, _ := a.consent.NoticeFor(marketing)
	act := consent.Act{Subject: target, Purposes: []custos.PurposeID{marketing}, Actor: channel, Channel: "app",
		Signal: consent.SignalClick, Notice: notice.Version, Language: consent.LangZH, Evidence: "consent-screen-v3"}
	if err := a.consent.Grant(ctx, act); err != nil {
		return err
	}
	r, err := a.vault.Get(ctx, market, target, "customer", "mobile")
	if err != nil {
		return err
	}
	a.printf("marketing read after consent (notice %s…): mobile %v\n", notice.Version[:15], r.Values["mobile"])
	if err := a.consent.Withdraw(ctx, act); err != nil {
		return err
	}
	_, err = a.vault.Get(ctx, market, target, "customer", "mobile")
	a.printf("marketing read after withdrawal: %v\n", err)
	return nil
}

// forget erases the customer by crypto-shredding, with their consent
// records (keeping pseudonymous proof), and prints the certificate.
func (a *app) forget(ctx context.Context, target custos.SubjectID) error {
	cert, err := a.vault.Forget(ctx, dpo, target, vault.Erasure{Ground: "PIPL 47(1)(2): lease ended, retention expired", Policy: "lease-closed"})
	if err != nil {
		return err
	}
	for _, e := range cert.Erased {
		kept := 0
		for _, k := range e.Kept {
			kept += k.Count
		}
		a.printf("erased %d %s records and history entries of %s, kept %d pseudonymous proof entries for %d purpose(s)\n",
			e.Removed, e.Component, string(target), kept, len(e.Kept))
	}
	a.cert = cert
	doc, _ := json.MarshalIndent(cert, "", "  ")
	a.printf("forgot %s; destruction certificate:\n%s\n", string(target), doc)
	_, err = a.vault.Get(ctx, agent, target, "lease", "contract")
	a.printf("read after forgetting: %v\n", err)
	return nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// toFullWidth writes ASCII digits as full-width digits, as some input
// methods do.
func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r += '０' - '0'
		}
		b.WriteRune(r)
	}
	return b.String()
}
