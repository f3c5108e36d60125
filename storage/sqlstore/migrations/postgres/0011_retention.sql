-- Retention: one clock per customer and rule, indexed by the time a sweep
-- next looks at it; destruction certificates under the customer's
-- pseudonymous reference; legal holds and the customers they name; the
-- time of the latest sweep.
CREATE TABLE custos_retention_clocks (
    subject     TEXT COLLATE "C" NOT NULL,
    rule        TEXT COLLATE "C" NOT NULL,
    record_type TEXT    NOT NULL,
    started     BIGINT  NOT NULL,
    keep_until  BIGINT  NOT NULL,
    due         BIGINT  NOT NULL,
    next_at     BIGINT  NOT NULL,
    PRIMARY KEY (subject, rule)
);

CREATE INDEX custos_retention_clocks_by_next ON custos_retention_clocks (next_at, subject, rule);

CREATE TABLE custos_retention_destructions (
    ref         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    sweep       TEXT    NOT NULL,
    rules       TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    certificate BYTEA   NOT NULL
);

CREATE TABLE custos_retention_holds (
    id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    owner        TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    subjects     TEXT    NOT NULL,
    record_types TEXT    NOT NULL,
    everyone     BIGINT  NOT NULL,
    start_at     BIGINT  NOT NULL,
    end_at       BIGINT  NOT NULL,
    released_at  BIGINT  NOT NULL,
    released_by  TEXT    NOT NULL
);

CREATE TABLE custos_retention_hold_subjects (
    subject TEXT COLLATE "C" NOT NULL,
    hold_id TEXT COLLATE "C" NOT NULL REFERENCES custos_retention_holds (id),
    PRIMARY KEY (subject, hold_id)
);

CREATE TABLE custos_retention_sweep (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    mark_at BIGINT  NOT NULL
);
