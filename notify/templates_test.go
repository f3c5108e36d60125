package notify_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/custos-go/custos/notify"
)

func correction() notify.Params {
	return notify.Params{"reference": "R-2026-0042", "records": "12345", "fields": "address", "corrected": "2026-03-05"}
}

// TestRenderLanguages: the matcher chooses the language from the
// customer's preference, and numbers and dates are written as that
// language writes them.
func TestRenderLanguages(t *testing.T) {
	s := notify.Standard()
	for _, tc := range []struct {
		name, asked string
		lang        language.Tag
		fallback    bool
		subject     string
		body        []string
	}{
		{"simplified Chinese", "zh-CN", language.SimplifiedChinese, false, "个人信息更正通知（R-2026-0042）", []string{"2026年3月5日", "12,345条记录"}},
		{"Chinese without script", "zh", language.SimplifiedChinese, false, "个人信息更正通知", []string{"2026年3月5日"}},
		{"British English", "en-GB", language.English, false, "Correction of personal data (R-2026-0042)", []string{"On 5 March 2026", "in 12,345 records"}},
		{"Accept-Language list", "fr-FR, en;q=0.8", language.English, false, "Correction", []string{"5 March 2026"}},
		{"unsupported language, as the matcher says", "de-DE", language.English, true, "Correction", []string{"5 March 2026"}},
		{"no preference", "", language.SimplifiedChinese, true, "个人信息更正通知", []string{"2026年3月5日"}},
		{"not a language tag", "x!", language.SimplifiedChinese, true, "个人信息更正通知", []string{"2026年3月5日"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := s.Render(notify.CorrectionNotice, correction(), tc.asked)
			require.NoError(t, err)
			assert.Equal(t, tc.lang, r.Choice.Language)
			assert.Equal(t, tc.fallback, r.Choice.Fallback())
			assert.Contains(t, r.Subject, tc.subject)
			for _, b := range tc.body {
				assert.Contains(t, r.Body, b)
			}
			assert.NotContains(t, r.Body, "%!")
		})
	}
}

// TestStandardTemplates: every standard template renders in both
// languages with every parameter in its body, and names its article.
func TestStandardTemplates(t *testing.T) {
	s := notify.Standard()
	assert.Equal(t, []language.Tag{language.SimplifiedChinese, language.English}, s.Languages())
	for _, id := range []notify.TemplateID{notify.TransferNotice, notify.TransferConsent, notify.BreachNotice, notify.CorrectionNotice, notify.RequestAnswer, notify.AccuracyReview} {
		tpl, ok := s.Template(id)
		require.True(t, ok, id)
		assert.Contains(t, tpl.Rule, "Art.")
		params := notify.Params{}
		for i, p := range tpl.Params {
			switch p.Kind {
			case notify.ParamNumber:
				params[p.Name] = "4242"
			case notify.ParamDate:
				params[p.Name] = "2026-11-0" + string(rune('1'+i))
			default:
				params[p.Name] = "value-of-" + p.Name
			}
		}
		for _, lang := range []string{"zh-Hans", "en"} {
			r, err := s.Render(id, params, lang)
			require.NoError(t, err, "%s %s", id, lang)
			for name, v := range params {
				if !strings.HasPrefix(v, "2026") {
					assert.Contains(t, r.Body, strings.ReplaceAll(v, "4242", "4,242"), "%s %s %s", id, lang, name)
				}
			}
			assert.NotContains(t, r.Body, "%!")
		}
	}
}

// TestNewTemplatesRefuses: a set of templates that could fail at send
// time is refused at start-up.
func TestNewTemplatesRefuses(t *testing.T) {
	langs := []language.Tag{language.SimplifiedChinese, language.English}
	good := func() notify.Template {
		return notify.Template{ID: "t", Rule: "PIPL Art. 17", Params: []notify.Param{{Name: "n", Kind: notify.ParamNumber}},
			Texts: map[language.Tag]notify.Text{language.SimplifiedChinese: {Subject: "主题", Body: "共%[1]d条"}, language.English: {Subject: "S", Body: "%[1]d items"}}}
	}
	_, err := notify.NewTemplates(langs, good())
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		edit func(*notify.Template)
		says string
	}{
		{"bad id", func(t *notify.Template) { t.ID = "a b" }, "template id"},
		{"no rule", func(t *notify.Template) { t.Rule = "" }, "rule"},
		{"repeated parameter", func(t *notify.Template) { t.Params = append(t.Params, t.Params[0]) }, "repeated"},
		{"unknown kind", func(t *notify.Template) { t.Params[0].Kind = 0 }, "no known kind"},
		{"missing language", func(t *notify.Template) { delete(t.Texts, language.English) }, "languages"},
		{"other language", func(t *notify.Template) {
			delete(t.Texts, language.English)
			t.Texts[language.French] = notify.Text{Subject: "S", Body: "%[1]d"}
		}, "no text in en"},
		{"wrong verb", func(t *notify.Template) { t.Texts[language.English] = notify.Text{Subject: "S", Body: "%[1]s items"} }, "does not match"},
		{"argument out of range", func(t *notify.Template) { t.Texts[language.English] = notify.Text{Subject: "S", Body: "%[1]d %[2]s"} }, "does not match"},
		{"parameter unused", func(t *notify.Template) { t.Texts[language.English] = notify.Text{Subject: "%[1]d", Body: "items"} }, `does not use parameter "n"`},
		{"empty body", func(t *notify.Template) { t.Texts[language.English] = notify.Text{Subject: "S"} }, "no subject or body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl := good()
			tpl.Params = append([]notify.Param(nil), tpl.Params...)
			tc.edit(&tpl)
			_, err := notify.NewTemplates(langs, tpl)
			require.ErrorIs(t, err, notify.ErrConfig)
			assert.Contains(t, err.Error(), tc.says)
		})
	}
	_, err = notify.NewTemplates(nil, good())
	assert.ErrorIs(t, err, notify.ErrConfig)
	_, err = notify.NewTemplates(langs, good(), good())
	assert.ErrorContains(t, err, "declared twice")
}
