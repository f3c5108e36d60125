// Command notify sends a bilingual PIPL Art. 22 transfer notice to 100
// synthetic customers of a leasing company through an SMTP server running
// in this process (github.com/emersion/go-smtp, STARTTLS), one of whose
// mailboxes bounces permanently, and prints the delivery report:
//
//   - the customers' e-mail addresses and preferred languages are stored
//     only in the vault, encrypted;
//
//   - the notices are enqueued in the outbox of the same SQLite database,
//     holding only each customer's SubjectID, the template and its
//     non-personal parameters;
//
//   - a dispatcher with 8 workers reads each address from the vault at send
//     time (an audited read under the legal-duty purpose "transfer-notice",
//     PIPL Art. 13(3)), renders the notice in Simplified Chinese or English
//     as language.Matcher chooses, and sends it with go-mail, the
//     Message-ID derived from the idempotency key;
//
//   - the bounce (550) becomes a dead letter with its reason; everything
//     else is delivered once, with one delivery record per attempt.
//
//     go run ./examples/notify              # a new temporary database
//     go run ./examples/notify -db /tmp/n.db
//
// Run it again on the same database: every notice is already in the outbox
// under its idempotency key, so nothing is enqueued or sent twice. Then
// look at the outbox with the operator's CLI:
//
//	go run ./cmd/custos notify status --db /tmp/n.db
//	go run ./cmd/custos notify dead --db /tmp/n.db
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/notify/email"
	"github.com/custos-go/custos/notify/email/emailtest"
	"github.com/custos-go/custos/notify/vaultdir"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "notify:", err)
		os.Exit(1)
	}
}

var (
	// onboarding stores the customers' contact details (the contract).
	onboarding = custos.Access{Actor: custos.Actor{ID: "branch-07", Role: "clerk"}, Purpose: "onboarding"}
	// sender is the transfer workflow owing the PIPL Art. 22 notices: its
	// purpose reads the address and language, nothing else, under a legal
	// duty.
	sender = custos.Access{Actor: custos.Actor{ID: "svc-transfer", Role: "workflow"}, Purpose: "transfer-notice", RequestID: "T-2026-01"}
)

// schema holds the customer's contact details.
func schema() vault.Schema {
	c2 := custos.Class{Level: custos.C2}
	return vault.Schema{Types: []vault.RecordType{{Name: "contact", Fields: []vault.Field{
		{Name: "email", Kind: kind.Email{}, Class: c2},
		{Name: "language", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}, MaxBytes: 35},
	}}}}
}

