-- Someone's newest replies straight from an index, for their profile.
CREATE INDEX replies_author_created ON replies (author_id, created_at, id);
