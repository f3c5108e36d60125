package kind

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// PersonName is the name of a natural person written either in Han
// characters ("张三", "阿依古丽·买买提") or in Latin letters ("Zoë
// O'Brien-Smith"); a name identifies a person and is personal information
// under PIPL Art. 4 and GDPR Art. 4(1).
//
// Canonical accepts a string, folds width variants and applies NFKC. A
// Han name loses its spaces, since a space inside it is only padding
// ("张　三" aligned with three-character names), and writes its separating
// dot as U+00B7 whichever of U+00B7, U+30FB, U+FF65, U+2022, U+2027,
// U+22C5, U+2219 or U+0387 was typed. A Latin name keeps its letters and
// their case, collapses runs of white space into one space, and may hold
// hyphens, apostrophes (U+2019 and U+02BC are read as "'") and full stops.
//
// The rules a [RuleError] names are "not valid UTF-8", "empty", "contains
// a digit", "character not allowed in a name", "mixed scripts" (Han and
// Latin letters in one name), "contains no letter", "misplaced middle dot"
// and "longer than its maximum length".
//
// The canonical form keeps the case the person wrote; [PersonName.Fold]
// gives the key under which names equal but for case are the same, for a
// blind index.
type PersonName struct {
	// MaxRunes limits the canonical length in characters; 0 means no limit
	// beyond the vault's size limit.
	MaxRunes int
}

// Name returns "person-name".
func (PersonName) Name() string { return "person-name" }

// Canonical validates v, a string, and returns its canonical form.
func (k PersonName) Canonical(v any) (string, error) {
	s, err := asString(k.Name(), v)
	if err != nil {
		return "", err
	}
	if s, err = k.parse(s); err != nil {
		return "", err
	}
	if k.MaxRunes > 0 && utf8.RuneCountInString(s) > k.MaxRunes {
		return "", invalid(k.Name(), "longer than its maximum length")
	}
	return s, nil
}

// Value checks that canonical is a canonical name and returns it as a
// string. It does not apply MaxRunes, so that lowering the limit never
// makes stored names unreadable.
func (k PersonName) Value(canonical string) (any, error) {
	return storedText(k.Name(), canonical, k.parse)
}

// Fold returns the Unicode case folding of a canonical name, in NFKC: the
// same text for "Zoë O'Brien" and "ZOË O'BRIEN". Han names are returned
// unchanged.
func (PersonName) Fold(canonical string) string {
	return norm.NFKC.String(cases.Fold().String(canonical))
}

// Mask keeps the first Han character of a Han name ("张**") or the first
// character of each word of a Latin name ("Z* O*"); the stars do not
// reveal the length.
//
// The first Han character is the surname only for single-character
// surnames: a name does not mark where its surname ends, so a compound
// surname such as 欧阳 or 司马 shows only its first half ("欧**").
func (PersonName) Mask(canonical string) string {
	first, _ := utf8.DecodeRuneInString(canonical)
	if canonical == "" {
		return ""
	}
	if unicode.Is(unicode.Han, first) {
		return string(first) + "**"
	}
	words := strings.Fields(canonical)
	for i, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		words[i] = string(r) + "*"
	}
	return strings.Join(words, " ")
}

func (k PersonName) parse(s string) (string, error) {
	s, err := folded(k.Name(), s)
	if err != nil {
		return "", err
	}
	s = strings.Map(personNameRune, s)
	var han, latin bool
	prev := ' '
	for _, r := range s {
		switch {
		case unicode.IsNumber(r):
			return "", invalid(k.Name(), "contains a digit")
		case unicode.Is(unicode.Han, r) && unicode.IsLetter(r):
			han = true
		case unicode.Is(unicode.Latin, r) && unicode.IsLetter(r):
			latin = true
		case unicode.Is(unicode.Mn, r) && (unicode.IsLetter(prev) || unicode.Is(unicode.Mn, prev)):
			// A combining mark NFKC could not compose, or a variation
			// selector of a rare Han character.
		case unicode.IsSpace(r) || r == '-' || r == '\'' || r == '.' || r == '·':
		default:
			return "", invalid(k.Name(), "character not allowed in a name")
		}
		prev = r
	}
	switch {
	case han && latin:
		return "", invalid(k.Name(), "mixed scripts")
	case han:
		return k.han(s)
	case latin:
		return k.latin(s)
	case strings.TrimSpace(s) == "":
		return "", invalid(k.Name(), "empty")
	default:
		return "", invalid(k.Name(), "contains no letter")
	}
}

// han checks a name of Han characters and removes its spaces.
func (k PersonName) han(s string) (string, error) {
	s = removeFunc(s, unicode.IsSpace)
	if strings.ContainsAny(s, "-'.") {
		return "", invalid(k.Name(), "character not allowed in a name")
	}
	if strings.HasPrefix(s, "·") || strings.HasSuffix(s, "·") || strings.Contains(s, "··") {
		return "", invalid(k.Name(), "misplaced middle dot")
	}
	return s, nil
}

// latin checks a name of Latin letters and collapses its spaces.
func (k PersonName) latin(s string) (string, error) {
	if strings.Contains(s, "·") {
		return "", invalid(k.Name(), "character not allowed in a name")
	}
	return collapseSpace(s), nil
}

// personNameRune writes the separating dot of Han names and the apostrophe
// and hyphen of Latin names in one way each.
func personNameRune(r rune) rune {
	switch r {
	case '\u00B7', '\u30FB', '\uFF65', '\u2022', '\u2027', '\u22C5', '\u2219', '\u0387':
		return '·'
	case '\u2019', '\u02BC':
		return '\''
	case '\u2010':
		return '-'
	}
	return r
}

var _ interface {
	Kind
	Masker
} = PersonName{}
