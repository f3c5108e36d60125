package storetest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultsFailTheArmedCall(t *testing.T) {
	tests := []struct {
		name       string
		when       When
		sticky     bool
		wantRan    []bool // whether fn ran, per call
		wantFailed []bool
	}{
		{"before", Before, false, []bool{true, false, true, true}, []bool{false, true, false, false}},
		{"after", After, false, []bool{true, true, true, true}, []bool{false, true, false, false}},
		{"sticky", Before, true, []bool{true, false, false, false}, []bool{false, true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f Faults
			f.Arm(2, tt.when, tt.sticky)
			for i := range tt.wantRan {
				ran := false
				err := f.Do("op", func() error { ran = true; return nil })
				assert.Equal(t, tt.wantRan[i], ran, "call %d ran", i+1)
				assert.Equal(t, tt.wantFailed[i], errors.Is(err, ErrInjected), "call %d failed", i+1)
			}
			assert.Equal(t, 4, f.Calls())
			assert.Equal(t, "op", f.Last())
		})
	}
}

func TestFaultsKeepTheCallsError(t *testing.T) {
	var f Faults
	boom := errors.New("boom")
	assert.ErrorIs(t, f.Do("op", func() error { return boom }), boom, "an unarmed Faults passes errors through")
	var nilFaults *Faults
	assert.ErrorIs(t, nilFaults.Do("op", func() error { return boom }), boom)
	n, err := call(&f, "op", func() (int, error) { return 7, nil })
	require.NoError(t, err)
	assert.Equal(t, 7, n)
	f.Arm(1, After, false)
	n, err = call(&f, "op", func() (int, error) { return 7, nil })
	assert.ErrorIs(t, err, ErrInjected)
	assert.Zero(t, n, "a failed call returns no result")
}

func TestEveryFaultFailsEachCallOnce(t *testing.T) {
	const calls = 5
	var failedAt []int
	EveryFault(t, Before, 20, func(t *testing.T, f *Faults) {
		for i := 1; i <= calls; i++ {
			if err := f.Do("op", func() error { return nil }); err != nil {
				failedAt = append(failedAt, i)
			}
		}
		f.Disarm()
		require.NoError(t, f.Do("rerun", func() error { return nil }))
	})
	assert.Equal(t, []int{1, 2, 3, 4, 5}, failedAt, "run k failed call k, and the run past the last call ended the loop")
}
