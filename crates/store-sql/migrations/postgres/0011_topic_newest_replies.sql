-- A topic's newest replies straight from an index, for its feed: the
-- thread order of replies_thread does not say which came last.
CREATE INDEX replies_topic_created ON replies (topic_id, created_at, id);
