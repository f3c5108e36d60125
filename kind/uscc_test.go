package kind

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Codes below are synthetic, with check characters computed by hand from
// GB 32100-2015.
func TestUSCCCanonical(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"upper-case", "91110108MA01ABCD1E", "91110108MA01ABCD1E"},
		{"lower-case", "91110108ma01abcd1e", "91110108MA01ABCD1E"},
		{"full-width lower-case", "９１１１０１０８ｍａ０１ａｂｃｄ１ｅ", "91110108MA01ABCD1E"},
		{"spaces and dashes", " 91110108-MA01ABCD-1E ", "91110108MA01ABCD1E"},
		{"check value 31 written 0", "911101080000000080", "911101080000000080"},
		{"check character Y", "91110108000000027Y", "91110108000000027Y"},
		{"digits only but check", "11100000000000001M", "11100000000000001M"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := USCC{}.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestUSCCRules(t *testing.T) {
	tests := []struct {
		name  string
		input string
		rule  string
	}{
		{"empty", "", "wrong length"},
		{"seventeen characters", "91110108MA01ABCD1", "wrong length"},
		{"nineteen characters", "91110108MA01ABCD1E0", "wrong length"},
		{"letter I", "91110108MI01ABCD1E", "character outside the code set"},
		{"letter O", "91110108MO01ABCD1E", "character outside the code set"},
		{"letter Z", "91110108MZ01ABCD1E", "character outside the code set"},
		{"letter S", "91110108MS01ABCD1E", "character outside the code set"},
		{"letter V", "91110108MV01ABCD1E", "character outside the code set"},
		{"non-ASCII letter", "91110108MÄ01ABCD1E", "character outside the code set"},
		{"check character off by one", "91110108MA01ABCD1F", "bad check character"},
		{"two characters swapped", "91110108AM01ABCD1E", "bad check character"},
		{"invalid UTF-8", "91110108MA01ABCD1\xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := USCC{}.Canonical(tt.input)

			assertRule(t, err, USCC{}, tt.rule)
			assert.Empty(t, got)
		})
	}
}

