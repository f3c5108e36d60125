-- Erasure epochs: each customer DEK belongs to a group (0: wrapped by the
-- KEK itself) and is wrapped under the group's current epoch key, held by
-- the key Source outside this database.
ALTER TABLE custos_deks ADD COLUMN grp INTEGER NOT NULL DEFAULT 0;
CREATE INDEX custos_deks_grp ON custos_deks (grp, subject);

CREATE TABLE custos_key_groups (
    grp         INTEGER NOT NULL PRIMARY KEY,
    epoch       INTEGER NOT NULL,
    key_name    TEXT    NOT NULL,
    retiring    TEXT    NOT NULL,
    dirty_since INTEGER NOT NULL,
    opened_at   INTEGER NOT NULL,
    closed_at   INTEGER NOT NULL,
    version     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX custos_key_groups_due ON custos_key_groups (grp) WHERE dirty_since > 0 OR retiring <> '';
