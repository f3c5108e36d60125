-- Data-subject requests: one row per request, its document (the
-- rights.Request as JSON, rights.EncodeRequest) beside the columns the
-- store queries; the due index covers open requests only; the history is
-- append-only, one row per entry (rights.EncodeEntry).
CREATE TABLE custos_rights_requests (
    id      TEXT    NOT NULL PRIMARY KEY,
    subject TEXT    NOT NULL,
    state   TEXT    NOT NULL,
    is_open INTEGER NOT NULL,
    due     INTEGER NOT NULL,
    version INTEGER NOT NULL,
    request BLOB    NOT NULL
) WITHOUT ROWID;

CREATE INDEX custos_rights_requests_due ON custos_rights_requests (due, id) WHERE is_open = 1;

CREATE TABLE custos_rights_history (
    request TEXT    NOT NULL REFERENCES custos_rights_requests (id),
    seq     INTEGER NOT NULL,
    entry   BLOB    NOT NULL,
    PRIMARY KEY (request, seq)
) WITHOUT ROWID;
