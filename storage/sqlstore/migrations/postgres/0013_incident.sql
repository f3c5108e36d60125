-- Incident register (package incident): each incident as its encoded body
-- (incident.Encode) with the columns it is listed by, its append-only
-- timeline, its affected customers, and the actors containment revoked.
CREATE TABLE custos_incidents (
    id        TEXT    NOT NULL PRIMARY KEY,
    version   BIGINT  NOT NULL,
    state     INTEGER NOT NULL,
    drill     INTEGER NOT NULL,
    opened_at BIGINT  NOT NULL,
    body      BYTEA    NOT NULL
);

CREATE TABLE custos_incident_timeline (
    incident TEXT    NOT NULL REFERENCES custos_incidents (id),
    seq      BIGINT  NOT NULL,
    at       BIGINT  NOT NULL,
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
    at       BIGINT NOT NULL
);

CREATE FUNCTION custos_incident_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'custos incident timelines are append-only';
END
$$;

CREATE TRIGGER custos_incident_timeline_append_only BEFORE UPDATE OR DELETE ON custos_incident_timeline
    FOR EACH ROW EXECUTE FUNCTION custos_incident_append_only();
CREATE TRIGGER custos_incident_timeline_no_truncate BEFORE TRUNCATE ON custos_incident_timeline
    FOR EACH STATEMENT EXECUTE FUNCTION custos_incident_append_only();
