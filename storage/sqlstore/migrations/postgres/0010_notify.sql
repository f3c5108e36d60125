-- Notification outbox: one row per message, holding the customer's
-- SubjectID (or an organisation's name), the template and its
-- non-personal parameters, never an address. due_at is when an active
-- message is next due (next_at while pending, lease_until while claimed)
-- and 0 once it is sent, dead or cancelled, so that a claim reads the
-- partial index in due order.
CREATE TABLE custos_notify_messages (
    id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
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
    state        BIGINT  NOT NULL,
    attempts     BIGINT  NOT NULL,
    base         BIGINT  NOT NULL,
    next_at      BIGINT  NOT NULL,
    owner        TEXT    NOT NULL,
    lease_until  BIGINT  NOT NULL,
    due_at       BIGINT  NOT NULL,
    reason       TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

CREATE INDEX custos_notify_messages_due ON custos_notify_messages (due_at, id) WHERE due_at > 0;
CREATE INDEX custos_notify_messages_by_subject ON custos_notify_messages (subject) WHERE subject <> '';
CREATE INDEX custos_notify_messages_by_state ON custos_notify_messages (state, id);
CREATE INDEX custos_notify_messages_active_created ON custos_notify_messages (created_at) WHERE due_at > 0;

-- The delivery record of every attempt.
CREATE TABLE custos_notify_attempts (
    message     TEXT COLLATE "C" NOT NULL REFERENCES custos_notify_messages (id) ON DELETE CASCADE,
    n           BIGINT  NOT NULL,
    owner       TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    started_at  BIGINT  NOT NULL,
    finished_at BIGINT  NOT NULL,
    result      BIGINT  NOT NULL,
    reason      TEXT    NOT NULL,
    provider_id TEXT    NOT NULL,
    language    TEXT    NOT NULL,
    asked       TEXT    NOT NULL,
    confidence  TEXT    NOT NULL,
    PRIMARY KEY (message, n)
);
