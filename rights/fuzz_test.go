package rights_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/rights"
)

func storedRequest() rights.Request {
	r := request("form-fuzz", rights.Correction)
	r.ID, r.State, r.Version = rights.RequestID(r.Key), rights.InProgress, 3
	r.Due, r.FirstDue = t0.AddDate(0, 1, 0), t0.AddDate(0, 1, 0)
	r.Identity = rights.Identity{Method: "sms-otp", Evidence: "otp:1", At: t0.Add(time.Hour)}
	r.Requester = rights.Requester{Kind: rights.Relative, Relation: "child", Authority: "doc:1"}
	return r
}

// pseudonymisedRequest is a closed request kept under its customer's
// reference.
func pseudonymisedRequest() rights.Request {
	r := storedRequest()
	r.State, r.Outcome, r.Closed, r.Answered, r.Version = rights.Fulfilled, "corrected", t0.Add(2*time.Hour), "none", 6
	r.Subject, r.SubjectRef = "", "00112233445566778899aabbccddeeff"
	return r
}

// FuzzDecodeRequest: DecodeRequest never panics on stored bytes, and what
// it accepts encodes and decodes to itself.
func FuzzDecodeRequest(f *testing.F) {
	b, err := rights.EncodeRequest(storedRequest())
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"id":"rq-x","key":"k","kind":"copy","state":"received","version":1,"subject":"C1","requester":{"kind":"self"}}`))
	b, err = rights.EncodeRequest(pseudonymisedRequest())
	require.NoError(f, err)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := rights.DecodeRequest(b)
		if err != nil {
			assert.ErrorIs(t, err, rights.ErrCorrupt)
			return
		}
		again, err := rights.EncodeRequest(r)
		require.NoError(t, err)
		r2, err := rights.DecodeRequest(again)
		require.NoError(t, err)
		assert.Equal(t, r, r2)
	})
}

// FuzzDecodeEntry: DecodeEntry never panics on stored bytes, and what it
// accepts encodes and decodes to itself.
func FuzzDecodeEntry(f *testing.F) {
	b, err := rights.EncodeEntry(rights.Entry{Request: rights.RequestID("k"), Seq: 4, At: t0, Step: rights.StepDone, State: rights.InProgress,
		Actor: "staff-009", Role: custos.Role("dpo"), Act: "export", Detail: `{"sha256":"00"}`})
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"request":"r","seq":1,"step":"received","state":"received"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := rights.DecodeEntry(b)
		if err != nil {
			assert.ErrorIs(t, err, rights.ErrCorrupt)
			return
		}
		again, err := rights.EncodeEntry(e)
		require.NoError(t, err)
		e2, err := rights.DecodeEntry(again)
		require.NoError(t, err)
		assert.Equal(t, e, e2)
	})
}

// TestDecodeRefusesCorrupt: bytes that are not a stored request are
// refused with ErrCorrupt, naming no value.
func TestDecodeRefusesCorrupt(t *testing.T) {
	good, err := rights.EncodeRequest(storedRequest())
	require.NoError(t, err)
	_, err = rights.DecodeRequest(good)
	require.NoError(t, err)
	pseudo := func(edit func(*rights.Request)) string {
		r := pseudonymisedRequest()
		edit(&r)
		b, err := rights.EncodeRequest(r)
		require.NoError(t, err)
		return string(b)
	}
	good, err = rights.EncodeRequest(pseudonymisedRequest())
	require.NoError(t, err)
	_, err = rights.DecodeRequest(good)
	require.NoError(t, err, "a closed request kept under a reference decodes")
	for name, b := range map[string]string{
		"reference beside the customer": pseudo(func(r *rights.Request) { r.Subject = "C0000042" }),
		"reference of an open request":  pseudo(func(r *rights.Request) { r.State = rights.InProgress }),
		"reference not hex":             pseudo(func(r *rights.Request) { r.SubjectRef = "C0000042C0000042C0000042C0000042" }),
		"reference too short":           pseudo(func(r *rights.Request) { r.SubjectRef = "00ff" }),
		"no customer and no reference":  pseudo(func(r *rights.Request) { r.SubjectRef = "" }),
		"reference in upper-case hex":   pseudo(func(r *rights.Request) { r.SubjectRef = "00112233445566778899AABBCCDDEEFF" }),
		"not JSON":                      "{",
		"unknown field":                 `{"id":"x","extra":1}`,
		"unknown kind":                  `{"kind":"delete-everything"}`,
		"id not its key":                `{"id":"rq-other","key":"form-fuzz","kind":"copy","state":"received","version":1,"subject":"C1","requester":{"kind":"self"}}`,
		"trailing data":                 string(good) + "{}",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := rights.DecodeRequest([]byte(b))
			assert.ErrorIs(t, err, rights.ErrCorrupt)
		})
	}
}
