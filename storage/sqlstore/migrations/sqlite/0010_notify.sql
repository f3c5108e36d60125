-- Notification outbox: one row per message, holding the customer's
-- SubjectID (or an organisation's name), the template and its
-- non-personal parameters, never an address. due_at is when an active
-- message is next due (next_at while pending, lease_until while claimed)
-- and 0 once it is sent, dead or cancelled, so that a claim reads the
-- partial index in due order.
CREATE TABLE custos_notify_messages (
    id           TEXT    NOT NULL PRIMARY KEY,
    idem_key     TEXT    NOT NULL UNIQUE,
    subject      TEXT    NOT NULL,
    organisation TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    template     TEXT    NOT NULL,
    params       TEXT    NOT NULL,
    actor_id     TEXT    NOT NULL,
    actor_role   TEXT    NOT NULL,
    purpose      TEXT    NOT NULL,
    request_id   TEXT    NOT NULL,
    state        INTEGER NOT NULL,
    attempts     INTEGER NOT NULL,
    base         INTEGER NOT NULL,
    next_at      INTEGER NOT NULL,
    owner        TEXT    NOT NULL,
    lease_until  INTEGER NOT NULL,
    due_at       INTEGER NOT NULL,
    reason       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX custos_notify_messages_due ON custos_notify_messages (due_at, id) WHERE due_at > 0;
CREATE INDEX custos_notify_messages_by_subject ON custos_notify_messages (subject) WHERE subject <> '';
CREATE INDEX custos_notify_messages_by_state ON custos_notify_messages (state, id);
CREATE INDEX custos_notify_messages_active_created ON custos_notify_messages (created_at) WHERE due_at > 0;

-- The delivery record of every attempt.
CREATE TABLE custos_notify_attempts (
    message     TEXT    NOT NULL REFERENCES custos_notify_messages (id) ON DELETE CASCADE,
    n           INTEGER NOT NULL,
    owner       TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    result      INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    provider_id TEXT    NOT NULL,
    language    TEXT    NOT NULL,
    asked       TEXT    NOT NULL,
    confidence  TEXT    NOT NULL,
    PRIMARY KEY (message, n)
) WITHOUT ROWID;
