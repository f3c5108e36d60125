-- Company transfer (PIPL Art. 22, 23): proposed plans with the transfer key
-- sealed to the recipient and the root of the latest export; the
-- approvals of each plan, one per approver; the acquirer's imports.
CREATE TABLE custos_transfer_plans (
    id          TEXT    NOT NULL PRIMARY KEY,
    plan        BLOB    NOT NULL,
    digest      BLOB    NOT NULL,
    proposed    INTEGER NOT NULL,
    proposed_by TEXT    NOT NULL,
    sealed_key  BLOB    NOT NULL,
    root        BLOB    NOT NULL,
    customers   INTEGER NOT NULL,
    finished    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE custos_transfer_approvals (
    transfer_id TEXT    NOT NULL,
    approver    TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    digest      BLOB    NOT NULL,
    at          INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (transfer_id, approver)
) WITHOUT ROWID;

CREATE TABLE custos_transfer_imports (
    id        TEXT    NOT NULL PRIMARY KEY,
    root      BLOB    NOT NULL,
    customers INTEGER NOT NULL,
    header    BLOB    NOT NULL,
    notices   BLOB    NOT NULL,
    started   INTEGER NOT NULL,
    done      INTEGER NOT NULL
) WITHOUT ROWID;
