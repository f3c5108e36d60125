package insecuredevkek_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/custos-go/custos/keys/insecuredevkek"
)

// FuzzOpenSource feeds arbitrary bytes to the key source file decoder: it
// must refuse or open them without panicking, leave a refused file
// untouched, and serve every listed key or refuse it with an error.
func FuzzOpenSource(f *testing.F) {
	f.Add([]byte(`{"keys":{},"destroyed":[]}`))
	f.Add([]byte(`{"keys":{"k1":{"primaryKeyId":1,"key":[]}},"destroyed":["k0"]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		path := filepath.Join(t.TempDir(), "source.json")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := insecuredevkek.OpenSource(path)
		if err != nil {
			left, rerr := os.ReadFile(path)
			if rerr != nil || string(left) != string(raw) {
				t.Fatal("a refused file was changed")
			}
			return
		}
		ctx := context.Background()
		names, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			s.AEAD(ctx, n) // a malformed keyset is an error, never a panic
		}
	})
}
