-- The answers to writes sent with an Idempotency-Key (a header, or a form field), kept for a day so
-- that a retry gets the first answer instead of writing again. Operational
-- data: not exported, not backed up.
CREATE TABLE idempotency_keys (
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    location     TEXT,
    body         BYTEA   NOT NULL,
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
