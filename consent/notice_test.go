package consent_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// TestNoticeGenerationsL3 shows PIPL Art. 14 ¶2: a change of purpose,
// method or categories of data needs new consent; a change of wording does
// not.
func TestNoticeGenerationsL3(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		change     func(c *consent.Config)
		newVersion bool
		reconsent  bool // consents of marketing stop permitting
	}{
		{"nothing", func(*consent.Config) {}, false, false},
		{"wording of the body", func(c *consent.Config) { c.Notices[0].Body.EN += " Updated." }, true, false},
		{"wording of a purpose", func(c *consent.Config) { c.Purposes[1].Description.ZH += "。" }, true, false},
		{"contact of the handler", func(c *consent.Config) { c.Notices[0].Controller.Contact = "dpo@leasing.example" }, true, false},
		{"categories of data", func(c *consent.Config) { c.Purposes[1].Fields["customer"] = []string{"name", "mobile", "note"} }, true, true},
		{"method", func(c *consent.Config) { c.Notices[0].Methods = append(c.Notices[0].Methods, "profiling") }, true, true},
		{"actions of the purpose", func(c *consent.Config) { c.Purposes[1].Actions = []custos.Action{custos.ActionGet} }, true, true},
		{"another purpose only", func(c *consent.Config) { c.Purposes[2].Fields["lease"] = []string{"months", "contract"} }, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
			before, _ := f.reg.NoticeFor(marketing)

			// The host redeploys with a changed policy over the same store.
			f.reg = f.registry(tc.change)
			after, _ := f.reg.NoticeFor(marketing)
			assert.Equal(t, tc.newVersion, before.Version != after.Version, "version changes with any content")
			assert.Equal(t, tc.reconsent, before.Generations[marketing] != after.Generations[marketing])

			d := f.check("C-0001", marketing, "customer", "mobile")
			if tc.reconsent {
				assert.Equal(t, consent.Decision{Reason: "notice-changed"}, d)
				assert.Equal(t, consent.StateInvalidated, f.status("C-0001", marketing).State)
				a := f.act("C-0001", marketing)
				a.Notice = before.Version
				assert.ErrorIs(t, f.reg.Grant(ctx, a), consent.ErrOutdatedNotice)
				require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)), "new consent on the new notice")
				assert.True(t, f.check("C-0001", marketing, "customer", "mobile").Allowed)
				return
			}
			assert.True(t, d.Allowed, "consent survives a change that is not material")
			// A person who read the earlier wording may still consent on it.
			a := f.act("C-0002", marketing)
			a.Notice = before.Version
			require.NoError(t, f.reg.Grant(ctx, a))
		})
	}
}

func TestPublishedNoticeIsProvable(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	cur, ok := f.reg.Notice("privacy-notice")
	require.True(t, ok)
	stored, err := f.store.GetNotice(ctx, cur.Version)
	require.NoError(t, err)
	assert.Equal(t, cur.Content, stored.Content, "the store keeps the exact content the version hashes")
	assert.Equal(t, cur.Generations, stored.Generations)
	assert.Equal(t, t0, stored.Published)
	assert.Len(t, cur.Generations, 6, "one generation per purpose the notice describes")
	assert.Contains(t, string(cur.Content), "Example Leasing Co., Ltd.")
}
