package kind

import (
	"strings"
	"unicode/utf8"
)

// Reveal says how much of a value a configurable mask shows: its first
// First and last Last characters. Negative counts mean 0.
type Reveal struct {
	First, Last int
}

// counts returns r's counts, or def's when r is nil, never negative.
func (r *Reveal) counts(def Reveal) (first, last int) {
	if r != nil {
		def = *r
	}
	return max(def.First, 0), max(def.Last, 0)
}

// maskMiddle shows the first and last characters of s and replaces each
// character between them by '*'. A string no longer than first+last is
// masked entirely, so a mask never shows a whole value.
func maskMiddle(s string, first, last int) string {
	n := utf8.RuneCountInString(s)
	if n <= first+last {
		return strings.Repeat("*", n)
	}
	r := []rune(s)
	return string(r[:first]) + strings.Repeat("*", n-first-last) + string(r[n-last:])
}
