package personal

import (
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
)

// TestFind: what the field kinds recognise as a resident ID,
// mobile, card number or e-mail address, anywhere in a reference, however
// typed. All numbers are synthetic.
func TestFind(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want string
	}{
		{"the review's evidence", "signed by 13912345678 id 11010519491231002X", "a mobile number"},
		{"mobile inside a token", "form-13912345678", "a mobile number"},
		{"mobile after letters", "tel13912345678ok", "a mobile number"},
		{"mobile in groups", "ref/139-1234-5678", "a mobile number"},
		{"mobile with the country code", "phone:+86.139.1234.5678", "a mobile number"},
		{"mobile after an unrelated number", "2026-03-01-13912345678", "a mobile number"},
		{"mobile in full-width digits", "表单１３９１２３４５６７８", "a mobile number"},
		{"mobile in Arabic-Indic digits", "f-\u0661\u0663\u0669\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668", "a mobile number"},
		{"mobile in Devanagari digits", "\u0967\u0969\u096f\u0967\u0968\u0969\u096a\u096b\u096c\u096d\u096e", "a mobile number"},
		{"resident ID", "id:11010519491231002X", "a resident ID number"},
		{"resident ID, lower-case x", "id_11010519491231002x_signed", "a resident ID number"},
		{"resident ID in full-width digits", "１１０１０５１９４９１２３１００２Ｘ", "a resident ID number"},
		{"resident ID in groups", "110105-19491231-002X", "a resident ID number"},
		{"resident ID, digit check", "p110105194912310038", "a resident ID number"},
		{"card number", "card:6217000000000000004", "a bank card number"},
		{"card number in groups of four", "4000 0000 0000 0002", "a bank card number"},
		{"card number in full-width digits", "６２１７００００００００００００００４", "a bank card number"},
		{"e-mail address", "mailto:zhang.san@example.com", "an e-mail address"},
		{"e-mail in a URI", "https://forms.example/submit?from=li.si@example.cn&id=3", "an e-mail address"},
		{"e-mail with a full-width at sign", "wang.wu＠example.com", "an e-mail address"},
		{"form id", "form-submission-0001", ""},
		{"document path", "doc:2026/03/contract-88", ""},
		{"a hash", "sha256:1f0c3d9e2b7a4c5d6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d", ""},
		{"ten digits", "order-2026030101", ""},
		{"eleven digits that are no mobile", "order-20260301019", ""},
		{"a date and time", "2026-03-01T09:00:00Z", ""},
		{"an at sign that is no address", "@scheduled", ""},
		{"digits with a bad card check", "4000 0000 0000 0001", ""},
		{"resident ID with a bad check", "11010519491231002Y", ""},
		{"ideographic zero is no digit", "〇〇〇", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Find(tc.in))
		})
	}
}

// TestDecimalDigitRangesStartAtZero checks what digitValue relies on: every
// range of unicode.Nd starts at a digit zero and holds whole sets of ten.
func TestDecimalDigitRangesStartAtZero(t *testing.T) {
	for _, r := range unicode.Nd.R16 {
		assert.Equal(t, uint16(1), r.Stride)
		assert.Zero(t, (r.Hi-r.Lo+1)%10, "range %U-%U", r.Lo, r.Hi)
	}
	for _, r := range unicode.Nd.R32 {
		assert.Equal(t, uint32(1), r.Stride)
		assert.Zero(t, (r.Hi-r.Lo+1)%10, "range %U-%U", r.Lo, r.Hi)
	}
	for _, tc := range []struct {
		r    rune
		want int
	}{{'7', 7}, {'７', 7}, {'\u0667', 7}, {'\u096d', 7}, {'\U0001D7D5', 7}} {
		d, ok := digitValue(tc.r)
		assert.True(t, ok)
		assert.Equal(t, tc.want, d, "%U", tc.r)
	}
	_, ok := digitValue('〇')
	assert.False(t, ok)
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"signed by 13912345678 id 11010519491231002X", "form-0001", "a@b.cn", "１３９", "4000 0000 0000 0002"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Find(s) // never panics, whatever the input
	})
}
