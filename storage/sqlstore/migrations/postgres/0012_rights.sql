-- Data-subject requests: one row per request, its document (the
-- rights.Request as JSON, rights.EncodeRequest) beside the columns the
-- store queries; the due index covers open requests only; the history is
-- append-only, one row per entry (rights.EncodeEntry).
CREATE TABLE custos_rights_requests (
    id      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    subject TEXT    NOT NULL,
    state   TEXT    NOT NULL,
    is_open INTEGER NOT NULL,
    due     BIGINT  NOT NULL,
    version BIGINT  NOT NULL,
    request BYTEA   NOT NULL
);

CREATE INDEX custos_rights_requests_due ON custos_rights_requests (due, id) WHERE is_open = 1;

CREATE TABLE custos_rights_history (
    request TEXT COLLATE "C" NOT NULL REFERENCES custos_rights_requests (id),
    seq     BIGINT  NOT NULL,
    entry   BYTEA   NOT NULL,
    PRIMARY KEY (request, seq)
);
