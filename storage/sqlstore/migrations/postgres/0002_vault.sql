-- Customer records, subject entries and blind-index entries.
CREATE TABLE custos_subjects (
    subject            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    ref                BYTEA   NOT NULL UNIQUE,
    restricted         BOOLEAN NOT NULL DEFAULT FALSE,
    restriction_ground TEXT    NOT NULL DEFAULT '',
    restricted_at      BIGINT  NOT NULL DEFAULT 0,
    -- Changes with every consent of the subject (see custos.AccessRequest).
    auth_version       BIGINT  NOT NULL DEFAULT 1,
    created_at         BIGINT  NOT NULL
);

CREATE TABLE custos_records (
    subject     TEXT COLLATE "C" NOT NULL REFERENCES custos_subjects (subject),
    record_type TEXT COLLATE "C" NOT NULL,
    envelope    BYTEA  NOT NULL,
    version     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    -- A copy of the subject's restriction, kept in step by every write, so
    -- that a read is one lookup.
    restricted         BOOLEAN NOT NULL DEFAULT FALSE,
    restriction_ground TEXT    NOT NULL DEFAULT '',
    restricted_at      BIGINT  NOT NULL DEFAULT 0,
    auth_version       BIGINT  NOT NULL DEFAULT 1,
    PRIMARY KEY (subject, record_type)
);

CREATE TABLE custos_index (
    index_name  TEXT COLLATE "C" NOT NULL,
    value       BYTEA NOT NULL,
    subject     TEXT COLLATE "C" NOT NULL,
    record_type TEXT COLLATE "C" NOT NULL,
    check_ct    BYTEA NOT NULL, -- the indexed values under the customer's DEK
    PRIMARY KEY (index_name, value, subject, record_type)
);

CREATE INDEX custos_index_by_record ON custos_index (subject, record_type, index_name);
