-- Attachments: content-addressed blobs, and the files that name them.
CREATE TABLE blobs (
    hash       TEXT    PRIMARY KEY,
    size       BIGINT NOT NULL,
    data       BYTEA   NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE attachments (
    id           BIGSERIAL PRIMARY KEY,
    space_id     BIGINT NOT NULL REFERENCES spaces (id),
    uploader_id  BIGINT NOT NULL REFERENCES users (id),
    blob_hash    TEXT    NOT NULL REFERENCES blobs (hash),
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX attachments_space ON attachments (space_id, id);
