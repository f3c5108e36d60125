package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/text/language"

	"github.com/custos-go/custos/report"
)

func reportCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report (--db FILE | --postgres VAR) --out FILE [--format html|json|csv] [--lang zh-Hans|en] [--at TIME] [--key KEY]",
		Short: "Write the records of processing and the compliance report",
		Long: `Report writes the records of processing (GDPR Art. 30) and the compliance
report an auditor reads: purposes and legal bases, data categories and their
classes, recipients and transfers abroad, retention rules, security measures,
consent states and their trend, retention due per month and destructions done,
notifications by state, the audit log's size, verification and monitor alerts,
and impact-assessment drafts (PIPL Art. 55-56). It is generated from the host's
policies and the stores; it holds no personal data, only counts and names.

--format html writes one self-contained page (inline CSS and SVG, no script,
no network) that prints well; json and csv carry the same figures for
machines. With --signing-key the HTML and JSON carry a signed digest that
'report verify' checks.

The output is written to a temporary file and renamed over --out only when
the whole report is done: a failure leaves no partial file. Exit status 0
when the report is written and every check passed, 1 when it is written but
a check failed (the audit log does not verify, dead notifications) or when it
could not be written, 2 for bad input (nothing is written).`,
		Args: noArgs,
	}
	db := addDBFlags(cmd, false)
	out := cmd.Flags().StringP("out", "o", "", "the report `file` to write (replaced atomically)")
	format := cmd.Flags().String("format", "", "html, json or csv; default from the --out extension, else html")
	lang := cmd.Flags().String("lang", "zh-Hans", "the report's `language`: zh-Hans or en")
	atFlag := cmd.Flags().String("at", "", "the `time` the state is read as of (RFC 3339); default now")
	key := cmd.Flags().String("key", "", "the audit log's note verifier `key`, or @FILE, to verify the log with; without it the log is not verified")
	saved := cmd.Flags().StringArray("checkpoint", nil, "a signed checkpoint `file` saved earlier; the log must still contain it (repeatable)")
	signing := cmd.Flags().String("signing-key", "", "a note signer key `file` to sign the HTML and JSON with (a host passes its own signer when it embeds the command)")
	every := addProgressFlag(cmd)
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := checkProgress(*every); err != nil {
			return err
		}
		o, err := c.reportOptions(*out, *format, *lang, *atFlag, *key, *saved, *signing)
		if err != nil {
			return err
		}
		s, err := c.open(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer s.Close()
		snap, err := c.reportSnapshot(cmd.Context(), s.stores)
		if err != nil {
			return err
		}
		cfg := c.reportConfig(s.stores, o, snap)
		prog := newProgress(cmd.ErrOrStderr(), c.Clock, "report sections", *every, -1)
		cfg.Progress = func(done, total int) { prog.report(int64(done), int64(total)) }
		r, err := report.New(cfg)
		if err != nil {
			return usagef("%v", err)
		}
		rep, err := r.Build(cmd.Context(), o.at)
		prog.finish()
		if err != nil {
			return fmt.Errorf("build the report: %w", err)
		}
		if o.signer != nil && o.format != report.CSV {
			if rep, err = report.Sign(rep, o.signer); err != nil {
				return err
			}
		}
		if err := report.WriteFile(o.out, func(w io.Writer) error { return r.Write(w, rep, o.format, o.lang) }); err != nil {
			return err
		}
		return reportResult(cmd, rep, o, *asJSON)
	}
	cmd.AddCommand(reportVerifyCommand())
	return cmd
}

// reportOpts are the checked flags of `report`.
type reportOpts struct {
	out         string
	format      report.Format
	lang        language.Tag
	at          time.Time
	verifier    string
	checkpoints [][]byte
	signer      note.Signer
}

