-- Key hierarchy: wrapped DEKs, named deployment keys, shred ledger.
-- Identifiers use the "C" collation so that ranges scan in byte order.
CREATE TABLE custos_deks (
    subject    TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    ref        BYTEA  NOT NULL UNIQUE,
    kek_id     TEXT   NOT NULL,
    keyset     BYTEA  NOT NULL,
    version    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE custos_named_keys (
    name       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    kek_id     TEXT   NOT NULL,
    keyset     BYTEA  NOT NULL,
    version    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE custos_shred_ledger (
    ref         BYTEA  NOT NULL PRIMARY KEY,
    shredded_at BIGINT NOT NULL
);
