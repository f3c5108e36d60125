package cli

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/transfer"
)

// transferPurpose is the purpose the transfer commands act under: the
// host's seller and acquirer must have it registered (PIPL Art. 22, 23).
const transferPurpose custos.PurposeID = "company-transfer"

// Transfer is what Config.Transfer builds over a command's session: the
// host's seller or acquirer (either may be nil on a deployment that is only
// one side) and the agreement the acquirer checks bundles against.
type Transfer struct {
	Seller    *transfer.Seller
	Acquirer  *transfer.Acquirer
	Agreement func(transferID string) (transfer.Agreement, error)
}

// transferCommand holds the company-transfer commands.
func transferCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "transfer",
		Short: "Company transfer (PIPL Art. 22, 23): plan, approve, export, import, verify, finish",
	})
	plan := transferPlanCommand(c)
	plan.AddCommand(transferShowCommand(c))
	cmd.AddCommand(plan, transferApproveCommand(c), transferExportCommand(c), transferImportCommand(c), transferVerifyCommand(c), transferFinishCommand(c))
	return cmd
}

// transferSide opens the session and builds the host's transfer wiring.
func transferSide(c *Config, f *keyringFlags, cmd *cobra.Command) (*session, Transfer, error) {
	if c.Transfer == nil {
		return nil, Transfer{}, usagef("this binary has no transfer wiring: embed package cli with cli.Config.Transfer")
	}
	s, err := f.start(c, cmd)
	if err != nil {
		return nil, Transfer{}, err
	}
	if err := s.openLog(cmd.Context()); err != nil {
		s.Close()
		return nil, Transfer{}, err
	}
	t, err := c.Transfer(cmd.Context(), RightsSession{Stores: s.stores, Keys: s.keys, Log: s.log, Clock: c.Clock})
	if err != nil {
		s.Close()
		return nil, Transfer{}, fmt.Errorf("build the transfer wiring: %w", err)
	}
	return s, t, nil
}

// transferErr maps a refusal of bad input to ExitUsage.
func transferErr(err error) error {
	switch {
	case errors.Is(err, transfer.ErrInvalidPlan), errors.Is(err, transfer.ErrApproval), errors.Is(err, transfer.ErrNotApproved),
		errors.Is(err, transfer.ErrNotFound), errors.Is(err, transfer.ErrExists), errors.Is(err, transfer.ErrMapping),
		errors.Is(err, transfer.ErrProcessors):
		return usagef("%v", err)
	case errors.Is(err, transfer.ErrBundle), errors.Is(err, transfer.ErrKey):
		return fmt.Errorf("%w: %v", ErrCheckFailed, err)
	}
	return err
}

func transferPlanCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan FILE",
		Short: "Propose a transfer plan from a JSON file",
		Long: `Plan validates the transfer plan in FILE (the JSON of transfer.Plan: cause,
seller, recipient with its HPKE public keyset, scope, exclusions, impact
assessment, effective date, and for PIPL Art. 23 or 39 the consent purpose,
deadline and terms) and stores it, recording the proposal in the audit log.
An invalid plan is refused naming the rule it breaks, and nothing is stored.`,
		Args: cobra.ArbitraryArgs,
	}
	f := addKeyringFlags(c, cmd, false)
	actor := cmd.Flags().String("actor", "", "the `id` of the person proposing")
	role := cmd.Flags().String("role", "", "their `role`")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("give one plan file")
		}
		b, err := os.ReadFile(args[0])
		if err != nil {
			return usagef("read %s: %v", quote(args[0]), err)
		}
		var p transfer.Plan
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.DisallowUnknownFields()
		if err := d.Decode(&p); err != nil {
			return usagef("%s is not a transfer plan: %v", quote(args[0]), err)
		}
		if err := p.Validate(); err != nil {
			return usagef("%v", err)
		}
		acc := custos.Access{Actor: custos.Actor{ID: *actor, Role: custos.Role(*role)}, Purpose: transferPurpose}
		if err := acc.Validate(); err != nil {
			return usagef("give --actor and --role: %v", err)
		}
		s, t, err := transferSide(c, f, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		if t.Seller == nil {
			return usagef("this deployment is not a seller")
		}
		if err := t.Seller.Propose(cmd.Context(), acc, p); err != nil {
			return transferErr(err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "plan %s proposed under %v; digest %s\n", p.ID, p.Articles(), hex.EncodeToString(p.Digest()))
		return nil
	}
	return cmd
}

func transferShowCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID --db FILE",
		Short: "Show a transfer plan, its approvals and its state",
		Long:  `Show prints a stored plan, the articles it falls under, its approvals, the root of its latest export and whether it finished. It changes nothing; no key is needed.`,
		Args:  cobra.ArbitraryArgs,
	}
	db := addDBFlags(cmd, false)
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("give one transfer ID")
		}
		s, err := c.open(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer s.Close()
		st := s.stores.Transfers
		if st == nil {
			return fmt.Errorf("the store opener returned no transfer store")
		}
		sp, err := st.GetPlan(cmd.Context(), args[0])
		if errors.Is(err, transfer.ErrNotFound) {
			return usagef("no transfer plan %s", quote(args[0]))
		}
		if err != nil {
			return err
		}
		var p transfer.Plan
		if err := json.Unmarshal(sp.Plan, &p); err != nil {
			return fmt.Errorf("stored plan does not decode: %w", err)
		}
		as, err := st.Approvals(cmd.Context(), sp.ID)
		if err != nil {
			return err
		}
		approvers := []string{}
		for _, a := range as {
			approvers = append(approvers, a.Approver.ID+" ("+string(a.Approver.Role)+")")
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), map[string]any{"id": sp.ID, "articles": p.Articles(), "cause": p.Cause, "recipient": p.Recipient.Name,
				"approvals": approvers, "root": hex.EncodeToString(sp.Root), "customers": sp.Customers, "finished": sp.Finished, "plan": json.RawMessage(sp.Plan)})
		}
		out := cmd.OutOrStdout()
		fmt.Fprintf(out, "transfer %s: %s under %v to %s (%s)\n", sp.ID, p.Cause, p.Articles(), p.Recipient.Name, p.Recipient.Jurisdiction)
		fmt.Fprintf(out, "impact assessment %s; scope %v, purposes %v\n", p.ImpactAssessment, p.Scope.RecordTypes, p.Scope.Purposes)
		fmt.Fprintf(out, "approvals: %s\n", strings.Join(approvers, ", "))
		if len(sp.Root) > 0 {
			fmt.Fprintf(out, "exported: %d customers, root %s\n", sp.Customers, hex.EncodeToString(sp.Root))
		}
		if !sp.Finished.IsZero() {
			fmt.Fprintf(out, "finished: %s\n", sp.Finished.Format("2006-01-02 15:04:05Z"))
		}
		return nil
	}
	return cmd
}

func transferApproveCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "approve ID --actor ID --role ROLE",
		Short: "Record one person's approval of a transfer plan",
		Long: `Approve records the approval of the plan by the person named, in the role
given; the host's approval rule says which roles may approve and how many
distinct people must. The same person twice, or a role that may not approve,
is refused and nothing is stored. Every approval is audited.`,
		Args: cobra.ArbitraryArgs,
	}
	f := addKeyringFlags(c, cmd, false)
	actor := cmd.Flags().String("actor", "", "the approver's `id`")
	role := cmd.Flags().String("role", "", "the approver's `role`")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("give one transfer ID")
		}
		acc := custos.Access{Actor: custos.Actor{ID: *actor, Role: custos.Role(*role)}, Purpose: transferPurpose}
		if err := acc.Validate(); err != nil {
			return usagef("give --actor and --role: %v", err)
		}
		s, t, err := transferSide(c, f, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		if t.Seller == nil {
			return usagef("this deployment is not a seller")
		}
		if err := t.Seller.Approve(cmd.Context(), acc, args[0]); err != nil {
			return transferErr(err)
		}
		ok, err := t.Seller.Approved(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "approved by %s; plan approved: %v\n", *actor, ok)
		return nil
	}
	return cmd
}

func transferExportCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export ID -o FILE",
		Short: "Write the bundle of an approved transfer",
		Long: `Export writes the bundle of an approved plan to FILE (created, mode 0600,
never overwritten): each moved customer's key wrapped for the recipient,
its records as ciphertext, consents, restrictions, retention clocks and
audit trail, and the signed manifest. No field is decrypted. Run again, it
writes the same manifest root.`,
		Args: cobra.ArbitraryArgs,
	}
	f := addKeyringFlags(c, cmd, false)
	outFlag := cmd.Flags().StringP("output", "o", "", "the bundle `file` (required; must not exist)")
	interval := addProgressFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 || *outFlag == "" {
			return usagef("give one transfer ID and -o FILE")
		}
		if _, err := os.Lstat(*outFlag); err == nil {
			return usagef("-o %s exists: give a new file", quote(*outFlag))
		}
		s, t, err := transferSide(c, f, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		if t.Seller == nil {
			return usagef("this deployment is not a seller")
		}
		w, err := os.OpenFile(*outFlag, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		p := newProgress(cmd.ErrOrStderr(), c.Clock, "export", *interval, -1)
		rep, err := t.Seller.Export(cmd.Context(), operator(transferPurpose), args[0], w, &transfer.ExportOptions{
			Progress: func(r transfer.ExportReport) {
				p.report(r.Moved+r.Excluded+r.NotConsented+r.OutOfScope+r.NotNotified, -1)
			}})
		p.finish()
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*outFlag)
			return transferErr(err)
		}
		if *f.json {
			return printJSON(cmd.OutOrStdout(), map[string]any{"transfer": args[0], "moved": rep.Moved, "excluded": rep.Excluded,
				"not_consented": rep.NotConsented, "not_notified": rep.NotNotified, "root": hex.EncodeToString(rep.Manifest.Root)})
		}
		fmt.Fprintf(cmd.OutOrStdout(), "exported %d customers (%d excluded, %d without separate consent, %d not notified); root %s\n",
			rep.Moved, rep.Excluded, rep.NotConsented, rep.NotNotified, hex.EncodeToString(rep.Manifest.Root))
		return nil
	}
	return cmd
}

func transferImportCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import BUNDLE --transfer ID -r RECEIPT",
		Short: "Verify and import a transfer bundle on the acquirer's side",
		Long: `Import verifies the whole bundle against the host's agreement (transfer id,
seller keys, purpose mapping) and imports it: keys under this deployment's
KEK, records byte for byte with fresh indexes, consents onto the mapped
purposes, restrictions and retention clocks. A bundle that does not verify
is refused and nothing is imported. The signed receipt is written to
RECEIPT for the seller. Run again after an interruption, it continues.`,
		Args: cobra.ArbitraryArgs,
	}
	f := addKeyringFlags(c, cmd, false)
	id := cmd.Flags().String("transfer", "", "the transfer `id` agreed")
	rcpt := cmd.Flags().StringP("receipt", "r", "", "the `file` to write the signed receipt to")
	interval := addProgressFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 || *id == "" || *rcpt == "" {
			return usagef("give one bundle file, --transfer ID and -r RECEIPT")
		}
		b, err := os.Open(args[0])
		if err != nil {
			return usagef("open %s: %v", quote(args[0]), err)
		}
		defer b.Close()
		s, t, err := transferSide(c, f, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		if t.Acquirer == nil || t.Agreement == nil {
			return usagef("this deployment is not an acquirer")
		}
		ag, err := t.Agreement(*id)
		if err != nil {
			return usagef("no agreement for transfer %s: %v", quote(*id), err)
		}
		p := newProgress(cmd.ErrOrStderr(), c.Clock, "import", *interval, -1)
		rep, err := t.Acquirer.Import(cmd.Context(), operator(transferPurpose), b, ag, &transfer.ImportOptions{
			Progress: func(done, total uint64) { p.report(int64(done), int64(total)) }})
		p.finish()
		if err != nil {
			return transferErr(err)
		}
		if err := os.WriteFile(*rcpt, rep.Receipt, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "imported %d customers; root %s; receipt in %s\n", rep.Customers, hex.EncodeToString(rep.Manifest.Root), *rcpt)
		return nil
	}
	return cmd
}

func transferVerifyCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify BUNDLE --transfer ID --recipient-key FILE --seller-key KEY --audit-key KEY",
		Short: "Verify a transfer bundle without importing it",
		Long: `Verify checks a bundle as an import would before writing anything: frame
order, customer order, the header against the transfer id and the
recipient's public keyset (FILE, Tink binary), every audit trail against the
seller log's verifier KEY, and the manifest's signature (seller KEY), count,
root and digests. Exit status 1 names what is wrong. It needs no database
and no key.`,
		Args: cobra.ArbitraryArgs,
	}
	id := cmd.Flags().String("transfer", "", "the transfer `id` agreed")
	pub := cmd.Flags().String("recipient-key", "", "the recipient's public keyset `file`")
	seller := cmd.Flags().String("seller-key", "", "the seller's manifest verifier `key`")
	auditKey := cmd.Flags().String("audit-key", "", "the seller audit log's verifier `key`")
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 || *id == "" || *pub == "" || *seller == "" || *auditKey == "" {
			return usagef("give one bundle file, --transfer, --recipient-key, --seller-key and --audit-key")
		}
		pk, err := os.ReadFile(*pub)
		if err != nil {
			return usagef("read %s: %v", quote(*pub), err)
		}
		b, err := os.Open(args[0])
		if err != nil {
			return usagef("open %s: %v", quote(args[0]), err)
		}
		defer b.Close()
		v, err := transfer.Verify(b, pk, transfer.Agreement{Transfer: *id, SellerVerifier: *seller, SellerAudit: *auditKey})
		if err != nil {
			return transferErr(err)
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), map[string]any{"transfer": v.Manifest.Transfer, "customers": v.Manifest.Customers,
				"root": hex.EncodeToString(v.Manifest.Root), "articles": v.Plan.Articles(), "verified": true})
		}
		fmt.Fprintf(cmd.OutOrStdout(), "bundle verified: transfer %s under %v, %d customers, root %s\n",
			v.Manifest.Transfer, v.Plan.Articles(), v.Manifest.Customers, hex.EncodeToString(v.Manifest.Root))
		return nil
	}
	return cmd
}

func transferFinishCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "finish ID --bundle FILE --receipt FILE",
		Short: "Close a transfer with the acquirer's receipt: destroy what moved",
		Long: `Finish checks the acquirer's signed receipt against the root of the latest
export, then destroys each moved customer with a destruction certificate,
keeps restricted those a rule keeps, deletes the transfer key and reports
what was moved, destroyed and kept. A plan that engages processors closes
only with each one's confirmation that it returned or deleted the data
(PIPL Art. 21): --processors FILE, the JSON list of transfer.ProcessorDone.
Run again, it completes the rest.`,
		Args: cobra.ArbitraryArgs,
	}
	f := addKeyringFlags(c, cmd, false)
	bundle := cmd.Flags().String("bundle", "", "the bundle `file` exported")
	rcpt := cmd.Flags().String("receipt", "", "the acquirer's receipt `file`")
	procs := cmd.Flags().String("processors", "", "the processors' return-or-delete confirmations, a JSON `file`")
	interval := addProgressFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 || *bundle == "" || *rcpt == "" {
			return usagef("give one transfer ID, --bundle and --receipt")
		}
		var done []transfer.ProcessorDone
		if *procs != "" {
			b, err := os.ReadFile(*procs)
			if err != nil {
				return usagef("read %s: %v", quote(*procs), err)
			}
			d := json.NewDecoder(strings.NewReader(string(b)))
			d.DisallowUnknownFields()
			if err := d.Decode(&done); err != nil {
				return usagef("%s is not a list of processor confirmations: %v", quote(*procs), err)
			}
		}
		r, err := os.ReadFile(*rcpt)
		if err != nil {
			return usagef("read %s: %v", quote(*rcpt), err)
		}
		b, err := os.Open(*bundle)
		if err != nil {
			return usagef("open %s: %v", quote(*bundle), err)
		}
		defer b.Close()
		s, t, err := transferSide(c, f, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		if t.Seller == nil {
			return usagef("this deployment is not a seller")
		}
		p := newProgress(cmd.ErrOrStderr(), c.Clock, "finish", *interval, -1)
		rep, err := t.Seller.Finish(cmd.Context(), operator(transferPurpose), args[0], b, r, &transfer.FinishOptions{
			Progress: func(r transfer.FinishReport) { p.report(r.Destroyed+r.Kept, r.Moved) }, Processors: done})
		p.finish()
		if err != nil {
			return transferErr(err)
		}
		if *f.json {
			return printJSON(cmd.OutOrStdout(), map[string]any{"transfer": args[0], "moved": rep.Moved, "destroyed": rep.Destroyed, "kept": rep.Kept})
		}
		fmt.Fprintf(cmd.OutOrStdout(), "moved %d, destroyed %d, kept restricted %d\n", rep.Moved, rep.Destroyed, rep.Kept)
		for _, d := range rep.Processors {
			fmt.Fprintf(cmd.OutOrStdout(), "processor %s: %s (%s)\n", d.Processor, d.Disposition, d.Evidence)
		}
		return nil
	}
	return cmd
}
