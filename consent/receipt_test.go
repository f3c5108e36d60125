package consent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// receiptFixture gives one customer a history over two purposes and returns
// the receipts.
func receiptFixture(t testing.TB) (*fixture, []consent.Receipt) {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t, nil)
	require.NoError(t, f.reg.Request(ctx, f.act("C-0001", marketing)))
	f.now = t0.Add(time.Minute)
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
	a := f.act("C-0001", sharing)
	a.Minor, a.Guardian, a.Language = true, &consent.Guardian{ID: "C-0099", Relation: "parent"}, consent.LangEN
	require.NoError(t, f.reg.Grant(ctx, a))
	f.now = t0.Add(time.Hour)
	require.NoError(t, f.reg.Withdraw(ctx, f.act("C-0001", sharing)))
	rs, err := f.reg.Receipts(ctx, dpo, "C-0001")
	require.NoError(t, err)
	return f, rs
}

func TestReceiptL11(t *testing.T) {
	f, rs := receiptFixture(t)
	require.Len(t, rs, 2)
	sh, mk := rs[0], rs[1]
	assert.Equal(t, string(sharing), sh.Purposes[0].ID, "sorted by purpose")

	n, _ := f.reg.NoticeFor(marketing)
	assert.Equal(t, consent.ReceiptSchema, mk.SchemaVersion)
	assert.Len(t, mk.RecordID, 32)
	assert.Equal(t, "C-0001", mk.Subject)
	assert.Equal(t, "privacy-notice", mk.Notice)
	assert.Equal(t, n.Version, mk.NoticeVersion)
	assert.Equal(t, n.Generations[marketing], mk.Generation)
	assert.Equal(t, consent.LangZH, mk.Language)
	assert.Equal(t, []consent.ReceiptPurpose{{ID: "marketing", Description: txt("Offers by SMS"), LawfulBasis: "consent", PIPL: "PIPL 13(1)", GDPR: "GDPR 6(1)(a)"}}, mk.Purposes)
	assert.Equal(t, []string{"customer.mobile", "customer.name"}, mk.DataCategories)
	assert.Equal(t, testNotice().Controller, mk.Controller)
	assert.Equal(t, "CN", mk.StorageLocation)
	assert.Equal(t, "CN", mk.Jurisdiction)
	assert.Equal(t, testNotice().Retention, mk.Retention)
	assert.Equal(t, testNotice().Withdrawal, mk.Withdrawal)
	assert.Equal(t, "given", mk.State)
	assert.Equal(t, "dpv:ConsentGiven", mk.StateDPV)
	require.NotNil(t, mk.ValidFrom)
	require.NotNil(t, mk.ValidUntil)
	assert.Equal(t, t0.Add(time.Minute), *mk.ValidFrom)
	assert.Equal(t, t0.Add(time.Minute+365*24*time.Hour), *mk.ValidUntil)
	require.Len(t, mk.Events, 2)
	assert.Equal(t, consent.ReceiptEvent{Seq: 1, Time: t0, Type: "consent.request", State: "requested", By: "svc-app", Role: "channel",
		Channel: "app", Signal: "click", Notice: n.Version, Language: "zh-Hans", Evidence: "form-submission-0001", Request: "req-1"}, mk.Events[0])

	assert.Equal(t, "withdrawn", sh.State)
	assert.Nil(t, sh.ValidFrom, "no live consent")
	assert.True(t, sh.Minor)
	assert.Equal(t, []string{"PIPL 23", "PIPL 29"}, sh.Purposes[0].Separate)
	assert.Equal(t, &consent.Guardian{ID: "C-0099", Relation: "parent"}, sh.Events[0].Guardian)
	assert.Len(t, sh.Recipients, 1)

	ev := f.events.last()
	assert.Equal(t, custos.ActionConsentReceipt, ev.Action)
	assert.Equal(t, custos.OutcomeAllowed, ev.Outcome)
	assert.Equal(t, custos.BasisLegalDuty, ev.Basis)
}

