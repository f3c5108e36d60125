-- Audit lookup indexes: for each entry of custos_audit_entries, the keys a
-- query by actor, role and time, or by customer reference, is answered
-- through (audit.IndexedStore), written in the same transaction as the
-- entry. They hold no personal data: the customer is the entry's keyed
-- pseudonymous reference. Entries logged before this migration are indexed
-- when the database is next opened read-write. Append-only, like the log.
CREATE TABLE custos_audit_lookup (
    idx    INTEGER NOT NULL PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT    NOT NULL,
    role   TEXT    NOT NULL,
    period TEXT    NOT NULL,
    ref    BLOB
);

CREATE INDEX custos_audit_by_actor ON custos_audit_lookup (actor, at, idx);
CREATE INDEX custos_audit_by_role ON custos_audit_lookup (role, at, idx);
CREATE INDEX custos_audit_by_ref ON custos_audit_lookup (period, ref, idx);

-- The reference periods entries name, with the first entry of each.
CREATE TABLE custos_audit_periods (
    period    TEXT    NOT NULL PRIMARY KEY,
    first_idx INTEGER NOT NULL
);

CREATE TRIGGER custos_audit_lookup_no_update BEFORE UPDATE ON custos_audit_lookup
BEGIN SELECT RAISE(ABORT, 'custos audit lookup rows are append-only'); END;

CREATE TRIGGER custos_audit_lookup_no_delete BEFORE DELETE ON custos_audit_lookup
BEGIN SELECT RAISE(ABORT, 'custos audit lookup rows are append-only'); END;
