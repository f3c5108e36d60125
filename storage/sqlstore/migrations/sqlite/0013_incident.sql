-- Incident register (package incident): each incident as its encoded body
-- (incident.Encode) with the columns it is listed by, its append-only
-- timeline, its affected customers, and the actors containment revoked.
CREATE TABLE custos_incidents (
    id        TEXT    NOT NULL PRIMARY KEY,
    version   INTEGER  NOT NULL,
    state     INTEGER NOT NULL,
    drill     INTEGER NOT NULL,
    opened_at INTEGER  NOT NULL,
    body      BLOB    NOT NULL
);

CREATE TABLE custos_incident_timeline (
    incident TEXT    NOT NULL REFERENCES custos_incidents (id),
    seq      INTEGER  NOT NULL,
    at       INTEGER  NOT NULL,
    actor    TEXT    NOT NULL,
    role     TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    detail   TEXT    NOT NULL,
    step_key TEXT    NOT NULL,
    PRIMARY KEY (incident, seq),
    UNIQUE (incident, step_key)
);

CREATE TABLE custos_incident_affected (
    incident TEXT NOT NULL REFERENCES custos_incidents (id),
    subject  TEXT NOT NULL,
    PRIMARY KEY (incident, subject)
);

CREATE TABLE custos_incident_revocations (
    actor    TEXT   NOT NULL PRIMARY KEY,
    incident TEXT   NOT NULL,
    at       INTEGER NOT NULL
);

CREATE TRIGGER custos_incident_timeline_no_update BEFORE UPDATE ON custos_incident_timeline
BEGIN SELECT RAISE(ABORT, 'custos incident timelines are append-only'); END;

CREATE TRIGGER custos_incident_timeline_no_delete BEFORE DELETE ON custos_incident_timeline
BEGIN SELECT RAISE(ABORT, 'custos incident timelines are append-only'); END;
