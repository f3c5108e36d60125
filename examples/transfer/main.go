// Command transfer hands a leasing company's customers to the company that
// merges with it (PIPL Art. 22), in one run, between two deployments that
// share nothing — each with its own SQLite database, KEK and audit log:
//
//   - the seller plans the merger (recipient, scope, impact assessment)
//     and two people in approver roles approve it;
//
//   - every customer is told the recipient's name and contact through an
//     SMTP server running in this process (PIPL Art. 22 notice);
//
//   - the acquirer publishes an HPKE public keyset; the seller exports a
//     bundle in which each customer's key travels wrapped under a transfer
//     key only the acquirer can open, and every field as the ciphertext it
//     already was: nothing is decrypted on the way;
//
//   - the acquirer verifies and imports the bundle: its own KEK wraps the
//     keys, its own index key rebuilds the search index, consents,
//     restrictions, retention clocks and the audit trail arrive intact;
//
//   - the acquirer reads a customer for an original purpose and is refused
//     for a new one; its signed receipt lets the seller destroy what moved
//     (keeping what AML Art. 34 keeps, restricted) and print its report.
//
//     go run ./examples/transfer
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/notify/email"
	"github.com/custos-go/custos/notify/email/emailtest"
	"github.com/custos-go/custos/notify/vaultdir"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/transfer"
	"github.com/custos-go/custos/vault"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "transfer:", err)
		os.Exit(1)
	}
}

