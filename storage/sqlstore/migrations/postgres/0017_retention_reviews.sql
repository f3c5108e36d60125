-- Retention: accuracy reviews, one per customer and record type, indexed
-- by the date the next review is due.
CREATE TABLE custos_retention_reviews (
    subject     TEXT COLLATE "C" NOT NULL,
    record_type TEXT COLLATE "C" NOT NULL,
    reviewed    BIGINT  NOT NULL,
    due         BIGINT  NOT NULL,
    PRIMARY KEY (subject, record_type)
);

CREATE INDEX custos_retention_reviews_by_due ON custos_retention_reviews (due, subject, record_type);

-- The due-date index of clocks covers every column a sweep reads, so that
-- listing what is due can be an index-only scan: its cost follows the
-- clocks due, not the clocks stored.
DROP INDEX custos_retention_clocks_by_next;
CREATE INDEX custos_retention_clocks_due ON custos_retention_clocks (next_at, subject, rule) INCLUDE (record_type, started, keep_until, due);
