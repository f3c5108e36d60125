package kind

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEquivalentInputs shows, for every kind, that inputs meaning the same
// thing have the same canonical text, hence the same ciphertext plaintext
// and the same blind-index entry.
func TestEquivalentInputs(t *testing.T) {
	tests := []struct {
		name   string
		kind   Kind
		inputs []any
		want   string
	}{
		{"resident id: x and X, full-width, spaces and dashes", ResidentID{Now: fixedNow}, []any{
			"11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ",
			"１１０１０５１９４９１２３１００２ｘ", "110105 19491231 002x", "110105-1949-1231-002X",
		}, "11010519491231002X"},
		{"mobile: country code forms, separators, full-width", Mobile{}, []any{
			"13812345678", "+8613812345678", "+86 138 1234 5678", "008613812345678",
			"8613812345678", "(+86) 138-1234-5678", "＋８６　１３８－１２３４－５６７８", "１３８１２３４５６７８",
		}, "13812345678"},
		{"bank card: groups, dashes, full-width", BankCard{}, []any{
			"4000000000000002", "4000 0000 0000 0002", "4000-0000-0000-0002", "４０００　００００　００００　０００２",
		}, "4000000000000002"},
		{"uscc: case, full-width, spaces", USCC{}, []any{
			"91110108MA01ABCD1E", "91110108ma01abcd1e", "９１１１０１０８ＭＡ０１ＡＢＣＤ１Ｅ",
			"９１１１０１０８ｍａ０１ａｂｃｄ１ｅ", "91110108 MA01ABCD 1E",
		}, "91110108MA01ABCD1E"},
		{"han name: middle dot variants and padding", PersonName{}, []any{
			"阿依古丽\u00b7买买提", "阿依古丽\u30fb买买提", "阿依古丽\uff65买买提", "阿依古丽\u2022买买提",
			"阿依古丽\u2027买买提", "阿依古丽\u22c5买买提", "阿依古丽\u2219买买提", "阿依古丽\u0387买买提",
			" 阿依古丽 · 买买提 ",
		}, "阿依古丽·买买提"},
		{"transliterated han name: every separator typed between its parts", PersonName{}, []any{
			"阿卜杜·热合曼", "阿卜杜\u30fb热合曼", "阿卜杜\u2022热合曼", "阿卜杜\uff0e热合曼", "阿卜杜.热合曼", "阿卜杜。热合曼",
			"阿卜杜\uff61热合曼", "阿卜杜\uff65热合曼", "阿卜杜 . 热合曼", "阿卜杜\u3000·\u3000热合曼",
		}, "阿卜杜·热合曼"},
		{"latin name: hyphens and apostrophes typed in several ways", PersonName{}, []any{
			"Anne-Marie O'Brien", "Anne\u2010Marie O\u2019Brien", "Anne\u2011Marie O\u2018Brien", "Anne\u2013Marie O\u02bcBrien",
			"Anne\uff0dMarie O\uff07Brien", "Anne\u2212Marie  O'Brien",
		}, "Anne-Marie O'Brien"},
		{"catalan name: ela geminada", PersonName{}, []any{"Gal·la", "Gaŀla", "Gal\u2022la", "Gal\u30fbla"}, "Gal·la"},
		{"tibetan name: trailing tsheg, non-breaking tsheg, spaces", PersonName{}, []any{
			"ཚེ་རིང བཀྲ་ཤིས", "ཚེ་རིང་ བཀྲ་ཤིས་", "ཚེ\u0f0cརིང  བཀྲ\u0f0cཤིས", " ཚེ་རིང་\u3000བཀྲ་ཤིས ",
		}, "ཚེ་རིང བཀྲ་ཤིས"},
		{"uyghur name: tatweel, presentation forms, spaces", PersonName{}, []any{
			"ئابدۇللا ئىمىن", "ئابدۇلـلا ئىمىن", "ئابدۇل\ufefc ئىمىن", "ئابدۇللا  ئىمىن", "\ufe8bابدۇللا ئىمىن",
		}, "ئابدۇللا ئىمىن"},
		{"mongolian name: spaces, suffix space elsewhere", PersonName{}, []any{
			"ᠪᠠᠲᠤ ᠰᠠᠷᠠᠨ", "ᠪᠠᠲᠤ  ᠰᠠᠷᠠᠨ", "ᠪᠠᠲᠤ\u3000ᠰᠠᠷᠠᠨ", "ᠪᠠᠲᠤ \u202fᠰᠠᠷᠠᠨ\u202f",
		}, "ᠪᠠᠲᠤ ᠰᠠᠷᠠᠨ"},
		{"latin name: spaces, full-width, apostrophes, accents", PersonName{}, []any{
			"Zoë O'Brien", "  Zoë   O'Brien ", "Zoe\u0308 O\u2019Brien", "Ｚｏë　Ｏ'Ｂｒｉｅｎ", "Zoë O\u02bcBrien",
		}, "Zoë O'Brien"},
		{"email: domain case, full-width, surrounding space", Email{}, []any{
			"Jane.Doe@example.com", "Jane.Doe@EXAMPLE.COM", "Jane.Doe@Example.Com",
			" Jane.Doe@example.com ", "Ｊａｎｅ.Ｄｏｅ＠ｅｘａｍｐｌｅ．ｃｏｍ",
		}, "Jane.Doe@example.com"},
		{"address: white space and full-width", Address{}, []any{
			"北京市朝阳区某某路1号A座", "北京市朝阳区某某路１号Ａ座", "  北京市朝阳区某某路1号A座\n",
		}, "北京市朝阳区某某路1号A座"},
		{"address: Mongolian suffix space kept, full-width digits", Address{}, []any{
			"ᠬᠣᠲᠠ\u202fᠶᠢᠨ 1", "ᠬᠣᠲᠠ\u202fᠶᠢᠨ　１", " ᠬᠣᠲᠠ\u202fᠶᠢᠨ  1 ",
		}, "ᠬᠣᠲᠠ\u202fᠶᠢᠨ 1"},
		{"address: runs of white space", Address{}, []any{
			"1 Example Road Springfield", "1  Example\tRoad\nSpringfield", "1\u3000Example\u00a0Road Springfield",
		}, "1 Example Road Springfield"},
		{"date: formats, full-width, time values", Date{}, []any{
			"1990-03-07", "1990/03/07", "1990/3/7", "1990-3-7", "1990年3月7日", "1990年03月07日",
			"１９９０－０３－０７", "１９９０年３月７日", time.Date(1990, 3, 7, 15, 4, 5, 0, time.UTC),
			time.Date(1990, 3, 7, 0, 0, 0, 0, time.FixedZone("UTC+8", 8*60*60)),
		}, "1990-03-07"},
		{"money: order, separators, scale, full-width, Amount", Money{}, []any{
			"125000.00 CNY", "CNY 125000.00", "CNY 125,000.00", "125,000 CNY", "125000 cny",
			"125000.000 CNY", "１２５，０００．００　ＣＮＹ", mustAmount(t, 125000, 0, "CNY"),
			mustAmount(t, 12500000, 2, "CNY"),
		}, "125000.00 CNY"},
		{"text: composed and decomposed accents, surrounding space", Text{}, []any{
			"café au lait", "cafe\u0301 au lait", "  café au lait\n",
		}, "café au lait"},
		{"integer: every Go integer type", Integer{}, []any{
			36, int8(36), int16(36), int32(36), int64(36), uint(36), uint8(36), uint16(36), uint32(36), uint64(36),
		}, "36"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, in := range tt.inputs {
				got, err := tt.kind.Canonical(in)
				require.NoError(t, err, "input %d", i)
				assert.Equal(t, tt.want, got, "input %d", i)
			}
		})
	}
}