var (
	dpo     = custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "dpo"}, Purpose: moving}
	counsel = custos.Access{Actor: custos.Actor{ID: "legal-01", Role: "general-counsel"}, Purpose: moving}
)

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("transfer", flag.ContinueOnError)
	dir := fs.String("dir", "", "where the two databases and the bundle go (default: a new temporary directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "custos-transfer-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	seller, err := open(ctx, *dir, "示例融资租赁 Example Leasing Co., Ltd.", "seller.example", false)
	if err != nil {
		return err
	}
	defer seller.close()
	buyer, err := open(ctx, *dir, "收购方融资租赁 Acquirer Leasing Co., Ltd.", "acquirer.example", true)
	if err != nil {
		return err
	}
	defer buyer.close()

	// The seller's synthetic customers: the second consented to marketing,
	// the fifth ended its lease and is kept under AML Art. 34, restricted.
	for i := 1; i <= 5; i++ {
		s := custos.SubjectID(fmt.Sprintf("C%07d", i))
		if err := seller.vault.Put(ctx, teller, s, "customer", vault.Values{
			"name": "Synthetic Person " + string(rune('A'+i-1)), "mobile": fmt.Sprintf("1380000%04d", i),
			"email": fmt.Sprintf("customer%d@mail.example", i), "language": []string{"zh-CN", "en-GB"}[i%2],
		}); err != nil {
			return err
		}
		if err := seller.vault.Put(ctx, teller, s, "lease", vault.Values{"contract": fmt.Sprintf("L-2024-%04d", i)}); err != nil {
			return err
		}
	}
	n, _ := seller.reg.NoticeFor(marketing)
	if err := seller.reg.Grant(ctx, consent.Act{Subject: "C0000002", Purposes: []custos.PurposeID{marketing}, Actor: custos.Actor{ID: "svc-app", Role: "channel"},
		Channel: "app", Signal: consent.SignalClick, Notice: n.Version, Language: consent.LangZH, Evidence: "form-0002"}); err != nil {
		return err
	}
	if err := seller.ret.Report(ctx, retention.Event{Subject: "C0000005", Kind: retention.EventRelationshipEnded, At: time.Now()}); err != nil {
		return err
	}
	if err := seller.vault.Restrict(ctx, office, "C0000005", "AML Art. 34: identity records kept 10 years after the relationship ends"); err != nil {
		return err
	}

	// The acquirer's HPKE keyset; only its public half leaves.
	private, err := transfer.NewRecipientKeyset()
	if err != nil {
		return err
	}
	public, err := transfer.PublicKeyset(private)
	if err != nil {
		return err
	}

	plan := transfer.Plan{
		ID: "merger-2026", Cause: transfer.CauseMerger,
		Seller: transfer.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://seller.example/privacy", Jurisdiction: "CN"},
		Recipient: transfer.Recipient{Party: transfer.Party{Name: "Acquirer Leasing Co., Ltd.", Contact: "https://acquirer.example/privacy", Jurisdiction: "CN"},
			PublicKeyset: public, Verifier: buyer.verifier},
		Scope:            transfer.Scope{RecordTypes: []string{"customer", "lease"}, Purposes: []custos.PurposeID{servicing, marketing}},
		ImpactAssessment: "PIA-2026-017", Effective: time.Now().AddDate(0, 1, 0),
	}
	sell, err := transfer.NewSeller(transfer.SellerConfig{Keys: seller.keys, Vault: seller.vault, Consent: seller.reg, Retention: seller.ret,
		Audit: seller.log, Outbox: seller.outbox, Signer: seller.signer, Store: seller.db.Transfer(), Recorder: seller.log, Approval: rule})
	if err != nil {
		return err
	}
	if err := sell.Propose(ctx, dpo, plan); err != nil {
		return err
	}
	fmt.Fprintf(out, "plan %s under %v, impact assessment %s\n", plan.ID, plan.Articles(), plan.ImpactAssessment)
	if err := sell.Approve(ctx, dpo, plan.ID); err != nil {
		return err
	}
	if err := sell.Approve(ctx, dpo, plan.ID); err != nil {
		fmt.Fprintln(out, "second approval by the same person refused:", errors.Is(err, transfer.ErrApproval))
	}
	if err := sell.Approve(ctx, counsel, plan.ID); err != nil {
		return err
	}

	sent, err := notices(ctx, sell, seller, plan.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "PIPL Art. 22 notices: %d sent by SMTP\n", sent)

	var bundle bytes.Buffer
	rep, err := sell.Export(ctx, operator, plan.ID, &bundle, nil)
	if err != nil {
		return err
	}
	path := filepath.Join(*dir, plan.ID+".bundle")
	if err := os.WriteFile(path, bundle.Bytes(), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(out, "exported %d customers, %d KiB, manifest signed by the seller\n", rep.Moved, (bundle.Len()+1023)/1024)

	buy, err := transfer.NewAcquirer(transfer.AcquirerConfig{Keys: buyer.keys, Vault: buyer.vault, Consent: buyer.reg, Retention: buyer.ret,
		Private: private, Signer: buyer.signer, Store: buyer.db.Transfer(), Recorder: buyer.log})
	if err != nil {
		return err
	}
	ag := transfer.Agreement{Transfer: plan.ID, SellerVerifier: seller.verifier, SellerAudit: seller.log.Verifier(),
		Purposes: map[custos.PurposeID]custos.PurposeID{servicing: servicing, marketing: marketing}}
	wide := ag
	wide.Purposes = map[custos.PurposeID]custos.PurposeID{servicing: servicing, marketing: crossSelling}
	_, err = buy.Import(ctx, operator, bytes.NewReader(bundle.Bytes()), wide, nil)
	fmt.Fprintln(out, "mapping marketing onto cross-selling refused:", errors.Is(err, transfer.ErrMapping))
	got, err := buy.Import(ctx, operator, bytes.NewReader(bundle.Bytes()), ag, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "acquirer imported %d customers; receipt signed for the same root: %v\n", got.Customers, bytes.Equal(got.Manifest.Root, rep.Manifest.Root))

	r, err := buyer.vault.Get(ctx, teller, "C0000001", "lease", "contract")
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "acquirer reads C0000001 for lease-servicing:", r.Values["contract"])
	found, err := buyer.vault.Find(ctx, teller, "customer", vault.Values{"mobile": "13800000003"}, "name")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "acquirer finds 13800000003 through its own index: %d match, %s\n", len(found), string(found[0].Subject))
	mk := custos.Access{Actor: custos.Actor{ID: "sales-01", Role: "marketer"}, Purpose: marketing}
	_, err = buyer.vault.Get(ctx, mk, "C0000002", "customer", "mobile")
	fmt.Fprintln(out, "acquirer reads C0000002 for marketing (consent travelled):", err == nil)
	cs := custos.Access{Actor: custos.Actor{ID: "sales-01", Role: "marketer"}, Purpose: crossSelling}
	_, err = buyer.vault.Get(ctx, cs, "C0000002", "customer", "mobile")
	fmt.Fprintln(out, "acquirer reads C0000002 for cross-selling (a new purpose) refused:", errors.Is(err, vault.ErrDenied))
	_, err = buyer.vault.Get(ctx, teller, "C0000005", "customer", "name")
	fmt.Fprintln(out, "C0000005 stays restricted at the acquirer:", errors.Is(err, vault.ErrRestricted))

	certs := 0
	fin, err := sell.Finish(ctx, operator, plan.ID, bytes.NewReader(bundle.Bytes()), got.Receipt, &transfer.FinishOptions{Certificate: func(vault.Certificate) { certs++ }})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "seller report: moved %d, destroyed %d (%d certificates), kept restricted %d\n", fin.Moved, fin.Destroyed, certs, fin.Kept)
	summary, err := seller.writeReport(ctx, *dir, plan.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "seller's compliance report: %d sections, %d findings, signed\n", len(summary.Sections), len(summary.Findings))
	return nil
}

// notices enqueues the plan's notices and delivers them through an SMTP
// server in this process, reading each address from the seller's vault at
// send time.
func notices(ctx context.Context, sell *transfer.Seller, c *company, id string) (int, error) {
	if _, err := sell.Notify(ctx, operator, id, notify.ChannelEmail); err != nil {
		return 0, err
	}
	srv, err := emailtest.Start(emailtest.StartTLS)
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	mailer, err := email.New(email.Config{Host: srv.Host, Port: srv.Port, From: "notices@seller.example", FromName: "Example Leasing",
		MessageIDDomain: "seller.example", TLSConfig: srv.ClientTLS})
	if err != nil {
		return 0, err
	}
	dir, err := vaultdir.New(vaultdir.Config{Vault: c.vault, RecordType: "customer", Fields: map[notify.Channel]string{notify.ChannelEmail: "email"}, LanguageField: "language"})
	if err != nil {
		return 0, err
	}
	disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: c.outbox, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: mailer},
		Directory: dir, Owner: "example-transfer", Workers: 2})
	if err != nil {
		return 0, err
	}
	for {
		rep, err := disp.RunOnce(ctx)
		if err != nil {
			return 0, err
		}
		if rep.Claimed == 0 {
			break
		}
	}
	return len(srv.Received()), nil
}