func TestReceiptRoundTrip(t *testing.T) {
	_, rs := receiptFixture(t)
	for _, r := range rs {
		t.Run(r.Purposes[0].ID, func(t *testing.T) {
			b, err := json.MarshalIndent(r, "", "  ")
			require.NoError(t, err)
			back, err := consent.ParseReceipt(b)
			require.NoError(t, err)
			assert.Equal(t, r, back)
		})
	}
}

func TestParseReceiptIsStrict(t *testing.T) {
	_, rs := receiptFixture(t)
	good, err := json.Marshal(rs[1])
	require.NoError(t, err)
	edit := func(fn func(m map[string]any)) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(good, &m))
		fn(m)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return b
	}
	event := func(m map[string]any) map[string]any { return m["events"].([]any)[0].(map[string]any) }
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not JSON", []byte("receipt")},
		{"truncated", good[:len(good)/2]},
		{"array", []byte("[" + string(good) + "]")},
		{"trailing data", append(append([]byte{}, good...), []byte(` {}`)...)},
		{"two receipts", append(append([]byte{}, good...), good...)},
		{"unknown field", edit(func(m map[string]any) { m["mobile"] = "13912345678" })},
		{"field name in another case", []byte(strings.Replace(string(good), `"record_id"`, `"Record_ID"`, 1))},
		{"missing field", edit(func(m map[string]any) { delete(m, "events") })},
		{"null where a list belongs", edit(func(m map[string]any) { m["data_categories"] = nil })},
		{"zero value the canonical form omits", edit(func(m map[string]any) { m["minor"] = false })},
		{"wrong type", edit(func(m map[string]any) { m["events"] = "none" })},
		{"other schema", edit(func(m map[string]any) { m["schema_version"] = "v0" })},
		{"record id not hex", edit(func(m map[string]any) { m["record_id"] = strings.Repeat("z", 32) })},
		{"subject with a space", edit(func(m map[string]any) { m["pii_principal_id"] = "C 1" })},
		{"no purpose", edit(func(m map[string]any) { m["purposes"] = []any{} })},
		{"unknown basis", edit(func(m map[string]any) { m["purposes"].([]any)[0].(map[string]any)["lawful_basis"] = "whim" })},
		{"article not matching the basis", edit(func(m map[string]any) { m["purposes"].([]any)[0].(map[string]any)["pipl_article"] = "PIPL 13(2)" })},
		{"unknown state", edit(func(m map[string]any) { m["state"] = "maybe" })},
		{"state and DPV disagree", edit(func(m map[string]any) { m["state_dpv"] = "dpv:ConsentRefused" })},
		{"unknown language", edit(func(m map[string]any) { m["language"] = "fr" })},
		{"events out of order", edit(func(m map[string]any) { event(m)["seq"] = 2 })},
		{"unknown event type", edit(func(m map[string]any) { event(m)["event_type"] = "vault.get" })},
		{"unknown signal", edit(func(m map[string]any) { event(m)["signal"] = "nod" })},
		{"event time going back", edit(func(m map[string]any) { event(m)["event_time"] = "2030-01-01T00:00:00Z" })},
		{"event without channel", edit(func(m map[string]any) { event(m)["channel"] = "" })},
		{"validity ending before it starts", edit(func(m map[string]any) { m["valid_until"] = "2020-01-01T00:00:00Z" })},
		{"too large", append(bytes.Repeat([]byte(" "), consent.MaxReceiptBytes), good...)},
		{"duplicate key at the top", duplicateTop(good)},
		{"duplicate key with the same value", []byte(strings.Replace(string(good), `"lawful_basis":"consent"`, `"lawful_basis":"consent","lawful_basis":"consent"`, 1))},
		{"duplicate key in a purpose", []byte(strings.Replace(string(good), `"lawful_basis":"consent"`, `"lawful_basis":"whim","lawful_basis":"consent"`, 1))},
		{"duplicate key in an event", []byte(strings.Replace(string(good), `"seq":1,`, `"seq":7,"seq":1,`, 1))},
		{"duplicate key in a text", []byte(strings.Replace(string(good), `"en":"Offers by SMS"`, `"en":"Anything","en":"Offers by SMS"`, 1))},
		{"duplicate key spelt with an escape", []byte(strings.Replace(string(good), `{"schema_version"`, `{"record\u005fid":"`+strings.Repeat("0", 32)+`","schema_version"`, 1))},
		{"nested too deep", []byte(strings.Repeat("[", 20) + strings.Repeat("]", 20))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := consent.ParseReceipt(tc.data)
			require.ErrorIs(t, err, consent.ErrReceipt)
			assert.NotContains(t, err.Error(), "13912345678")
			assert.NotContains(t, err.Error(), "C 1")
		})
	}
}

