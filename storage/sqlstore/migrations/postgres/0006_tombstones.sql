-- Tombstones of forgotten customers, by pseudonymous reference only (never
-- the subject identifier). Every write to a customer checks them in its own
-- transaction, after a transaction-scoped advisory lock keyed by the
-- reference; they are never deleted.
CREATE TABLE custos_tombstones (
    ref         BYTEA   NOT NULL PRIMARY KEY,
    -- The destruction certificate (JSON) recorded before the erasure began;
    -- empty when Reapply placed the tombstone after a restore.
    certificate BYTEA   NOT NULL,
    created_at  BIGINT  NOT NULL,
    -- TRUE once the records, index entries and subject entry were deleted.
    done        BOOLEAN NOT NULL DEFAULT FALSE
);

-- References whose DEK was shredded: CreateDEK refuses them.
CREATE TABLE custos_key_tombstones (
    ref BYTEA NOT NULL PRIMARY KEY
);

-- Set, with the tombstone, on every record of a customer being forgotten:
-- reads and scans skip the record from then on, in every process, before
-- its key is destroyed.
ALTER TABLE custos_records ADD COLUMN forgetting BOOLEAN NOT NULL DEFAULT FALSE;
