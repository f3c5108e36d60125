package cli

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
)

// auditCommand holds the commands an auditor runs: they need no host
// policy and no KEK, open the database read-only and change nothing.
func auditCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "audit",
		Short: "Verify, export and inspect the tamper-evident audit log",
	})
	cmd.AddCommand(auditVerifyCommand(c), auditCheckpointCommand(c), auditExportCommand(c), auditKeyCommand(c))
	return cmd
}

// readKey returns a note verifier key given inline or as @FILE, checked to
// parse.
func readKey(v string) (string, error) {
	if name, ok := strings.CutPrefix(v, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", usagef("--key @%s: cannot read the file", quote(name))
		}
		v = string(b)
	}
	v = strings.TrimSpace(v)
	if _, err := note.NewVerifier(v); err != nil {
		return "", usagef("--key is not a note verifier key (name+hash+key, as `custos audit key` prints)")
	}
	return v, nil
}

// readCheckpoint reads a signed checkpoint file saved earlier and checks
// that it is one of the log the key verifies. A file that is not is bad
// input: it is the auditor's own record, not the log under test.
func readCheckpoint(flag, path, vkey string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("%s %s: cannot read the file", flag, quote(path))
	}
	if _, err := audit.OpenCheckpoint(b, vkey); err != nil {
		return nil, usagef("%s %s is not a checkpoint signed by --key (%v); save one with `custos audit checkpoint --key KEY > FILE`", flag, quote(path), err)
	}
	return b, nil
}

// verifyJSON is what `audit verify --json` prints.
type verifyJSON struct {
	Verified    bool    `json:"verified"`
	Origin      string  `json:"origin,omitempty"`
	Size        uint64  `json:"size,omitempty"`
	Root        string  `json:"root,omitempty"`
	From        uint64  `json:"from,omitempty"`
	Entries     uint64  `json:"entries,omitempty"`
	Checkpoints int     `json:"checkpoints,omitempty"`
	Index       *uint64 `json:"first_bad_index,omitempty"`
	Reason      string  `json:"reason,omitempty"`
}

func auditVerifyCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify (--db FILE | --postgres VAR | --tiles DIR) --key KEY [--checkpoint FILE]...",
		Short: "Verify the audit log against the verifier key you hold",
		Long: `Verify checks every signature, recomputes the whole tree from the entries,
checks consistency with every checkpoint you saved earlier, and exits 1
naming the first bad index if a byte was changed, an entry removed or
reordered, the log truncated or forked.`,
		Args: noArgs,
	}
	db := addDBFlags(cmd, false)
	tiles := cmd.Flags().String("tiles", "", "an exported C2SP tlog-tiles `directory` to verify instead of a database")
	key := cmd.Flags().String("key", "", "the log's note verifier `key`, or @FILE; get it from the operator, never from the database under test")
	saved := cmd.Flags().StringArray("checkpoint", nil, "a signed checkpoint `file` saved earlier; the log must still contain it (repeatable)")
	resume := cmd.Flags().String("resume", "", "a signed checkpoint `file` up to which the log was already verified (databases only)")
	every := addProgressFlag(cmd)
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *key == "" {
			return usagef("give the log's verifier key: --key KEY or --key @FILE")
		}
		if err := checkProgress(*every); err != nil {
			return err
		}
		vkey, err := readKey(*key)
		if err != nil {
			return err
		}
		opt := audit.VerifyOptions{Verifier: vkey, ProgressEvery: 1024}
		for _, name := range *saved {
			b, err := readCheckpoint("--checkpoint", name, vkey)
			if err != nil {
				return err
			}
			opt.Checkpoints = append(opt.Checkpoints, b)
		}
		if *resume != "" {
			if *tiles != "" {
				return usagef("--resume works on databases only")
			}
			if opt.Resume, err = readCheckpoint("--resume", *resume, vkey); err != nil {
				return err
			}
		}
		var src *audit.Source
		switch {
		case *tiles != "" && db.set():
			return usagef("give one of --db, --postgres and --tiles")
		case *tiles != "":
			if st, err := os.Stat(*tiles); err != nil || !st.IsDir() {
				return usagef("--tiles %s must name an existing directory", quote(*tiles))
			}
			src = audit.TilesSource(os.DirFS(*tiles))
		default:
			s, err := c.open(cmd.Context(), db, true)
			if err != nil {
				return err
			}
			defer s.Close()
			src = audit.StoreSource(s.stores.Audit)
		}
		p := newProgress(cmd.ErrOrStderr(), c.Clock, "verifying entries", *every, -1)
		opt.Progress = func(v audit.VerifyProgress) { p.report(int64(v.Done), int64(v.Total)) }
		rep, err := audit.Verify(cmd.Context(), src, opt)
		p.finish()
		out := cmd.OutOrStdout()
		var te *audit.TamperError
		switch {
		case errors.As(err, &te):
			res := verifyJSON{Reason: te.Reason}
			if te.HasIndex {
				res.Index = &te.Index
			}
			if *asJSON {
				printJSON(out, res)
			} else if te.HasIndex {
				fmt.Fprintf(out, "FAIL: the audit log does not verify: first bad index %d: %s\n", te.Index, te.Reason)
			} else {
				fmt.Fprintf(out, "FAIL: the audit log does not verify: %s\n", te.Reason)
			}
			return &reported{fmt.Errorf("%w: %w", ErrCheckFailed, err)}
		case err != nil:
			return err
		}
		root := base64.StdEncoding.EncodeToString(rep.Checkpoint.Root)
		if *asJSON {
			return printJSON(out, verifyJSON{Verified: true, Origin: rep.Checkpoint.Origin, Size: rep.Checkpoint.Size,
				Root: root, From: rep.From, Entries: rep.Entries, Checkpoints: rep.Checkpoints})
		}
		fmt.Fprintf(out, "OK: audit log %s verified: %d entries", rep.Checkpoint.Origin, rep.Checkpoint.Size)
		if rep.From > 0 {
			fmt.Fprintf(out, " (%d recomputed from index %d)", rep.Entries, rep.From)
		}
		fmt.Fprintf(out, ", root %s, consistent with %d signed checkpoint(s)\n", root, rep.Checkpoints)
		return nil
	}
	return cmd
}

