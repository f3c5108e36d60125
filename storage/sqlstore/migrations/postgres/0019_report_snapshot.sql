-- Report: the latest policy snapshot (the records of processing as
-- figures, report.Snapshot's JSON), which the host writes and the stock
-- `custos report` reads. One row: a new snapshot replaces the last.
CREATE TABLE custos_report_snapshot (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    taken BIGINT  NOT NULL,
    body  TEXT    NOT NULL
);
