-- What the release of 0019_follows_and_notifications wrote: the writers
-- follow their topics and the members their spaces; Ben was told of Ada's
-- answer to his reply and has not read it yet.
INSERT INTO follows (user_id, target_kind, target_id, tag, active, muted, created_at) VALUES
    (1, 'topic', 1, '', TRUE, FALSE, 1700000100000),
    (2, 'topic', 1, '', TRUE, FALSE, 1700000200000),
    (2, 'topic', 2, '', TRUE, FALSE, 1700000400000),
    (2, 'space', 3, '', TRUE, FALSE, 1700000002500);

INSERT INTO notifications (user_id, kind, space_id, topic_id, reply_id, actor_id, created_at, read_at) VALUES
    (2, 'reply_to_reply', 3, 1, 2, 1, 1700000300000, NULL);
