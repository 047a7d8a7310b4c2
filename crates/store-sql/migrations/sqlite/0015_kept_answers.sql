-- Answers to writes sent with an Idempotency-Key, kept for a day, as the
-- bytes the web layer wrote: what an answer holds is the web layer's own
-- business. Operational data: not exported, not backed up.
-- idempotency_keys (their earlier shape) is no longer written; the release
-- after this one drops it, so that this one and the last can run together.
CREATE TABLE kept_answers (
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key         TEXT   NOT NULL,
    fingerprint TEXT   NOT NULL,
    answer      BLOB  NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX kept_answers_created ON kept_answers (created_at);
