package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/vault"
)

// session is what one run of a command has opened. Commands build it in
// steps — stores, then keyring, then log and vault — and close it once.
type session struct {
	cfg    *Config
	stores *Stores
	keys   *keys.Keyring
	kekID  string
	log    *audit.Log
}

// open checks the database flags and opens the stores. Bad flags are
// reported before anything is opened.
func (c *Config) open(ctx context.Context, d *dbFlags, readOnly bool) (*session, error) {
	db, err := d.database(readOnly)
	if err != nil {
		return nil, err
	}
	opener := c.Open
	if opener == nil {
		opener = OpenSQLStores
	}
	st, err := opener(ctx, db)
	if err != nil {
		return nil, err
	}
	if d.needLedger && st.Ledger == nil {
		st.close()
		return nil, errors.New("the store opener returned no shred ledger")
	}
	return &session{cfg: c, stores: st}, nil
}

func (st *Stores) close() error {
	if st.Close == nil {
		return nil
	}
	return st.Close()
}

// Close closes the log, then the stores.
func (s *session) Close() error {
	var err error
	if s.log != nil {
		err = s.log.Close()
	}
	return errors.Join(err, s.stores.close())
}

// kekSource returns the KEKs: the host's, or those of the development
// files the flags name. Files are read before any store is opened, and a
// missing file is never created.
func (c *Config) kekSource(k *kekFlags) func(context.Context) (KEKs, error) {
	if c.KEKs != nil {
		return c.KEKs
	}
	return func(context.Context) (KEKs, error) {
		if k.current == "" {
			return KEKs{}, usagef("give the key-encryption key: --kek FILE (a development keyset; hosts embed the CLI with their KMS)")
		}
		var out KEKs
		var err error
		if out.Current, err = devKEK("--kek", k.current); err != nil {
			return KEKs{}, err
		}
		for _, p := range k.previous {
			prev, err := devKEK("--previous-kek", p)
			if err != nil {
				return KEKs{}, err
			}
			out.Previous = append(out.Previous, prev)
		}
		return out, nil
	}
}

func devKEK(flag, path string) (keys.KEK, error) {
	if st, err := os.Stat(path); err != nil || st.IsDir() {
		return keys.KEK{}, usagef("%s %s: no such file", flag, quote(path))
	}
	k, err := insecuredevkek.Open(path)
	if err != nil {
		return keys.KEK{}, usagef("%s %s: %v", flag, quote(path), err)
	}
	return k, nil
}

// keyring builds the Keyring over the session's stores.
func (s *session) keyring(ctx context.Context, k KEKs) (*keys.Keyring, error) {
	cfg := s.cfg.Keys
	cfg.KEK, cfg.PreviousKEKs = k.Current, k.Previous
	cfg.Store, cfg.Ledger = s.stores.Keys, s.stores.Ledger
	cfg.Clock, cfg.Logger = s.cfg.Clock, s.cfg.Logger
	kr, err := keys.New(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("build the keyring: %w", err)
	}
	s.keys, s.kekID = kr, k.Current.ID
	return kr, nil
}

// vault builds a Vault for maintenance over the session's stores and
// keyring, with the host's policies. Its authorizer refuses every
// operation: the commands run sweeps, which read no plaintext out, and
// never serve reads. Its recorder is the deployment's audit log.
func (s *session) vault(ctx context.Context) (*vault.Vault, error) {
	p := s.cfg.Policies
	if p == nil {
		return nil, usagef("this binary has no record types: embed package cli in the host's binary with cli.Config.Policies")
	}
	if s.log == nil {
		if err := s.openLog(ctx); err != nil {
			return nil, err
		}
	}
	v, err := vault.New(vault.Config{Schema: p.Schema, Search: p.Search, Keys: s.keys, Store: s.stores.Vault,
		Authorizer: refuseAll{}, Recorder: s.log, Clock: s.cfg.Clock, Logger: s.cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("build the vault: %w", err)
	}
	return v, nil
}

// openLog opens the deployment's audit log for appending, under the
// configured origin or the one its stored signing key names.
func (s *session) openLog(ctx context.Context) error {
	origin := s.cfg.Origin
	if origin == "" {
		k, err := s.stores.Audit.SigningKey(ctx)
		if errors.Is(err, audit.ErrNotFound) {
			return errors.New("the database has no audit log yet: no Log has opened it")
		}
		if err != nil {
			return fmt.Errorf("read the audit signing key: %w", err)
		}
		origin, _, _ = strings.Cut(k.Verifier, "+")
	}
	l, err := audit.New(ctx, audit.Config{Store: s.stores.Audit, Keys: s.keys, Origin: origin, Clock: s.cfg.Clock, Logger: s.cfg.Logger})
	if err != nil {
		return fmt.Errorf("open the audit log: %w", err)
	}
	s.log = l
	return nil
}

// refuseAll is the authorizer of the maintenance vault: it allows the
// maintenance access its sweeps (re-encryption and index rebuilds, which
// change stored bytes, never values: security measures, PIPL Art. 51;
// GDPR Art. 32) and refuses everything else.
type refuseAll struct{}

func (refuseAll) Authorize(_ context.Context, r custos.AccessRequest) (custos.Decision, error) {
	sweep := r.Action == custos.ActionReencrypt || r.Action == custos.ActionReindex
	if sweep && r.Access.Purpose == maintenancePurpose && r.Subject == "" {
		return custos.Decision{Allowed: true, Basis: custos.BasisLegalDuty}, nil
	}
	return custos.Decision{Reason: "operator-cli-reads-no-records"}, nil
}

// maintenancePurpose is the purpose of the CLI's sweeps.
const maintenancePurpose custos.PurposeID = "key-maintenance"

// maintenance is the access the CLI's sweeps run under, named in their
// audit events: the operating-system user running the command.
func maintenance() custos.Access { return operator(maintenancePurpose) }

// operator is the access of the operating-system user running the
// command, in role operator, for purpose p; "custos-cli" when the user
// name is no valid actor id.
func operator(p custos.PurposeID) custos.Access {
	id := "custos-cli"
	if u, err := user.Current(); err == nil && (custos.Access{Actor: custos.Actor{ID: u.Username, Role: "operator"}, Purpose: p}).Validate() == nil {
		id = u.Username
	}
	return custos.Access{Actor: custos.Actor{ID: id, Role: "operator"}, Purpose: p}
}
