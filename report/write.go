package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/text/language"
)

// Format is an output form of the report.
type Format string

// The formats Write writes.
const (
	HTML Format = "html"
	JSON Format = "json"
	CSV  Format = "csv"
)

// ParseFormat returns the format named s, or ErrFormat.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case HTML, JSON, CSV:
		return f, nil
	}
	return "", fmt.Errorf("%w: %q (html, json or csv)", ErrFormat, s)
}

// WriteJSON writes the report as indented JSON: the same figures as the
// HTML, with language-neutral identifiers.
func WriteJSON(w io.Writer, rep Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

// Write writes the report in format f; lang matters to HTML only.
func (r *Reporter) Write(w io.Writer, rep Report, f Format, lang language.Tag) error {
	switch f {
	case HTML:
		return r.WriteHTML(w, rep, lang)
	case JSON:
		return WriteJSON(w, rep)
	case CSV:
		return WriteCSV(w, rep)
	}
	return fmt.Errorf("%w: %q", ErrFormat, f)
}

// WriteFile writes what write produces to path atomically: to a
// temporary file in the same directory, synced, then renamed over path.
// If write or any step fails, path is left as it was (absent or with its
// old content) and the temporary file is removed: no partial report is
// ever left at path.
func WriteFile(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("report: create the output: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(0o600); err != nil {
		return fmt.Errorf("report: write the output: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("report: write the output: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("report: write the output: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("report: write the output: %w", err)
	}
	return nil
}