// checkpointJSON is what `audit checkpoint --json` prints.
type checkpointJSON struct {
	Origin string `json:"origin"`
	Size   uint64 `json:"size"`
	Root   string `json:"root"`
	// Note is the signed checkpoint, as `audit verify --checkpoint` reads it.
	Note string `json:"note"`
}

func auditCheckpointCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "checkpoint (--db FILE | --postgres VAR) [--key KEY]",
		Short: "Print the log's latest signed checkpoint, to save for later verifications",
		Example: `  custos audit checkpoint --db custos.db --key @custos.db.audit.pub > saved.cp
  custos audit verify --db custos.db --key @custos.db.audit.pub --checkpoint saved.cp`,
		Args: noArgs,
	}
	db := addDBFlags(cmd, false)
	key := cmd.Flags().String("key", "", "check the checkpoint's signature with this verifier `key` (or @FILE) before printing it")
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		var vkey string
		if *key != "" {
			var err error
			if vkey, err = readKey(*key); err != nil {
				return err
			}
		}
		s, err := c.open(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer s.Close()
		h, err := s.stores.Audit.Head(cmd.Context())
		if err != nil {
			return fmt.Errorf("read the log's head: %w", err)
		}
		if len(h.Checkpoint) == 0 {
			return errors.New("the log has no checkpoint yet")
		}
		var cp audit.Checkpoint
		if vkey != "" {
			if cp, err = audit.OpenCheckpoint(h.Checkpoint, vkey); err != nil {
				return fmt.Errorf("%w: the latest checkpoint: %w", ErrCheckFailed, err)
			}
		}
		if !*asJSON {
			_, err = cmd.OutOrStdout().Write(h.Checkpoint)
			return err
		}
		if vkey == "" {
			text, _, _ := strings.Cut(string(h.Checkpoint), "\n\n")
			if cp, err = audit.ParseCheckpoint([]byte(text + "\n")); err != nil {
				return fmt.Errorf("%w: the latest checkpoint: %w", ErrCheckFailed, err)
			}
		}
		return printJSON(cmd.OutOrStdout(), checkpointJSON{Origin: cp.Origin, Size: cp.Size,
			Root: base64.StdEncoding.EncodeToString(cp.Root), Note: string(h.Checkpoint)})
	}
	return cmd
}

// exportJSON is what `audit export --json` prints.
type exportJSON struct {
	Origin string `json:"origin"`
	Size   uint64 `json:"size"`
	Root   string `json:"root"`
	Dir    string `json:"dir"`
	Files  int    `json:"files_written"`
}

// auditReviewPurpose is the purpose of the CLI's recorded reads of the
// audit log (PIPL Art. 54, 55: audits of processing are themselves
// processing).
const auditReviewPurpose custos.PurposeID = "audit-review"

func auditExportCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export (--db FILE | --postgres VAR) --ledger FILE --kek FILE --tiles DIR (--key KEY | --stored-key)",
		Short: "Export the audit log as C2SP tlog-tiles for stock transparency-log tools",
		Long: `Export verifies the log as it writes it into DIR in the C2SP tlog-tiles
layout, checkpoint last. Exporting again into the same directory adds what is
new, and fails if the log no longer holds what the earlier export does.

An export is a read of the log, so it is itself recorded in the log, before
anything is written, as an audit read by the operating-system user running
the command; the export covers its own entry. Recording needs the
deployment's keys (--kek, or the host's KMS) and write access to the
database; if it cannot be recorded, nothing is exported.

The log is verified with --key, the verifier key you hold. --stored-key uses
the key stored in the database instead: that proves only that the database
agrees with itself, since whoever could change the log could change that key.`,
		Args: noArgs,
	}
	f := addKeyringFlags(c, cmd, false)
	dir := cmd.Flags().String("tiles", "", "the `directory` to export into (created if missing; an earlier export there is extended)")
	key := cmd.Flags().String("key", "", "the log's note verifier `key`, or @FILE, to verify with")
	stored := cmd.Flags().Bool("stored-key", false, "verify with the key stored in the database under export (proves only self-consistency)")
	every := addProgressFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		switch {
		case *dir == "":
			return usagef("give the export directory: --tiles DIR")
		case *key == "" && !*stored:
			return usagef("give the verifier key you hold: --key KEY or --key @FILE (or --stored-key to trust the one in the database)")
		case *key != "" && *stored:
			return usagef("give --key or --stored-key, not both")
		}
		if err := checkProgress(*every); err != nil {
			return err
		}
		opt := &audit.ExportOptions{}
		if *key != "" {
			var err error
			if opt.Verifier, err = readKey(*key); err != nil {
				return err
			}
		}
		s, err := f.start(c, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		if *stored {
			k, err := s.stores.Audit.SigningKey(cmd.Context())
			if err != nil {
				return fmt.Errorf("read the stored verifier key: %w", err)
			}
			opt.Verifier = k.Verifier
			fmt.Fprintln(cmd.ErrOrStderr(), "note: verifying with the key stored in the database: this proves only that the database agrees with itself")
		}
		if err := s.openLog(cmd.Context()); err != nil {
			return err
		}
		p := newProgress(cmd.ErrOrStderr(), c.Clock, "exporting entries", *every, -1)
		opt.Progress = func(v audit.VerifyProgress) { p.report(int64(v.Done), int64(v.Total)) }
		rep, err := s.log.Export(cmd.Context(), operator(auditReviewPurpose), *dir, opt)
		p.finish()
		var te *audit.TamperError
		switch {
		case errors.As(err, &te):
			fmt.Fprintf(cmd.OutOrStdout(), "FAIL: not exported: %v\n", te)
			return &reported{fmt.Errorf("%w: %w", ErrCheckFailed, err)}
		case err != nil:
			return err
		}
		if *f.json {
			return printJSON(cmd.OutOrStdout(), exportJSON{Origin: rep.Checkpoint.Origin, Size: rep.Checkpoint.Size,
				Root: base64.StdEncoding.EncodeToString(rep.Checkpoint.Root), Dir: *dir, Files: rep.Files})
		}
		fmt.Fprintf(cmd.OutOrStdout(), "exported %d entries of %s to %s (%d files written); the export is recorded as entry %d\n",
			rep.Checkpoint.Size, rep.Checkpoint.Origin, *dir, rep.Files, rep.Checkpoint.Size-1)
		return nil
	}
	return cmd
}

func auditKeyCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key (--db FILE | --postgres VAR)",
		Short: "Print the verifier key stored with the log, for the operator to hand to auditors",
		Args:  noArgs,
	}
	db := addDBFlags(cmd, false)
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := c.open(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer s.Close()
		k, err := s.stores.Audit.SigningKey(cmd.Context())
		if errors.Is(err, audit.ErrNotFound) {
			return errors.New("the log has no signing key yet: no Log has opened this database")
		}
		if err != nil {
			return fmt.Errorf("read the signing key: %w", err)
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), struct {
				Verifier string `json:"verifier"`
			}{k.Verifier})
		}
		fmt.Fprintln(cmd.OutOrStdout(), k.Verifier)
		fmt.Fprintln(cmd.ErrOrStderr(), "note: hand this key to auditors through a channel they trust; an auditor verifies with the key they hold, never with one read from the database under test")
		return nil
	}
	return cmd
}
