package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// indexCommand holds the commands of an online blind-index key rotation:
// rotate, then rebuild, then retire the old version.
func indexCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "index",
		Short: "Rotate the blind-index key online: rotate, rebuild, retire",
		Long: `An index key rotation runs in three steps, while the services keep serving:

  index rotate    creates the next index key; writes index under both keys and
                  searches look in both from then on
  index rebuild   indexes every stored record under the newest key
  index retire    deletes the entries and the key of an older version`,
	})
	cmd.AddCommand(indexRotateCommand(c), indexRebuildCommand(c), indexRetireCommand(c))
	return cmd
}

// indexVersions lists the live index key versions, oldest first.
func indexVersions(ctx context.Context, kr *keys.Keyring) ([]int, error) {
	infos, err := kr.NamedKeysets(ctx, vault.IndexKeyPrefix)
	if err != nil {
		return nil, fmt.Errorf("list the index keys: %w", err)
	}
	var vs []int
	for _, k := range infos {
		if n, err := strconv.Atoi(strings.TrimPrefix(k.Name, vault.IndexKeyPrefix)); err == nil {
			vs = append(vs, n)
		}
	}
	return vs, nil
}

func indexRotateCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rotate --db FILE --ledger FILE --kek FILE",
		Short: "Create the next blind-index key version (step 1 of 3)",
		Args:  noArgs,
	}
	f := addKeyringFlags(c, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, v, err := f.startVault(c, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		next, err := v.RotateIndexKey(cmd.Context())
		if errors.Is(err, vault.ErrConfig) {
			return usagef("%v", err)
		}
		if err != nil {
			return fmt.Errorf("index rotate: %w", err)
		}
		return f.print(cmd, result{struct {
			Version int `json:"version"`
		}{next}, fmt.Sprintf("index key version %d created; every vault instance indexes under it within its key refresh; next: %s index rebuild", next, cmd.Root().Name())})
	}
	return cmd
}

// rebuildJSON is what `index rebuild --json` prints.
type rebuildJSON struct {
	Version int   `json:"version"`
	Records int64 `json:"records"`
}

func indexRebuildCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rebuild --db FILE --ledger FILE --kek FILE [--resume FILE]",
		Short: "Index every stored record under the newest index key (step 2 of 3)",
		Long: `Rebuild indexes every stored record under the newest index key, record types
in name order and customers in order, with bounded memory. It is safe while
the services run and to run again.`,
		Args: noArgs,
	}
	f := addSweepFlags(c, cmd, "index rebuild", true)
	f.addBatch(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return f.run(c, cmd, "indexing records", nil, func(ctx context.Context, s *session, v *vault.Vault, state *resumeState, batchDone func(int64, int64)) (result, error) {
			vs, err := indexVersions(ctx, s.keys)
			if err != nil {
				return result{}, err
			}
			if len(vs) > 0 && state.Version != 0 && state.Version != vs[len(vs)-1] {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: the progress file is of index key version %d, the newest is %d: starting from the beginning\n", state.Version, vs[len(vs)-1])
				*state = resumeState{Command: state.Command}
			}
			res, err := v.RebuildIndex(ctx, maintenance(), vault.RebuildOptions{Type: state.Type, After: custos.SubjectID(state.After), BatchSize: *f.batch,
				Progress: func(rp vault.RebuildProgress) {
					state.Type, state.After, state.Version = rp.Type, string(rp.Checkpoint), rp.Version
					batchDone(rp.Records, -1)
				}})
			if errors.Is(err, vault.ErrConfig) {
				err = usagef("%v", err)
			}
			return result{rebuildJSON{Version: res.Version, Records: res.Records},
				fmt.Sprintf("indexed %d records under index key version %d", res.Records, res.Version)}, err
		})
	}
	return cmd
}

func indexRetireCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "retire --db FILE --ledger FILE --kek FILE --version N",
		Short: "Delete the entries and key of an older index key version (step 3 of 3)",
		Long: `Retire deletes every index entry made under the given older version, then the
key itself. It refuses the newest version, and refuses (exit 1) until the
newest key is old enough for every vault instance to search under it. Run
index rebuild to completion first.`,
		Args: noArgs,
	}
	f := addKeyringFlags(c, cmd, true)
	version := addCount(cmd, "version", 0, 1<<30, "the index key `version` to retire")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *version == 0 {
			return usagef("give the index key version to retire: --version N")
		}
		s, v, err := f.startVault(c, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		err = v.RetireIndexKey(cmd.Context(), *version)
		switch {
		case errors.Is(err, vault.ErrConfig), errors.Is(err, vault.ErrNotFound):
			return usagef("%v", err)
		case errors.Is(err, vault.ErrTooSoon):
			return fmt.Errorf("index retire: %w: rerun once every vault instance has refreshed its index keys (twice the key refresh after the rotation)", err)
		case err != nil:
			return fmt.Errorf("index retire: %w", err)
		}
		return f.print(cmd, result{struct {
			Retired int `json:"retired"`
		}{*version}, fmt.Sprintf("index key version %d retired: its entries and its key are deleted", *version)})
	}
	return cmd
}
