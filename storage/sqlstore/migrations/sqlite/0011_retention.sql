-- Retention: one clock per customer and rule, indexed by the time a sweep
-- next looks at it; destruction certificates under the customer's
-- pseudonymous reference; legal holds and the customers they name; the
-- time of the latest sweep.
CREATE TABLE custos_retention_clocks (
    subject     TEXT    NOT NULL,
    rule        TEXT    NOT NULL,
    record_type TEXT    NOT NULL,
    started     INTEGER NOT NULL,
    keep_until  INTEGER NOT NULL,
    due         INTEGER NOT NULL,
    next_at     INTEGER NOT NULL,
    PRIMARY KEY (subject, rule)
) WITHOUT ROWID;

CREATE INDEX custos_retention_clocks_by_next ON custos_retention_clocks (next_at, subject, rule);

CREATE TABLE custos_retention_destructions (
    ref         TEXT    NOT NULL PRIMARY KEY,
    sweep       TEXT    NOT NULL,
    rules       TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    certificate BLOB    NOT NULL
) WITHOUT ROWID;

CREATE TABLE custos_retention_holds (
    id           TEXT    NOT NULL PRIMARY KEY,
    owner        TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    subjects     TEXT    NOT NULL,
    record_types TEXT    NOT NULL,
    everyone     INTEGER NOT NULL,
    start_at     INTEGER NOT NULL,
    end_at       INTEGER NOT NULL,
    released_at  INTEGER NOT NULL,
    released_by  TEXT    NOT NULL
) WITHOUT ROWID;

CREATE TABLE custos_retention_hold_subjects (
    subject TEXT NOT NULL,
    hold_id TEXT NOT NULL REFERENCES custos_retention_holds (id),
    PRIMARY KEY (subject, hold_id)
) WITHOUT ROWID;

CREATE TABLE custos_retention_sweep (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    mark_at INTEGER NOT NULL
);
