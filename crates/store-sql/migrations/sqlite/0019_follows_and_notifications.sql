-- What each member follows: a person, a space, a topic or a tag. A row
-- that is not active records that they stopped, so that replying again
-- does not follow the topic once more. A muted topic or space sends them
-- no notifications.
CREATE TABLE follows (
    user_id     INTEGER NOT NULL REFERENCES users (id),
    target_kind TEXT   NOT NULL,
    target_id   INTEGER NOT NULL,
    tag         TEXT   NOT NULL,
    active      INTEGER NOT NULL,
    muted       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    CONSTRAINT follows_pkey PRIMARY KEY (user_id, target_kind, target_id, tag)
);
-- Topics by latest activity across spaces: activity, tag pages, feeds.
CREATE INDEX topics_by_activity ON topics (last_activity_at, id);
-- Who follows a thing, for notifying them.
CREATE INDEX follows_by_target ON follows (target_kind, target_id, tag, user_id);

-- What each member is told: written in the transaction of what causes it,
-- only to those who may read it then, and shown only if they still may.
-- About a topic (and a reply in it), or about a space itself.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT   NOT NULL,
    space_id   INTEGER REFERENCES spaces (id),
    topic_id   INTEGER REFERENCES topics (id),
    reply_id   INTEGER REFERENCES replies (id),
    actor_id   INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_of_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
-- What a reply or topic caused: one notification per person per cause.
CREATE INDEX notifications_by_cause ON notifications (topic_id, reply_id, user_id);

-- What readers connected now are told, in order: a reply posted (for
-- readers of its topic) or a notification (for its member). Written with
-- its cause, streamed to readers on any node, each checked against what
-- they may read; kept a day for readers who reconnect.
CREATE TABLE live_events (
    id         INTEGER PRIMARY KEY,
    kind       TEXT   NOT NULL,
    topic_id   INTEGER NOT NULL REFERENCES topics (id),
    reply_id   INTEGER REFERENCES replies (id),
    user_id    INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX live_events_by_time ON live_events (created_at);
