-- Customer records, subject entries and blind-index entries.
CREATE TABLE custos_subjects (
    subject            TEXT    NOT NULL PRIMARY KEY,
    ref                BLOB    NOT NULL UNIQUE,
    restricted         INTEGER NOT NULL DEFAULT 0,
    restriction_ground TEXT    NOT NULL DEFAULT '',
    restricted_at      INTEGER NOT NULL DEFAULT 0,
    -- Changes with every consent of the subject (see custos.AccessRequest).
    auth_version       INTEGER NOT NULL DEFAULT 1,
    created_at         INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE custos_records (
    subject     TEXT    NOT NULL REFERENCES custos_subjects (subject),
    record_type TEXT    NOT NULL,
    envelope    BLOB    NOT NULL,
    version     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    -- A copy of the subject's restriction, kept in step by every write, so
    -- that a read is one lookup.
    restricted         INTEGER NOT NULL DEFAULT 0,
    restriction_ground TEXT    NOT NULL DEFAULT '',
    restricted_at      INTEGER NOT NULL DEFAULT 0,
    auth_version       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (subject, record_type)
) WITHOUT ROWID;

CREATE TABLE custos_index (
    index_name  TEXT NOT NULL,
    value       BLOB NOT NULL,
    subject     TEXT NOT NULL,
    record_type TEXT NOT NULL,
    check_ct    BLOB NOT NULL, -- the indexed values under the customer's DEK
    PRIMARY KEY (index_name, value, subject, record_type)
) WITHOUT ROWID;

CREATE INDEX custos_index_by_record ON custos_index (subject, record_type, index_name);
