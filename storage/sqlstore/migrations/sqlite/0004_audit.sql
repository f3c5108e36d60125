-- Audit log: entries with the tree hashes they completed, the signed head,
-- the history of kept checkpoints and the encrypted signing key.
-- Entries, kept checkpoints and the signing key are append-only: triggers
-- refuse updates and deletes, so that a mistake cannot change the log (a
-- determined administrator can drop the triggers; verification catches
-- what they do then).
CREATE TABLE custos_audit_entries (
    idx    INTEGER NOT NULL PRIMARY KEY,
    entry  BLOB    NOT NULL,
    hashes BLOB    NOT NULL
);

CREATE TABLE custos_audit_head (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    size       INTEGER NOT NULL,
    checkpoint BLOB    NOT NULL
);

INSERT INTO custos_audit_head (id, size, checkpoint) VALUES (1, 0, X'');

CREATE TABLE custos_audit_checkpoints (
    size       INTEGER NOT NULL PRIMARY KEY,
    checkpoint BLOB    NOT NULL,
    saved_at   INTEGER NOT NULL
);

CREATE TABLE custos_audit_signer (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    verifier   TEXT    NOT NULL,
    wrapped    BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TRIGGER custos_audit_entries_no_update BEFORE UPDATE ON custos_audit_entries
BEGIN SELECT RAISE(ABORT, 'custos audit entries are append-only'); END;

CREATE TRIGGER custos_audit_entries_no_delete BEFORE DELETE ON custos_audit_entries
BEGIN SELECT RAISE(ABORT, 'custos audit entries are append-only'); END;

CREATE TRIGGER custos_audit_checkpoints_no_update BEFORE UPDATE ON custos_audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'custos audit checkpoints are append-only'); END;

CREATE TRIGGER custos_audit_checkpoints_no_delete BEFORE DELETE ON custos_audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'custos audit checkpoints are append-only'); END;

CREATE TRIGGER custos_audit_signer_no_update BEFORE UPDATE ON custos_audit_signer
BEGIN SELECT RAISE(ABORT, 'the custos audit signing key cannot change'); END;

CREATE TRIGGER custos_audit_signer_no_delete BEFORE DELETE ON custos_audit_signer
BEGIN SELECT RAISE(ABORT, 'the custos audit signing key cannot change'); END;
