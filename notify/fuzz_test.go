package notify_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/custos-go/custos/notify"
)

// FuzzMatch: the preferred language is read from the vault at send time,
// whatever a host stored there. Match never panics, always chooses a
// language of the set, and reports a fallback whenever the preference
// does not parse.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"", "zh-CN", "en-GB", "fr-FR, en;q=0.8", "de-DE", "x!", "zh-Hant-TW", "*", "en;q=0", "und", "zh-u-nu-hanidec"} {
		f.Add(s)
	}
	set := notify.Standard()
	f.Fuzz(func(t *testing.T, preferred string) {
		c := set.Match(preferred)
		if !slices.Contains(set.Languages(), c.Language) {
			t.Fatalf("Match(%q) chose %s, not a language of the set", preferred, c.Language)
		}
		if c.Asked == "" && !c.Fallback() {
			t.Fatalf("Match(%q): no language asked, yet no fallback", preferred)
		}
	})
}

// FuzzRender: parameters come back from the outbox at send time. For any
// values and any preferred language, Check and Render agree, never panic,
// and a message Check accepts renders with every text parameter in its
// body and no formatting-error mark outside the parameters' own text.
func FuzzRender(f *testing.F) {
	f.Add("R-2026-0042", "12345", "address", "2026-03-05", "en")
	f.Add("参考", "-7", "地址, 手机号码", "2026-02-29", "zh-CN")
	f.Add("%!s(MISSING)", "9223372036854775807", "%[2]d", "0001-01-01", "x!")
	set := notify.Standard()
	f.Fuzz(func(t *testing.T, reference, records, fields, corrected, lang string) {
		p := notify.Params{"reference": reference, "records": records, "fields": fields, "corrected": corrected}
		checkErr := set.Check(notify.CorrectionNotice, p)
		r, err := set.Render(notify.CorrectionNotice, p, lang)
		if (checkErr == nil) != (err == nil) {
			t.Fatalf("Check said %v, Render %v", checkErr, err)
		}
		if err != nil {
			return
		}
		for _, s := range []string{r.Subject, r.Body} {
			if strings.Contains(strings.NewReplacer(reference, "", fields, "").Replace(s), "%!") {
				t.Fatalf("rendered text holds a formatting error: %q", s)
			}
		}
		if !strings.Contains(r.Body, reference) || !strings.Contains(r.Body, fields) {
			t.Fatalf("a text parameter is missing from the body")
		}
	})
}
