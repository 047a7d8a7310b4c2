-- Why a moderator last hid, locked or pinned a topic, shown to its author
-- and its moderators (the audit log keeps it too); null when none was given
-- or the topic was reopened.
ALTER TABLE topics ADD COLUMN moderation_note TEXT;
-- Where each signed-in reader left a topic: the newest reply there when
-- they last read it, so that the topic can say what is new since.
CREATE TABLE topic_visits (
    user_id       BIGINT NOT NULL REFERENCES users (id),
    topic_id      BIGINT NOT NULL REFERENCES topics (id),
    last_reply_id BIGINT NOT NULL,
    visited_at    BIGINT NOT NULL,
    CONSTRAINT topic_visits_pkey PRIMARY KEY (user_id, topic_id)
);
-- A file its uploader's profile links ("about"): readable by whoever may
-- see the profile. Null is false (files exported before read so).
ALTER TABLE attachments ADD COLUMN on_profile BOOLEAN;