// Every authority and type pair of GB 32100-2015 Appendix A, with region
// codes of several provinces and of the central government. The codes are
// synthetic: positions 9 to 17 are made up, the check character computed.
func TestUSCCPositions(t *testing.T) {
	accepted := []struct{ name, code string }{
		{"11 机构编制 机关, central", "11100000MB0000017E"},
		{"12 机构编制 事业单位, Zhejiang", "123301004700123455"},
		{"13 机构编制 群众团体, central", "13100000500000012C"},
		{"19 机构编制 其他, Guangdong", "19440300MB1234567T"},
		{"21 外交 外国常驻新闻机构, Beijing", "21110000MC0012345P"},
		{"29 外交 其他, Shanghai", "29310000MC0098765E"},
		{"31 司法行政 律师执业机构", "31440000MD0123456L"},
		{"32 司法行政 公证处", "32510100MD00000122"},
		{"33 司法行政 基层法律服务所", "33420100MD7654321R"},
		{"34 司法行政 司法鉴定机构", "34320000MD1111111P"},
		{"35 司法行政 仲裁委员会", "35110000MD2222222L"},
		{"39 司法行政 其他, Xinjiang", "39650000MD3333333U"},
		{"41 文化 外国在华文化中心", "41310000MD4444444G"},
		{"49 文化 其他", "49110000MD5555555U"},
		{"51 民政 社会团体, central", "511000005000123452"},
		{"52 民政 民办非企业单位", "52440106MJ12345677"},
		{"53 民政 基金会, central", "53100000500098765X"},
		{"59 民政 其他", "59370200MJ00000011"},
		{"61 旅游 外国旅游部门常驻代表机构", "61110000MK1234567Y"},
		{"62 旅游 港澳台地区旅游部门常驻代表机构", "62310000MK76543216"},
		{"69 旅游 其他, Hainan", "69460000MK0000002D"},
		{"71 宗教 宗教活动场所, Tibet", "71540000ML12345677"},
		{"72 宗教 宗教院校, Qinghai", "72630000ML7654321K"},
		{"79 宗教 其他, Inner Mongolia", "79150000ML00000039"},
		{"81 工会 基层工会", "81330106MM1234567J"},
		{"89 工会 其他, Heilongjiang", "89230000MM0000004U"},
		{"91 工商 企业", "91110108MA01ABCD1E"},
		{"92 工商 个体工商户", "92440305MA5DXYW12N"},
		{"93 工商 农民专业合作社", "93510107MA6CABC01Q"},
		{"A1 军队事业单位, central", "A1100000MQ12345671"},
		{"A9 中央军委改革和编制办公室 其他", "A9110000MQ00000054"},
		{"N1 农业 组级集体经济组织", "N1330106MF1234567P"},
		{"N2 农业 村级集体经济组织, Yunnan", "N2530000MF12345676"},
		{"N3 农业 乡镇级集体经济组织, Guangxi", "N3450000MF7654321H"},
		{"N9 农业 其他, Ningxia", "N9640000MF00000066"},
		{"Y1 其他, Chongqing", "Y1500000MR12345679"},
	}
	for _, tt := range accepted {
		t.Run(tt.name, func(t *testing.T) {
			got, err := USCC{}.Canonical(tt.code)
			require.NoError(t, err)
			assert.Equal(t, tt.code, got)
		})
	}

	refused := []struct{ name, code, rule string }{
		{"authority B", "B1110108MA01ABCD1C", "unknown registration authority"},
		{"authority 0", "01110108MA01ABCD1P", "unknown registration authority"},
		{"authority G without ExtraTypes", "G1110108MA01ABCD17", "unknown registration authority"},
		{"工商 type 4", "94110108MA01ABCD15", "organisation type not valid for its authority"},
		{"工商 type 9", "99110108MA01ABCD1M", "organisation type not valid for its authority"},
		{"其他 type 2", "Y2110108MA01ABCD1M", "organisation type not valid for its authority"},
		{"外交 type 2", "22110108MA01ABCD1J", "organisation type not valid for its authority"},
		{"司法行政 type 6", "36110108MA01ABCD15", "organisation type not valid for its authority"},
		{"民政 type 4", "54110108MA01ABCD19", "organisation type not valid for its authority"},
		{"旅游 type 3", "63110108MA01ABCD1B", "organisation type not valid for its authority"},
		{"宗教 type 3", "73110108MA01ABCD1A", "organisation type not valid for its authority"},
		{"工会 type 2", "82110108MA01ABCD1C", "organisation type not valid for its authority"},
		{"军委 type 2", "A2110108MA01ABCD1A", "organisation type not valid for its authority"},
		{"农业 type 4", "N4110108MA01ABCD1P", "organisation type not valid for its authority"},
		{"letter in the region code", "11110A08MA01ABCD15", "region code is not an administrative division"},
		{"province 01", "91010108MA01ABCD1P", "region code is not an administrative division"},
		{"province 16", "91160000MA01ABCD1A", "region code is not an administrative division"},
		{"province 38", "91380000MA01ABCD10", "region code is not an administrative division"},
		{"province 47", "91470000MA01ABCD1J", "region code is not an administrative division"},
		{"province 66", "91660000MA01ABCD1U", "region code is not an administrative division"},
		{"province 99", "91990000MA01ABCD1C", "region code is not an administrative division"},
		{"Taiwan 71: no mainland registering office", "91710000MA01ABCD1X", "region code is not an administrative division"},
		{"Hong Kong 81", "91810000MA01ABCD1L", "region code is not an administrative division"},
		{"10 other than 100000", "91100001MA01ABCD10", "region code is not an administrative division"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			got, err := USCC{}.Canonical(tt.code)
			assertRule(t, err, USCC{}, tt.rule)
			assert.Empty(t, got)
			assertNoValue(t, err, tt.code)

			stored, err := USCC{}.Value(tt.code)
			require.NoError(t, err, "a code stored before the position rules stays readable")
			assert.Equal(t, tt.code, stored)
		})
	}

	t.Run("ExtraTypes accepts a later authority", func(t *testing.T) {
		k := USCC{ExtraTypes: []string{"G1"}}
		require.NoError(t, k.Validate())
		got, err := k.Canonical("G1110108MA01ABCD17")
		require.NoError(t, err)
		assert.Equal(t, "G1110108MA01ABCD17", got)

		_, err = k.Canonical("G2110108MA01ABCD14")
		assertRule(t, err, k, "unknown registration authority") // only the pairs listed
		_, err = k.Canonical("G1710000MA01ABCD1N")
		assertRule(t, err, k, "region code is not an administrative division")
	})
}

func TestUSCCValue(t *testing.T) {
	got, err := USCC{}.Value("91110108MA01ABCD1E")
	require.NoError(t, err)
	assert.Equal(t, "91110108MA01ABCD1E", got)

	got, err = USCC{}.Value("91110108ma01abcd1e")
	assertRule(t, err, USCC{}, "stored text is not canonical")
	assert.Nil(t, got)
}

func TestUSCCMask(t *testing.T) {
	tests := []struct {
		name string
		kind USCC
		want string
	}{
		{"default first 8 and last 2", USCC{}, "91110108********1E"},
		{"configured first 2 and last 4", USCC{MaskReveal: &Reveal{First: 2, Last: 4}}, "91************CD1E"},
		{"configured nothing shown", USCC{MaskReveal: &Reveal{}}, "******************"},
		{"negative counts mean none", USCC{MaskReveal: &Reveal{First: -1, Last: -1}}, "******************"},
		{"counts covering the code hide it all", USCC{MaskReveal: &Reveal{First: 10, Last: 8}}, "******************"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.kind.Mask("91110108MA01ABCD1E"))
		})
	}
}

func FuzzUSCC(f *testing.F) {
	for _, s := range []string{
		"91110108MA01ABCD1E", "91110108ma01abcd1e", "９１１１０１０８ｍａ０１ａｂｃｄ１ｅ",
		"911101080000000080", "91110108MI01ABCD1E", "", "B1110108MA01ABCD1C", "91710000MA01ABCD1X",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkKind(t, USCC{}, input, stored, "unknown registration authority",
			"organisation type not valid for its authority", "region code is not an administrative division")
		if c, err := (USCC{}).Canonical(input); err == nil {
			require.Len(t, c, 18)
			for i := range len(c) {
				require.Contains(t, usccChars, c[i:i+1])
			}
		}
	})
}
