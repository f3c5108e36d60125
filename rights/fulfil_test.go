package rights_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/vault"
)

// messages returns the outbox's pending messages.
func (f *fixture) messages() []notify.Stored {
	f.t.Helper()
	out, err := f.db.Notify().List(context.Background(), notify.StatePending, "", 100)
	require.NoError(f.t, err)
	return out
}

// vaultEvents counts the allowed audit events of an action under a
// request (the vault's, or any package's).
func (f *fixture) vaultEvents(a custos.Action, request string) int {
	n := 0
	for _, e := range f.events.Events() {
		if e.Action == a && e.Access.RequestID == request && e.Outcome == custos.OutcomeAllowed {
			n++
		}
	}
	return n
}

func TestAccessRequest(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.customer("C0000042", "customer", "lease", "marketing")
	f.consented("C0000042")
	r := f.verifiedRequest(request("form-1000", rights.Copy))
	var out bytes.Buffer
	ans, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{Out: &out})
	require.NoError(t, err)
	assert.True(t, ans.Written)
	assert.Equal(t, rights.Fulfilled, ans.Request.State)
	assert.Equal(t, "copy of the personal information provided", ans.Request.Outcome)
	assert.Equal(t, consentRemedy(), ans.Complaint)

	var doc rights.AccessDocument
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, rights.AccessFormat, doc.Format)
	assert.Equal(t, r.ID, doc.Request.ID)
	assert.True(t, doc.Held)
	require.NotNil(t, doc.Records)
	assert.Len(t, doc.Records.Records, 3)
	assert.Equal(t, []string{"customer.mobile", "customer.name", "lease.contract", "marketing.segment"}, doc.Categories)
	require.Len(t, doc.Consents, 1)
	assert.Equal(t, "marketing", doc.Consents[0].Purposes[0].ID)
	var ids []custos.PurposeID
	for _, p := range doc.Purposes {
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []custos.PurposeID{"credit-check", "data-subject-requests", "lease-servicing", "marketing"}, ids)
	assert.Equal(t, []string{"Example Credit Bureau"}, []string{doc.Recipients[0].Name})
	assert.Len(t, doc.Retention, 3)
	assert.Equal(t, "10y", doc.Retention[0].Minimum)
	assert.NotEmpty(t, doc.Rights.ZH)
	assert.NotEmpty(t, doc.Source.EN)
	assert.Len(t, doc.Automated, 1)

	assert.Equal(t, 1, f.vaultEvents(custos.ActionExport, r.ID), "the export is audited under the request's id")
	assert.Equal(t, 1, f.vaultEvents(custos.ActionConsentReceipt, r.ID))
	msgs := f.messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, notify.RequestAnswer, msgs[0].Template)
	assert.Equal(t, notify.Customer("C0000042"), msgs[0].To)
	assert.Equal(t, r.ID, msgs[0].Params["reference"])
	assert.Equal(t, msgs[0].ID, ans.Request.Answered)

	again, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{Out: &out})
	require.NoError(t, err)
	assert.False(t, again.Written, "a closed request writes nothing")
	assert.Equal(t, ans.Request, again.Request)
	assert.Equal(t, 1, f.vaultEvents(custos.ActionExport, r.ID))
}

func consentRemedy() any { return policy().Complaint }

// TestUnknownCustomer: a customer the vault does not hold is answered "no
// data held", an answer recorded like any other.
func TestUnknownCustomer(t *testing.T) {
	ctx := context.Background()
	for _, k := range []rights.Kind{rights.Access, rights.Portability, rights.Correction, rights.Erasure, rights.Restriction, rights.Explanation} {
		t.Run(k.String(), func(t *testing.T) {
			f := newFixture(t)
			r := f.verifiedRequest(request("form-"+k.String(), k))
			var out bytes.Buffer
			ans, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{Out: &out, Values: map[string]any{"customer.mobile": "13900000000"}})
			require.NoError(t, err)
			assert.Equal(t, rights.Fulfilled, ans.Request.State)
			assert.Contains(t, ans.Request.Outcome, "no data held")
			assert.Equal(t, "none", ans.Request.Answered, "no address to send it to: the host answers through the channel")
			if out.Len() > 0 {
				var doc struct {
					Held bool `json:"held"`
				}
				require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
				assert.False(t, doc.Held)
			}
		})
	}
}

