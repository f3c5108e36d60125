-- Audit lookup indexes: for each entry of custos_audit_entries, the keys a
-- query by actor, role and time, or by customer reference, is answered
-- through (audit.IndexedStore), written in the same transaction as the
-- entry. They hold no personal data: the customer is the entry's keyed
-- pseudonymous reference. Entries logged before this migration are indexed
-- when the database is next opened read-write. Append-only, like the log.
CREATE TABLE custos_audit_lookup (
    idx    BIGINT NOT NULL PRIMARY KEY,
    at     BIGINT NOT NULL,
    actor  TEXT   NOT NULL,
    role   TEXT   NOT NULL,
    period TEXT   NOT NULL,
    ref    BYTEA
);

CREATE INDEX custos_audit_by_actor ON custos_audit_lookup (actor, at, idx);
CREATE INDEX custos_audit_by_role ON custos_audit_lookup (role, at, idx);
CREATE INDEX custos_audit_by_ref ON custos_audit_lookup (period, ref, idx);

-- The reference periods entries name, with the first entry of each.
CREATE TABLE custos_audit_periods (
    period    TEXT   NOT NULL PRIMARY KEY,
    first_idx BIGINT NOT NULL
);

CREATE TRIGGER custos_audit_lookup_append_only BEFORE UPDATE OR DELETE ON custos_audit_lookup
    FOR EACH ROW EXECUTE FUNCTION custos_audit_append_only();
CREATE TRIGGER custos_audit_lookup_no_truncate BEFORE TRUNCATE ON custos_audit_lookup
    FOR EACH STATEMENT EXECUTE FUNCTION custos_audit_append_only();
