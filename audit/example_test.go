package audit_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/memstore"
)

// A vault records every operation through the log (Log implements
// vault.Recorder); here events are recorded directly. An auditor then
// verifies the whole log with nothing but the verifier key.
func Example() {
	ctx := context.Background()
	db := memstore.New()
	kek, err := insecuredevkek.New() // in production: a KMS AEAD
	if err != nil {
		log.Fatal(err)
	}
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: memstore.New().Ledger()})
	if err != nil {
		log.Fatal(err)
	}
	auditLog, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "audit.example.com/leasing"})
	if err != nil {
		log.Fatal(err)
	}
	defer auditLog.Close()

	clerk := custos.Access{Actor: custos.Actor{ID: "clerk-7", Role: "customer-service"}, Purpose: "lease-servicing"}
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, customer := range []custos.SubjectID{"C-1001", "C-1002", "C-1001"} {
		err := auditLog.Record(ctx, custos.Event{Time: at, Action: custos.ActionGet, Access: clerk, Basis: custos.BasisContract,
			Subject: customer, RecordType: "customer", Fields: []string{"mobile"}, Outcome: custos.OutcomeAllowed})
		if err != nil {
			log.Fatal(err) // the vault would release nothing
		}
	}

	// Who read customer C-1001? The query is itself logged.
	auditor := custos.Access{Actor: custos.Actor{ID: "auditor-1", Role: "auditor"}, Purpose: "compliance-audit"}
	for m, err := range auditLog.Query(ctx, auditor, audit.Query{Subject: "C-1001", Action: custos.ActionGet}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("entry %d: %s by %s for %s, fields %v, proof ok: %v\n",
			m.Index, m.Entry.Action, m.Entry.Actor.ID, m.Entry.Purpose, m.Entry.Fields, m.Verify(auditLog.Verifier()) == nil)
	}

	// The auditor's view: the verifier key and the log.
	rep, err := audit.Verify(ctx, audit.StoreSource(db.Audit()), audit.VerifyOptions{Verifier: auditLog.Verifier()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Printf("verified %d entries against the checkpoint of %s\n", rep.Entries, rep.Checkpoint.Origin)
	// Output:
	// entry 0: vault.get by clerk-7 for lease-servicing, fields [mobile], proof ok: true
	// entry 2: vault.get by clerk-7 for lease-servicing, fields [mobile], proof ok: true
	// verified 4 entries against the checkpoint of audit.example.com/leasing
}

// A Monitor reads the log and raises alerts: here, on a read of the audit
// log itself.
func ExampleMonitor() {
	ctx := context.Background()
	db := memstore.New()
	kek, _ := insecuredevkek.New()
	kr, _ := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: memstore.New().Ledger()})
	auditLog, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "audit.example.com/leasing"})
	if err != nil {
		log.Fatal(err)
	}
	defer auditLog.Close()
	dba := custos.Access{Actor: custos.Actor{ID: "dba-2", Role: "dba"}, Purpose: "troubleshooting"}
	for range auditLog.Query(ctx, dba, audit.Query{Subject: "C-1001"}) {
	}

	m, err := audit.NewMonitor(audit.MonitorConfig{
		AuditReads: true,
		BulkReads:  &audit.BulkReads{Max: 200, Window: time.Hour},
	})
	if err != nil {
		log.Fatal(err)
	}
	next, err := m.Run(ctx, db.Audit(), 0, func(a audit.Alert) {
		fmt.Printf("%s at entry %d by %s: %s\n", a.Rule, a.Index, a.Actor, a.Message)
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("resume at", next)
	// Output:
	// audit-read at entry 0 by dba-2: the audit log was read (subject) for purpose "troubleshooting"
	// resume at 1
}
