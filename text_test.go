package custos

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTextRule(t *testing.T) {
	line := TextRule{MaxBytes: 16}
	multi := TextRule{MaxBytes: 16, Multiline: true}
	optional := TextRule{MaxBytes: 16, Optional: true}
	cases := []struct {
		name string
		rule TextRule
		s    string
		ok   bool
	}{
		{"plain", line, "AML Art. 34", true},
		{"Han", TextRule{MaxBytes: 64}, "反洗钱法第34条", true},
		{"longest", line, strings.Repeat("x", 16), true},
		{"too long", line, strings.Repeat("x", 17), false},
		{"empty", line, "", false},
		{"blank", line, "   ", false},
		{"empty but optional", optional, "", true},
		{"NUL", line, "a\x00b", false},
		{"line feed", line, "a\nb", false},
		{"line feed in multiline", multi, "a\nb\tc", true},
		{"carriage return in multiline", multi, "a\rb", false},
		{"invalid UTF-8", line, "a\xffb", false},
		{"right-to-left override", line, "a\u202eb", false},
		{"left-to-right isolate", line, "a\u2066b", false},
		{"zero-width space", line, "a\u200bb", false},
		{"zero-width joiner", line, "a\u200db", false},
		{"byte-order mark", line, "\ufeffab", false},
		{"tag character", line, "a\U000E0041b", false},
		{"soft hyphen", line, "a\u00adb", false},
		{"Hangul filler", line, "a\u3164b", false},
		{"noncharacter", line, "a\uffffb", false},
		{"combining grapheme joiner", line, "a\u034fb", false},
		{"variation selector", line, "a\ufe0fb", false},
		{"no bound", TextRule{}, "AML", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.rule.Check(c.s)
			if c.ok {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidText)
			if strings.TrimSpace(c.s) != "" {
				assert.NotContains(t, err.Error(), c.s, "the error never repeats the text")
			}
		})
	}
}

func TestIdentifiersRefuseInvisibleCharacters(t *testing.T) {
	for name, id := range map[string]string{
		"right-to-left override":            "C\u202e42",
		"zero-width space":                  "C\u200b42",
		"byte-order mark":                   "\ufeffC42",
		"tag character":                     "C\U000E003142",
		"word joiner":                       "C\u206042",
		"combining grapheme joiner":         "C\u034f42",
		"variation selector 16":             "C\ufe0f42",
		"variation selector 17":             "C\U000e010042",
		"mongolian free variation selector": "C\u180b42",
		"halfwidth hangul filler":           "C\uffa042",
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, SubjectID(id).Validate(), ErrInvalidSubject)
			acc := Access{Actor: Actor{ID: id, Role: "clerk"}, Purpose: "servicing"}
			assert.ErrorIs(t, acc.Validate(), ErrNoActor)
			acc = Access{Actor: Actor{ID: "staff-1", Role: Role(id)}, Purpose: "servicing"}
			assert.ErrorIs(t, acc.Validate(), ErrNoActor)
			acc = Access{Actor: Actor{ID: "staff-1", Role: "clerk"}, Purpose: PurposeID(id)}
			assert.ErrorIs(t, acc.Validate(), ErrNoPurpose)
			acc = Access{Actor: Actor{ID: "staff-1", Role: "clerk"}, Purpose: "servicing", RequestID: id}
			assert.Error(t, acc.Validate())
		})
	}
}

func TestInvisible(t *testing.T) {
	cases := []struct {
		name      string
		r         rune
		invisible bool
	}{
		{"ASCII letter", 'a', false},
		{"Han character", '张', false},
		{"no-break space (a space, not invisible)", '\u00a0', false},
		{"narrow no-break space (a space, not invisible)", '\u202f', false},
		{"Arabic tatweel (shown as a stroke)", '\u0640', false},
		{"Tibetan tsheg (shown as a dot)", '\u0f0b', false},
		{"ideographic number zero", '\u3007', false},
		{"soft hyphen", '\u00ad', true},
		{"combining grapheme joiner", '\u034f', true},
		{"Arabic letter mark", '\u061c', true},
		{"Hangul choseong filler", '\u115f', true},
		{"Hangul jungseong filler", '\u1160', true},
		{"Khmer inherent vowel", '\u17b4', true},
		{"Mongolian free variation selector 1", '\u180b', true},
		{"Mongolian vowel separator", '\u180e', true},
		{"Mongolian free variation selector 4", '\u180f', true},
		{"zero-width space", '\u200b', true},
		{"zero-width non-joiner", '\u200c', true},
		{"zero-width joiner", '\u200d', true},
		{"left-to-right mark", '\u200e', true},
		{"right-to-left override", '\u202e', true},
		{"word joiner", '\u2060', true},
		{"right-to-left isolate", '\u2067', true},
		{"Hangul filler", '\u3164', true},
		{"variation selector 1", '\ufe00', true},
		{"variation selector 16", '\ufe0f', true},
		{"byte-order mark", '\ufeff', true},
		{"halfwidth Hangul filler", '\uffa0', true},
		{"noncharacter U+FDD0", '\ufdd0', true},
		{"noncharacter U+FFFF", '\uffff', true},
		{"noncharacter U+1FFFE", '\U0001fffe', true},
		{"language tag", '\U000e0001', true},
		{"tag letter", '\U000e0041', true},
		{"variation selector 17", '\U000e0100', true},
		{"variation selector 256", '\U000e01ef', true},
		{"reserved default-ignorable", '\U000e0fff', true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.invisible, Invisible(c.r), "%U", c.r)
		})
	}
}

func TestSubjectIsRedactedInEveryFormat(t *testing.T) {
	const raw = "C0000042"
	e := Event{Time: time.Unix(0, 0).UTC(), Action: ActionGet, Subject: raw, Outcome: OutcomeAllowed}
	type stored struct{ Subject SubjectID }
	for name, out := range map[string]string{
		"%v":              fmt.Sprintf("%v", SubjectID(raw)),
		"%s":              fmt.Sprintf("%s", SubjectID(raw)),
		"%#v":             fmt.Sprintf("%#v", SubjectID(raw)),
		"%#v of a struct": fmt.Sprintf("%#v", stored{Subject: raw}),
		"%#v of an event": fmt.Sprintf("%#v", e),
		"%+v of an event": fmt.Sprintf("%+v", e),
	} {
		assert.NotContains(t, out, raw, name)
	}
	b, err := json.Marshal(e)
	require.NoError(t, err)
	assert.NotContains(t, string(b), raw, "JSON of an event")
	assert.Contains(t, string(b), `"Subject":"redacted"`)
	assert.Contains(t, string(b), `"Action":"vault.get"`, "the rest of the event is kept")
}
