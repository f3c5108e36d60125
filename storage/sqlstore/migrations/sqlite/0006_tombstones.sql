-- Tombstones of forgotten customers, by pseudonymous reference only (never
-- the subject identifier). Every write to a customer checks them in its own
-- transaction; they are never deleted.
CREATE TABLE custos_tombstones (
    ref         BLOB    NOT NULL PRIMARY KEY,
    -- The destruction certificate (JSON) recorded before the erasure began;
    -- empty when Reapply placed the tombstone after a restore.
    certificate BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    -- 1 once the records, index entries and subject entry were deleted.
    done        INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- References whose DEK was shredded: CreateDEK refuses them.
CREATE TABLE custos_key_tombstones (
    ref BLOB NOT NULL PRIMARY KEY
) WITHOUT ROWID;

-- Set, with the tombstone, on every record of a customer being forgotten:
-- reads and scans skip the record from then on, in every process, before
-- its key is destroyed.
ALTER TABLE custos_records ADD COLUMN forgetting INTEGER NOT NULL DEFAULT 0;
