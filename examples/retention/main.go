// Command retention plays ten years of a leasing company's retention
// policy over a simulated clock, in memory:
//
//   - a lease ends and the 10-year AML clock starts (AML Art. 34): the
//     customer's identity records are kept in storage-only state;
//
//   - a customer withdraws marketing consent and, holding nothing else,
//     goes at the next sweep (PIPL Art. 47(1)(3));
//
//   - a customer asks to be erased during the AML period and is restricted
//     until it ends (PIPL Art. 47 ¶2);
//
//   - a legal hold (a court case) blocks one destruction;
//
//   - the clock moves ten years on and the sweep destroys the rest,
//     printing the certificates; the hold is released and the last
//     customer goes.
//
//     go run ./examples/retention
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

func main() {
	// The report is written to custos-retention-example.report.html (and
	// .json, .pub) in the system's temporary directory.
	if err := run(context.Background(), filepath.Join(os.TempDir(), "custos-retention-example")); err != nil {
		fmt.Fprintln(os.Stderr, "retention:", err)
		os.Exit(1)
	}
}

var (
	clerk   = custos.Access{Actor: custos.Actor{ID: "branch-07", Role: "clerk"}, Purpose: "lease-servicing"}
	counsel = custos.Access{Actor: custos.Actor{ID: "legal-01", Role: "legal"}, Purpose: "legal-hold"}
)

func schema() vault.Schema {
	c1, c2 := custos.Class{Level: custos.C1}, custos.Class{Level: custos.C2}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "identity", Fields: []vault.Field{{Name: "name", Kind: kind.PersonName{}, Class: c2}}},
		{Name: "transaction", Fields: []vault.Field{{Name: "ref", Kind: kind.Text{}, Class: c1}}},
		{Name: "marketing", Fields: []vault.Field{{Name: "segment", Kind: kind.Text{}, Class: c1}}},
	}}
}

