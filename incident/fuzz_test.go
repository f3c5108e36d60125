package incident_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/incident"
)

// FuzzDecode feeds the decoder of stored incidents arbitrary bytes: it
// never panics, and what it accepts encodes back to an encoding it accepts
// as the same incident.
func FuzzDecode(f *testing.F) {
	inc := incident.Incident{ID: "INC-1", Detected: t0, Aware: t0.Add(time.Minute), Kind: incident.KindLeak, Cause: "c",
		Categories: []incident.Category{{RecordType: "customer", Fields: []incident.Field{{Name: "mobile", Class: custos.Class{Level: custos.C2}}}}},
		People:     3, State: incident.StateAnalysing, Version: 2, Steps: 2, LastStep: t0,
		Obligations: []incident.Obligation{{ID: "gdpr-initial", Regime: incident.RegimeGDPR, Duty: incident.DutyInitialReport, Due: t0}}}
	b, err := incident.Encode(inc)
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte{1})
	f.Add([]byte{1, '{', '}'})
	f.Add(append(append([]byte{}, b...), ' ', '{', '}'))
	f.Add([]byte{2, '{', '}'})
	f.Fuzz(func(t *testing.T, b []byte) {
		inc, err := incident.Decode(b)
		if err != nil {
			require.ErrorIs(t, err, incident.ErrInvalid)
			return
		}
		again, err := incident.Encode(inc)
		require.NoError(t, err)
		back, err := incident.Decode(again)
		require.NoError(t, err)
		require.Equal(t, again, mustEncode(t, back))
	})
}

func mustEncode(t *testing.T, i incident.Incident) []byte {
	b, err := incident.Encode(i)
	require.NoError(t, err)
	return b
}
