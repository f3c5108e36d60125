package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// resumeState is how far a sweep came. It is written to the --resume file
// after every batch the library call reports done, so a rerun after a
// failure or an interrupt starts after it; the file is removed when the
// sweep completes. It holds a customer identifier (the last one done), so
// it is written readable by its owner only.
type resumeState struct {
	// Command names the sweep, so a file is never resumed by another.
	Command string `json:"command"`
	// Type and After are the last record (or DEK, or ledger entry) done.
	Type  string `json:"type,omitempty"`
	After string `json:"after,omitempty"`
	// Version is the index key version a rebuild was building.
	Version int `json:"version,omitempty"`
}

// resumeFile is the --resume flag of a sweep.
type resumeFile struct {
	path    string
	command string
}

// addResume registers --resume on cmd, whose progress files are marked
// with command, such as "vault reencrypt".
func addResume(cmd *cobra.Command, command string) *resumeFile {
	r := &resumeFile{command: command}
	cmd.Flags().StringVar(&r.path, "resume", "", "keep progress in this `file`: a rerun after a failure or an interrupt resumes where the last run stopped; removed when the run completes")
	return r
}

// load returns the state kept in the file: the zero state when no file is
// named or it does not exist yet. A file that does not parse, or belongs
// to another command, is bad input.
func (r *resumeFile) load() (resumeState, error) {
	s := resumeState{Command: r.command}
	if r.path == "" {
		return s, nil
	}
	b, err := os.ReadFile(r.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s, nil
	case err != nil:
		return s, usagef("--resume %s: %v", quote(r.path), errors.Unwrap(err))
	}
	var got resumeState
	if err := json.Unmarshal(b, &got); err != nil || got.Command == "" {
		return s, usagef("--resume %s is not a progress file written by custos", quote(r.path))
	}
	if got.Command != s.Command {
		return s, usagef("--resume %s holds the progress of %q, not of %q", quote(r.path), got.Command, s.Command)
	}
	return got, nil
}

// save replaces the file's content with s, atomically.
func (r *resumeFile) save(s resumeState) error {
	if r.path == "" {
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(r.path), ".custos-resume-*")
	if err != nil {
		return fmt.Errorf("write the progress file: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), r.path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write the progress file: %w", err)
	}
	return nil
}

// done removes the file: the sweep completed.
func (r *resumeFile) done() error {
	if r.path == "" {
		return nil
	}
	if err := os.Remove(r.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the progress file: %w", err)
	}
	return nil
}
