-- Retention: accuracy reviews, one per customer and record type, indexed
-- by the date the next review is due.
CREATE TABLE custos_retention_reviews (
    subject     TEXT    NOT NULL,
    record_type TEXT    NOT NULL,
    reviewed    INTEGER NOT NULL,
    due         INTEGER NOT NULL,
    PRIMARY KEY (subject, record_type)
) WITHOUT ROWID;

CREATE INDEX custos_retention_reviews_by_due ON custos_retention_reviews (due, subject, record_type);
