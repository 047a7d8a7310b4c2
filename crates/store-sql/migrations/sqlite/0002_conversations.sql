-- Topics, replies, revisions, tags, mentions and likes.
CREATE TABLE topics (
    id               INTEGER PRIMARY KEY,
    space_id         INTEGER NOT NULL REFERENCES spaces (id),
    author_id        INTEGER NOT NULL REFERENCES users (id),
    kind             TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    body_md          TEXT    NOT NULL,
    body_html        TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'open',
    pinned           INTEGER NOT NULL DEFAULT 0,
    accepted_reply_id INTEGER,
    draft            INTEGER NOT NULL DEFAULT 0,
    publish_at       INTEGER,
    version          INTEGER NOT NULL DEFAULT 1,
    reply_count      INTEGER NOT NULL DEFAULT 0,
    like_count       INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL
);
CREATE INDEX topics_space_order ON topics (space_id, pinned DESC, last_activity_at DESC, id DESC);
CREATE INDEX topics_author ON topics (author_id, last_activity_at DESC);

CREATE TABLE topic_tags (
    topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    tag      TEXT    NOT NULL,
    CONSTRAINT topic_tags_pkey PRIMARY KEY (topic_id, tag)
);
CREATE INDEX topic_tags_tag ON topic_tags (tag, topic_id);

CREATE TABLE replies (
    id          INTEGER PRIMARY KEY,
    topic_id    INTEGER NOT NULL REFERENCES topics (id),
    author_id   INTEGER NOT NULL REFERENCES users (id),
    parent_id   INTEGER REFERENCES replies (id),
    thread_path TEXT    NOT NULL,
    depth       INTEGER NOT NULL,
    body_md     TEXT    NOT NULL,
    body_html   TEXT    NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    edited      INTEGER NOT NULL DEFAULT 0,
    like_count  INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX replies_thread ON replies (topic_id, thread_path);

CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY,
    topic_id   INTEGER NOT NULL REFERENCES topics (id),
    reply_id   INTEGER REFERENCES replies (id),
    version    INTEGER NOT NULL,
    author_id  INTEGER NOT NULL REFERENCES users (id),
    title      TEXT,
    body_md    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX revisions_topic ON revisions (topic_id, reply_id, version);

CREATE TABLE mentions (
    topic_id INTEGER NOT NULL REFERENCES topics (id),
    reply_id INTEGER REFERENCES replies (id),
    user_id  INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX mentions_user ON mentions (user_id);

CREATE TABLE reactions (
    target_kind TEXT    NOT NULL,
    target_id   INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    CONSTRAINT reactions_pkey PRIMARY KEY (target_kind, target_id, user_id)
);
