-- Each space keeps its member count, maintained with every membership
-- change, so that lists do not count members row by row.
ALTER TABLE spaces ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE spaces SET member_count = (SELECT count(*) FROM memberships m WHERE m.space_id = spaces.id);
