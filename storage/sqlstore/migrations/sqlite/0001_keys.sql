-- Key hierarchy: wrapped DEKs, named deployment keys, shred ledger.
CREATE TABLE custos_deks (
    subject    TEXT    NOT NULL PRIMARY KEY,
    ref        BLOB    NOT NULL UNIQUE,
    kek_id     TEXT    NOT NULL,
    keyset     BLOB    NOT NULL,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE custos_named_keys (
    name       TEXT    NOT NULL PRIMARY KEY,
    kek_id     TEXT    NOT NULL,
    keyset     BLOB    NOT NULL,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE custos_shred_ledger (
    ref         BLOB    NOT NULL PRIMARY KEY,
    shredded_at INTEGER NOT NULL
) WITHOUT ROWID;
