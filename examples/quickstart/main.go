// Command quickstart runs custos end to end on the embedded default store:
// it creates (or opens) a SQLite database, a development KEK, 1,000
// synthetic customers of a leasing company, reads some of them for a
// purpose, forgets one and prints its destruction certificate, then a
// short summary.
//
//	go run ./examples/quickstart              # a new temporary database
//	go run ./examples/quickstart -db /tmp/x.db
//
// Beside the database it keeps the shred ledger (PATH.ledger) and the
// development key-encryption key (PATH.dev-kek.json). The KEK file is in
// clear: it is for development only. In production the KEK is an AEAD from
// your KMS (see keys.KEK).
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

	"golang.org/x/sync/errgroup"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/synth"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// The purposes of the example, each with its legal basis (PIPL Art. 13).
const (
	onboarding custos.PurposeID = "onboarding"      // contract: opening the lease
	servicing  custos.PurposeID = "lease-servicing" // contract: running the lease
	erasure    custos.PurposeID = "erasure"         // legal duty: PIPL Art. 47
)

// Schema is the leasing company's records.
func Schema() vault.Schema {
	c2 := custos.Class{Level: custos.C2}
	sensitive := custos.Class{Level: custos.C2, Sensitive: true}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{
			{Name: "name", Kind: kind.PersonName{}, Class: c2, Required: true},
			{Name: "resident_id", Kind: kind.ResidentID{}, Class: sensitive, Required: true},
			{Name: "mobile", Kind: kind.Mobile{}, Class: c2, Searchable: true},
			{Name: "bank_card", Kind: kind.BankCard{}, Class: sensitive},
			{Name: "address", Kind: kind.Address{}, Class: c2},
		}},
		{Name: "lease", Fields: []vault.Field{
			{Name: "contract", Kind: kind.Text{MaxRunes: 32}, Class: custos.Class{Level: custos.C1}, Required: true},
			{Name: "amount", Kind: kind.Money{}, Class: c2, Required: true},
		}},
	}}
}

func grants(s vault.Schema) map[custos.PurposeID]vault.Grant {
	return map[custos.PurposeID]vault.Grant{
		onboarding: {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut},
			Fields: map[string][]string{"customer": s.AllFields("customer"), "lease": s.AllFields("lease")}},
		servicing: {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionGet, custos.ActionFind},
			Fields: map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract", "amount"}}},
		erasure: {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget}},
	}
}

