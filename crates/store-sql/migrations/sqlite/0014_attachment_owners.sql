-- Files belong to the topic or reply that links them, and new ones have an
-- address nobody guesses (128 random bits); files uploaded before keep
-- their numbered address.
ALTER TABLE attachments ADD COLUMN public_id TEXT;
ALTER TABLE attachments ADD COLUMN topic_id BIGINT REFERENCES topics (id);
ALTER TABLE attachments ADD COLUMN reply_id BIGINT REFERENCES replies (id);
CREATE UNIQUE INDEX attachments_public_id ON attachments (public_id);
CREATE INDEX attachments_topic ON attachments (topic_id);
CREATE INDEX attachments_reply ON attachments (reply_id);

-- A file uploaded before belongs to the first topic of its space whose text
-- links it, or else to the first such reply; one linked nowhere stays its
-- uploader's.
UPDATE attachments SET topic_id = (
    SELECT min(t.id) FROM topics t
    WHERE t.space_id = attachments.space_id
      AND t.body_md LIKE '%/a/' || attachments.id || '/%'
);
UPDATE attachments SET reply_id = (
    SELECT min(r.id) FROM replies r JOIN topics t ON t.id = r.topic_id
    WHERE t.space_id = attachments.space_id
      AND r.body_md LIKE '%/a/' || attachments.id || '/%'
)
WHERE topic_id IS NULL;
