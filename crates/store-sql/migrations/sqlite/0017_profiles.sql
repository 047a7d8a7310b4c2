-- Profiles people keep: what they do and where, a few words about them
-- (Markdown, and its sanitized HTML), whether others see their e-mail
-- address, and their picture: two JPEG blobs, checked by verify (blobs are
-- exported after users, so no foreign key). Null is "not given": files
-- exported before read so.
ALTER TABLE users ADD COLUMN title TEXT;
ALTER TABLE users ADD COLUMN department TEXT;
ALTER TABLE users ADD COLUMN location TEXT;
ALTER TABLE users ADD COLUMN about_md TEXT;
ALTER TABLE users ADD COLUMN about_html TEXT;
ALTER TABLE users ADD COLUMN show_email INTEGER;
ALTER TABLE users ADD COLUMN avatar_small TEXT;
ALTER TABLE users ADD COLUMN avatar_large TEXT;
-- The search index is built again: its documents are numbered
-- kind << 40 | id from now on (each kind one range; store-sql's search
-- module), and people are found by what their profiles say too.
-- The words of a person's name, username, title, department and location,
-- folded as search folds them and each after a space, so that the directory
-- finds " ana" in " ana lima": written with the profile, and by the index
-- rebuild this migration asks for (and an import does).
ALTER TABLE users ADD COLUMN name_key TEXT;
-- The directory of people, in the order of their names; it holds what the
-- directory filters by, so that a search reads the index alone until it
-- has a page.
CREATE INDEX users_by_name ON users (lower(display_name), id, status, name_key);
INSERT INTO search_rebuild VALUES (1) ON CONFLICT DO NOTHING;
