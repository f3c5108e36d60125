package consent_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/storage/storetest"
)

// secret is a value a careless caller might pass where an identifier
// belongs; no error may repeat it.
const secret = "13912345678"

// errVaultDown is what a failing Subjects returns.
var errVaultDown = errors.New("vault unavailable")

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		setup  func(f *fixture)
		act    func(f *fixture) error
		want   error
		reason string // recorded in a denied event; "" for malformed input
	}{
		{"unknown purpose", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Purposes = []custos.PurposeID{"spaceship"}
			return f.reg.Grant(ctx, a)
		}, consent.ErrUnknownPurpose, "purpose-unknown"},
		{"value given where a purpose belongs", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Purposes = []custos.PurposeID{secret}
			return f.reg.Grant(ctx, a)
		}, consent.ErrUnknownPurpose, "purpose-unknown"},
		{"consent for a purpose whose basis is not consent", nil, func(f *fixture) error {
			return f.reg.Grant(ctx, f.act("C-0001", servicing))
		}, consent.ErrNotConsentBased, "not-consent-based"},
		{"bundled consent where separate consent is required", nil, func(f *fixture) error {
			return f.reg.Grant(ctx, f.act("C-0001", marketing, sharing))
		}, consent.ErrBundled, "separate-consent-required"},
		{"bundled request where separate consent is required", nil, func(f *fixture) error {
			return f.reg.Request(ctx, f.act("C-0001", sharing, analytics))
		}, consent.ErrBundled, "separate-consent-required"},
		{"bundled consent for a minor", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing, analytics)
			a.Minor, a.Guardian = true, &consent.Guardian{ID: "C-0099", Relation: "parent"}
			return f.reg.Grant(ctx, a)
		}, consent.ErrBundled, "separate-consent-required"},
		{"consent against an outdated notice generation", nil, func(f *fixture) error {
			// The person saw the notice of before marketing read mobile
			// numbers: a change of data categories.
			a := f.act("C-0001", marketing)
			a.Notice = outdatedVersion(f)
			return f.reg.Grant(ctx, a)
		}, consent.ErrOutdatedNotice, "notice-outdated"},
		{"consent against a notice never published", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Notice = "sha256:0000"
			return f.reg.Grant(ctx, a)
		}, consent.ErrUnknownNotice, "notice-unknown"},
		{"withdraw with no consent", nil, func(f *fixture) error {
			return f.reg.Withdraw(ctx, f.act("C-0001", marketing))
		}, consent.ErrNoConsent, "no-consent"},
		{"withdraw after a refusal", func(f *fixture) {
			require.NoError(f.t, f.reg.Refuse(ctx, f.act("C-0001", marketing)))
		}, func(f *fixture) error {
			return f.reg.Withdraw(ctx, f.act("C-0001", marketing))
		}, consent.ErrNoConsent, "no-consent"},
		{"grant on behalf of a minor without guardian", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Minor = true
			return f.reg.Grant(ctx, a)
		}, consent.ErrGuardianRequired, "guardian-required"},
		{"asking again inside the refusal interval", func(f *fixture) {
			require.NoError(f.t, f.reg.Refuse(ctx, f.act("C-0001", marketing)))
			f.now = t0.Add(consent.DefaultAskAgainAfter - time.Minute)
		}, func(f *fixture) error {
			return f.reg.Request(ctx, f.act("C-0001", marketing))
		}, consent.ErrTooSoon, "ask-too-soon"},
		{"pre-ticked box", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Signal = consent.SignalPreTicked
			return f.reg.Grant(ctx, a)
		}, consent.ErrNotExplicit, "not-explicit"},
		{"grant of a live consent", func(f *fixture) {
			require.NoError(f.t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
		}, func(f *fixture) error {
			return f.reg.Grant(ctx, f.act("C-0001", marketing))
		}, consent.ErrState, "consent-live"},
		{"renew with no consent", nil, func(f *fixture) error {
			return f.reg.Renew(ctx, f.act("C-0001", marketing))
		}, consent.ErrNoConsent, "no-consent"},
		{"receipts for a purpose that may not issue them", nil, func(f *fixture) error {
			_, err := f.reg.Receipts(ctx, clerk, "C-0001")
			return err
		}, consent.ErrDenied, "action-not-allowed"},
		{"grant without evidence", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Evidence = ""
			return f.reg.Grant(ctx, a)
		}, consent.ErrInvalidAct, ""},
		{"grant without the notice shown", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Notice = ""
			return f.reg.Grant(ctx, a)
		}, consent.ErrInvalidAct, ""},
		{"unknown language", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Language = "fr"
			return f.reg.Grant(ctx, a)
		}, consent.ErrInvalidAct, ""},
		{"purpose named twice", nil, func(f *fixture) error {
			return f.reg.Grant(ctx, f.act("C-0001", marketing, marketing))
		}, consent.ErrInvalidAct, ""},
		{"evidence with control characters", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Evidence = "form\n" + secret
			return f.reg.Grant(ctx, a)
		}, consent.ErrInvalidAct, ""},
		{"no actor", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Actor = custos.Actor{}
			return f.reg.Grant(ctx, a)
		}, custos.ErrNoActor, ""},
		{"invalid subject", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Subject = custos.SubjectID(secret + " x")
			return f.reg.Grant(ctx, a)
		}, custos.ErrInvalidSubject, ""},
		{"evidence that is a sentence with a mobile and a resident ID", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Evidence = "signed by " + secret + " id 11010519491231002X"
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"evidence holding a resident ID in full-width digits", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Evidence = "id：１１０１０５１９４９１２３１００２Ｘ"
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"evidence holding a card number in groups", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Evidence = "card-4000-0000-0000-0002"
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"evidence holding an e-mail address", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Evidence = "mailto:zhang.san@example.com"
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"evidence that is free text", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Evidence = "signed at the branch"
			return f.reg.Grant(ctx, a)
		}, consent.ErrInvalidAct, ""},
		{"evidence over 256 bytes", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Evidence = "doc-" + strings.Repeat("a", 253)
			return f.reg.Grant(ctx, a)
		}, custos.ErrInvalidText, ""},
		{"evidence with a bidi override", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Evidence = "form-\u202e1000"
			return f.reg.Grant(ctx, a)
		}, custos.ErrInvalidText, ""},
		{"evidence not valid UTF-8", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Evidence = "form-\xff"
			return f.reg.Grant(ctx, a)
		}, custos.ErrInvalidText, ""},
		{"channel holding a mobile in Arabic-Indic digits", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Channel = "sms-\u0661\u0663\u0669\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668"
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"channel with a zero-width space", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Channel = "app\u200b"
			return f.reg.Grant(ctx, a)
		}, custos.ErrInvalidText, ""},
		{"guardian named by mobile number", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Minor, a.Guardian = true, &consent.Guardian{ID: "139-1234-5678", Relation: "parent"}
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"guardian relation as free text", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.Minor, a.Guardian = true, &consent.Guardian{ID: "C-0099", Relation: "her mother"}
			return f.reg.Grant(ctx, a)
		}, consent.ErrInvalidAct, ""},
		{"revoke for a reason holding a mobile", func(f *fixture) {
			require.NoError(f.t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
		}, func(f *fixture) error {
			return f.reg.Revoke(ctx, consent.Act{Subject: "C-0001", Purposes: []custos.PurposeID{marketing}, Actor: app, Reason: "complaint-" + secret})
		}, consent.ErrPersonalData, ""},
		{"request id with a control character", nil, func(f *fixture) error {
			a := f.act("C-0001", marketing)
			a.RequestID = "req\x00"
			return f.reg.Grant(ctx, a)
		}, custos.ErrInvalidText, ""},
		{"consent for a customer the vault does not hold", func(f *fixture) {
			f.subjects.set("C-0001", custos.SubjectUnknown)
		}, func(f *fixture) error {
			return f.reg.Grant(ctx, f.act("C-0001", marketing))
		}, consent.ErrUnknownSubject, "subject-unknown"},
		{"refusal for a customer the vault does not hold", func(f *fixture) {
			f.subjects.set("C-0001", custos.SubjectUnknown)
		}, func(f *fixture) error {
			return f.reg.Refuse(ctx, f.act("C-0001", marketing))
		}, consent.ErrUnknownSubject, "subject-unknown"},
		{"withdrawal for a forgotten customer", func(f *fixture) {
			f.subjects.set("C-0001", custos.SubjectForgotten)
		}, func(f *fixture) error {
			return f.reg.Withdraw(ctx, f.act("C-0001", marketing))
		}, consent.ErrForgotten, "subject-forgotten"},
		{"consent for a forgotten customer", func(f *fixture) {
			f.subjects.set("C-0001", custos.SubjectForgotten)
		}, func(f *fixture) error {
			return f.reg.Grant(ctx, f.act("C-0001", marketing))
		}, consent.ErrForgotten, "subject-forgotten"},
		{"a request to a forgotten customer", func(f *fixture) {
			f.subjects.set("C-0001", custos.SubjectForgotten)
		}, func(f *fixture) error {
			return f.reg.Request(ctx, f.act("C-0001", marketing))
		}, consent.ErrForgotten, "subject-forgotten"},
		{"consent for a restricted customer", func(f *fixture) {
			f.subjects.set("C-0001", custos.SubjectRestricted)
		}, func(f *fixture) error {
			return f.reg.Grant(ctx, f.act("C-0001", marketing))
		}, consent.ErrRestricted, "subject-restricted"},
		{"asking a restricted customer", func(f *fixture) {
			f.subjects.set("C-0001", custos.SubjectRestricted)
		}, func(f *fixture) error {
			return f.reg.Request(ctx, f.act("C-0001", marketing))
		}, consent.ErrRestricted, "subject-restricted"},
		{"renewing for a restricted customer", func(f *fixture) {
			require.NoError(f.t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
			f.subjects.set("C-0001", custos.SubjectRestricted)
		}, func(f *fixture) error {
			return f.reg.Renew(ctx, f.act("C-0001", marketing))
		}, consent.ErrRestricted, "subject-restricted"},
		{"customer state unavailable", func(f *fixture) {
			f.subjects.fail = errVaultDown
		}, func(f *fixture) error {
			return f.reg.Withdraw(ctx, f.act("C-0001", marketing))
		}, errVaultDown, ""},
		{"invalidate with no consent", nil, func(f *fixture) error {
			return f.reg.Invalidate(ctx, consent.Act{Subject: "C-0001", Purposes: []custos.PurposeID{marketing}, Actor: app})
		}, consent.ErrNoConsent, "no-consent"},
		{"revoke without a reason", func(f *fixture) {
			require.NoError(f.t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
		}, func(f *fixture) error {
			return f.reg.Revoke(ctx, consent.Act{Subject: "C-0001", Purposes: []custos.PurposeID{marketing}, Actor: app})
		}, consent.ErrInvalidAct, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			if tc.setup != nil {
				tc.setup(f)
			}
			before := f.snapshot("C-0001")
			eventsBefore := len(f.events.list())

			err := tc.act(f)
			require.ErrorIs(t, err, tc.want)
			assert.NotContains(t, err.Error(), secret, "errors never repeat values")
			if errors.Is(err, consent.ErrPersonalData) || errors.Is(err, custos.ErrInvalidText) {
				assert.ErrorIs(t, err, consent.ErrInvalidAct, "a malformed act")
			}
			assert.Equal(t, before, f.snapshot("C-0001"), "nothing changed in the store")

			storetest.CheckRefusal(t, err, tc.reason, f.events.list()[eventsBefore:])
			var ref *consent.Refusal
			if errors.As(err, &ref) {
				assert.Equal(t, consent.DefaultRemedy(), ref.Remedy)
			}
		})
	}
}

// outdatedVersion returns the version of the notice published before the
// current one, found in the store.
func outdatedVersion(f *fixture) string {
	f.t.Helper()
	cfg := f.config()
	cfg.Purposes[1].Fields = map[string][]string{"customer": {"name"}}
	cfg.Store = f.store
	old, err := consent.New(context.Background(), cfg)
	require.NoError(f.t, err)
	n, _ := old.NoticeFor(marketing)
	cur, _ := f.reg.NoticeFor(marketing)
	require.NotEqual(f.t, cur.Version, n.Version)
	return n.Version
}
