-- How many others did the same before the notification's actor: likes of
-- one thing are told as one notification ("Ana and 3 others liked …").
-- Null is none (notifications exported before read so).
ALTER TABLE notifications ADD COLUMN others BIGINT;

-- A notification about a space itself (a request to join, a decision)
-- is a live event without a topic.
ALTER TABLE live_events ALTER COLUMN topic_id DROP NOT NULL;
