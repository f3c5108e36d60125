// Package sqlstore implements every custos store on database/sql, with two
// dialects: SQLite through modernc.org/sqlite (the embedded default: pure
// Go, nothing to install) and PostgreSQL through
// github.com/jackc/pgx/v5/stdlib (which also serves PostgreSQL-wire
// distributed engines).
//
// [OpenSQLite] and [OpenPostgres] return a [DB] whose methods Keys, Ledger,
// Vault, Consent and Audit return the views that packages keys, vault,
// consent and audit take. The schema
// is created and upgraded on open by embedded, versioned migrations
// (migrations/<dialect>/NNNN_name.sql), each applied once in its own
// transaction and recorded in table custos_migrations.
//
// Keep the shred ledger apart from backups of the main database: open a
// second DB (another SQLite file, or another PostgreSQL database or schema
// with its own backup policy) and pass its Ledger to keys.Config.
//
// SQLite databases are opened in WAL mode with synchronous=FULL, so a
// call returns only once its write is durable.
//
// # Errors
//
// Calls after Close return errors wrapping custos.ErrClosed; otherwise the
// sentinels each store interface documents, or a wrapped database error.
// [ErrConnect] reports a database that cannot be opened or reached. No error
// contains a connection string or a stored value.
//
// # Concurrency
//
// A DB is safe for concurrent use, and several processes may open the same
// database: every write is one transaction.
package sqlstore
