-- Audit log: entries with the tree hashes they completed, the signed head,
-- the history of kept checkpoints and the encrypted signing key.
-- Entries, kept checkpoints and the signing key are append-only: triggers
-- refuse updates, deletes and truncation, so that a mistake cannot change
-- the log (a determined administrator can drop the triggers; verification
-- catches what they do then).
CREATE TABLE custos_audit_entries (
    idx    BIGINT NOT NULL PRIMARY KEY,
    entry  BYTEA  NOT NULL,
    hashes BYTEA  NOT NULL
);

CREATE TABLE custos_audit_head (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    size       BIGINT  NOT NULL,
    checkpoint BYTEA   NOT NULL
);

INSERT INTO custos_audit_head (id, size, checkpoint) VALUES (1, 0, ''::bytea);

CREATE TABLE custos_audit_checkpoints (
    size       BIGINT NOT NULL PRIMARY KEY,
    checkpoint BYTEA  NOT NULL,
    saved_at   BIGINT NOT NULL
);

CREATE TABLE custos_audit_signer (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    verifier   TEXT    NOT NULL,
    wrapped    BYTEA   NOT NULL,
    created_at BIGINT  NOT NULL
);

CREATE FUNCTION custos_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'custos audit tables are append-only';
END
$$;

CREATE TRIGGER custos_audit_entries_append_only BEFORE UPDATE OR DELETE ON custos_audit_entries
    FOR EACH ROW EXECUTE FUNCTION custos_audit_append_only();
CREATE TRIGGER custos_audit_entries_no_truncate BEFORE TRUNCATE ON custos_audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION custos_audit_append_only();
CREATE TRIGGER custos_audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON custos_audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION custos_audit_append_only();
CREATE TRIGGER custos_audit_checkpoints_no_truncate BEFORE TRUNCATE ON custos_audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION custos_audit_append_only();
CREATE TRIGGER custos_audit_signer_append_only BEFORE UPDATE OR DELETE ON custos_audit_signer
    FOR EACH ROW EXECUTE FUNCTION custos_audit_append_only();
CREATE TRIGGER custos_audit_signer_no_truncate BEFORE TRUNCATE ON custos_audit_signer
    FOR EACH STATEMENT EXECUTE FUNCTION custos_audit_append_only();
