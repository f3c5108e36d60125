package kind

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/custos-go/custos"
)

// Email is an e-mail address local@domain (RFC 5321 Sec. 4.1.2, RFC 5322
// Sec. 3.4.1): at most 254 bytes, exactly one "@", a local part of at most
// 64 bytes written as dot-separated atoms, and an ASCII domain name of at
// least two labels.
//
// Canonical accepts a string and trims surrounding white space. It folds
// width variants and applies NFKC to the whole address, keeps the local
// part's case (RFC 5321 Sec. 2.4 leaves its meaning to the receiving host)
// and lower-cases the domain. The canonical form is
// local@lower-cased-domain.
//
// Not supported: quoted local parts ("a b"@example.com), domain literals
// (user@[192.0.2.1]) and internationalised domain names, which must be given
// in their ASCII "xn--" form. The local part may hold non-ASCII letters (RFC
// 6531), but none of the invisible characters [custos.Invisible] reports.
//
// The rules a [RuleError] names are "not valid UTF-8", "empty", "longer than
// 254 bytes", "not exactly one @", "invalid local part", "local part longer
// than 64 bytes", "domain is not ASCII", "invalid domain" and "domain has no
// dot".
type Email struct{}

// Name returns "email".
func (Email) Name() string { return "email" }

// Canonical validates v, a string, and returns its canonical form.
func (k Email) Canonical(v any) (string, error) {
	return parsed(k.Name(), v, func(s string) (string, error) { return k.parse(s, false) })
}

// Value checks that canonical is a canonical address and returns it as a
// string. It accepts the invisible marks that Canonical refuses since
// addresses with them were accepted, so that those stay readable.
func (k Email) Value(canonical string) (any, error) {
	return storedText(k.Name(), canonical, func(s string) (string, error) { return k.parse(s, true) })
}

// Mask keeps the first character of the local part and the domain:
// "z***@example.com".
func (Email) Mask(canonical string) string {
	local, domain, ok := strings.Cut(canonical, "@")
	if !ok || local == "" {
		return "***"
	}
	first, _ := utf8.DecodeRuneInString(local)
	return string(first) + "***@" + domain
}

// parse applies every rule; stored accepts invisible marks in the local
// part.
func (k Email) parse(s string, stored bool) (string, error) {
	s, err := folded(k.Name(), s)
	if err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid(k.Name(), "empty")
	}
	// RFC 5321 Sec. 4.5.3.1.3 limits a path to 256 octets, including the
	// angle brackets.
	if len(s) > 254 {
		return "", invalid(k.Name(), "longer than 254 bytes")
	}
	if strings.Count(s, "@") != 1 {
		return "", invalid(k.Name(), "not exactly one @")
	}
	local, domain, _ := strings.Cut(s, "@")
	if !isDotAtom(local, stored) {
		return "", invalid(k.Name(), "invalid local part")
	}
	if len(local) > 64 {
		return "", invalid(k.Name(), "local part longer than 64 bytes")
	}
	for i := range len(domain) {
		if domain[i] >= utf8.RuneSelf {
			return "", invalid(k.Name(), "domain is not ASCII")
		}
	}
	domain = strings.ToLower(domain)
	if !strings.Contains(domain, ".") {
		return "", invalid(k.Name(), "domain has no dot")
	}
	for _, label := range strings.Split(domain, ".") {
		if !isDomainLabel(label) {
			return "", invalid(k.Name(), "invalid domain")
		}
	}
	return local + "@" + domain, nil
}

// isDotAtom reports whether s is a dot-atom of RFC 5322 Sec. 3.2.3 whose
// atoms may also hold non-ASCII letters, marks, digits and symbols (RFC
// 6531 Sec. 3.3), none of them invisible (custos.Invisible) unless
// marks are accepted.
func isDotAtom(s string, marks bool) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
				strings.ContainsRune(".!#$%&'*+-/=?^_`{|}~", r)) {
				return false
			}
		case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.S):
			return false
		case custos.Invisible(r) && !(marks && unicode.Is(unicode.M, r)):
			// Invisible marks (variation selectors, the combining grapheme
			// joiner) would make two addresses that look the same differ.
			return false
		}
	}
	return true
}

// isDomainLabel reports whether s is a lower-case LDH label of RFC 1035
// Sec. 2.3.1 as relaxed by RFC 1123 Sec. 2.1: 1 to 63 letters, digits and
// hyphens, not starting or ending with a hyphen.
func isDomainLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

var _ interface {
	Kind
	Masker
} = Email{}
