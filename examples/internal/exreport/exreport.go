// Package exreport ends an example as a host's compliance run would: it
// writes the report of the example's policies and stores, signed, beside
// the example's database, and lets the example's test check that the
// files are there and verify.
package exreport

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos/report"
)

// Files are the paths Write writes: the page, its JSON and the verifier
// key of the signer made for the run.
type Files struct{ HTML, JSON, Key string }

// FilesOf returns the paths of the report of the example whose files
// start with base.
func FilesOf(base string) Files {
	return Files{HTML: base + ".report.html", JSON: base + ".report.json", Key: base + ".report.pub"}
}

// Write builds the report of cfg as of at (zero: now), stores its policy
// snapshot in snaps when snaps is not nil (so that the stock `custos
// report` reports the same policies), signs it with a key made for this
// run, and writes FilesOf(base): the page in lang, the JSON, and the
// signer's verifier key. The signer key itself is not kept: an example
// has no key store.
func Write(ctx context.Context, cfg report.Config, snaps report.SnapshotStore, base, lang string, at time.Time) (report.Report, error) {
	tag, err := report.ParseLanguage(lang)
	if err != nil {
		return report.Report{}, err
	}
	r, err := report.New(cfg)
	if err != nil {
		return report.Report{}, err
	}
	if snaps != nil {
		if _, err := r.SaveSnapshot(ctx, snaps); err != nil {
			return report.Report{}, err
		}
	}
	rep, err := r.Build(ctx, at)
	if err != nil {
		return report.Report{}, err
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, "report.example.custos")
	if err != nil {
		return report.Report{}, err
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return report.Report{}, err
	}
	if rep, err = report.Sign(rep, signer); err != nil {
		return report.Report{}, err
	}
	f := FilesOf(base)
	if err := report.WriteFile(f.HTML, func(w io.Writer) error { return r.WriteHTML(w, rep, tag) }); err != nil {
		return report.Report{}, err
	}
	if err := report.WriteFile(f.JSON, func(w io.Writer) error { return report.WriteJSON(w, rep) }); err != nil {
		return report.Report{}, err
	}
	if err := os.WriteFile(f.Key, []byte(vkey+"\n"), 0o644); err != nil {
		return report.Report{}, err
	}
	return rep, nil
}

// Verify checks that the report files of base exist and that the page and
// the JSON both verify against the key written beside them, and returns
// the report.
func Verify(base string) (report.Report, error) {
	f := FilesOf(base)
	key, err := os.ReadFile(f.Key)
	if err != nil {
		return report.Report{}, err
	}
	var rep report.Report
	for _, p := range []string{f.HTML, f.JSON} {
		b, err := os.ReadFile(p)
		if err != nil {
			return report.Report{}, err
		}
		if rep, err = report.Verify(b, strings.TrimSpace(string(key))); err != nil {
			return report.Report{}, fmt.Errorf("%s: %w", p, err)
		}
	}
	return rep, nil
}
