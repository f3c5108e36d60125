-- Audit lookup by credential and by application instance (custos.Access
-- Credential and Instance, entry format version 2): a query by either is
-- answered through an index, not by scanning the log. Entries logged
-- before this migration name neither, so the empty default is their value
-- and nothing is backfilled. The indexes hold only the rows that name one.
ALTER TABLE custos_audit_lookup ADD COLUMN credential TEXT NOT NULL DEFAULT '';
ALTER TABLE custos_audit_lookup ADD COLUMN instance TEXT NOT NULL DEFAULT '';

CREATE INDEX custos_audit_by_credential ON custos_audit_lookup (credential, at, idx) WHERE credential <> '';
CREATE INDEX custos_audit_by_instance ON custos_audit_lookup (instance, at, idx) WHERE instance <> '';
