// Package personal finds personal data in free text that must hold none:
// codes, references and parameters that components store beside
// pseudonymous records.
package personal

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"github.com/custos-go/custos/kind"
)

// Find reports what personal data s holds, as the field kinds
// recognise it: "a resident ID number", "a mobile number", "a bank card
// number" or "an e-mail address", or "" when it recognises none.
//
// The text is first folded as the kinds fold their input (full-width forms
// to ASCII, then NFKC), and decimal digits of every script read as ASCII
// digits. Numbers are then read as runs of digit groups joined by the
// separators people type inside them (white space, dashes, dots, slashes,
// underscores and parentheses); every run of consecutive groups that is as
// long as one of the numbers is tried, so "139-1234-5678" and "ref
// 2026-13912345678" are both found, as is a resident ID number ending in
// "X". Tokens holding "@" are tried as e-mail addresses. What it cannot
// find is personal data written otherwise: spelled out, encoded, or fused
// with other digits into one longer number.
func Find(s string) string {
	s = fold(s)
	if strings.ContainsRune(s, '@') {
		for _, tok := range strings.FieldsFunc(s, emailDelimiter) {
			if strings.ContainsRune(tok, '@') {
				if _, err := (kind.Email{}).Canonical(tok); err == nil {
					return "an e-mail address"
				}
			}
		}
	}
	for _, run := range digitRuns(s) {
		if what := numberIn(run); what != "" {
			return what
		}
	}
	return ""
}

// fold returns s with width variants folded, in NFKC, and every decimal
// digit as its ASCII digit.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		if d, ok := digitValue(r); ok {
			return '0' + rune(d)
		}
		return r
	}, norm.NFKC.String(width.Fold.String(s)))
}

// digitValue returns the value of a decimal digit of any script. Unicode
// encodes the digits of each script as one run from zero to nine, and
// unicode.Nd's ranges each begin at a zero (checked by a test), so a
// digit's value is its distance from its range's start, modulo ten.
func digitValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}

// emailDelimiter splits text into the tokens tried as e-mail addresses:
// white space and the punctuation around addresses in text and URIs.
func emailDelimiter(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(`,;:<>()[]{}"'/?&=|\`, r)
}

// numberSeparator reports the characters people type between the groups
// of one number.
func numberSeparator(r rune) bool {
	return r == ' ' || r == '-' || r == '.' || r == '/' || r == '_' || r == '(' || r == ')' || unicode.Is(unicode.Pd, r) || unicode.IsSpace(r)
}

// digitRuns splits folded text into runs of digit groups: each run is the
// groups of ASCII digits (the last possibly ending in "X") that only
// separators divide.
func digitRuns(s string) [][]string {
	var runs [][]string
	var run []string
	var group strings.Builder
	endGroup := func() {
		if group.Len() > 0 {
			run = append(run, group.String())
			group.Reset()
		}
	}
	endRun := func() {
		endGroup()
		if len(run) > 0 {
			runs = append(runs, run)
			run = nil
		}
	}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if g := group.String(); strings.HasSuffix(g, "X") {
				endRun() // "X" ends a resident ID number
			}
			group.WriteRune(r)
		case (r == 'X' || r == 'x') && group.Len() > 0 && !strings.HasSuffix(group.String(), "X"):
			group.WriteByte('X')
		case numberSeparator(r):
			endGroup()
		default:
			endRun()
		}
	}
	endRun()
	return runs
}

// numberIn tries every span of consecutive groups of a run whose joined
// length is that of a resident ID, mobile or card number.
func numberIn(run []string) string {
	for i := range run {
		joined := ""
		for j := i; j < len(run); j++ {
			if strings.HasSuffix(joined, "X") {
				break // a group ending in "X" ends every number
			}
			joined += run[j]
			if len(joined) > 19 {
				break
			}
			if what := number(joined); what != "" {
				return what
			}
		}
	}
	return ""
}

// number reports the kind of number digits is, as the kinds read it.
func number(digits string) string {
	if strings.HasSuffix(digits, "X") {
		if len(digits) == 18 {
			if _, err := (kind.ResidentID{}).Value(digits); err == nil {
				return "a resident ID number"
			}
		}
		return ""
	}
	switch len(digits) {
	case 18:
		if _, err := (kind.ResidentID{}).Value(digits); err == nil {
			return "a resident ID number"
		}
	case 11, 13:
		if _, err := (kind.Mobile{}).Canonical(digits); err == nil {
			return "a mobile number"
		}
	}
	if len(digits) >= 12 {
		if _, err := (kind.BankCard{}).Canonical(digits); err == nil {
			return "a bank card number"
		}
	}
	return ""
}
