-- A member's spaces in order, read straight from the index: the home page
-- of someone in a thousand spaces no longer sorts them all.
DROP INDEX memberships_user_id;
CREATE INDEX memberships_user_space ON memberships (user_id, space_id);
