-- Consent erasure: one row per forgotten customer's pseudonymous reference
-- (a tombstone every consent write checks), and the pseudonymous history
-- kept as proof of consent (GDPR Art. 7(1)) until keep_until.
CREATE TABLE custos_consent_erasures (
    ref        BLOB    NOT NULL PRIMARY KEY,
    erased_at  INTEGER NOT NULL,
    keep_until INTEGER NOT NULL,
    removed    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX custos_consent_erasures_by_keep_until ON custos_consent_erasures (keep_until) WHERE keep_until > 0;

CREATE TABLE custos_consent_proof (
    ref            BLOB    NOT NULL REFERENCES custos_consent_erasures (ref),
    purpose        TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    action         TEXT    NOT NULL,
    state          TEXT    NOT NULL,
    actor_role     TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    signal         TEXT    NOT NULL,
    notice_version TEXT    NOT NULL,
    language       TEXT    NOT NULL,
    guardian       INTEGER NOT NULL,
    reason         TEXT    NOT NULL,
    PRIMARY KEY (ref, purpose, seq)
) WITHOUT ROWID;
