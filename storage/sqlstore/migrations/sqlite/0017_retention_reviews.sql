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

-- The due-date index of clocks covers every column a sweep reads, so that
-- listing what is due reads the index alone: its cost follows the clocks
-- due, not the clocks stored.
DROP INDEX custos_retention_clocks_by_next;
CREATE INDEX custos_retention_clocks_due ON custos_retention_clocks (next_at, subject, rule, record_type, started, keep_until, due);
