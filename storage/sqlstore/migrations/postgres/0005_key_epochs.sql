-- Erasure epochs: each customer DEK belongs to a group (0: wrapped by the
-- KEK itself) and is wrapped under the group's current epoch key, held by
-- the key Source outside this database.
ALTER TABLE custos_deks ADD COLUMN grp BIGINT NOT NULL DEFAULT 0;
CREATE INDEX custos_deks_grp ON custos_deks (grp, subject);

CREATE TABLE custos_key_groups (
    grp         BIGINT NOT NULL PRIMARY KEY,
    epoch       BIGINT NOT NULL,
    key_name    TEXT   NOT NULL,
    retiring    TEXT   NOT NULL,
    dirty_since BIGINT NOT NULL,
    opened_at   BIGINT NOT NULL,
    closed_at   BIGINT NOT NULL,
    version     BIGINT NOT NULL
);
CREATE INDEX custos_key_groups_due ON custos_key_groups (grp) WHERE dirty_since > 0 OR retiring <> '';
