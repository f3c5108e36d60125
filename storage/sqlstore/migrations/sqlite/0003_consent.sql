-- Consent: published notice versions, one record per customer and purpose,
-- and each record's append-only history.
CREATE TABLE custos_consent_notices (
    version      TEXT    NOT NULL PRIMARY KEY,
    notice_id    TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    published_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE custos_consent_notice_purposes (
    version    TEXT NOT NULL REFERENCES custos_consent_notices (version),
    purpose    TEXT NOT NULL,
    generation TEXT NOT NULL,
    PRIMARY KEY (version, purpose)
) WITHOUT ROWID;

CREATE TABLE custos_consents (
    subject        TEXT    NOT NULL,
    purpose        TEXT    NOT NULL,
    record_id      TEXT    NOT NULL,
    state          TEXT    NOT NULL,
    notice_version TEXT    NOT NULL,
    language       TEXT    NOT NULL,
    generation     TEXT    NOT NULL,
    minor          INTEGER NOT NULL,
    given_at       INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    refused_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (subject, purpose)
) WITHOUT ROWID;

CREATE TABLE custos_consent_history (
    subject           TEXT    NOT NULL,
    purpose           TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    at                INTEGER NOT NULL,
    action            TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    actor_id          TEXT    NOT NULL,
    actor_role        TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    signal            TEXT    NOT NULL,
    notice_version    TEXT    NOT NULL,
    language          TEXT    NOT NULL,
    evidence          TEXT    NOT NULL,
    guardian_id       TEXT    NOT NULL,
    guardian_relation TEXT    NOT NULL,
    reason            TEXT    NOT NULL,
    request_id        TEXT    NOT NULL,
    PRIMARY KEY (subject, purpose, seq),
    FOREIGN KEY (subject, purpose) REFERENCES custos_consents (subject, purpose)
) WITHOUT ROWID;
