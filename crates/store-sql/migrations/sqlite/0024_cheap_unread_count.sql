-- The bell counts a member's unread notifications on every page. The
-- count reads all it needs of each notification from this index, not from
-- the notification's row; and it finds a deleted reply in a small index of
-- the deleted ones, not among the replies' large rows.
CREATE INDEX notifications_unread_cover
    ON notifications (user_id, id, topic_id, reply_id, space_id, kind, actor_id, read_at)
    WHERE read_at IS NULL;
DROP INDEX notifications_unread;
CREATE INDEX replies_deleted ON replies (id) WHERE deleted;