// customer returns the i-th synthetic customer, their address and their
// preferred language: Chinese, English, and now and then a language the
// templates do not have (the matcher's choice is recorded).
func customer(i int) (custos.SubjectID, string, string) {
	langs := []string{"zh-CN", "en-GB", "zh-Hans-CN", "en-US", "zh-TW", "de-DE"}
	return custos.SubjectID(fmt.Sprintf("C%07d", i)), fmt.Sprintf("customer%03d@mail.example", i), langs[i%len(langs)]
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("notify", flag.ContinueOnError)
	dbPath := fs.String("db", "", "the SQLite database (default: a new temporary one)")
	n := fs.Int("n", 100, "the number of customers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "custos-notify-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "custos.db")
	}

	db, err := sqlstore.OpenSQLite(ctx, *dbPath, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ledger, err := sqlstore.OpenSQLite(ctx, *dbPath+".ledger", nil) // kept apart from backups
	if err != nil {
		return err
	}
	defer ledger.Close()
	kek, err := insecuredevkek.Open(*dbPath + ".dev-kek.json") // development only: a KMS in production
	if err != nil {
		return err
	}
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger.Ledger()})
	if err != nil {
		return err
	}
	log, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "notify.custos.example/audit"})
	if err != nil {
		return err
	}
	defer log.Close()
	allow, err := vault.NewAllowList(schema(), map[custos.PurposeID]vault.Grant{
		onboarding.Purpose: {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut}, Fields: map[string][]string{"contact": {"email", "language"}}},
		sender.Purpose:     {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"contact": {"email", "language"}}},
	})
	if err != nil {
		return err
	}
	v, err := vault.New(vault.Config{Schema: schema(), Keys: kr, Store: db.Vault(), Authorizer: allow, Recorder: log})
	if err != nil {
		return err
	}
	outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: db.Notify(), Recorder: log, Subjects: vault.Subjects(db.Vault(), kr)})
	if err != nil {
		return err
	}

	// The mail server, in this process; customer 42's mailbox does not
	// exist: a 550.
	srv, err := emailtest.Start(emailtest.StartTLS)
	if err != nil {
		return err
	}
	defer srv.Close()
	_, bounceAddr, _ := customer(42)
	srv.Refuse = func(rcpt string) *emailtest.Reply {
		if rcpt == bounceAddr {
			return &emailtest.Reply{Code: 550, Message: "5.1.1 no such mailbox"}
		}
		return nil
	}
	mailer, err := email.New(email.Config{Host: srv.Host, Port: srv.Port, From: "notices@lessor.example", FromName: "示例融资租赁有限公司 Example Leasing",
		MessageIDDomain: "lessor.example", TLSConfig: srv.ClientTLS}) // STARTTLS required
	if err != nil {
		return err
	}
	dir, err := vaultdir.New(vaultdir.Config{Vault: v, RecordType: "contact", Fields: map[notify.Channel]string{notify.ChannelEmail: "email"}, LanguageField: "language"})
	if err != nil {
		return err
	}
	disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: outbox, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: mailer},
		Directory: dir, Owner: "example-1", Workers: 8})
	if err != nil {
		return err
	}

	start := time.Now()
	ids := make([]string, 0, *n)
	added := 0
	for i := 1; i <= *n; i++ {
		s, addr, lang := customer(i)
		if err := v.Put(ctx, onboarding, s, "contact", vault.Values{"email": addr, "language": lang}); err != nil {
			return err
		}
		m := notify.Message{To: notify.Customer(s), Channel: notify.ChannelEmail, Template: notify.TransferNotice,
			Key: "T-2026-01/" + string(s), Sender: sender,
			Params: notify.Params{"recipient": "收购方融资租赁有限公司 Acquirer Leasing Co., Ltd.", "contact": "https://acquirer.example/privacy", "effective": "2026-04-01"}}
		if _, err := outbox.Get(ctx, notify.MessageID(m.Key)); errors.Is(err, notify.ErrNotFound) {
			added++
		}
		id, err := outbox.Enqueue(ctx, m)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	fmt.Fprintf(out, "enqueued %d transfer notices (PIPL Art. 22), %d already in the outbox\n", added, len(ids)-added)

	var total notify.Report
	for {
		rep, err := disp.RunOnce(ctx)
		if err != nil {
			return err
		}
		if rep.Claimed == 0 {
			break
		}
		total.Claimed += rep.Claimed
		total.Sent += rep.Sent
		total.Dead += rep.Dead
		total.Retried += rep.Retried
	}
	fmt.Fprintf(out, "dispatched: %d claimed, %d sent, %d dead, %d to retry, in %s\n", total.Claimed, total.Sent, total.Dead, total.Retried, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(out, "the SMTP server accepted %d messages\n", len(srv.Received()))
	if err := subjects(out, srv.Received()); err != nil {
		return err
	}
	if err := report(ctx, out, outbox, ids); err != nil {
		return err
	}
	return writeCompliance(ctx, out, db, log, *dbPath)
}

// subjects prints the decoded subject of the first message received in
// each language, as a mail client shows it.
func subjects(out io.Writer, got []emailtest.Received) error {
	seen := map[string]bool{}
	for _, r := range got {
		m, err := mail.ReadMessage(bytes.NewReader(r.Data))
		if err != nil {
			return err
		}
		lang := m.Header.Get("Content-Language")
		if seen[lang] {
			continue
		}
		seen[lang] = true
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-7s Subject: %s\n", lang, subject)
	}
	return nil
}

// report prints the delivery report: the outbox's counts, the languages
// the notices went out in, and every dead letter with its reason.
func report(ctx context.Context, out io.Writer, outbox *notify.Outbox, ids []string) error {
	st, err := outbox.Status(ctx)
	if err != nil {
		return err
	}
	var parts []string
	for _, s := range notify.States() {
		parts = append(parts, fmt.Sprintf("%s %d", s, st.ByState[s]))
	}
	fmt.Fprintln(out, "delivery report:")
	fmt.Fprintln(out, "  outbox:", strings.Join(parts, ", "))
	langs := map[string]int{}
	fallback := 0
	for _, id := range ids {
		as, err := outbox.Attempts(ctx, id)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			continue
		}
		last := as[len(as)-1]
		if last.Result != notify.ResultSent {
			continue
		}
		langs[last.Language]++
		if last.Confidence == "No" {
			fallback++
		}
	}
	var ls []string
	for _, l := range slices.Sorted(maps.Keys(langs)) {
		ls = append(ls, fmt.Sprintf("%s %d", l, langs[l]))
	}
	fmt.Fprintf(out, "  sent in: %s (%d by the matcher's fallback)\n", strings.Join(ls, ", "), fallback)
	dead, err := outbox.Dead(ctx, "", 100)
	if err != nil {
		return err
	}
	for _, m := range dead {
		as, err := outbox.Attempts(ctx, m.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  dead letter %s to %s after %d attempt(s): %s\n", m.ID, string(m.To.Subject), len(as), m.Reason)
	}
	return nil
}