func TestPortability(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.customer("C0000042", "customer", "lease")
	r := f.verifiedRequest(request("form-1100", rights.Portability))
	var out bytes.Buffer
	ans, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{Out: &out})
	require.NoError(t, err)
	var doc rights.PortabilityDocument
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, rights.PortabilityFormat, doc.Format)
	assert.Equal(t, "acme-leasing", doc.Recipient)
	require.NotNil(t, doc.Records)
	assert.Len(t, doc.Records.Records, 2)
	assert.Contains(t, ans.Request.Outcome, "acme-leasing", "the recipient is recorded")
}

func TestCorrection(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.customer("C0000042", "customer")
	r := f.verifiedRequest(request("form-1200", rights.Correction))
	ans, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{Values: map[string]any{"customer.mobile": "+86 139 0000 0000"}})
	require.NoError(t, err)
	assert.Equal(t, rights.Fulfilled, ans.Request.State)
	assert.Equal(t, "corrected customer.mobile; recipients told (GDPR Art. 19): credit-bureau", ans.Request.Outcome)
	rec, err := f.vault.Get(ctx, clerk, "C0000042", "customer", "mobile")
	require.NoError(t, err)
	assert.Equal(t, "13900000000", rec.Values["mobile"])
	assert.Equal(t, 1, f.vaultEvents(custos.ActionUpdate, r.ID))

	var templates []notify.TemplateID
	for _, m := range f.messages() {
		templates = append(templates, m.Template)
		if m.Template == notify.CorrectionNotice {
			assert.Equal(t, notify.Organisation("credit-bureau"), m.To)
			assert.Equal(t, "customer.mobile", m.Params["fields"])
		}
	}
	assert.ElementsMatch(t, []notify.TemplateID{notify.CorrectionNotice, notify.RequestAnswer}, templates)
}

// TestCorrectionBadValue: a value failing its kind is refused, nothing
// changed, in the vault or the request.
func TestCorrectionBadValue(t *testing.T) {
	ctx := context.Background()
	for name, values := range map[string]map[string]any{
		"not a mobile number": {"customer.mobile": "12345"},
		"another field":       {"customer.name": "李四"},
		"an extra field":      {"customer.mobile": "13900000000", "customer.name": "李四"},
		"no values":           nil,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.customer("C0000042", "customer")
			r := f.verifiedRequest(request("form-1300", rights.Correction))
			before := f.snapshot()
			_, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{Values: values})
			require.ErrorIs(t, err, rights.ErrCorrection)
			assert.NotContains(t, err.Error(), "12345")
			assert.Equal(t, before, f.snapshot(), "nothing changed")
			rec, err := f.vault.Get(ctx, clerk, "C0000042", "customer", "mobile")
			require.NoError(t, err)
			assert.Equal(t, "13800000000", rec.Values["mobile"])
		})
	}
}

// TestFulfilBeforeVerification: nothing is fulfilled before the identity
// is verified (rule R8), and nothing changes.
func TestFulfilBeforeVerification(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.customer("C0000042", "customer")
	r, err := f.desk().Submit(ctx, dpo, request("form-1400", rights.Copy))
	require.NoError(t, err)
	before := f.snapshot()
	var out bytes.Buffer
	_, err = f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{Out: &out})
	require.ErrorIs(t, err, rights.ErrNotVerified)
	assert.Zero(t, out.Len())
	assert.Equal(t, before, f.snapshot(), "nothing changed")
	assert.Zero(t, f.vaultEvents(custos.ActionExport, r.ID))
}

