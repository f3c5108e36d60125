package custos

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAccessCredentialAndInstanceAreOptionalIdentifiers(t *testing.T) {
	base := Access{Actor: Actor{ID: "staff-1", Role: "clerk"}, Purpose: "servicing"}
	for name, c := range map[string]struct {
		credential, instance string
		wantErr              string
	}{
		"neither":                   {},
		"both":                      {credential: "key-7f3a", instance: "api-2"},
		"credential with a space":   {credential: "key 7f3a", wantErr: "credential id"},
		"credential with a NUL":     {credential: "key\x00", wantErr: "credential id"},
		"instance with a newline":   {instance: "api\n2", wantErr: "instance id"},
		"instance that is too long": {instance: string(make([]byte, MaxIdentifierBytes+1)), wantErr: "instance id"},
	} {
		t.Run(name, func(t *testing.T) {
			a := base
			a.Credential, a.Instance = c.credential, c.instance
			err := a.Validate()
			if c.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.wantErr)
		})
	}
}

func TestAccessLogValueNamesCredentialAndInstance(t *testing.T) {
	a := Access{Actor: Actor{ID: "staff-1", Role: "clerk"}, Purpose: "servicing", Credential: "key-7f3a", Instance: "api-2"}
	s := a.LogValue().String()
	assert.Contains(t, s, "credential=key-7f3a")
	assert.Contains(t, s, "instance=api-2")
}
