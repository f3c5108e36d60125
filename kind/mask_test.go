package kind

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMaskMiddle(t *testing.T) {
	tests := []struct {
		name        string
		s           string
		first, last int
		want        string
	}{
		{"keeps both ends", "abcdefgh", 2, 3, "ab***fgh"},
		{"counts characters, not bytes", "北京市朝阳区某某路", 2, 1, "北京******路"},
		{"nothing kept", "abc", 0, 0, "***"},
		{"as long as the kept ends is hidden", "abcde", 2, 3, "*****"},
		{"shorter than the kept ends is hidden", "ab", 2, 3, "**"},
		{"empty", "", 2, 3, ""},
		{"invalid UTF-8 does not panic", "ab\xffcd", 1, 1, "a***d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, maskMiddle(tt.s, tt.first, tt.last))
		})
	}
}

func TestRevealCounts(t *testing.T) {
	def := Reveal{First: 8, Last: 2}
	tests := []struct {
		name        string
		r           *Reveal
		first, last int
	}{
		{"nil means the default", nil, 8, 2},
		{"zero shows nothing", &Reveal{}, 0, 0},
		{"negative means zero", &Reveal{First: -3, Last: 4}, 0, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, last := tt.r.counts(def)
			assert.Equal(t, tt.first, first)
			assert.Equal(t, tt.last, last)
		})
	}
}
