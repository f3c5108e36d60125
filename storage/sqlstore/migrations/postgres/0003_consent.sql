-- Consent: published notice versions, one record per customer and purpose,
-- and each record's append-only history.
CREATE TABLE custos_consent_notices (
    version      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    notice_id    TEXT    NOT NULL,
    content      BYTEA   NOT NULL,
    published_at BIGINT  NOT NULL
);

CREATE TABLE custos_consent_notice_purposes (
    version    TEXT COLLATE "C" NOT NULL REFERENCES custos_consent_notices (version),
    purpose    TEXT COLLATE "C" NOT NULL,
    generation TEXT NOT NULL,
    PRIMARY KEY (version, purpose)
);

CREATE TABLE custos_consents (
    subject        TEXT COLLATE "C" NOT NULL,
    purpose        TEXT COLLATE "C" NOT NULL,
    record_id      TEXT    NOT NULL,
    state          TEXT    NOT NULL,
    notice_version TEXT    NOT NULL,
    language       TEXT    NOT NULL,
    generation     TEXT    NOT NULL,
    minor          BOOLEAN NOT NULL,
    given_at       BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL,
    refused_at     BIGINT  NOT NULL,
    version        BIGINT  NOT NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    PRIMARY KEY (subject, purpose)
);

CREATE TABLE custos_consent_history (
    subject           TEXT COLLATE "C" NOT NULL,
    purpose           TEXT COLLATE "C" NOT NULL,
    seq               BIGINT  NOT NULL,
    at                BIGINT  NOT NULL,
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
);
