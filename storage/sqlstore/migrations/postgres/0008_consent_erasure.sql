-- Consent erasure: one row per forgotten customer's pseudonymous reference
-- (a tombstone every consent write checks), and the pseudonymous history
-- kept as proof of consent (GDPR Art. 7(1)) until keep_until.
CREATE TABLE custos_consent_erasures (
    ref        BYTEA  NOT NULL PRIMARY KEY,
    erased_at  BIGINT NOT NULL,
    keep_until BIGINT NOT NULL,
    removed    BIGINT NOT NULL
);

CREATE INDEX custos_consent_erasures_by_keep_until ON custos_consent_erasures (keep_until) WHERE keep_until > 0;

CREATE TABLE custos_consent_proof (
    ref            BYTEA   NOT NULL REFERENCES custos_consent_erasures (ref),
    purpose        TEXT COLLATE "C" NOT NULL,
    seq            BIGINT  NOT NULL,
    at             BIGINT  NOT NULL,
    action         TEXT    NOT NULL,
    state          TEXT    NOT NULL,
    actor_role     TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    signal         TEXT    NOT NULL,
    notice_version TEXT    NOT NULL,
    language       TEXT    NOT NULL,
    guardian       BOOLEAN NOT NULL,
    reason         TEXT    NOT NULL,
    PRIMARY KEY (ref, purpose, seq)
);
