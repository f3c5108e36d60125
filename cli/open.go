package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/custos-go/custos/storage/sqlstore"
)

// OpenSQLStores opens the stores of storage/sqlstore that db names: a
// SQLite file or a PostgreSQL database, and the ledger's database when
// NeedLedger is set. It is the opener of the stock binary. A read-only
// Database is opened without migrating or writing anything; the DSN never
// appears in an error.
func OpenSQLStores(ctx context.Context, db Database) (*Stores, error) {
	opt := &sqlstore.Options{Schema: db.Schema, ReadOnly: db.ReadOnly}
	main, err := openSQL(ctx, db.Path, db.DSN, opt)
	if err != nil {
		return nil, fmt.Errorf("open the database: %w", err)
	}
	s := &Stores{Audit: main.Audit(), Keys: main.Keys(), Vault: main.Vault(), Retention: main.Retention(), Notify: main.Notify(), Rights: main.Rights(),
		Consents: main.ConsentRecords(), Consent: main.Consent(), Incidents: main.Incident(), Transfers: main.Transfer(),
		Snapshots: main.ReportSnapshots(), Close: main.Close}
	if !db.NeedLedger {
		return s, nil
	}
	led, err := openSQL(ctx, db.LedgerPath, db.LedgerDSN, &sqlstore.Options{Schema: db.LedgerSchema, ReadOnly: db.ReadOnly})
	if err != nil {
		main.Close()
		return nil, fmt.Errorf("open the ledger's database: %w", err)
	}
	s.Ledger = led.Ledger()
	s.Close = func() error { return errors.Join(main.Close(), led.Close()) }
	return s, nil
}

func openSQL(ctx context.Context, path, dsn string, opt *sqlstore.Options) (*sqlstore.DB, error) {
	if path != "" {
		return sqlstore.OpenSQLite(ctx, path, opt)
	}
	return sqlstore.OpenPostgres(ctx, dsn, opt)
}
