package insecuredevkek

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos/keys"
)

// Source is a keys.Source of erasure-epoch keys kept in clear: in memory
// (NewSource) or in a local JSON file (OpenSource). NOT FOR PRODUCTION: a
// copy of the file taken before a key was destroyed still holds the key, so
// the guarantee of crypto-shredding holds only as long as the file itself
// is never copied. Destroy deletes the key's keyset from the file by
// rewriting the whole file atomically (a new 0600 file renamed over the
// old one), so the live file no longer holds it.
//
// The file is JSON: {"keys": {name: Tink JSON keyset}, "destroyed":
// [name...]}. Destroyed names are kept, without any key material, so that a
// destroyed key is never created again. A Source is safe for concurrent
// use within one process; two processes must not share one file.
type Source struct {
	mu   sync.Mutex
	path string      // "" keeps the keys in mem
	mem  *sourceFile // the keys, when path is ""
}

type sourceFile struct {
	Keys      map[string]json.RawMessage `json:"keys"`
	Destroyed []string                   `json:"destroyed"`
}

var _ keys.Source = (*Source)(nil)

// NewSource returns an empty Source held in memory, for tests and
// examples.
func NewSource() *Source { return &Source{mem: &sourceFile{Keys: map[string]json.RawMessage{}}} }

// OpenSource returns the Source kept in the file at path, creating the file
// (mode 0600) if it does not exist. A file that is not a Source file is an
// error and is left alone.
func OpenSource(path string) (*Source, error) {
	s := &Source{path: path}
	if _, err := s.load(); errors.Is(err, fs.ErrNotExist) {
		if err := s.save(&sourceFile{Keys: map[string]json.RawMessage{}}); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	return s, nil
}

// Create makes a fresh AES-256-GCM keyset under name; see keys.Source.
func (s *Source) Create(_ context.Context, name string) error {
	if err := keys.ValidKeyName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.load()
	if err != nil {
		return err
	}
	if slices.Contains(f.Destroyed, name) {
		return keys.ErrDestroyed
	}
	if _, ok := f.Keys[name]; ok {
		return nil
	}
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return fmt.Errorf("insecuredevkek: %w", err)
	}
	var buf bytes.Buffer
	if err := insecurecleartextkeyset.Write(h, keyset.NewJSONWriter(&buf)); err != nil {
		return fmt.Errorf("insecuredevkek: %w", err)
	}
	f.Keys[name] = buf.Bytes()
	return s.save(f)
}

// AEAD returns the named key's AEAD; see keys.Source. A file Source reads
// the file on every call, so a key destroyed through another Source value
// on the same file is gone here too.
func (s *Source) AEAD(_ context.Context, name string) (tink.AEAD, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.load()
	if err != nil {
		return nil, err
	}
	raw, ok := f.Keys[name]
	switch {
	case ok:
	case slices.Contains(f.Destroyed, name):
		return nil, keys.ErrDestroyed
	default:
		return nil, keys.ErrNotFound
	}
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, fmt.Errorf("insecuredevkek: stored key is not a Tink JSON keyset: %w", err)
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("insecuredevkek: %w", err)
	}
	return a, nil
}

// Destroy deletes the named keyset; see keys.Source.
func (s *Source) Destroy(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.load()
	if err != nil {
		return err
	}
	if _, ok := f.Keys[name]; !ok {
		if slices.Contains(f.Destroyed, name) {
			return nil
		}
		return keys.ErrNotFound
	}
	delete(f.Keys, name)
	f.Destroyed = append(f.Destroyed, name)
	slices.Sort(f.Destroyed)
	return s.save(f)
}

// List returns the names of the keys not destroyed, sorted.
func (s *Source) List(context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.load()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(f.Keys))
	for n := range f.Keys {
		out = append(out, n)
	}
	slices.Sort(out)
	return out, nil
}

// load returns a private copy of the keys.
func (s *Source) load() (*sourceFile, error) {
	var raw []byte
	if s.path == "" {
		var err error
		if raw, err = json.Marshal(s.mem); err != nil {
			return nil, fmt.Errorf("insecuredevkek: %w", err)
		}
	} else {
		var err error
		if raw, err = os.ReadFile(s.path); errors.Is(err, fs.ErrNotExist) {
			return nil, err
		} else if err != nil {
			return nil, fmt.Errorf("insecuredevkek: read source file: %w", err)
		}
	}
	var f sourceFile
	if err := json.Unmarshal(raw, &f); err != nil || f.Keys == nil {
		return nil, fmt.Errorf("insecuredevkek: not a key source file")
	}
	return &f, nil
}

// save replaces the keys: for a file, by writing a new 0600 file beside it,
// syncing it and renaming it over the old one, so that a crash leaves
// either the old file or the new one, whole.
func (s *Source) save(f *sourceFile) error {
	if s.path == "" {
		s.mem = f
		return nil
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("insecuredevkek: %w", err)
	}
	dir := filepath.Dir(s.path)
	tmp, err := os.CreateTemp(dir, ".custos-source-*") // created 0600
	if err != nil {
		return fmt.Errorf("insecuredevkek: write source file: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err = tmp.Chmod(0o600); err == nil {
		if _, err = tmp.Write(raw); err == nil {
			err = tmp.Sync()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), s.path)
	}
	if err != nil {
		return fmt.Errorf("insecuredevkek: write source file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
