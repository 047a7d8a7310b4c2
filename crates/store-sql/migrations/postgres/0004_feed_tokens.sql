-- Per-user secrets that let feed readers see what their owner may read.
CREATE TABLE feed_tokens (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL CONSTRAINT feed_tokens_token_hash_key UNIQUE,
    created_at BIGINT NOT NULL
);
