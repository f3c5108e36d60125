package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/text/language"
)

// Digest returns the SHA-256 of the report's JSON (WriteJSON) without its
// signature: what Sign signs.
func Digest(rep Report) ([sha256.Size]byte, error) {
	rep.Signature = ""
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep); err != nil {
		return [sha256.Size]byte{}, err
	}
	return sha256.Sum256(buf.Bytes()), nil
}

// signedText is the note text that commits to a report: a header line,
// the report's time and its digest.
func signedText(rep Report) (string, error) {
	d, err := Digest(rep)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("custos report v%d\n%s\nsha256:%s\n", rep.Version, rep.At.UTC().Format(time.RFC3339), hex.EncodeToString(d[:])), nil
}

// Sign returns rep with its Signature: a C2SP signed note (the format of
// the audit log's checkpoints, golang.org/x/mod/sumdb/note) of the report's
// version, time and digest. An auditor checks it with Verify and the
// signer's verifier key alone.
func Sign(rep Report, signer note.Signer) (Report, error) {
	text, err := signedText(rep)
	if err != nil {
		return Report{}, err
	}
	sig, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		return Report{}, fmt.Errorf("report: sign: %w", err)
	}
	rep.Signature = string(sig)
	return rep, nil
}

// dataStart and dataEnd delimit the report's JSON inside its HTML page.
const (
	dataStart = `<pre hidden id="custos-report-data">`
	dataEnd   = `</pre>`
)

// Verify checks a signed report file, JSON or HTML, against the signer's
// verifier key and returns the report. For JSON, the signature must cover
// the file's figures. For HTML, the figures embedded in the page must be
// signed, and the page must be exactly their rendering in its language:
// a page whose text was edited does not verify. Any failure wraps
// ErrSignature.
func Verify(data []byte, verifierKey string) (Report, error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return Report{}, fmt.Errorf("%w: bad verifier key: %v", ErrConfig, err)
	}
	isHTML := bytes.HasPrefix(bytes.TrimSpace(data), []byte("<!DOCTYPE html>"))
	js := data
	var lang language.Tag
	if isHTML {
		i := bytes.Index(data, []byte(dataStart))
		if i < 0 {
			return Report{}, fmt.Errorf("%w: the page holds no report data", ErrSignature)
		}
		rest := data[i+len(dataStart):]
		j := bytes.Index(rest, []byte(dataEnd))
		if j < 0 {
			return Report{}, fmt.Errorf("%w: the page's report data is cut short", ErrSignature)
		}
		js = []byte(html.UnescapeString(string(rest[:j])))
		lang, err = pageLanguage(data)
		if err != nil {
			return Report{}, err
		}
	}
	var rep Report
	if err := strictJSON(js, &rep); err != nil {
		return Report{}, fmt.Errorf("%w: not a report: %v", ErrSignature, err)
	}
	if rep.Signature == "" {
		return Report{}, fmt.Errorf("%w: the report is not signed", ErrSignature)
	}
	n, err := note.Open([]byte(rep.Signature), note.VerifierList(v))
	if err != nil {
		return Report{}, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	want, err := signedText(rep)
	if err != nil {
		return Report{}, err
	}
	if n.Text != want {
		return Report{}, fmt.Errorf("%w: the signature is of other figures", ErrSignature)
	}
	if !isHTML {
		var again bytes.Buffer
		if err := WriteJSON(&again, rep); err != nil {
			return Report{}, err
		}
		if !bytes.Equal(bytes.TrimSpace(again.Bytes()), bytes.TrimSpace(data)) {
			return Report{}, fmt.Errorf("%w: the file is not in the form the report writes", ErrSignature)
		}
		return rep, nil
	}
	cat, err := newCatalogs()
	if err != nil {
		return Report{}, err
	}
	var page bytes.Buffer
	if err := writeHTML(&page, rep, cat.printer(lang)); err != nil {
		return Report{}, err
	}
	if !bytes.Equal(page.Bytes(), data) {
		return Report{}, fmt.Errorf("%w: the page's text differs from its signed figures", ErrSignature)
	}
	return rep, nil
}

// pageLanguage reads the lang attribute of the page's html element.
func pageLanguage(data []byte) (language.Tag, error) {
	const attr = `<html lang="`
	i := bytes.Index(data, []byte(attr))
	if i < 0 {
		return language.Und, fmt.Errorf("%w: the page names no language", ErrSignature)
	}
	rest := string(data[i+len(attr):])
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return language.Und, fmt.Errorf("%w: the page names no language", ErrSignature)
	}
	tag, err := ParseLanguage(rest[:j])
	if err != nil {
		return language.Und, errors.Join(ErrSignature, err)
	}
	return tag, nil
}
