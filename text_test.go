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
		"right-to-left override": "C\u202e42",
		"zero-width space":       "C\u200b42",
		"byte-order mark":        "\ufeffC42",
		"tag character":          "C\U000E003142",
		"word joiner":            "C\u206042",
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
