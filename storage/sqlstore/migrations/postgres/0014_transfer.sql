-- Company transfer (PIPL Art. 22, 23): proposed plans with the transfer key
-- sealed to the recipient and the root of the latest export; the
-- approvals of each plan, one per approver; the acquirer's imports.
CREATE TABLE custos_transfer_plans (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    plan        BYTEA   NOT NULL,
    digest      BYTEA   NOT NULL,
    proposed    BIGINT  NOT NULL,
    proposed_by TEXT    NOT NULL,
    sealed_key  BYTEA   NOT NULL,
    root        BYTEA   NOT NULL,
    customers   BIGINT  NOT NULL,
    finished    BIGINT  NOT NULL
);

CREATE TABLE custos_transfer_approvals (
    transfer_id TEXT COLLATE "C" NOT NULL,
    approver    TEXT COLLATE "C" NOT NULL,
    role        TEXT    NOT NULL,
    digest      BYTEA   NOT NULL,
    at          BIGINT  NOT NULL,
    seq         BIGINT  NOT NULL,
    PRIMARY KEY (transfer_id, approver)
);

CREATE TABLE custos_transfer_imports (
    id        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    root      BYTEA   NOT NULL,
    customers BIGINT  NOT NULL,
    header    BYTEA   NOT NULL,
    notices   BYTEA   NOT NULL,
    started   BIGINT  NOT NULL,
    done      BIGINT  NOT NULL
);
