-- How many others did the same before the notification's actor: likes of
-- one thing are told as one notification ("Ana and 3 others liked …").
-- Null is none (notifications exported before read so).
ALTER TABLE notifications ADD COLUMN others INTEGER;

-- A notification about a space itself (a request to join, a decision)
-- is a live event without a topic. SQLite cannot drop a NOT NULL: the
-- table is made anew with its rows, so that ids go on from where they were
-- (readers resume by id).
CREATE TABLE live_events_new (
    id         INTEGER PRIMARY KEY,
    kind       TEXT   NOT NULL,
    topic_id   INTEGER REFERENCES topics (id),
    reply_id   INTEGER REFERENCES replies (id),
    user_id    INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
INSERT INTO live_events_new (id, kind, topic_id, reply_id, user_id, created_at)
    SELECT id, kind, topic_id, reply_id, user_id, created_at FROM live_events;
DROP TABLE live_events;
ALTER TABLE live_events_new RENAME TO live_events;
CREATE INDEX live_events_by_time ON live_events (created_at);
