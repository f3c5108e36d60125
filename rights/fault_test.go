package rights_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/storetest"
)

// lifecycle runs submit, verify, extend and refuse of one request,
// stopping at the first error, as an operator would, and returns it.
func lifecycle(f *fixture, d *rights.Desk) error {
	ctx := context.Background()
	r := request("form-0500", rights.Erasure)
	f.verified[rights.RequestID(r.Key)] = rights.Identity{Method: "sms-otp", Evidence: "otp:9"}
	if _, err := d.Submit(ctx, dpo, r); err != nil {
		return err
	}
	id := rights.RequestID(r.Key)
	if _, err := d.Verify(ctx, dpo, id); err != nil {
		return err
	}
	if _, err := d.Extend(ctx, dpo, id, "records in four systems"); err != nil {
		return err
	}
	_, err := d.Refuse(ctx, dpo, id, "GDPR Art. 17(3)(b): AML Art. 34")
	return err
}

// TestLifecycleUnderEveryFault fails each store call of a request's
// lifecycle in turn, before and after it runs, reruns the lifecycle, and
// checks that the request and its history end as in a run without faults:
// every step once, none lost or doubled.
func TestLifecycleUnderEveryFault(t *testing.T) {
	ref := newFixture(t)
	require.NoError(t, lifecycle(ref, ref.desk()))
	want := ref.snapshot()
	require.Len(t, want.history[want.requests[0].ID], 5)

	for _, when := range []storetest.When{storetest.Before, storetest.After} {
		storetest.EveryFault(t, when, 50, func(t *testing.T, faults *storetest.Faults) {
			f := newFixture(t)
			f.store = storetest.FaultyRights(f.db.Rights(), faults)
			d := f.desk()
			first := lifecycle(f, d)
			faults.Disarm()
			require.NoError(t, lifecycle(f, d), "the rerun completes (first run: %v)", first)
			got := f.snapshot()
			assert.Equal(t, want.requests, got.requests)
			assert.Equal(t, want.history, got.history)
		})
	}
}

// writes counts the documents written to it.
type writes struct{ n int }

func (w *writes) Write(p []byte) (int, error) { w.n++; return len(p), nil }

// fulfilment fulfils the three requests of the fault scenario, stopping
// at the first error, and returns the certificates the answers carried.
func fulfilment(f *fixture, out *writes) ([]string, error) {
	ctx := context.Background()
	var certs []string
	for _, key := range []string{"form-copy", "form-correct", "form-erase"} {
		ans, err := f.d.Fulfil(ctx, dpo, rights.RequestID(key), rights.Fulfilment{Out: out, Values: map[string]any{"customer.mobile": "13900000000"}})
		if ans.Certificate != nil {
			certs = append(certs, ans.Certificate.ID)
		}
		if err != nil {
			return certs, err
		}
	}
	return certs, nil
}

// fulfilmentSetup stores the customers and verified requests of the fault
// scenario through the plain stores.
func fulfilmentSetup(f *fixture) {
	f.customer("C0000042", "customer")
	f.customer("C0000043", "marketing")
	f.verifiedRequest(request("form-copy", rights.Copy))
	f.verifiedRequest(request("form-correct", rights.Correction))
	erase := request("form-erase", rights.Erasure)
	erase.Subject = "C0000043"
	f.verifiedRequest(erase)
}

// acts returns the history of every request with the details of acts
// cleared (they hold random ids: consent records, certificates).
func (s snapshot) acts() map[string][]rights.Entry {
	out := map[string][]rights.Entry{}
	for id, h := range s.history {
		for _, e := range h {
			if e.Step == rights.StepDone {
				e.Detail = ""
			}
			out[id] = append(out[id], e)
		}
	}
	return out
}

// TestFulfilmentUnderEveryFault fails each store call of the fulfilment
// of a copy, a correction and an erasure in turn — the rights, vault,
// notify and retention stores counted together — before and after it runs,
// reruns, and checks the end state of a run without faults: every request
// closed with the same outcome and the same history, one document written,
// one correction notice, one answer per request, one certificate.
func TestFulfilmentUnderEveryFault(t *testing.T) {
	ref := newFixture(t)
	fulfilmentSetup(ref)
	var refOut writes
	_, err := fulfilment(ref, &refOut)
	require.NoError(t, err)
	want := ref.snapshot()
	require.Equal(t, 1, refOut.n)

	for _, when := range []storetest.When{storetest.Before, storetest.After} {
		storetest.EveryFault(t, when, 400, func(t *testing.T, faults *storetest.Faults) {
			ctx := context.Background()
			f := newFixture(t)
			fulfilmentSetup(f)
			f.store = storetest.FaultyRights(f.db.Rights(), faults)
			f.vaultStore = storetest.FaultyVault(f.db.Vault(), faults)
			f.notifyStore = storetest.FaultyNotify(f.db.Notify(), faults)
			f.retStore = storetest.FaultyRetention(f.db.Retention(), faults)
			f.build()
			var out writes
			certs, first := fulfilment(f, &out)
			faults.Disarm()
			more, err := fulfilment(f, &out)
			require.NoError(t, err, "the rerun completes (first run: %v)", first)
			certs = append(certs, more...)

			got := f.snapshot()
			assert.Equal(t, want.requests, got.requests, "same states, outcomes and answers")
			assert.Equal(t, want.acts(), got.acts(), "every step and act once")
			assert.Equal(t, 1, out.n, "one document written")
			assert.Equal(t, want.outbox, got.outbox, "one correction notice and one answer per request")
			require.NotEmpty(t, certs)
			for _, c := range certs {
				assert.Equal(t, certs[0], c, "one certificate")
			}
			st, err := f.vault.SubjectState(ctx, "C0000043")
			require.NoError(t, err)
			assert.Equal(t, custos.SubjectForgotten, st)
			rec, err := f.vault.Get(ctx, clerk, "C0000042", "customer", "mobile")
			require.NoError(t, err)
			assert.Equal(t, "13900000000", rec.Values["mobile"])
		})
	}
}
