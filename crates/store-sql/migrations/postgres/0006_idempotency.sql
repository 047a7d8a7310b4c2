-- A client's idempotency key makes a retried or double-submitted write
-- return the first result instead of writing twice; keys are per author.
ALTER TABLE topics ADD COLUMN idempotency_key TEXT;
ALTER TABLE replies ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX topics_idempotency ON topics (author_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX replies_idempotency ON replies (author_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