// reportOptions checks every flag before anything is opened or written.
func (c *Config) reportOptions(out, format, lang, at, key string, saved []string, signing string) (reportOpts, error) {
	var o reportOpts
	if out == "" {
		return o, usagef("give the output: --out FILE")
	}
	if st, err := os.Stat(filepath.Dir(out)); err != nil || !st.IsDir() {
		return o, usagef("--out %s: no such directory", quote(out))
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return o, usagef("--out %s is a directory", quote(out))
	}
	if format == "" {
		format = strings.TrimPrefix(filepath.Ext(out), ".")
		if _, err := report.ParseFormat(format); err != nil {
			format = string(report.HTML)
		}
	}
	var err error
	if o.format, err = report.ParseFormat(format); err != nil {
		return o, usagef("--format: %v", err)
	}
	if o.lang, err = report.ParseLanguage(lang); err != nil {
		return o, usagef("--lang: %v", err)
	}
	if at != "" {
		if o.at, err = time.Parse(time.RFC3339, at); err != nil {
			return o, usagef("--at %s is not an RFC 3339 time such as 2026-12-31T00:00:00Z", quote(at))
		}
	}
	if key != "" {
		if o.verifier, err = readKey(key); err != nil {
			return o, err
		}
		for _, name := range saved {
			b, err := readCheckpoint("--checkpoint", name, o.verifier)
			if err != nil {
				return o, err
			}
			o.checkpoints = append(o.checkpoints, b)
		}
	} else if len(saved) > 0 {
		return o, usagef("--checkpoint needs --key")
	}
	if signing != "" {
		b, err := os.ReadFile(signing)
		if err != nil {
			return o, usagef("--signing-key %s: cannot read the file", quote(signing))
		}
		if o.signer, err = note.NewSigner(strings.TrimSpace(string(b))); err != nil {
			return o, usagef("--signing-key %s is not a note signer key", quote(signing))
		}
	}
	o.out = out
	return o, nil
}

// hasPurposes reports whether the host gave the policies a report is
// generated from.
func (c *Config) hasPurposes() bool { return c.Policies != nil && len(c.Policies.Purposes) > 0 }

// reportSnapshot returns, when the host gave no policies, the policy
// snapshot stored in the database (report.Reporter.SaveSnapshot): what the
// stock binary reports the records of processing from. nil when the host
// gave its policies.
func (c *Config) reportSnapshot(ctx context.Context, st *Stores) (*report.Snapshot, error) {
	if c.hasPurposes() {
		return nil, nil
	}
	const need = "report needs the host's policies (schema and purposes): a host embeds this command with cli.Config.Policies, or stores a policy snapshot in the database (report.Reporter.SaveSnapshot)"
	if st.Snapshots == nil {
		return nil, usagef("%s; the store opener returned no snapshot store", need)
	}
	snap, err := st.Snapshots.LatestSnapshot(ctx)
	switch {
	case errors.Is(err, report.ErrNoSnapshot):
		return nil, usagef("%s; this database holds none", need)
	case err != nil:
		return nil, fmt.Errorf("read the policy snapshot: %w", err)
	}
	return &snap, nil
}

// reportConfig builds the report's Config from the host's policies, or
// the stored policy snapshot when snap is not nil, and the opened stores.
func (c *Config) reportConfig(st *Stores, o reportOpts, snap *report.Snapshot) report.Config {
	p := c.Policies
	if p == nil {
		p = &Policies{}
	}
	cfg := report.Config{Consents: st.Consents, Retention: st.Retention, Sources: p.ReportSources, Clock: c.Clock}
	if snap != nil {
		cfg.Snapshot = snap
	} else {
		cfg.Policies = report.Policies{Controller: p.Controller, Schema: p.Schema, Purposes: p.Purposes, People: p.People, Retention: p.Retention,
			Masking: p.Masking, Epochs: c.Keys.Epochs}
		cfg.Assessments = p.Assessments
		if len(p.Schema.Types) > 0 && hasIndex(p) {
			search := p.Search
			cfg.Policies.Search = &search
		}
	}
	if st.Notify != nil {
		cfg.Outbox = st.Notify
	}
	if st.Rights != nil {
		cfg.Rights = &report.RightsState{Store: st.Rights, Regimes: p.Regimes}
	}
	if st.Incidents != nil {
		cfg.Incidents = st.Incidents
	}
	if st.Transfers != nil && len(p.Transfers) > 0 {
		cfg.Transfers = &report.TransferState{Store: st.Transfers, Plans: p.Transfers}
	}
	if o.verifier != "" && st.Audit != nil {
		cfg.Audit = &report.AuditState{Store: st.Audit, Verifier: o.verifier, Checkpoints: o.checkpoints, Monitor: p.Monitor}
	}
	return cfg
}