// duplicateTop puts a second "state" key, saying "given", in front of the
// receipt's keys: encoding/json would keep the last and accept it.
func duplicateTop(good []byte) []byte {
	return append([]byte(`{"state":"given",`), good[1:]...)
}

// TestParseReceiptDuplicateKeysDecodeAlike shows why duplicates are
// refused: encoding/json accepts them silently, so two readers of one
// document could see different receipts.
func TestParseReceiptDuplicateKeysDecodeAlike(t *testing.T) {
	_, rs := receiptFixture(t)
	good, err := json.Marshal(rs[1])
	require.NoError(t, err)
	var plain consent.Receipt
	require.NoError(t, json.Unmarshal(duplicateTop(good), &plain), "encoding/json does not see duplicates")
	_, err = consent.ParseReceipt(duplicateTop(good))
	require.ErrorIs(t, err, consent.ErrReceipt)
	assert.Contains(t, err.Error(), "named twice")
	back, err := consent.ParseReceipt(good)
	require.NoError(t, err, "the same receipt without the duplicate")
	assert.Equal(t, rs[1], back)
}

// TestReceiptOfAnInvalidatedConsent: the invalidate act appears in
// receipts and reads back.
func TestReceiptOfAnInvalidatedConsent(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
	f.now = t0.Add(time.Minute)
	require.NoError(t, f.reg.Invalidate(ctx, consent.Act{Subject: "C-0001", Purposes: []custos.PurposeID{marketing}, Actor: app, Reason: "defective"}))
	rs, err := f.reg.Receipts(ctx, dpo, "C-0001")
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, "invalidated", rs[0].State)
	assert.Equal(t, "dpv:ConsentInvalidated", rs[0].StateDPV)
	assert.Equal(t, "consent.invalidate", rs[0].Events[1].Type)
	b, err := json.Marshal(rs[0])
	require.NoError(t, err)
	back, err := consent.ParseReceipt(b)
	require.NoError(t, err)
	assert.Equal(t, rs[0], back)
}

// FuzzParseReceipt checks that ParseReceipt never panics, fails only with
// ErrReceipt, and that whatever it accepts encodes back to a receipt it
// accepts and reads as the same value.
func FuzzParseReceipt(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := consent.ParseReceipt(data)
		if err != nil {
			if !errors.Is(err, consent.ErrReceipt) {
				t.Fatalf("error does not wrap ErrReceipt: %v", err)
			}
			return
		}
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("accepted receipt does not encode: %v", err)
		}
		back, err := consent.ParseReceipt(again)
		if err != nil {
			t.Fatalf("re-encoded receipt refused: %v", err)
		}
		if !assert.ObjectsAreEqual(r, back) {
			t.Fatalf("round trip changed the receipt")
		}
	})
}

func fuzzSeeds(f *testing.F) [][]byte {
	_, rs := receiptFixture(f)
	var out [][]byte
	for _, r := range rs {
		b, err := json.Marshal(r)
		require.NoError(f, err)
		out = append(out, b)
		ind, err := json.MarshalIndent(r, "", " ")
		require.NoError(f, err)
		out = append(out, ind, b[:len(b)/3], bytes.Replace(b, []byte(`"seq":1`), []byte(`"seq":2`), 1),
			duplicateTop(b), bytes.Replace(b, []byte(`"seq":1,`), []byte(`"seq":1,"seq":1,`), 1),
			bytes.Replace(b, []byte(`"en":`), []byte(`"en":"x","en":`), 1),
			bytes.Replace(b, []byte(`"record_id"`), []byte(`"record\u005fid"`), 1))
	}
	return append(out, []byte(`{}`), []byte(`null`), []byte(`{"schema_version":"custos.consent-receipt.v1"}`))
}
