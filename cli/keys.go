package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// keysCommand holds the key-management commands.
func keysCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "keys",
		Short: "Rotate key-encryption keys and close erasure epochs",
	})
	cmd.AddCommand(keysRotateCommand(c), epochsCommand(c))
	return cmd
}

// rotateJSON is what `keys rotate --json` prints.
type rotateJSON struct {
	KEK       string `json:"kek_id"`
	Total     int64  `json:"total"`
	Seen      int64  `json:"seen"`
	Rewrapped int64  `json:"rewrapped"`
}

func keysRotateCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rotate --db FILE --ledger FILE --kek NEW --previous-kek OLD...",
		Short: "Rewrap every stored keyset under the current KEK (KEK rotation)",
		Long: `Rotate moves every stored keyset — the named deployment keys, then each
customer's DEK — under the current KEK, unwrapping with the previous KEKs.
Field ciphertexts are not touched. It is safe while the services run and to
run again: keysets already under the current KEK are skipped. When it
completes, the previous KEKs can be removed from the configuration.`,
		Args: noArgs,
	}
	f := addSweepFlags(c, cmd, "keys rotate", false)
	f.addBatch(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return f.run(c, cmd, "rewrapping DEKs", nil, func(ctx context.Context, s *session, _ *vault.Vault, state *resumeState, batchDone func(int64, int64)) (result, error) {
			res, err := s.keys.Rewrap(ctx, keys.RewrapOptions{After: custos.SubjectID(state.After), BatchSize: *f.batch,
				Progress: func(rp keys.RewrapProgress) {
					state.After = string(rp.Checkpoint)
					batchDone(rp.Seen, rp.Total)
				}})
			out := rotateJSON{KEK: s.kekID, Total: res.Total, Seen: res.Seen, Rewrapped: res.Rewrapped}
			return result{out, fmt.Sprintf("rewrapped %d of the %d DEKs examined under KEK %s; the others already were", out.Rewrapped, out.Seen, out.KEK)}, err
		})
	}
	return cmd
}
