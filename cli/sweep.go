package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos/vault"
)

// keyringFlags are the flags of every command that builds a Keyring.
type keyringFlags struct {
	db   *dbFlags
	kek  *kekFlags
	json *bool
	// policies is set for the commands that build a vault.
	policies bool
}

func addKeyringFlags(c *Config, cmd *cobra.Command, policies bool) *keyringFlags {
	f := &keyringFlags{db: addDBFlags(cmd, true), policies: policies}
	if c.KEKs == nil {
		f.kek = addKEKFlags(cmd)
	}
	f.json = addJSON(cmd)
	return f
}

// start checks the flags, opens the stores and builds the keyring. Bad
// input is reported before anything is opened.
func (f *keyringFlags) start(c *Config, cmd *cobra.Command) (*session, error) {
	if f.policies && c.Policies == nil {
		return nil, usagef("this binary has no record types: embed package cli in the host's binary with cli.Config.Policies")
	}
	keks, err := c.kekSource(f.kek)(cmd.Context())
	if err != nil {
		return nil, err
	}
	s, err := c.open(cmd.Context(), f.db, false)
	if err != nil {
		return nil, err
	}
	if _, err := s.keyring(cmd.Context(), keks); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// startVault is start, then the maintenance vault.
func (f *keyringFlags) startVault(c *Config, cmd *cobra.Command) (*session, *vault.Vault, error) {
	s, err := f.start(c, cmd)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.vault(cmd.Context())
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, v, nil
}

// result is what a command prints: JSON with --json, text otherwise.
type result struct {
	json any
	text string
}

func (f *keyringFlags) print(cmd *cobra.Command, r result) error {
	if *f.json {
		return printJSON(cmd.OutOrStdout(), r.json)
	}
	_, err := fmt.Fprintln(cmd.OutOrStdout(), r.text)
	return err
}

// sweepFlags are the flags every resumable, long command shares.
type sweepFlags struct {
	*keyringFlags
	resume *resumeFile
	batch  *int
	every  *time.Duration
}

// addSweepFlags registers the keyring flags, --resume and --progress of a
// sweep named name (such as "vault reencrypt").
func addSweepFlags(c *Config, cmd *cobra.Command, name string, policies bool) *sweepFlags {
	f := &sweepFlags{keyringFlags: addKeyringFlags(c, cmd, policies), resume: addResume(cmd, name)}
	f.every = addProgressFlag(cmd)
	return f
}

// addBatch registers --batch, for sweeps whose library call takes a batch
// size.
func (f *sweepFlags) addBatch(cmd *cobra.Command) {
	f.batch = addCount(cmd, "batch", 256, 1<<16, "how many items are read per store `call`; memory use is bounded by it")
}

// start checks every flag and the progress file (with check, if not nil),
// then opens the stores and builds the keyring. Bad input is reported
// before anything is opened.
func (f *sweepFlags) start(c *Config, cmd *cobra.Command, check func(resumeState) error) (*session, resumeState, error) {
	if err := checkProgress(*f.every); err != nil {
		return nil, resumeState{}, err
	}
	state, err := f.resume.load()
	if err == nil && check != nil {
		err = check(state)
	}
	if err != nil {
		return nil, state, err
	}
	s, err := f.keyringFlags.start(c, cmd)
	return s, state, err
}

// sweepBody runs a sweep's library call from state; it updates state
// before each call of batchDone, which reports progress and keeps state in
// the progress file.
type sweepBody func(ctx context.Context, s *session, v *vault.Vault, state *resumeState, batchDone func(done, total int64)) (result, error)

// run runs one resumable sweep: it checks the flags and the progress file
// (with check, if not nil), opens what the sweep needs, runs body with
// progress labelled label, and prints its result. On failure what was done
// stays done, and the progress file says where a rerun starts.
func (f *sweepFlags) run(c *Config, cmd *cobra.Command, label string, check func(resumeState) error, body sweepBody) error {
	s, state, err := f.start(c, cmd, check)
	if err != nil {
		return err
	}
	defer s.Close()
	var v *vault.Vault
	if f.policies {
		if v, err = s.vault(cmd.Context()); err != nil {
			return err
		}
	}
	p := newProgress(cmd.ErrOrStderr(), c.Clock, label, *f.every, -1)
	save, saveErr := f.saver()
	res, err := body(cmd.Context(), s, v, &state, func(done, total int64) {
		p.report(done, total)
		save(state)
	})
	p.finish()
	if err := f.finish(cmd, err, saveErr); err != nil {
		return fmt.Errorf("%s: %w", f.resume.command, err)
	}
	return f.print(cmd, res)
}

// saver returns the function a sweep's progress callback calls to keep its
// state, and the function that returns the first error saving it met.
func (f *sweepFlags) saver() (save func(resumeState), failed func() error) {
	var first error
	return func(s resumeState) {
			if err := f.resume.save(s); err != nil && first == nil {
				first = err
			}
		}, func() error {
			return first
		}
}

// finish ends a sweep: on error it says how to continue, otherwise it
// removes the progress file.
func (f *sweepFlags) finish(cmd *cobra.Command, err error, saveErr func() error) error {
	if err == nil {
		err = saveErr()
	}
	if err != nil {
		if f.resume.path != "" {
			fmt.Fprintf(cmd.ErrOrStderr(), "note: stopped; rerun with --resume %s to continue where it stopped\n", quote(f.resume.path))
		} else {
			fmt.Fprintln(cmd.ErrOrStderr(), "note: stopped; rerunning is safe (give --resume FILE to start where a run stops)")
		}
		return err
	}
	return f.resume.done()
}
