-- Each audit event carries the hash of the one before it and its own, so
-- that a changed or removed event breaks the chain that verify walks.
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
