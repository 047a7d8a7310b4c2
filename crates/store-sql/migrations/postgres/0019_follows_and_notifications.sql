-- What each member follows: a person, a space, a topic or a tag. A row
-- that is not active records that they stopped, so that replying again
-- does not follow the topic once more. A muted topic or space sends them
-- no notifications.
CREATE TABLE follows (
    user_id     BIGINT NOT NULL REFERENCES users (id),
    target_kind TEXT   NOT NULL,
    target_id   BIGINT NOT NULL,
    tag         TEXT   NOT NULL,
    active      BOOLEAN NOT NULL,
    muted       BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL,
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
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    kind       TEXT   NOT NULL,
    space_id   BIGINT REFERENCES spaces (id),
    topic_id   BIGINT REFERENCES topics (id),
    reply_id   BIGINT REFERENCES replies (id),
    actor_id   BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    read_at    BIGINT
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
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT   NOT NULL,
    topic_id   BIGINT NOT NULL REFERENCES topics (id),
    reply_id   BIGINT REFERENCES replies (id),
    user_id    BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX live_events_by_time ON live_events (created_at);
