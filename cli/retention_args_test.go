package cli_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/custos-go/custos/cli"
)

// TestRetentionCommandsRefuseBadPositionalArguments: each retention
// subcommand given a missing positional argument, or one it does not
// take, exits 2 (bad usage) with a message naming what it takes, and the
// database is unchanged.
func TestRetentionCommandsRefuseBadPositionalArguments(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 2)
	d.withClocks(t)
	cfg := d.config()
	cfg.Policies.Retention = retentionPolicy()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"holds release without id", d.flags("retention", "holds", "release", "--by", "legal-01"), "takes one argument, the hold id; got 0"},
		{"holds release with two ids", d.flags("retention", "holds", "release", "h-1", "h-2", "--by", "legal-01"), "takes one argument, the hold id; got 2"},
		{"holds show without id", d.flags("retention", "holds", "show"), "takes one argument, the hold id; got 0"},
		{"holds place with a stray argument", d.flags("retention", "holds", "place", "extra", "--owner", "legal-01", "--reason", "case 42"), "takes no arguments"},
		{"holds list with a stray argument", []string{"retention", "holds", "list", "extra", "--db", d.db}, "takes no arguments"},
		{"due with a stray argument", []string{"retention", "due", "2037-01-01", "--db", d.db}, "takes no arguments"},
		{"sweep with a stray argument", d.flags("retention", "sweep", "now"), "takes no arguments"},
		{"reviews with a stray argument", []string{"retention", "reviews", "2037-01-01", "--before", "2037-01-01", "--db", d.db}, "takes no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := dbFiles(t, d.dir)
			code, out, errs := run(t, cfg, tc.args...)
			assert.Equal(t, cli.ExitUsage, code, errs)
			assert.Contains(t, errs, tc.want)
			assert.Contains(t, errs, "--help")
			assert.Empty(t, out)
			assert.Equal(t, before, dbFiles(t, d.dir), "nothing changed")
		})
	}
}