// policy is the company's retention policy: AML Art. 34 for identity and
// transaction records, PIPL Art. 47(1)(3) for the marketing profile.
func policy() retention.Policy {
	return retention.Policy{Rules: []retention.Rule{
		{Name: "aml-identity", RecordType: "identity", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.RestrictThenDestroy, Law: "AML Art. 34"},
		{Name: "aml-transaction", RecordType: "transaction", Start: retention.Start{Event: retention.EventTransaction},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
		{Name: "marketing-consent", RecordType: "marketing", Purpose: "marketing",
			Start: retention.Start{Event: retention.EventConsentWithdrawn, Purpose: "marketing"},
			Max:   retention.Days(1), Expiry: retention.Destroy, Law: "PIPL Art. 47(1)(3)"},
	}}
}

func run(ctx context.Context, reportBase string) error {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	// The audit log's goroutine reads the clock while the example moves
	// it: the moves and its reads are guarded.
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(t time.Time) { mu.Lock(); defer mu.Unlock(); now = t }
	db := memstore.New()
	kek, err := insecuredevkek.New()
	if err != nil {
		return err
	}
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger(), Clock: clock})
	if err != nil {
		return err
	}
	log, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "audit.example.com/retention", Clock: clock})
	if err != nil {
		return err
	}
	defer log.Close()
	s := schema()
	all := map[string][]string{"identity": s.AllFields("identity"), "transaction": s.AllFields("transaction"), "marketing": s.AllFields("marketing")}
	allow, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{
		"lease-servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet}, Fields: all},
		"retention":       {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionState}},
	})
	if err != nil {
		return err
	}
	v, err := vault.New(vault.Config{Schema: s, Keys: kr, Store: db.Vault(), Authorizer: allow, Recorder: log, Clock: clock})
	if err != nil {
		return err
	}
	r, err := retention.New(retention.Config{Policy: policy(), Schema: s, Store: db.Retention(), Vault: v, Recorder: log,
		Actor: custos.Actor{ID: "retention-sweeper", Role: "retention"}, Purpose: "retention", Clock: clock})
	if err != nil {
		return err
	}
	// The consent registry records through this recorder (consent.Config.Recorder):
	// a withdrawal it stores starts the marketing clock by itself.
	consentRecorder, err := retention.NewConsentRecorder(policy(), db.Retention(), log)
	if err != nil {
		return err
	}

	put := func(subject custos.SubjectID, typ string, values vault.Values) error {
		return v.Put(ctx, clerk, subject, typ, values)
	}
	for _, c := range []struct {
		id     custos.SubjectID
		name   string
		types  []string
		events []retention.EventKind
	}{
		{"C0000001", "张伟", []string{"identity", "transaction", "marketing"}, []retention.EventKind{retention.EventRelationshipEnded, retention.EventTransaction}},
		{"C0000002", "李娜", []string{"identity", "transaction"}, []retention.EventKind{retention.EventTransaction}},
		{"C0000003", "王芳", []string{"marketing"}, nil},
	} {
		for _, typ := range c.types {
			values := map[string]vault.Values{"identity": {"name": c.name}, "transaction": {"ref": "TX-2026-0301"}, "marketing": {"segment": "gold"}}[typ]
			if err := put(c.id, typ, values); err != nil {
				return err
			}
		}
		for _, k := range c.events {
			if err := r.Report(ctx, retention.Event{Subject: c.id, Kind: k, At: now}); err != nil {
				return err
			}
		}
	}
	fmt.Println("2026-03-01  C0000001's lease ends; transactions of C0000001 and C0000002: the AML clocks start")

	set(now.Add(24 * time.Hour))
	for _, s := range []custos.SubjectID{"C0000001", "C0000003"} {
		// The event the consent registry records when it stores a withdrawal.
		if err := consentRecorder.Record(ctx, custos.Event{Time: now, Action: custos.ActionConsentWithdraw, Subject: s, Outcome: custos.OutcomeAllowed,
			Access: custos.Access{Actor: custos.Actor{ID: "app", Role: "channel"}, Purpose: "marketing"}}); err != nil {
			return err
		}
	}
	fmt.Println("2026-03-02  C0000001 and C0000003 withdraw their marketing consent")

	set(now.Add(24 * time.Hour))
	o, err := r.Erase(ctx, "C0000002", "req-0042")
	if err != nil {
		return err
	}
	fmt.Printf("2026-03-03  C0000002 asks to be erased: %s (%s)\n", o.Kind, o.Why)
	h, err := r.Place(ctx, counsel, retention.Hold{Owner: "legal-01", Reason: "court case 2026-civil-0042", Subjects: []custos.SubjectID{"C0000002"}})
	if err != nil {
		return err
	}
	fmt.Println("2026-03-03  legal hold placed over C0000002: court case 2026-civil-0042")

	sweep := func() error {
		_, err := r.Sweep(ctx, retention.SweepOptions{At: now, Outcome: func(o retention.Outcome) error {
			fmt.Printf("%s  sweep: %s %s — %s\n", now.Format(time.DateOnly), string(o.Subject), o.Kind, o.Why)
			if c := o.Certificate; c != nil {
				fmt.Printf("            certificate %s: %d records, %d categories, shredded %s, ground %q\n",
					c.ID, c.Records, len(c.Categories), c.ShreddedAt.Format(time.DateOnly), c.Ground)
			}
			return nil
		}})
		return err
	}
	set(now.Add(24 * time.Hour))
	if err := sweep(); err != nil {
		return err
	}
	set(now.AddDate(10, 0, 0))
	if err := sweep(); err != nil {
		return err
	}
	if err := r.Release(ctx, counsel, h.ID); err != nil {
		return err
	}
	fmt.Printf("%s  the court case ends: hold released\n", now.Format(time.DateOnly))
	set(now.Add(24 * time.Hour))
	if err := sweep(); err != nil {
		return err
	}
	return writeReport(ctx, db, log, reportBase, now)
}