// masking shows customer service masked names and mobile numbers.
func masking() *vault.Masking {
	return &vault.Masking{Rules: map[custos.Role]map[string]vault.Visibility{
		"customer-service": {"customer.name": vault.Masked, "customer.mobile": vault.Masked},
	}}
}

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

	db, err := sqlstore.OpenSQLite(ctx, *dbPath, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ledgerDB, err := sqlstore.OpenSQLite(ctx, *dbPath+".ledger", nil) // kept apart from backups
	if err != nil {
		return err
	}
	defer ledgerDB.Close()
	kek, err := insecuredevkek.Open(*dbPath + ".dev-kek.json") // development only
	if err != nil {
		return err
	}
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledgerDB.Ledger()})
	if err != nil {
		return err
	}
	schema := Schema()
	allow, err := vault.NewAllowList(schema, grants(schema))
	if err != nil {
		return err
	}
	events := &eventCounter{}
	v, err := vault.New(vault.Config{
		Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: allow, Recorder: events,
		Search:  vault.SearchConfig{ExpectedCustomers: max(*n, vault.MinCustomers)},
		Masking: masking(),
	})
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "custos quickstart: database %s\n", *dbPath)
	clerk := custos.Access{Actor: custos.Actor{ID: "onboarding-job", Role: "system"}, Purpose: onboarding}
	stored, err := db.Keys().CountDEKs(ctx)
	if err != nil {
		return err
	}
	if stored == 0 {
		if err := load(ctx, v, clerk, *n); err != nil {
			return err
		}
		fmt.Fprintf(out, "stored %d synthetic customers, each field encrypted under the customer's own key\n", *n)
	} else {
		fmt.Fprintf(out, "the database already holds %d customers; using them\n", stored)
	}

	// The first customer not forgotten by an earlier run is forgotten below;
	// the next three are read.
	agent := custos.Access{Actor: custos.Actor{ID: "agent-042", Role: "customer-service"}, Purpose: servicing, RequestID: "ticket-7781"}
	target := custos.SubjectID("")
	for i := 1; target == ""; i++ {
		id := custos.SubjectID(fmt.Sprintf("C%07d", i))
		switch _, err := v.Get(ctx, agent, id, "lease", "contract"); {
		case err == nil:
			target = id
		case errors.Is(err, vault.ErrForgotten):
		default:
			return fmt.Errorf("no customer left to forget: %w", err)
		}
	}
	for i := 1; i <= 3; i++ {
		id := custos.SubjectID(fmt.Sprintf("C%07d", int(must(strconv.Atoi(string(target[1:]))))+i))
		r, err := v.Get(ctx, agent, id, "lease", "contract", "amount")
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "read %s for %s: lease %v, amount %v\n", string(id), agent.Purpose, r.Values["contract"], r.Values["amount"])
	}
	_, err = v.Get(ctx, agent, target, "customer", "resident_id")
	fmt.Fprintf(out, "read of a resident ID for %s: %v\n", agent.Purpose, err)

	// A caller reads out a mobile number the way people type it: with the
	// country code, spaces and full-width digits. The blind index finds the
	// customer; customer service sees the result masked.
	mobile := nth(target).Mobile
	typed := "+86 " + toFullWidth(mobile[:3]) + " " + mobile[3:7] + " " + toFullWidth(mobile[7:])
	found, err := v.Find(ctx, agent, "customer", vault.Values{"mobile": typed}, "name", "mobile")
	if err != nil {
		return err
	}
	for _, f := range found {
		fmt.Fprintf(out, "find by mobile %q: %s, name %v, mobile %v (masked for %s: %v)\n",
			typed, string(f.Subject), f.Values["name"], f.Values["mobile"], agent.Actor.Role, f.Masked)
	}

	dpo := custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "data-protection-officer"}, Purpose: erasure}
	cert, err := v.Forget(ctx, dpo, target, vault.Erasure{Ground: "PIPL 47(1)(2): lease ended, retention expired", Policy: "lease-closed"})
	if err != nil {
		return err
	}
	doc, _ := json.MarshalIndent(cert, "", "  ")
	fmt.Fprintf(out, "forgot %s; destruction certificate:\n%s\n", string(target), doc)
	_, err = v.Get(ctx, agent, target, "lease", "contract")
	fmt.Fprintf(out, "read after forgetting: %v\n", err)

	st := kr.Stats()
	left, err := db.Keys().CountDEKs(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "summary: %d customers, %d audit events, DEK cache %d hits / %d misses, %d KEK calls, %s\n",
		left, events.n, st.Hits, st.Misses, st.KEKCalls, time.Since(start).Round(time.Millisecond))
	return nil
}

// eventCounter counts audit events.
type eventCounter struct{ n int }

func (e *eventCounter) Record(context.Context, custos.Event) error { e.n++; return nil }

// load stores n synthetic customers from several goroutines, so that their
// writes share database commits.
func load(ctx context.Context, v *vault.Vault, acc custos.Access, n int) error {
	gen := synth.New(2026)
	customers := make(chan synth.Customer)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(customers)
		for range n {
			c := gen.Next()
			select {
			case customers <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	for range 16 {
		g.Go(func() error {
			for c := range customers {
				id := custos.SubjectID(c.ID)
				if err := v.Put(ctx, acc, id, "customer", vault.Values{
					"name": c.Name, "resident_id": c.ResidentID, "mobile": c.Mobile, "bank_card": c.BankCard, "address": c.Address,
				}); err != nil {
					return fmt.Errorf("store customer: %w", err)
				}
				if err := v.Put(ctx, acc, id, "lease", vault.Values{"contract": c.Contract, "amount": c.Amount}); err != nil {
					return fmt.Errorf("store lease: %w", err)
				}
			}
			return nil
		})
	}
	return g.Wait()
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// nth regenerates the synthetic customer with the given id.
func nth(id custos.SubjectID) synth.Customer {
	gen := synth.New(2026)
	for {
		if c := gen.Next(); c.ID == string(id) {
			return c
		}
	}
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
