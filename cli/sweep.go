package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
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
