package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

// vaultCommand holds the maintenance commands of customer records.
func vaultCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "vault",
		Short: "Maintain customer records: re-encrypt after DEK rotations",
	})
	cmd.AddCommand(vaultReencryptCommand(c))
	return cmd
}

// reencryptJSON is what `vault reencrypt --json` prints.
type reencryptJSON struct {
	Seen        int64 `json:"seen"`
	Reencrypted int64 `json:"reencrypted"`
}

func vaultReencryptCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reencrypt --db FILE --ledger FILE --kek FILE [--resume FILE]",
		Short: "Re-encrypt every record holding a field under a customer's older DEK",
		Long: `Reencrypt is the sweep that follows DEK rotations: every record holding a field
encrypted under a key other than its customer's current primary key is
encrypted again under it, inside the vault (no plaintext leaves it). Records
already current are left alone, forgotten customers skipped; it is safe while
the services run and to run again.`,
		Args: noArgs,
	}
	f := addSweepFlags(c, cmd, "vault reencrypt", true)
	f.addBatch(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return f.run(c, cmd, "re-encrypting records", nil, func(ctx context.Context, _ *session, v *vault.Vault, state *resumeState, batchDone func(int64, int64)) (result, error) {
			res, err := v.Reencrypt(ctx, maintenance(), vault.ReencryptOptions{Type: state.Type, After: custos.SubjectID(state.After), BatchSize: *f.batch,
				Progress: func(rp vault.ReencryptProgress) {
					state.Type, state.After = rp.Type, string(rp.Checkpoint)
					batchDone(rp.Seen, -1)
				}})
			return result{reencryptJSON{Seen: res.Seen, Reencrypted: res.Reencrypted},
				fmt.Sprintf("re-encrypted %d of the %d records examined; the others were current", res.Reencrypted, res.Seen)}, err
		})
	}
	return cmd
}
