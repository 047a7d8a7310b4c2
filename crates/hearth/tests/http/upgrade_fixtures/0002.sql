-- What the release of 0002_conversations wrote: a discussion with a reply
-- and an answer to it, a question with an accepted answer, a topic in the
-- private space; their first revisions, a like of a topic and of a reply,
-- tags. Counters agree with the rows, as the release kept them.
INSERT INTO topics (space_id, author_id, kind, title, body_md, body_html, state, pinned, accepted_reply_id,
                    draft, publish_at, version, reply_count, like_count, created_at, updated_at, last_activity_at) VALUES
    (3, 1, 'discussion', 'The analytical engine',
     'It weaves algebraic patterns as the Jacquard loom weaves flowers.',
     '<p>It weaves algebraic patterns as the Jacquard loom weaves flowers.</p>',
     'open', FALSE, NULL, FALSE, NULL, 1, 2, 1, 1700000100000, 1700000100000, 1700000300000),
    (3, 2, 'question', 'Who keeps the punched cards?',
     'They go missing after every run.', '<p>They go missing after every run.</p>',
     'open', FALSE, NULL, FALSE, NULL, 1, 1, 0, 1700000400000, 1700000400000, 1700000500000),
    (4, 1, 'discussion', 'Quarterly reckoning',
     'The copper invoices are overdue.', '<p>The copper invoices are overdue.</p>',
     'open', FALSE, NULL, FALSE, NULL, 1, 0, 0, 1700000600000, 1700000600000, 1700000600000);

INSERT INTO replies (topic_id, author_id, parent_id, thread_path, depth, body_md, body_html,
                     deleted, edited, like_count, version, created_at, updated_at) VALUES
    (1, 2, NULL, '000000000001', 0, 'Could it compose music?', '<p>Could it compose music?</p>',
     FALSE, FALSE, 0, 1, 1700000200000, 1700000200000),
    (1, 1, 1, '000000000001.000000000002', 1, 'Elaborate pieces, of any complexity.',
     '<p>Elaborate pieces, of any complexity.</p>', FALSE, FALSE, 1, 1, 1700000300000, 1700000300000),
    (2, 1, NULL, '000000000003', 0, 'The librarian files them by run.',
     '<p>The librarian files them by run.</p>', FALSE, FALSE, 0, 1, 1700000500000, 1700000500000);

UPDATE topics SET accepted_reply_id = 3 WHERE id = 2;

INSERT INTO revisions (topic_id, reply_id, version, author_id, title, body_md, created_at) VALUES
    (1, NULL, 1, 1, 'The analytical engine', 'It weaves algebraic patterns as the Jacquard loom weaves flowers.', 1700000100000),
    (2, NULL, 1, 2, 'Who keeps the punched cards?', 'They go missing after every run.', 1700000400000),
    (3, NULL, 1, 1, 'Quarterly reckoning', 'The copper invoices are overdue.', 1700000600000),
    (1, 1, 1, 2, NULL, 'Could it compose music?', 1700000200000),
    (1, 2, 1, 1, NULL, 'Elaborate pieces, of any complexity.', 1700000300000),
    (2, 3, 1, 1, NULL, 'The librarian files them by run.', 1700000500000);

INSERT INTO reactions (target_kind, target_id, user_id, created_at) VALUES
    ('topic', 1, 2, 1700000210000),
    ('reply', 2, 2, 1700000310000);

INSERT INTO topic_tags (topic_id, tag) VALUES (1, 'engines'), (2, 'cards');