func TestErasure(t *testing.T) {
	ctx := context.Background()
	t.Run("destroyed", func(t *testing.T) {
		f := newFixture(t)
		f.customer("C0000042", "marketing")
		r := f.verifiedRequest(request("form-1500", rights.Erasure))
		ans, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{})
		require.NoError(t, err)
		assert.Equal(t, rights.Fulfilled, ans.Request.State)
		require.NotNil(t, ans.Certificate, "the certificate is part of the answer")
		assert.NotEmpty(t, ans.Certificate.ID)
		assert.Equal(t, r.ID, ans.Certificate.RequestID, "the certificate names the request")
		var logged []vault.Certificate
		for _, ev := range f.events.Events() {
			if ev.Action != custos.ActionForget || ev.Outcome != custos.OutcomeAllowed {
				continue
			}
			var c vault.Certificate
			require.NoError(t, json.Unmarshal([]byte(ev.Detail), &c))
			assert.Equal(t, r.ID, ev.Access.RequestID, "the erasure's event carries the request id")
			logged = append(logged, c)
		}
		require.NotEmpty(t, logged, "the certificate is in the audit log")
		for _, c := range logged {
			assert.Equal(t, ans.Certificate.ID, c.ID)
			assert.Equal(t, r.ID, c.RequestID, "the certificate in the audit log names the request")
		}
		st, err := f.vault.SubjectState(ctx, "C0000042")
		require.NoError(t, err)
		assert.Equal(t, custos.SubjectForgotten, st)
		again, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{})
		require.NoError(t, err)
		assert.Equal(t, ans.Certificate, again.Certificate)
	})
	t.Run("kept while the AML period runs", func(t *testing.T) {
		f := newFixture(t)
		f.customer("C0000042", "customer", "marketing")
		r := f.verifiedRequest(request("form-1501", rights.Erasure))
		ans, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{})
		require.NoError(t, err)
		assert.Equal(t, rights.PartiallyFulfilled, ans.Request.State)
		assert.Nil(t, ans.Certificate)
		assert.Contains(t, ans.Request.Outcome, "aml-identity (AML Art. 34) until 2036-01-31")
		st, err := f.vault.SubjectState(ctx, "C0000042")
		require.NoError(t, err)
		assert.Equal(t, custos.SubjectRestricted, st)
	})
	t.Run("refused under a legal hold", func(t *testing.T) {
		f := newFixture(t)
		f.customer("C0000042", "marketing")
		hold, err := f.retention.Place(ctx, legal, retention.Hold{Owner: "staff-007", Reason: "court case 2026-civil-0042", Subjects: []custos.SubjectID{"C0000042"}})
		require.NoError(t, err)
		r := f.verifiedRequest(request("form-1502", rights.Erasure))
		ans, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{})
		require.NoError(t, err)
		assert.Equal(t, rights.Refused, ans.Request.State)
		assert.Contains(t, ans.Request.Outcome, "court case 2026-civil-0042", "refused with the hold's reason")
		assert.NotContains(t, ans.Request.Outcome, hold.ID, "the hold's random id is not in the answer's text")
		h, err := f.desk().History(ctx, r.ID)
		require.NoError(t, err)
		assert.True(t, slices.ContainsFunc(h, func(e rights.Entry) bool { return e.Act == "erase" && strings.Contains(e.Detail, hold.ID) }),
			"the history names the hold")
		assert.Nil(t, ans.Certificate)
		st, err := f.vault.SubjectState(ctx, "C0000042")
		require.NoError(t, err)
		assert.Equal(t, custos.SubjectActive, st, "nothing changed: neither destroyed nor restricted")
		assert.Zero(t, f.vaultEvents(custos.ActionForget, r.ID)+f.vaultEvents(custos.ActionRestrict, r.ID))
	})
}

func TestRestrictionWithdrawalObjection(t *testing.T) {
	ctx := context.Background()
	t.Run("restriction", func(t *testing.T) {
		f := newFixture(t)
		f.customer("C0000042", "customer")
		r := f.verifiedRequest(request("form-1600", rights.Restriction))
		ans, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{})
		require.NoError(t, err)
		assert.Equal(t, "processing restricted to storage only", ans.Request.Outcome)
		_, err = f.vault.Get(ctx, clerk, "C0000042", "customer", "name")
		assert.ErrorIs(t, err, vault.ErrRestricted)
	})
	for _, k := range []rights.Kind{rights.Withdrawal, rights.Objection} {
		t.Run(k.String(), func(t *testing.T) {
			f := newFixture(t)
			f.customer("C0000042", "marketing")
			f.consented("C0000042")
			r := f.verifiedRequest(request("form-1601", k))
			ans, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{})
			require.NoError(t, err)
			assert.Equal(t, "consent withdrawn for marketing", ans.Request.Outcome)
			st, err := f.registry.Status(ctx, dpoReceipts, "C0000042", "marketing")
			require.NoError(t, err)
			assert.Equal(t, "withdrawn", st.State.String())
		})
	}
}

var dpoReceipts = custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "dpo"}, Purpose: "marketing"}

func TestExplanation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.customer("C0000042", "customer")
	r := f.verifiedRequest(request("form-1700", rights.Explanation))
	var out bytes.Buffer
	_, err := f.desk().Fulfil(ctx, dpo, r.ID, rights.Fulfilment{Out: &out})
	require.NoError(t, err)
	var doc rights.ExplanationDocument
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, rights.ExplanationFormat, doc.Format)
	assert.Contains(t, doc.Text.ZH, "目的「lease-servicing」")
	assert.Contains(t, doc.Text.EN, "Purpose credit-check")
	assert.Contains(t, doc.Text.EN, "Provided to: Example Credit Bureau")
	assert.Contains(t, doc.Text.EN, "Automated decision lease-score")
	assert.NotContains(t, doc.Text.EN, "Purpose marketing", "the customer holds no marketing record")
}
