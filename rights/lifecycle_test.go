package rights_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/rights"
)

// TestLifecycle walks a request from receipt to refusal and checks the
// stored request, its append-only history, and one audit event per step
// under the request's id.
func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := f.desk()

	r, err := d.Submit(ctx, dpo, request("form-0001", rights.Erasure))
	require.NoError(t, err)
	assert.Equal(t, rights.RequestID("form-0001"), r.ID)
	assert.Equal(t, rights.Received, r.State)
	assert.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), r.Due, "GDPR: one month, end-of-month rule")

	f.verified[r.ID] = rights.Identity{Method: "sms-otp", Evidence: "otp:5521"}
	f.now = f.now.Add(time.Hour)
	r, err = d.Verify(ctx, dpo, r.ID)
	require.NoError(t, err)
	assert.Equal(t, rights.Verified, r.State)
	assert.Equal(t, rights.Identity{Method: "sms-otp", Evidence: "otp:5521", At: f.now}, r.Identity)

	r, err = d.Start(ctx, dpo, r.ID)
	require.NoError(t, err)
	assert.Equal(t, rights.InProgress, r.State)

	f.now = t0.AddDate(0, 0, 20)
	r, err = d.Extend(ctx, dpo, r.ID, "the customer holds records in four systems")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), r.Due, "three months from receipt")
	assert.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), r.FirstDue)

	r, err = d.Refuse(ctx, dpo, r.ID, "GDPR Art. 17(3)(b): AML Art. 34 requires the records")
	require.NoError(t, err)
	assert.Equal(t, rights.Refused, r.State)
	assert.Equal(t, f.now, r.Closed)
	assert.False(t, r.Open())

	stored, err := d.Get(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, r, stored)
	h, err := d.History(ctx, r.ID)
	require.NoError(t, err)
	var steps []rights.Step
	var states []rights.State
	for i, e := range h {
		assert.Equal(t, int64(i+1), e.Seq)
		assert.Equal(t, "staff-009", e.Actor)
		steps, states = append(steps, e.Step), append(states, e.State)
	}
	assert.Equal(t, []rights.Step{rights.StepReceived, rights.StepVerified, rights.StepStarted, rights.StepExtended, rights.StepRefused, rights.StepAnswered}, steps)
	assert.Equal(t, []rights.State{rights.Received, rights.Verified, rights.InProgress, rights.InProgress, rights.Refused, rights.Refused}, states)
	assert.Equal(t, "none", r.Answered, "the vault does not hold the customer: no address to send the answer to")
	assert.Equal(t, "sms-otp", h[1].Reason)
	assert.Equal(t, "the customer holds records in four systems", h[3].Reason)
	assert.Equal(t, int64(len(h)), r.Version)

	events := rightsEvents(f)
	require.Len(t, events, len(h), "one audit event per step")
	wantActions := []custos.Action{rights.ActionSubmit, rights.ActionVerify, rights.ActionStart, rights.ActionExtend, rights.ActionRefuse, rights.ActionAnswer}
	for i, ev := range events {
		assert.Equal(t, wantActions[i], ev.Action)
		assert.Equal(t, r.ID, ev.Access.RequestID, "under the request's id")
		assert.Equal(t, custos.SubjectID("C0000042"), ev.Subject)
		assert.Equal(t, custos.OutcomeAllowed, ev.Outcome)
		var detail map[string]string
		require.NoError(t, json.Unmarshal([]byte(ev.Detail), &detail))
		assert.Equal(t, r.ID, detail["request"])
		assert.Equal(t, "erasure", detail["kind"])
	}
}

// TestRerunIsIdempotent: every step repeated changes nothing and records
// nothing more; a second submission under the key returns the request.
func TestRerunIsIdempotent(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := f.desk()
	r, err := d.Submit(ctx, dpo, request("form-0002", rights.Access))
	require.NoError(t, err)
	f.verified[r.ID] = rights.Identity{Method: "app-session", Evidence: "session:77"}
	_, err = d.Verify(ctx, dpo, r.ID)
	require.NoError(t, err)
	_, err = d.Extend(ctx, dpo, r.ID, "complex request")
	require.NoError(t, err)
	_, err = d.Refuse(ctx, dpo, r.ID, "manifestly unfounded (GDPR Art. 12(5))")
	require.NoError(t, err)
	before := f.snapshot()

	again, err := d.Submit(ctx, dpo, request("form-0002", rights.Access))
	require.NoError(t, err)
	assert.Equal(t, before.requests[0], again)
	_, err = d.Verify(ctx, dpo, r.ID)
	require.NoError(t, err)
	_, err = d.Refuse(ctx, dpo, r.ID, "manifestly unfounded (GDPR Art. 12(5))")
	require.NoError(t, err)
	assert.Equal(t, before, f.snapshot())
}

// TestRefuseBeforeVerification: an identity that cannot be verified ends
// in a refusal with its reason (GDPR Art. 12(6)).
func TestRefuseBeforeVerification(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := f.desk()
	r, err := d.Submit(ctx, dpo, request("form-0003", rights.Copy))
	require.NoError(t, err)
	_, err = d.Verify(ctx, dpo, r.ID)
	require.ErrorIs(t, err, rights.ErrVerification)
	got, err := d.Get(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, rights.Received, got.State, "an unverified requester leaves the request received")
	r, err = d.Refuse(ctx, dpo, r.ID, "identity could not be verified (GDPR Art. 12(6))")
	require.NoError(t, err)
	assert.Equal(t, rights.Refused, r.State)
}

// TestRelativeRequest: a close relative of a deceased customer, with the
// relation stated, may ask for a copy (PIPL Art. 49).
func TestRelativeRequest(t *testing.T) {
	ctx := context.Background()
	d := newFixture(t).desk()
	req := request("form-0004", rights.Copy)
	req.Requester = rights.Requester{Kind: rights.Relative, Relation: "child", Authority: "doc:death-cert/0042"}
	r, err := d.Submit(ctx, dpo, req)
	require.NoError(t, err)
	assert.Equal(t, req.Requester, r.Requester)
}

func TestPIPLRegime(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := f.desk()
	req := request("form-0005", rights.Explanation)
	req.Regime = "pipl"
	r, err := d.Submit(ctx, dpo, req)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 2, 15, 16, 0, 0, 0, time.UTC), r.Due, "15 days, counted in Beijing time: 31 January 18:00 there")
	_, err = d.Extend(ctx, dpo, r.ID, "complex")
	assert.ErrorIs(t, err, rights.ErrExtension, "the host's PIPL regime provides no extension")
}

// rightsEvents returns the audit events of the rights package.
func rightsEvents(f *fixture) []custos.Event {
	var out []custos.Event
	for _, e := range f.events.Events() {
		if strings.HasPrefix(string(e.Action), "rights.") {
			out = append(out, e)
		}
	}
	return out
}