// hasIndex reports whether the schema declares a blind index.
func hasIndex(p *Policies) bool {
	for _, t := range p.Schema.Types {
		if len(t.Indexes) > 0 {
			return true
		}
		for _, f := range t.Fields {
			if f.Searchable {
				return true
			}
		}
	}
	return false
}

// reportResult prints what was written and maps failed checks to exit
// status 1.
func reportResult(cmd *cobra.Command, rep report.Report, o reportOpts, asJSON bool) error {
	failed := 0
	for _, f := range rep.Findings {
		if f.Severity == report.Failure {
			failed++
		}
	}
	if asJSON {
		if err := printJSON(cmd.OutOrStdout(), struct {
			Out      string `json:"out"`
			Format   string `json:"format"`
			Lang     string `json:"lang"`
			At       string `json:"at"`
			Findings int    `json:"findings"`
			Failed   int    `json:"failed"`
			Signed   bool   `json:"signed"`
		}{o.out, string(o.format), o.lang.String(), rep.At.Format(time.RFC3339), len(rep.Findings), failed, rep.Signature != ""}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%s, %s): %d findings, %d failed checks\n", o.out, o.format, o.lang, len(rep.Findings), failed)
	}
	if failed > 0 {
		return &reported{fmt.Errorf("%w: the report shows %d failed checks", ErrCheckFailed, failed)}
	}
	return nil
}

func reportVerifyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify --key KEY FILE",
		Short: "Check a signed report (HTML or JSON) against the signer's verifier key",
		Long: `Verify checks that FILE, an HTML or JSON report written with --signing-key,
carries a valid signature by KEY over its figures, and, for HTML, that the
page is exactly the rendering of those figures. Exit status 0 when it
verifies, 1 when it does not, 2 for bad input.`,
		Args: cobra.ArbitraryArgs,
	}
	key := cmd.Flags().String("key", "", "the report signer's note verifier `key`, or @FILE")
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("give one report file to verify")
		}
		if *key == "" {
			return usagef("give the signer's verifier key: --key KEY or --key @FILE")
		}
		vkey, err := readKey(*key)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(args[0])
		if err != nil {
			return usagef("%s: cannot read the file", quote(args[0]))
		}
		rep, err := report.Verify(data, vkey)
		verified := err == nil
		if err != nil && !errors.Is(err, report.ErrSignature) {
			return usagef("%v", err)
		}
		if *asJSON {
			reason := ""
			if err != nil {
				reason = err.Error()
			}
			if perr := printJSON(cmd.OutOrStdout(), struct {
				Verified bool   `json:"verified"`
				At       string `json:"at,omitempty"`
				Reason   string `json:"reason,omitempty"`
			}{verified, atString(rep), reason}); perr != nil {
				return perr
			}
		} else if verified {
			fmt.Fprintf(cmd.OutOrStdout(), "verified: report of %s\n", atString(rep))
		}
		if err != nil {
			if *asJSON {
				return &reported{fmt.Errorf("%w: %v", ErrCheckFailed, err)}
			}
			return fmt.Errorf("%w: %v", ErrCheckFailed, err)
		}
		return nil
	}
	return cmd
}

func atString(rep report.Report) string {
	if rep.At.IsZero() {
		return ""
	}
	return rep.At.Format(time.RFC3339)
}
