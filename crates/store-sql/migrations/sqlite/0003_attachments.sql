-- Attachments: content-addressed blobs, and the files that name them.
CREATE TABLE blobs (
    hash       TEXT    PRIMARY KEY,
    size       INTEGER NOT NULL,
    data       BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL REFERENCES spaces (id),
    uploader_id  INTEGER NOT NULL REFERENCES users (id),
    blob_hash    TEXT    NOT NULL REFERENCES blobs (hash),
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_space ON attachments (space_id, id);
