DELETE FROM api_tokens WHERE id = $1 AND user_id = $2
-- end of statement
DELETE FROM api_tokens WHERE user_id = $1
-- end of statement
DELETE FROM attachments WHERE id = $1 RETURNING blob_hash
-- end of statement
DELETE FROM blobs WHERE hash = $1
         AND NOT EXISTS (SELECT 1 FROM attachments WHERE blob_hash = $1)
         AND NOT EXISTS (SELECT 1 FROM users WHERE avatar_small = $1 OR avatar_large = $1)
-- end of statement
DELETE FROM feed_tokens WHERE user_id = $1
-- end of statement
DELETE FROM invites WHERE id = $1 AND accepted_at IS NULL
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id = $2
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 10, 12)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 12, 20)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 2)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 2, 10)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 2, 12)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 2, 3, 6, 7, 8, 9, 10, 11, 13, 14, 16, 19, 21, 22, 23, 26, 27, 29)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 2, 3, 6, 9, 12, 13, 15, 16, 17, 19, 20, 21, 22, 23, 26, 27, 28, 29)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 2, 4, 5, 6, 8, 9, 16, 17, 18, 19, 20, 21, 22, 24)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 2, 4, 6, 10, 11, 17, 20)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 2, 4, 7, 9, 11)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 2, 5, 10, 12, 13, 14, 16, 24, 25, 27, 28)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 2, 8, 10, 11, 13, 14, 16, 17, 18, 19, 21, 22, 23, 25, 26, 28, 29)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 3, 23)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 3, 28)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 3, 4, 5)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 3, 4, 5, 6)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 3, 4, 7, 9, 10)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 3, 4, 7, 9, 11, 12)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 3, 4, 9, 12, 14, 16, 18, 19, 20, 21, 22, 23, 24, 26, 27, 29, 30)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 3, 6, 9, 11, 14, 19, 23, 28)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 4, 23, 25)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 6, 14, 18, 30)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 6, 19, 24)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 7, 9)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (1, 8, 12, 13, 15, 21, 24, 25)
-- end of statement
DELETE FROM join_requests WHERE space_id = $1 AND user_id IN (2, 5)
-- end of statement
DELETE FROM kept_answers WHERE created_at < $1
-- end of statement
DELETE FROM live_events WHERE created_at < $1
-- end of statement
DELETE FROM memberships WHERE space_id = $1 AND user_id = $2
-- end of statement
DELETE FROM mentions WHERE topic_id = $1 AND reply_id IS NOT DISTINCT FROM $2
-- end of statement
DELETE FROM notifications WHERE id = $1
-- end of statement
DELETE FROM notifications WHERE kind = $1 AND space_id = $2 AND actor_id = $3
-- end of statement
DELETE FROM reactions WHERE target_kind = $1 AND target_id = $2 AND user_id = $3
-- end of statement
DELETE FROM search_index
-- end of statement
DELETE FROM search_index WHERE rowid = $1
-- end of statement
DELETE FROM search_rebuild
-- end of statement
DELETE FROM sessions WHERE id_hash = $1 AND user_id = $2
-- end of statement
DELETE FROM sessions WHERE user_id = $1
-- end of statement
DELETE FROM sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2
-- end of statement
DELETE FROM signin_attempts WHERE at < $1
-- end of statement
DELETE FROM signin_attempts WHERE key = $1
-- end of statement
DELETE FROM signin_attempts WHERE key = $1 AND attempt = $2
-- end of statement
DELETE FROM signin_known WHERE at < $1
-- end of statement
DELETE FROM topic_tags WHERE topic_id = $1
-- end of statement
INSERT INTO api_tokens (user_id, name, token_hash, created_at)
                     VALUES ($1, $2, $3, $4) RETURNING id
-- end of statement
INSERT INTO assets (fingerprint, name, body, kept_at)
                         VALUES ($1, $2, $3, $4) ON CONFLICT (fingerprint) DO NOTHING
-- end of statement
INSERT INTO attachments (id, space_id, uploader_id, blob_hash, filename, content_type, size, created_at, public_id, topic_id, reply_id, on_profile) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
-- end of statement
INSERT INTO attachments (public_id, space_id, uploader_id, blob_hash, filename,
                                              content_type, size, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, public_id, topic_id, reply_id, space_id, uploader_id, blob_hash, filename, content_type, size, created_at, on_profile
-- end of statement
INSERT INTO audit_events (at, actor_id, action, target, space_id, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
-- end of statement
INSERT INTO audit_events (id, at, actor_id, action, target, space_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
-- end of statement
INSERT INTO blobs (hash, size, data, created_at) VALUES ($1, $2, $3, $4)
-- end of statement
INSERT INTO blobs (hash, size, data, created_at) VALUES ($1, $2, $3, $4)
                         ON CONFLICT (hash) DO NOTHING
-- end of statement
INSERT INTO blobs (hash, size, data, created_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (hash) DO NOTHING
-- end of statement
INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)
                     ON CONFLICT (user_id) DO UPDATE
                     SET token_hash = excluded.token_hash, created_at = excluded.created_at
-- end of statement
INSERT INTO follows (user_id, target_kind, target_id, tag, active, muted, created_at)
         VALUES ($1, $2, $3, $4, COALESCE($5, FALSE), COALESCE($6, FALSE), $7)
         ON CONFLICT (user_id, target_kind, target_id, tag)
         DO UPDATE SET active = COALESCE($5, follows.active), muted = COALESCE($6, follows.muted)
-- end of statement
INSERT INTO follows (user_id, target_kind, target_id, tag, active, muted, created_at)
         VALUES ($1, $2, $3, $4, TRUE, FALSE, $5) ON CONFLICT DO NOTHING
-- end of statement
INSERT INTO follows (user_id, target_kind, target_id, tag, active, muted, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
-- end of statement
INSERT INTO invites (email, token_hash, invited_by, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id
-- end of statement
INSERT INTO job_claims (name, holder, until) VALUES ($1, $2, $4)
                         ON CONFLICT (name) DO UPDATE SET holder = $2, until = $4
                         WHERE job_claims.holder = $2 OR job_claims.until <= $3
-- end of statement
INSERT INTO join_requests (space_id, user_id, requested_at) VALUES ($1, $2, $3)
-- end of statement
INSERT INTO kept_answers (user_id, key, fingerprint, answer, created_at)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (user_id, key) DO NOTHING
-- end of statement
INSERT INTO live_events (kind, topic_id, reply_id, created_at) VALUES ('reply', $1, $2, $3)
-- end of statement
INSERT INTO live_events (kind, topic_id, reply_id, user_id, created_at)
         SELECT 'notification', n.topic_id, n.reply_id, n.user_id, n.created_at
         FROM notifications n
         WHERE n.space_id = $1 AND n.topic_id IS NULL AND CAST($2 AS BIGINT) IS NULL AND n.kind = $3 AND n.actor_id = $4 AND n.created_at = $5
-- end of statement
INSERT INTO live_events (kind, topic_id, reply_id, user_id, created_at)
         SELECT 'notification', n.topic_id, n.reply_id, n.user_id, n.created_at
         FROM notifications n
         WHERE n.topic_id = $1 AND n.reply_id IS NOT DISTINCT FROM CAST($2 AS BIGINT) AND n.kind = $3 AND n.actor_id = $4 AND n.created_at = $5
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 10, $2, $3), ($1, 12, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 12, $2, $3), ($1, 20, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 2, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 2, $2, $3), ($1, 10, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 2, $2, $3), ($1, 12, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 2, $2, $3), ($1, 3, $2, $3), ($1, 6, $2, $3), ($1, 7, $2, $3), ($1, 8, $2, $3), ($1, 9, $2, $3), ($1, 10, $2, $3), ($1, 11, $2, $3), ($1, 13, $2, $3), ($1, 14, $2, $3), ($1, 16, $2, $3), ($1, 19, $2, $3), ($1, 21, $2, $3), ($1, 22, $2, $3), ($1, 23, $2, $3), ($1, 26, $2, $3), ($1, 27, $2, $3), ($1, 29, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 2, $2, $3), ($1, 3, $2, $3), ($1, 6, $2, $3), ($1, 9, $2, $3), ($1, 12, $2, $3), ($1, 13, $2, $3), ($1, 15, $2, $3), ($1, 16, $2, $3), ($1, 17, $2, $3), ($1, 19, $2, $3), ($1, 20, $2, $3), ($1, 21, $2, $3), ($1, 22, $2, $3), ($1, 23, $2, $3), ($1, 26, $2, $3), ($1, 27, $2, $3), ($1, 28, $2, $3), ($1, 29, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 2, $2, $3), ($1, 4, $2, $3), ($1, 5, $2, $3), ($1, 6, $2, $3), ($1, 8, $2, $3), ($1, 9, $2, $3), ($1, 16, $2, $3), ($1, 17, $2, $3), ($1, 18, $2, $3), ($1, 19, $2, $3), ($1, 20, $2, $3), ($1, 21, $2, $3), ($1, 22, $2, $3), ($1, 24, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 2, $2, $3), ($1, 4, $2, $3), ($1, 6, $2, $3), ($1, 10, $2, $3), ($1, 11, $2, $3), ($1, 17, $2, $3), ($1, 20, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 2, $2, $3), ($1, 4, $2, $3), ($1, 7, $2, $3), ($1, 9, $2, $3), ($1, 11, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 2, $2, $3), ($1, 5, $2, $3), ($1, 10, $2, $3), ($1, 12, $2, $3), ($1, 13, $2, $3), ($1, 14, $2, $3), ($1, 16, $2, $3), ($1, 24, $2, $3), ($1, 25, $2, $3), ($1, 27, $2, $3), ($1, 28, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 2, $2, $3), ($1, 8, $2, $3), ($1, 10, $2, $3), ($1, 11, $2, $3), ($1, 13, $2, $3), ($1, 14, $2, $3), ($1, 16, $2, $3), ($1, 17, $2, $3), ($1, 18, $2, $3), ($1, 19, $2, $3), ($1, 21, $2, $3), ($1, 22, $2, $3), ($1, 23, $2, $3), ($1, 25, $2, $3), ($1, 26, $2, $3), ($1, 28, $2, $3), ($1, 29, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 3, $2, $3), ($1, 23, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 3, $2, $3), ($1, 28, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 3, $2, $3), ($1, 4, $2, $3), ($1, 5, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 3, $2, $3), ($1, 4, $2, $3), ($1, 5, $2, $3), ($1, 6, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 3, $2, $3), ($1, 4, $2, $3), ($1, 7, $2, $3), ($1, 9, $2, $3), ($1, 10, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 3, $2, $3), ($1, 4, $2, $3), ($1, 7, $2, $3), ($1, 9, $2, $3), ($1, 11, $2, $3), ($1, 12, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 3, $2, $3), ($1, 4, $2, $3), ($1, 9, $2, $3), ($1, 12, $2, $3), ($1, 14, $2, $3), ($1, 16, $2, $3), ($1, 18, $2, $3), ($1, 19, $2, $3), ($1, 20, $2, $3), ($1, 21, $2, $3), ($1, 22, $2, $3), ($1, 23, $2, $3), ($1, 24, $2, $3), ($1, 26, $2, $3), ($1, 27, $2, $3), ($1, 29, $2, $3), ($1, 30, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 3, $2, $3), ($1, 6, $2, $3), ($1, 9, $2, $3), ($1, 11, $2, $3), ($1, 14, $2, $3), ($1, 19, $2, $3), ($1, 23, $2, $3), ($1, 28, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 4, $2, $3), ($1, 23, $2, $3), ($1, 25, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 6, $2, $3), ($1, 14, $2, $3), ($1, 18, $2, $3), ($1, 30, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 6, $2, $3), ($1, 19, $2, $3), ($1, 24, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 7, $2, $3), ($1, 9, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 1, $2, $3), ($1, 8, $2, $3), ($1, 12, $2, $3), ($1, 13, $2, $3), ($1, 15, $2, $3), ($1, 21, $2, $3), ($1, 24, $2, $3), ($1, 25, $2, $3)
-- end of statement
INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, 2, $2, $3), ($1, 5, $2, $3)
-- end of statement
INSERT INTO mentions (topic_id, reply_id, user_id)
             SELECT $1, $2, id FROM users WHERE username = $3
-- end of statement
INSERT INTO notifications (id, user_id, kind, space_id, topic_id, reply_id, actor_id, created_at, read_at, others) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
-- end of statement
INSERT INTO notifications (user_id, kind, space_id, actor_id, created_at)
         SELECT u.id, CAST($1 AS TEXT), s.id, CAST($2 AS BIGINT), CAST($3 AS BIGINT)
         FROM spaces s JOIN users u ON u.id IN ($4)
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = u.id
         WHERE s.id = $5 AND u.id <> CAST($2 AS BIGINT) AND u.status = 'active' AND (CASE WHEN CAST($1 AS TEXT) = 'join_request'
                   THEN (u.is_admin OR m.role IN ('owner', 'moderator')) AND EXISTS (SELECT 1 FROM join_requests j
                        WHERE j.space_id = s.id AND j.user_id = CAST($2 AS BIGINT))
                   ELSE (CASE WHEN FALSE THEN s.visibility = 'public'
                   ELSE u.is_admin OR m.user_id IS NOT NULL OR s.visibility <> 'secret' END) END)
           AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.user_id = u.id
                           AND f.target_kind = 'space' AND f.target_id = s.id AND f.tag = ''
                           AND f.muted)
-- end of statement
INSERT INTO notifications (user_id, kind, space_id, actor_id, created_at)
         SELECT u.id, CAST($1 AS TEXT), s.id, CAST($2 AS BIGINT), CAST($3 AS BIGINT)
         FROM spaces s JOIN users u ON u.id IN (SELECT user_id FROM memberships
                 WHERE space_id = s.id AND role IN ('owner', 'moderator'))
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = u.id
         WHERE s.id = $4 AND u.id <> CAST($2 AS BIGINT) AND u.status = 'active' AND (CASE WHEN CAST($1 AS TEXT) = 'join_request'
                   THEN (u.is_admin OR m.role IN ('owner', 'moderator')) AND EXISTS (SELECT 1 FROM join_requests j
                        WHERE j.space_id = s.id AND j.user_id = CAST($2 AS BIGINT))
                   ELSE (CASE WHEN FALSE THEN s.visibility = 'public'
                   ELSE u.is_admin OR m.user_id IS NOT NULL OR s.visibility <> 'secret' END) END)
           AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.user_id = u.id
                           AND f.target_kind = 'space' AND f.target_id = s.id AND f.tag = ''
                           AND f.muted)
-- end of statement
INSERT INTO notifications (user_id, kind, topic_id, reply_id, actor_id, created_at, others)
         SELECT u.id, CAST($1 AS TEXT), t.id, CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS BIGINT)
         FROM topics t JOIN spaces s ON s.id = t.space_id
         JOIN users u ON u.id IN (SELECT author_id FROM replies WHERE id = $6)
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = u.id
         WHERE t.id = $7 AND u.id <> CAST($3 AS BIGINT) AND u.status = 'active' AND ((CASE WHEN FALSE THEN s.visibility = 'public'
                   ELSE u.is_admin OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $8)))
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'topic' AND m.target_id = t.id AND m.tag = ''
                           AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'space' AND m.target_id = t.space_id
                           AND m.tag = '' AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.topic_id = t.id
                           AND x.reply_id IS NOT DISTINCT FROM CAST($2 AS BIGINT) AND x.user_id = u.id
                           AND (x.kind = 'liked') = (CAST($1 AS TEXT) = 'liked'))
-- end of statement
INSERT INTO notifications (user_id, kind, topic_id, reply_id, actor_id, created_at, others)
         SELECT u.id, CAST($1 AS TEXT), t.id, CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS BIGINT)
         FROM topics t JOIN spaces s ON s.id = t.space_id
         JOIN users u ON u.id IN (SELECT f.user_id FROM follows f WHERE f.target_kind = 'space'
                   AND f.target_id = $6 AND f.tag = '' AND f.active
                 UNION SELECT f.user_id FROM follows f WHERE f.target_kind = 'person'
                   AND f.target_id = $7 AND f.tag = '' AND f.active
                 UNION SELECT f.user_id FROM follows f JOIN topic_tags g
                   ON f.target_kind = 'tag' AND f.target_id = 0 AND f.tag = g.tag
                   WHERE g.topic_id = t.id AND f.active)
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = u.id
         WHERE t.id = $8 AND u.id <> CAST($3 AS BIGINT) AND u.status = 'active' AND ((CASE WHEN FALSE THEN s.visibility = 'public'
                   ELSE u.is_admin OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $9)))
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'topic' AND m.target_id = t.id AND m.tag = ''
                           AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'space' AND m.target_id = t.space_id
                           AND m.tag = '' AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.topic_id = t.id
                           AND x.reply_id IS NOT DISTINCT FROM CAST($2 AS BIGINT) AND x.user_id = u.id
                           AND (x.kind = 'liked') = (CAST($1 AS TEXT) = 'liked'))
-- end of statement
INSERT INTO notifications (user_id, kind, topic_id, reply_id, actor_id, created_at, others)
         SELECT u.id, CAST($1 AS TEXT), t.id, CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS BIGINT)
         FROM topics t JOIN spaces s ON s.id = t.space_id
         JOIN users u ON u.id IN (SELECT user_id FROM mentions WHERE reply_id = $6)
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = u.id
         WHERE t.id = $7 AND u.id <> CAST($3 AS BIGINT) AND u.status = 'active' AND ((CASE WHEN FALSE THEN s.visibility = 'public'
                   ELSE u.is_admin OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $8)))
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'topic' AND m.target_id = t.id AND m.tag = ''
                           AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'space' AND m.target_id = t.space_id
                           AND m.tag = '' AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.topic_id = t.id
                           AND x.reply_id IS NOT DISTINCT FROM CAST($2 AS BIGINT) AND x.user_id = u.id
                           AND (x.kind = 'liked') = (CAST($1 AS TEXT) = 'liked'))
-- end of statement
INSERT INTO notifications (user_id, kind, topic_id, reply_id, actor_id, created_at, others)
         SELECT u.id, CAST($1 AS TEXT), t.id, CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS BIGINT)
         FROM topics t JOIN spaces s ON s.id = t.space_id
         JOIN users u ON u.id IN (SELECT user_id FROM mentions WHERE topic_id = t.id AND reply_id IS NULL)
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = u.id
         WHERE t.id = $6 AND u.id <> CAST($3 AS BIGINT) AND u.status = 'active' AND ((CASE WHEN FALSE THEN s.visibility = 'public'
                   ELSE u.is_admin OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $7)))
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'topic' AND m.target_id = t.id AND m.tag = ''
                           AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'space' AND m.target_id = t.space_id
                           AND m.tag = '' AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.topic_id = t.id
                           AND x.reply_id IS NOT DISTINCT FROM CAST($2 AS BIGINT) AND x.user_id = u.id
                           AND (x.kind = 'liked') = (CAST($1 AS TEXT) = 'liked'))
-- end of statement
INSERT INTO notifications (user_id, kind, topic_id, reply_id, actor_id, created_at, others)
         SELECT u.id, CAST($1 AS TEXT), t.id, CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS BIGINT)
         FROM topics t JOIN spaces s ON s.id = t.space_id
         JOIN users u ON u.id IN (t.author_id)
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = u.id
         WHERE t.id = $6 AND u.id <> CAST($3 AS BIGINT) AND u.status = 'active' AND ((CASE WHEN FALSE THEN s.visibility = 'public'
                   ELSE u.is_admin OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $7)))
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'topic' AND m.target_id = t.id AND m.tag = ''
                           AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'space' AND m.target_id = t.space_id
                           AND m.tag = '' AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.topic_id = t.id
                           AND x.reply_id IS NOT DISTINCT FROM CAST($2 AS BIGINT) AND x.user_id = u.id
                           AND (x.kind = 'liked') = (CAST($1 AS TEXT) = 'liked'))
-- end of statement
INSERT INTO ops_records (name, at, ok, detail, last_ok_at)
                     VALUES ($1, CAST($2 AS BIGINT), $3, $4, CASE WHEN $3 THEN CAST($2 AS BIGINT) END)
                     ON CONFLICT (name) DO UPDATE SET at = $2, ok = $3, detail = $4,
                         last_ok_at = CASE WHEN $3 THEN CAST($2 AS BIGINT)
                                      ELSE ops_records.last_ok_at END
-- end of statement
INSERT INTO reactions (target_kind, target_id, user_id, created_at)
                             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
-- end of statement
INSERT INTO reactions (target_kind, target_id, user_id, created_at) VALUES ($1, $2, $3, $4)
-- end of statement
INSERT INTO replies (id, topic_id, author_id, parent_id, thread_path, depth, body_md, body_html, deleted, edited, like_count, version, created_at, updated_at, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
-- end of statement
INSERT INTO replies (topic_id, author_id, parent_id, thread_path, depth, body_md, body_html,
                              created_at, updated_at, idempotency_key)
         VALUES ($1, $2, $3, '', $4, $5, $6, $7, $7, $8) RETURNING id
-- end of statement
INSERT INTO revisions (id, topic_id, reply_id, version, author_id, title, body_md, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
-- end of statement
INSERT INTO revisions (topic_id, reply_id, version, author_id, title, body_md, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
-- end of statement
INSERT INTO schema_migrations (version, name) VALUES ($1, $2)
-- end of statement
INSERT INTO search_index (rowid, title, body) VALUES ($1, $2, $3)
-- end of statement
INSERT INTO search_rebuild (pending) VALUES (1) ON CONFLICT DO NOTHING
-- end of statement
INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
-- end of statement
INSERT INTO settings (key, value) VALUES ($1, $2)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value
-- end of statement
INSERT INTO signin_attempts (attempt, key, at) VALUES ($1, $2, $3)
-- end of statement
INSERT INTO signin_known (key, at) VALUES ($1, $2)
                     ON CONFLICT (key) DO UPDATE SET at = excluded.at
-- end of statement
INSERT INTO spaces (id, slug, name, description, kind, visibility, join_policy, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
-- end of statement
INSERT INTO spaces (slug, name, description, kind, visibility, join_policy, created_at, member_count)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 1) RETURNING id
-- end of statement
INSERT INTO spaces (slug, name, description, kind, visibility, join_policy, created_at, member_count)
                     VALUES ($1, $2, '', $3, $4, $5, $6, 1) RETURNING id
-- end of statement
INSERT INTO topic_tags (topic_id, tag) VALUES ($1, $2)
-- end of statement
INSERT INTO topic_visits (user_id, topic_id, last_reply_id, visited_at)
                         VALUES ($1, $2, $3, $4)
                         ON CONFLICT (user_id, topic_id) DO UPDATE
                         SET last_reply_id = excluded.last_reply_id, visited_at = excluded.visited_at
                         WHERE topic_visits.last_reply_id < excluded.last_reply_id
-- end of statement
INSERT INTO topics (id, space_id, author_id, kind, title, body_md, body_html, state, pinned, accepted_reply_id, draft, publish_at, version, reply_count, like_count, created_at, updated_at, last_activity_at, idempotency_key, moderation_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
-- end of statement
INSERT INTO topics (space_id, author_id, kind, title, body_md, body_html, draft,
                                         publish_at, created_at, updated_at, last_activity_at, idempotency_key)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $11, $10)
                     ON CONFLICT (author_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                     RETURNING id
-- end of statement
INSERT INTO users (id, username, display_name, email, password_hash, is_admin, status, created_at, title, department, location, about_md, about_html, show_email, avatar_small, avatar_large) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
-- end of statement
INSERT INTO users (username, display_name, email, password_hash, is_admin, status,
                                        created_at, name_key)
                     VALUES ($1, $2, $3, $4, $5, 'active', $6, $7) RETURNING id
-- end of statement
SELECT 'attachment ' || a.id || ': blob missing or of another size' FROM attachments a
         LEFT JOIN blobs b ON b.hash = a.blob_hash WHERE b.hash IS NULL OR b.size <> a.size
-- end of statement
SELECT 'reply ' || r.id || ': broken thread' FROM replies r
         LEFT JOIN replies p ON p.id = r.parent_id
         WHERE r.thread_path = '' OR (r.parent_id IS NOT NULL AND (p.id IS NULL OR p.topic_id <> r.topic_id))
-- end of statement
SELECT 'reply ' || r.id || ': like_count ' || r.like_count || ' but ' || count(x.user_id) || ' likes'
         FROM replies r LEFT JOIN reactions x ON x.target_kind = 'reply' AND x.target_id = r.id
         GROUP BY r.id, r.like_count HAVING r.like_count <> count(x.user_id)
-- end of statement
SELECT 'reply ' || r.id || ': no revision for version ' || r.version FROM replies r
         WHERE NOT EXISTS (SELECT 1 FROM revisions v WHERE v.topic_id = r.topic_id AND v.reply_id = r.id
                           AND v.version = r.version)
-- end of statement
SELECT 'space ' || s.slug || ': member_count ' || s.member_count || ' but ' || count(m.user_id) || ' members'
         FROM spaces s LEFT JOIN memberships m ON m.space_id = s.id
         GROUP BY s.id, s.slug, s.member_count HAVING s.member_count <> count(m.user_id)
-- end of statement
SELECT 'space ' || s.slug || ': no owner' FROM spaces s
         WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.space_id = s.id AND m.role = 'owner')
-- end of statement
SELECT 'topic ' || t.id || ': like_count ' || t.like_count || ' but ' || count(x.user_id) || ' likes'
         FROM topics t LEFT JOIN reactions x ON x.target_kind = 'topic' AND x.target_id = t.id
         GROUP BY t.id, t.like_count HAVING t.like_count <> count(x.user_id)
-- end of statement
SELECT 'topic ' || t.id || ': no revision for version ' || t.version FROM topics t
         WHERE NOT EXISTS (SELECT 1 FROM revisions v WHERE v.topic_id = t.id AND v.reply_id IS NULL
                           AND v.version = t.version)
-- end of statement
SELECT 'topic ' || t.id || ': reply_count ' || t.reply_count || ' but ' || count(r.id) || ' replies'
         FROM topics t LEFT JOIN replies r ON r.topic_id = t.id
         GROUP BY t.id, t.reply_count HAVING t.reply_count <> count(r.id)
-- end of statement
SELECT 'user ' || u.id || ': avatar ' || a.hash || ' missing'
         FROM users u, (SELECT id, avatar_small AS hash FROM users
                        UNION ALL SELECT id, avatar_large FROM users) a
         WHERE a.id = u.id AND a.hash IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.hash = a.hash)
-- end of statement
SELECT 'user ' || u.username || ': no personal space' FROM users u
         WHERE NOT EXISTS (SELECT 1 FROM spaces s WHERE s.slug = '~' || u.username)
-- end of statement
SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM spaces)
-- end of statement
SELECT (SELECT count(*) FROM users),
        (SELECT count(*) FROM spaces WHERE kind = 'community' AND visibility <> 'secret'),
        (SELECT count(*) FROM topics t JOIN spaces s ON s.id = t.space_id
          WHERE s.visibility <> 'secret'),
        (SELECT count(*) FROM replies r JOIN topics t ON t.id = r.topic_id
          JOIN spaces s ON s.id = t.space_id WHERE s.visibility <> 'secret'),
        (SELECT count(*) FROM attachments a JOIN spaces s ON s.id = a.space_id
          WHERE s.visibility <> 'secret'),
        (SELECT max(version) FROM schema_migrations),
        (SELECT max(applied_at) FROM schema_migrations)
-- end of statement
SELECT (SELECT count(*) FROM users),
        (SELECT count(*) FROM spaces WHERE kind = 'community'),
        (SELECT count(*) FROM topics),
        (SELECT count(*) FROM replies),
        (SELECT count(*) FROM attachments),
        (SELECT max(version) FROM schema_migrations),
        (SELECT max(applied_at) FROM schema_migrations)
-- end of statement
SELECT 1
-- end of statement
SELECT 1 FROM topics WHERE id = $1
-- end of statement
SELECT 1 FROM users WHERE email = $1 AND id <> $2
-- end of statement
SELECT COALESCE(max(id), 0) FROM live_events
-- end of statement
SELECT a.id, a.at, a.action, a.target, a.space_id, a.before, a.after, u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at
                     FROM audit_events a JOIN users u ON u.id = a.actor_id
                     WHERE CAST($1 AS BIGINT) IS NULL OR a.id < $1 ORDER BY a.id DESC LIMIT $2
-- end of statement
SELECT a.id, a.public_id, a.topic_id, a.reply_id, a.space_id, a.uploader_id, a.blob_hash, a.filename, a.content_type, a.size, a.created_at, a.on_profile FROM attachments a
                             WHERE a.id = $1 AND a.public_id IS NULL
-- end of statement
SELECT a.id, a.public_id, a.topic_id, a.reply_id, a.space_id, a.uploader_id, a.blob_hash, a.filename, a.content_type, a.size, a.created_at, a.on_profile FROM attachments a
                     LEFT JOIN replies r ON r.id = a.reply_id
                     WHERE a.topic_id = $1 OR r.topic_id = $1 ORDER BY a.id
-- end of statement
SELECT a.id, a.public_id, a.topic_id, a.reply_id, a.space_id, a.uploader_id, a.blob_hash, a.filename, a.content_type, a.size, a.created_at, a.on_profile FROM attachments a WHERE a.public_id = $1
-- end of statement
SELECT active, muted FROM follows WHERE user_id = $1 AND target_kind = $2
                           AND target_id = $3 AND tag = $4
-- end of statement
SELECT at FROM signin_known WHERE key = $1 AND at >= $2
-- end of statement
SELECT avatar_small, avatar_large FROM users WHERE id = $1
-- end of statement
SELECT b.hash, b.data FROM users u JOIN blobs b ON b.hash = u.avatar_large
                     WHERE u.id = $1
-- end of statement
SELECT b.hash, b.data FROM users u JOIN blobs b ON b.hash = u.avatar_small
                     WHERE u.id = $1
-- end of statement
SELECT coalesce(max(version), 0) FROM schema_migrations
-- end of statement
SELECT count(*) FROM (SELECT 1 FROM notifications n LEFT JOIN topics t ON t.id = n.topic_id
         JOIN spaces s ON s.id = COALESCE(t.space_id, n.space_id) JOIN users u ON u.id = n.actor_id
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $2
         WHERE n.user_id = $1
           AND (CASE WHEN n.topic_id IS NULL THEN (CASE WHEN n.kind = 'join_request'
                   THEN ($6 OR m.role IN ('owner', 'moderator')) AND EXISTS (SELECT 1 FROM join_requests j
                        WHERE j.space_id = s.id AND j.user_id = n.actor_id)
                   ELSE (CASE WHEN $7 THEN s.visibility = 'public'
                   ELSE $8 OR m.user_id IS NOT NULL OR s.visibility <> 'secret' END) END) ELSE ((CASE WHEN $3 THEN s.visibility = 'public'
                   ELSE $4 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $5))) END)
           AND (n.reply_id IS NULL OR EXISTS (SELECT 1 FROM replies r
                WHERE r.id = n.reply_id AND NOT r.deleted)) AND n.read_at IS NULL LIMIT $9) x
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 10, 12)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 12, 20)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 2)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 2, 10)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 2, 12)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 2, 3, 6, 7, 8, 9, 10, 11, 13, 14, 16, 19, 21, 22, 23, 26, 27, 29)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 2, 3, 6, 9, 12, 13, 15, 16, 17, 19, 20, 21, 22, 23, 26, 27, 28, 29)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 2, 4, 5, 6, 8, 9, 16, 17, 18, 19, 20, 21, 22, 24)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 2, 4, 6, 10, 11, 17, 20)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 2, 4, 7, 9, 11)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 2, 5, 10, 12, 13, 14, 16, 24, 25, 27, 28)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 2, 8, 10, 11, 13, 14, 16, 17, 18, 19, 21, 22, 23, 25, 26, 28, 29)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 3, 23)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 3, 28)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 3, 4, 5)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 3, 4, 5, 6)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 3, 4, 7, 9, 10)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 3, 4, 7, 9, 11, 12)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 3, 4, 9, 12, 14, 16, 18, 19, 20, 21, 22, 23, 24, 26, 27, 29, 30)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 3, 6, 9, 11, 14, 19, 23, 28)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 4, 23, 25)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 6, 14, 18, 30)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 6, 19, 24)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 7, 9)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (1, 8, 12, 13, 15, 21, 24, 25)
-- end of statement
SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN (2, 5)
-- end of statement
SELECT count(*) FROM search_rebuild
-- end of statement
SELECT count(*) FROM users
-- end of statement
SELECT count(*), min(at) FROM signin_attempts WHERE key = $1
-- end of statement
SELECT data FROM blobs WHERE hash = $1
-- end of statement
SELECT e.id, e.kind, e.topic_id, e.reply_id FROM live_events e
                     LEFT JOIN topics t ON t.id = e.topic_id LEFT JOIN spaces s ON s.id = t.space_id
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE e.id > $5 AND e.id <= $6
                       AND ((e.kind = 'notification' AND e.user_id = $8
                             AND (e.topic_id IS NULL OR ((CASE WHEN $2 THEN s.visibility = 'public'
                   ELSE $3 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $4)))))
                         OR (e.kind = 'reply' AND e.topic_id = CAST($7 AS BIGINT) AND ((CASE WHEN $2 THEN s.visibility = 'public'
                   ELSE $3 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $4)))
                             AND NOT EXISTS (SELECT 1 FROM replies r
                                             WHERE r.id = e.reply_id AND r.deleted)))
                     ORDER BY e.id LIMIT $9
-- end of statement
SELECT fingerprint, answer, created_at
                     FROM kept_answers WHERE user_id = $1 AND key = $2
-- end of statement
SELECT fingerprint, name, body FROM assets WHERE fingerprint = $1
-- end of statement
SELECT hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1
-- end of statement
SELECT hash, size, data FROM blobs
-- end of statement
SELECT hash, size, data, created_at FROM blobs ORDER BY hash COLLATE BINARY
-- end of statement
SELECT hash, size, data, created_at FROM blobs WHERE hash IN (SELECT blob_hash FROM attachments WHERE space_id = $1) OR hash IN (SELECT avatar_small FROM users WHERE id IN (SELECT user_id FROM memberships WHERE space_id = $1 UNION SELECT user_id FROM join_requests WHERE space_id = $1 UNION SELECT author_id FROM topics WHERE space_id = $1 UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1 UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = $1 UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = $1 UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (x.target_kind = 'reply' AND x.target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) UNION SELECT uploader_id FROM attachments WHERE space_id = $1)) OR hash IN (SELECT avatar_large FROM users WHERE id IN (SELECT user_id FROM memberships WHERE space_id = $1 UNION SELECT user_id FROM join_requests WHERE space_id = $1 UNION SELECT author_id FROM topics WHERE space_id = $1 UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1 UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = $1 UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = $1 UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (x.target_kind = 'reply' AND x.target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) UNION SELECT uploader_id FROM attachments WHERE space_id = $1)) ORDER BY hash COLLATE BINARY
-- end of statement
SELECT i.id, i.email, i.invited_by, i.created_at, i.expires_at FROM invites i
                     WHERE i.accepted_at IS NULL AND i.expires_at > $1 ORDER BY i.id DESC
-- end of statement
SELECT i.id, i.email, i.invited_by, i.created_at, i.expires_at FROM invites i
                     WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2
-- end of statement
SELECT id FROM replies WHERE author_id = $1 AND idempotency_key = $2
-- end of statement
SELECT id FROM spaces WHERE slug = $1
-- end of statement
SELECT id FROM topics WHERE author_id = $1 AND idempotency_key = $2
-- end of statement
SELECT id FROM topics WHERE id = $1
-- end of statement
SELECT id, '', body_md, '', '' FROM replies WHERE id > $1 ORDER BY id LIMIT 500
-- end of statement
SELECT id, actor_id, COALESCE(others, 0), read_at IS NULL FROM notifications
             WHERE topic_id = $1 AND reply_id IS NOT DISTINCT FROM CAST($2 AS BIGINT)
               AND kind = 'liked'
-- end of statement
SELECT id, at, actor_id, action, target, space_id, before, after FROM audit_events ORDER BY id
-- end of statement
SELECT id, at, actor_id, action, target, space_id, before, after, prev_hash, hash FROM audit_events ORDER BY id
-- end of statement
SELECT id, author_id FROM topics WHERE id = $1
-- end of statement
SELECT id, display_name, username,
                COALESCE(title, '') || ' ' || COALESCE(department, '') || ' '
                || COALESCE(location, ''),
                COALESCE(about_md, '')
         FROM users WHERE id > $1 ORDER BY id LIMIT 500
-- end of statement
SELECT id, email, token_hash, invited_by, created_at, expires_at, accepted_at FROM invites ORDER BY id
-- end of statement
SELECT id, kind, topic_id, user_id FROM live_events
                     WHERE id > $1 ORDER BY id LIMIT $2
-- end of statement
SELECT id, name, description, slug, '' FROM spaces
         WHERE id > $1 AND kind = 'community' ORDER BY id LIMIT 500
-- end of statement
SELECT id, slug, name, description, kind, visibility, join_policy, created_at FROM spaces ORDER BY id
-- end of statement
SELECT id, slug, name, description, kind, visibility, join_policy, created_at FROM spaces WHERE id IN (SELECT id FROM spaces WHERE id = $1 UNION SELECT s.id FROM spaces s JOIN memberships m ON m.space_id = s.id AND m.role = 'owner' WHERE s.kind = 'personal' AND m.user_id IN (SELECT user_id FROM memberships WHERE space_id = $1 UNION SELECT user_id FROM join_requests WHERE space_id = $1 UNION SELECT author_id FROM topics WHERE space_id = $1 UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1 UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = $1 UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = $1 UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (x.target_kind = 'reply' AND x.target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) UNION SELECT uploader_id FROM attachments WHERE space_id = $1)) ORDER BY id
-- end of statement
SELECT id, space_id, author_id, kind, title, body_md, body_html, state, pinned, accepted_reply_id, draft, publish_at, version, reply_count, like_count, created_at, updated_at, last_activity_at, idempotency_key, moderation_note FROM topics ORDER BY id
-- end of statement
SELECT id, space_id, author_id, kind, title, body_md, body_html, state, pinned, accepted_reply_id, draft, publish_at, version, reply_count, like_count, created_at, updated_at, last_activity_at, idempotency_key, moderation_note FROM topics WHERE space_id = $1 ORDER BY id
-- end of statement
SELECT id, space_id, uploader_id, blob_hash, filename, content_type, size, created_at, public_id, topic_id, reply_id, on_profile FROM attachments ORDER BY id
-- end of statement
SELECT id, space_id, uploader_id, blob_hash, filename, content_type, size, created_at, public_id, topic_id, reply_id, on_profile FROM attachments WHERE space_id = $1 AND (topic_id IS NULL OR topic_id IN (SELECT id FROM topics WHERE space_id = $1)) AND (reply_id IS NULL OR reply_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) ORDER BY id
-- end of statement
SELECT id, title, body_md, '', '' FROM topics WHERE id > $1 ORDER BY id LIMIT 500
-- end of statement
SELECT id, topic_id, author_id, parent_id, thread_path, depth, body_md, body_html, deleted, edited, like_count, version, created_at, updated_at, idempotency_key FROM replies ORDER BY id
-- end of statement
SELECT id, topic_id, author_id, parent_id, thread_path, depth, body_md, body_html, deleted, edited, like_count, version, created_at, updated_at, idempotency_key FROM replies WHERE topic_id IN (SELECT id FROM topics WHERE space_id = $1) ORDER BY id
-- end of statement
SELECT id, topic_id, reply_id, version, author_id, title, body_md, created_at FROM revisions ORDER BY id
-- end of statement
SELECT id, topic_id, reply_id, version, author_id, title, body_md, created_at FROM revisions WHERE topic_id IN (SELECT id FROM topics WHERE space_id = $1) ORDER BY id
-- end of statement
SELECT id, user_id, kind, space_id, topic_id, reply_id, actor_id, created_at, read_at, others FROM notifications ORDER BY id
-- end of statement
SELECT id, user_id, kind, space_id, topic_id, reply_id, actor_id, created_at, read_at, others FROM notifications WHERE user_id IN (SELECT user_id FROM memberships WHERE space_id = $1 UNION SELECT user_id FROM join_requests WHERE space_id = $1 UNION SELECT author_id FROM topics WHERE space_id = $1 UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1 UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = $1 UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = $1 UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (x.target_kind = 'reply' AND x.target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) UNION SELECT uploader_id FROM attachments WHERE space_id = $1) AND actor_id IN (SELECT user_id FROM memberships WHERE space_id = $1 UNION SELECT user_id FROM join_requests WHERE space_id = $1 UNION SELECT author_id FROM topics WHERE space_id = $1 UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1 UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = $1 UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = $1 UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (x.target_kind = 'reply' AND x.target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) UNION SELECT uploader_id FROM attachments WHERE space_id = $1) AND (space_id IS NULL OR space_id = $1) AND (topic_id IS NULL OR topic_id IN (SELECT id FROM topics WHERE space_id = $1)) AND (reply_id IS NULL OR reply_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) ORDER BY id
-- end of statement
SELECT id, username, display_name, email, password_hash, is_admin, status, created_at, title, department, location, about_md, about_html, show_email, avatar_small, avatar_large FROM users ORDER BY id
-- end of statement
SELECT id, username, display_name, email, password_hash, is_admin, status, created_at, title, department, location, about_md, about_html, show_email, avatar_small, avatar_large FROM users WHERE id IN (SELECT user_id FROM memberships WHERE space_id = $1 UNION SELECT user_id FROM join_requests WHERE space_id = $1 UNION SELECT author_id FROM topics WHERE space_id = $1 UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1 UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = $1 UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = $1 UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (x.target_kind = 'reply' AND x.target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) UNION SELECT uploader_id FROM attachments WHERE space_id = $1) ORDER BY id
-- end of statement
SELECT key, value FROM settings
-- end of statement
SELECT key, value FROM settings ORDER BY key COLLATE BINARY
-- end of statement
SELECT n.id, n.kind, t.id, t.title, s.slug, s.name, n.reply_id, n.created_at,
                            n.read_at IS NOT NULL, COALESCE(n.others, 0), u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at
                     FROM notifications n LEFT JOIN topics t ON t.id = n.topic_id
         JOIN spaces s ON s.id = COALESCE(t.space_id, n.space_id) JOIN users u ON u.id = n.actor_id
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $2
         WHERE n.user_id = $1
           AND (CASE WHEN n.topic_id IS NULL THEN (CASE WHEN n.kind = 'join_request'
                   THEN ($6 OR m.role IN ('owner', 'moderator')) AND EXISTS (SELECT 1 FROM join_requests j
                        WHERE j.space_id = s.id AND j.user_id = n.actor_id)
                   ELSE (CASE WHEN $7 THEN s.visibility = 'public'
                   ELSE $8 OR m.user_id IS NOT NULL OR s.visibility <> 'secret' END) END) ELSE ((CASE WHEN $3 THEN s.visibility = 'public'
                   ELSE $4 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $5))) END)
           AND (n.reply_id IS NULL OR EXISTS (SELECT 1 FROM replies r
                WHERE r.id = n.reply_id AND NOT r.deleted))  
                     ORDER BY n.id DESC LIMIT $9
-- end of statement
SELECT n.id, n.kind, t.id, t.title, s.slug, s.name, n.reply_id, n.created_at,
                            n.read_at IS NOT NULL, COALESCE(n.others, 0), u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at
                     FROM notifications n LEFT JOIN topics t ON t.id = n.topic_id
         JOIN spaces s ON s.id = COALESCE(t.space_id, n.space_id) JOIN users u ON u.id = n.actor_id
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $2
         WHERE n.user_id = $1
           AND (CASE WHEN n.topic_id IS NULL THEN (CASE WHEN n.kind = 'join_request'
                   THEN ($6 OR m.role IN ('owner', 'moderator')) AND EXISTS (SELECT 1 FROM join_requests j
                        WHERE j.space_id = s.id AND j.user_id = n.actor_id)
                   ELSE (CASE WHEN $7 THEN s.visibility = 'public'
                   ELSE $8 OR m.user_id IS NOT NULL OR s.visibility <> 'secret' END) END) ELSE ((CASE WHEN $3 THEN s.visibility = 'public'
                   ELSE $4 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $5))) END)
           AND (n.reply_id IS NULL OR EXISTS (SELECT 1 FROM replies r
                WHERE r.id = n.reply_id AND NOT r.deleted))  AND n.read_at IS NULL
                     ORDER BY n.id DESC LIMIT $9
-- end of statement
SELECT name, at, ok, detail, last_ok_at FROM ops_records ORDER BY name
-- end of statement
SELECT r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM replies r JOIN users u ON u.id = r.author_id
                         WHERE r.id IN (1)
-- end of statement
SELECT r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM replies r JOIN users u ON u.id = r.author_id
                         WHERE r.id IN (12, 10, 3, 1)
-- end of statement
SELECT r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM replies r JOIN users u ON u.id = r.author_id
                         WHERE r.id IN (4, 3, 2, 1)
-- end of statement
SELECT r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM replies r JOIN users u ON u.id = r.author_id
                         WHERE r.id IN (93, 91, 84, 82, 75, 73, 57, 55, 48, 46, 39, 37, 21, 19, 12, 10, 3, 1)
-- end of statement
SELECT r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM replies r JOIN users u ON u.id = r.author_id
                         WHERE r.id IN (99, 97, 96, 94, 93, 91, 90, 88, 87, 85, 84, 82, 81, 79, 78, 76, 75, 73, 63, 61, 60, 58, 57, 55, 54, 52, 51, 49, 48, 46, 45, 43, 42, 40, 39, 37, 27, 25, 24, 22, 21, 19, 18, 16, 15, 13, 12, 10, 9, 7, 6, 4, 3, 1)
-- end of statement
SELECT r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM replies r JOIN users u ON u.id = r.author_id
                     WHERE r.topic_id = $2 AND NOT r.deleted
                     ORDER BY r.created_at DESC, r.id DESC LIMIT $3
-- end of statement
SELECT r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM replies r JOIN users u ON u.id = r.author_id
                     WHERE r.topic_id = $2 ORDER BY r.thread_path LIMIT $3 OFFSET $4
-- end of statement
SELECT r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM replies r JOIN users u ON u.id = r.author_id WHERE r.id = $2
-- end of statement
SELECT r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at, t.title FROM replies r JOIN users u ON u.id = r.author_id
                     JOIN topics t ON t.id = r.topic_id
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE r.author_id = $2 AND NOT r.deleted AND ((CASE WHEN $3 THEN s.visibility = 'public'
                   ELSE $4 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $5)))
                     ORDER BY r.created_at DESC, r.id DESC LIMIT $6
-- end of statement
SELECT r.topic_id, (SELECT count(*) FROM replies x
                                         WHERE x.topic_id = r.topic_id AND x.thread_path < r.thread_path)
                     FROM replies r WHERE r.id = $1
-- end of statement
SELECT requested_at FROM join_requests WHERE space_id = $1 AND user_id = $2
-- end of statement
SELECT role FROM memberships WHERE space_id = $1 AND user_id = $2
-- end of statement
SELECT rowid FROM search_index WHERE search_index MATCH $1
                 AND rowid BETWEEN $2 AND $3 ORDER BY rowid DESC LIMIT 1 OFFSET $4
-- end of statement
SELECT s.id, s.name, s.slug FROM follows f JOIN spaces s ON s.id = f.target_id
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE f.user_id = $2 AND f.target_kind = 'space' AND f.active AND (CASE WHEN $3 THEN s.visibility = 'public'
                   ELSE $4 OR m.user_id IS NOT NULL OR s.visibility = 'public' END)
                     ORDER BY lower(s.name), s.id
-- end of statement
SELECT s.id, s.slug, s.name, s.description, s.kind, s.visibility, s.join_policy, s.created_at FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3) w ORDER BY score DESC, doc DESC LIMIT $4) h JOIN spaces s ON s.id = (h.doc & 1099511627775) LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $5
                     WHERE s.kind = 'community' AND (CASE WHEN $6 THEN s.visibility = 'public'
                   ELSE $7 OR m.user_id IS NOT NULL OR s.visibility <> 'secret' END)
                     ORDER BY h.score DESC, s.id LIMIT $8
-- end of statement
SELECT s.id, s.slug, s.name, s.description, s.kind, s.visibility, s.join_policy, s.created_at, m.role, s.member_count FROM spaces s
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE s.slug = $2
-- end of statement
SELECT s.id, s.slug, s.name, s.description, s.kind, s.visibility, s.join_policy, s.created_at, m.role, s.member_count FROM spaces s LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     JOIN memberships mm ON mm.space_id = s.id AND mm.user_id = $2
                     WHERE s.kind = 'community' AND mm.space_id > $3 AND (CASE WHEN $4 THEN s.visibility = 'public'
                   ELSE $5 OR m.user_id IS NOT NULL OR s.visibility = 'public' END)
                     ORDER BY mm.space_id LIMIT $6
-- end of statement
SELECT s.id, s.slug, s.name, s.description, s.kind, s.visibility, s.join_policy, s.created_at, m.role, s.member_count FROM spaces s LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE s.kind = 'community' AND s.id > $2 AND (CASE WHEN $3 THEN s.visibility = 'public'
                   ELSE $4 OR m.user_id IS NOT NULL OR s.visibility <> 'secret' END)
                     ORDER BY s.id LIMIT $5
-- end of statement
SELECT se.id_hash, se.user_id, se.csrf_token, se.created_at, se.last_seen_at, se.expires_at, se.user_agent FROM sessions se WHERE se.user_id = $1
                     ORDER BY se.created_at DESC
-- end of statement
SELECT se.id_hash, se.user_id, se.csrf_token, se.created_at, se.last_seen_at, se.expires_at, se.user_agent, u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM sessions se
                     JOIN users u ON u.id = se.user_id
                     WHERE se.id_hash = $1 AND se.expires_at > $2 AND u.status = 'active'
-- end of statement
SELECT space_id, user_id, requested_at FROM join_requests ORDER BY space_id, user_id
-- end of statement
SELECT space_id, user_id, requested_at FROM join_requests WHERE space_id = $1 ORDER BY space_id, user_id
-- end of statement
SELECT space_id, user_id, role, joined_at FROM memberships ORDER BY space_id, user_id
-- end of statement
SELECT space_id, user_id, role, joined_at FROM memberships WHERE space_id IN (SELECT id FROM spaces WHERE id = $1 UNION SELECT s.id FROM spaces s JOIN memberships m ON m.space_id = s.id AND m.role = 'owner' WHERE s.kind = 'personal' AND m.user_id IN (SELECT user_id FROM memberships WHERE space_id = $1 UNION SELECT user_id FROM join_requests WHERE space_id = $1 UNION SELECT author_id FROM topics WHERE space_id = $1 UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1 UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = $1 UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = $1 UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (x.target_kind = 'reply' AND x.target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) UNION SELECT uploader_id FROM attachments WHERE space_id = $1)) AND user_id IN (SELECT user_id FROM memberships WHERE space_id = $1 UNION SELECT user_id FROM join_requests WHERE space_id = $1 UNION SELECT author_id FROM topics WHERE space_id = $1 UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1 UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = $1 UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = $1 UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (x.target_kind = 'reply' AND x.target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) UNION SELECT uploader_id FROM attachments WHERE space_id = $1) ORDER BY space_id, user_id
-- end of statement
SELECT state, space_id, author_id FROM topics WHERE id = $1
-- end of statement
SELECT t.id, r.id, count(*) OVER () FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3 UNION ALL SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $4 AND $5) w ORDER BY score DESC, doc DESC LIMIT $6) h
                     LEFT JOIN replies r ON (h.doc >> 40) = 1 AND r.id = (h.doc & 1099511627775)
                     JOIN topics t ON t.id = (CASE WHEN (h.doc >> 40) = 0 THEN (h.doc & 1099511627775) ELSE r.topic_id END)
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $7
                     WHERE (r.id IS NULL OR NOT r.deleted) AND ((CASE WHEN $8 THEN s.visibility = 'public'
                   ELSE $9 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND (t.author_id = $11 OR ($12 OR m.role IN ('owner', 'moderator')))))
                      AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $10)) OR t.author_id = $11)) ORDER BY coalesce(r.created_at, t.created_at) DESC, h.doc DESC LIMIT $13 OFFSET $14
-- end of statement
SELECT t.id, r.id, count(*) OVER () FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3 UNION ALL SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $4 AND $5) w ORDER BY score DESC, doc DESC LIMIT $6) h
                     LEFT JOIN replies r ON (h.doc >> 40) = 1 AND r.id = (h.doc & 1099511627775)
                     JOIN topics t ON t.id = (CASE WHEN (h.doc >> 40) = 0 THEN (h.doc & 1099511627775) ELSE r.topic_id END)
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $7
                     WHERE (r.id IS NULL OR NOT r.deleted) AND ((CASE WHEN $8 THEN s.visibility = 'public'
                   ELSE $9 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND (t.author_id = $11 OR ($12 OR m.role IN ('owner', 'moderator')))))
                      AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $10)) OR t.author_id = $11)) ORDER BY h.score DESC, coalesce(r.created_at, t.created_at) DESC, h.doc DESC LIMIT $13 OFFSET $14
-- end of statement
SELECT t.id, r.id, count(*) OVER () FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3 UNION ALL SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $4 AND $5) w ORDER BY score DESC, doc DESC LIMIT $6) h
                     LEFT JOIN replies r ON (h.doc >> 40) = 1 AND r.id = (h.doc & 1099511627775)
                     JOIN topics t ON t.id = (CASE WHEN (h.doc >> 40) = 0 THEN (h.doc & 1099511627775) ELSE r.topic_id END)
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $8
                     WHERE (r.id IS NULL OR NOT r.deleted) AND ((CASE WHEN $9 THEN s.visibility = 'public'
                   ELSE $10 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND (t.author_id = $12 OR ($13 OR m.role IN ('owner', 'moderator')))))
                      AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $11)) OR t.author_id = $12)) AND coalesce(r.author_id, t.author_id) = $7 ORDER BY h.score DESC, coalesce(r.created_at, t.created_at) DESC, h.doc DESC LIMIT $14 OFFSET $15
-- end of statement
SELECT t.id, r.id, count(*) OVER () FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3 UNION ALL SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $4 AND $5) w ORDER BY score DESC, doc DESC LIMIT $6) h
                     LEFT JOIN replies r ON (h.doc >> 40) = 1 AND r.id = (h.doc & 1099511627775)
                     JOIN topics t ON t.id = (CASE WHEN (h.doc >> 40) = 0 THEN (h.doc & 1099511627775) ELSE r.topic_id END)
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $8
                     WHERE (r.id IS NULL OR NOT r.deleted) AND ((CASE WHEN $9 THEN s.visibility = 'public'
                   ELSE $10 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND (t.author_id = $12 OR ($13 OR m.role IN ('owner', 'moderator')))))
                      AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $11)) OR t.author_id = $12)) AND coalesce(r.created_at, t.created_at) < $7 ORDER BY h.score DESC, coalesce(r.created_at, t.created_at) DESC, h.doc DESC LIMIT $14 OFFSET $15
-- end of statement
SELECT t.id, r.id, count(*) OVER () FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3 UNION ALL SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $4 AND $5) w ORDER BY score DESC, doc DESC LIMIT $6) h
                     LEFT JOIN replies r ON (h.doc >> 40) = 1 AND r.id = (h.doc & 1099511627775)
                     JOIN topics t ON t.id = (CASE WHEN (h.doc >> 40) = 0 THEN (h.doc & 1099511627775) ELSE r.topic_id END)
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $8
                     WHERE (r.id IS NULL OR NOT r.deleted) AND ((CASE WHEN $9 THEN s.visibility = 'public'
                   ELSE $10 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND (t.author_id = $12 OR ($13 OR m.role IN ('owner', 'moderator')))))
                      AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $11)) OR t.author_id = $12)) AND coalesce(r.created_at, t.created_at) >= $7 ORDER BY h.score DESC, coalesce(r.created_at, t.created_at) DESC, h.doc DESC LIMIT $14 OFFSET $15
-- end of statement
SELECT t.id, r.id, count(*) OVER () FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3 UNION ALL SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $4 AND $5) w ORDER BY score DESC, doc DESC LIMIT $6) h
                     LEFT JOIN replies r ON (h.doc >> 40) = 1 AND r.id = (h.doc & 1099511627775)
                     JOIN topics t ON t.id = (CASE WHEN (h.doc >> 40) = 0 THEN (h.doc & 1099511627775) ELSE r.topic_id END)
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $8
                     WHERE (r.id IS NULL OR NOT r.deleted) AND ((CASE WHEN $9 THEN s.visibility = 'public'
                   ELSE $10 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND (t.author_id = $12 OR ($13 OR m.role IN ('owner', 'moderator')))))
                      AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $11)) OR t.author_id = $12)) AND t.kind = $7 ORDER BY h.score DESC, coalesce(r.created_at, t.created_at) DESC, h.doc DESC LIMIT $14 OFFSET $15
-- end of statement
SELECT t.id, r.id, count(*) OVER () FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3 UNION ALL SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $4 AND $5) w ORDER BY score DESC, doc DESC LIMIT $6) h
                     LEFT JOIN replies r ON (h.doc >> 40) = 1 AND r.id = (h.doc & 1099511627775)
                     JOIN topics t ON t.id = (CASE WHEN (h.doc >> 40) = 0 THEN (h.doc & 1099511627775) ELSE r.topic_id END)
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $8
                     WHERE (r.id IS NULL OR NOT r.deleted) AND ((CASE WHEN $9 THEN s.visibility = 'public'
                   ELSE $10 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND (t.author_id = $12 OR ($13 OR m.role IN ('owner', 'moderator')))))
                      AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $11)) OR t.author_id = $12)) AND t.kind = 'question' AND (t.accepted_reply_id IS NOT NULL) = $7 ORDER BY h.score DESC, coalesce(r.created_at, t.created_at) DESC, h.doc DESC LIMIT $14 OFFSET $15
-- end of statement
SELECT t.id, r.id, count(*) OVER () FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3 UNION ALL SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $4 AND $5) w ORDER BY score DESC, doc DESC LIMIT $6) h
                     LEFT JOIN replies r ON (h.doc >> 40) = 1 AND r.id = (h.doc & 1099511627775)
                     JOIN topics t ON t.id = (CASE WHEN (h.doc >> 40) = 0 THEN (h.doc & 1099511627775) ELSE r.topic_id END)
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $8
                     WHERE (r.id IS NULL OR NOT r.deleted) AND ((CASE WHEN $9 THEN s.visibility = 'public'
                   ELSE $10 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND (t.author_id = $12 OR ($13 OR m.role IN ('owner', 'moderator')))))
                      AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $11)) OR t.author_id = $12)) AND t.space_id = $7 ORDER BY coalesce(r.created_at, t.created_at) DESC, h.doc DESC LIMIT $14 OFFSET $15
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3) w ORDER BY score DESC, doc DESC LIMIT $4) h JOIN topics t ON t.id = (h.doc & 1099511627775)
                     JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $5
                     WHERE ((CASE WHEN $6 THEN s.visibility = 'public'
                   ELSE $7 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $8)))
                     ORDER BY h.score DESC, t.id DESC LIMIT $9
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE ((CASE WHEN $2 THEN s.visibility = 'public'
                   ELSE $3 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $4)))
                       AND (CAST($6 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM topic_tags g
                            WHERE g.topic_id = t.id AND g.tag = $6))
                       AND (CAST($7 AS BIGINT) IS NULL OR t.author_id = $7)
                       AND (CAST($8 AS BIGINT) IS NULL
                            OR t.space_id IN (SELECT f.target_id FROM follows f WHERE f.user_id = $8
                                              AND f.target_kind = 'space' AND f.active)
                            OR t.id IN (SELECT f.target_id FROM follows f WHERE f.user_id = $8
                                        AND f.target_kind = 'topic' AND f.active)
                            OR t.author_id IN (SELECT f.target_id FROM follows f WHERE f.user_id = $8
                                               AND f.target_kind = 'person' AND f.active)
                            OR EXISTS (SELECT 1 FROM topic_tags g JOIN follows f ON f.tag = g.tag
                                       WHERE g.topic_id = t.id AND f.user_id = $8
                                         AND f.target_kind = 'tag' AND f.active))
                       AND TRUE
                     ORDER BY t.last_activity_at DESC, t.id DESC LIMIT $5
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE t.space_id = $2 AND ((CASE WHEN $3 THEN s.visibility = 'public'
                   ELSE $4 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND (t.author_id = $6 OR ($7 OR m.role IN ('owner', 'moderator')))))
                      AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $5)) OR t.author_id = $6))
                       AND (CAST($12 AS TEXT) IS NULL OR t.kind = $12)
                       AND (CAST($13 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM topic_tags g
                            WHERE g.topic_id = t.id AND g.tag = $13))
                       AND (NOT $14 OR (t.kind = 'question' AND t.accepted_reply_id IS NULL))
                       AND (t.pinned, t.last_activity_at, t.id) < ($8, $9, $10)
                     ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC LIMIT $11
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE t.space_id = $2 AND ((CASE WHEN $3 THEN s.visibility = 'public'
                   ELSE $4 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND (t.author_id = $6 OR ($7 OR m.role IN ('owner', 'moderator')))))
                      AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $5)) OR t.author_id = $6))
                       AND (CAST($9 AS TEXT) IS NULL OR t.kind = $9)
                       AND (CAST($10 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM topic_tags g
                            WHERE g.topic_id = t.id AND g.tag = $10))
                       AND (NOT $11 OR (t.kind = 'question' AND t.accepted_reply_id IS NULL))
                       AND TRUE
                     ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC LIMIT $8
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id = $1
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (13, 12, 11, 10, 9, 8, 7, 6, 5, 4)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (19, 16, 13)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (2, 1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (21, 20, 19, 18, 17, 16, 15, 14, 13)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (23, 22, 21, 20, 19, 18, 17, 16, 15, 14)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (3, 1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (3, 2, 1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (31, 28, 25)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (31, 31, 28, 28, 25, 25, 19, 19, 16, 16, 13, 13, 7, 7, 4, 4, 1, 1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (33, 32, 31, 30, 29, 28, 27, 26, 25)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (33, 33, 32, 32, 31, 31, 30, 30, 29, 29, 28, 28, 27, 27, 26, 26, 25, 25, 21, 21, 20, 20, 19, 19, 18, 18, 17, 17, 16, 16, 15, 15, 14, 14, 13, 13, 9, 9, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (4)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (4, 1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (4, 3, 2, 1, 4, 3, 2, 1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (4, 4, 1, 1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (5)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (6)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (7)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (7, 4, 1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (8)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (9)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (9, 8)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (9, 8, 7, 6, 5, 4, 3, 2, 1)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (9, 8, 9)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN (9, 9)
-- end of statement
SELECT t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags WHERE topic_id = t.id ORDER BY tag)),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at, s.id, s.slug, s.name, s.description, s.kind, s.visibility, s.join_policy, s.created_at, m.role, s.member_count,
                            EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'topic'
                                    AND x.target_id = t.id AND x.user_id = $1)
                     FROM topics t JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE t.id = $2
-- end of statement
SELECT t.id, t.title FROM follows f JOIN topics t ON t.id = f.target_id
                     JOIN spaces s ON s.id = t.space_id
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE f.user_id = $2 AND f.target_kind = 'topic' AND f.active AND ((CASE WHEN $3 THEN s.visibility = 'public'
                   ELSE $4 OR m.user_id IS NOT NULL OR s.visibility = 'public' END) AND t.state IN ('open', 'locked') AND (NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $5)))
                     ORDER BY t.id DESC
-- end of statement
SELECT t.id, t.user_id, t.name, t.created_at, t.last_used_at FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id DESC
-- end of statement
SELECT t.id, t.user_id, t.name, t.created_at, t.last_used_at, u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM api_tokens t
                     JOIN users u ON u.id = t.user_id
                     WHERE t.token_hash = $1 AND u.status = 'active'
-- end of statement
SELECT t.id, v.last_reply_id IS NOT NULL,
                            CASE WHEN v.last_reply_id IS NULL THEN t.reply_count
                            ELSE (SELECT count(*) FROM (SELECT 1 FROM replies r
                                  WHERE r.topic_id = t.id
                                    AND r.created_at >= (SELECT seen.created_at FROM replies seen
                                                         WHERE seen.id = v.last_reply_id)
                                    AND r.id > v.last_reply_id
                                    AND r.author_id <> $1 AND NOT r.deleted
                                  LIMIT 100) x) END
                     FROM topics t
                     LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = t.id
                     WHERE t.id IN (1)
-- end of statement
SELECT t.id, v.last_reply_id IS NOT NULL,
                            CASE WHEN v.last_reply_id IS NULL THEN t.reply_count
                            ELSE (SELECT count(*) FROM (SELECT 1 FROM replies r
                                  WHERE r.topic_id = t.id
                                    AND r.created_at >= (SELECT seen.created_at FROM replies seen
                                                         WHERE seen.id = v.last_reply_id)
                                    AND r.id > v.last_reply_id
                                    AND r.author_id <> $1 AND NOT r.deleted
                                  LIMIT 100) x) END
                     FROM topics t
                     LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = t.id
                     WHERE t.id IN (2, 1)
-- end of statement
SELECT t.id, v.last_reply_id IS NOT NULL,
                            CASE WHEN v.last_reply_id IS NULL THEN t.reply_count
                            ELSE (SELECT count(*) FROM (SELECT 1 FROM replies r
                                  WHERE r.topic_id = t.id
                                    AND r.created_at >= (SELECT seen.created_at FROM replies seen
                                                         WHERE seen.id = v.last_reply_id)
                                    AND r.id > v.last_reply_id
                                    AND r.author_id <> $1 AND NOT r.deleted
                                  LIMIT 100) x) END
                     FROM topics t
                     LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = t.id
                     WHERE t.id IN (2, 4, 3, 1)
-- end of statement
SELECT t.id, v.last_reply_id IS NOT NULL,
                            CASE WHEN v.last_reply_id IS NULL THEN t.reply_count
                            ELSE (SELECT count(*) FROM (SELECT 1 FROM replies r
                                  WHERE r.topic_id = t.id
                                    AND r.created_at >= (SELECT seen.created_at FROM replies seen
                                                         WHERE seen.id = v.last_reply_id)
                                    AND r.id > v.last_reply_id
                                    AND r.author_id <> $1 AND NOT r.deleted
                                  LIMIT 100) x) END
                     FROM topics t
                     LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = t.id
                     WHERE t.id IN (23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
-- end of statement
SELECT t.id, v.last_reply_id IS NOT NULL,
                            CASE WHEN v.last_reply_id IS NULL THEN t.reply_count
                            ELSE (SELECT count(*) FROM (SELECT 1 FROM replies r
                                  WHERE r.topic_id = t.id
                                    AND r.created_at >= (SELECT seen.created_at FROM replies seen
                                                         WHERE seen.id = v.last_reply_id)
                                    AND r.id > v.last_reply_id
                                    AND r.author_id <> $1 AND NOT r.deleted
                                  LIMIT 100) x) END
                     FROM topics t
                     LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = t.id
                     WHERE t.id IN (3)
-- end of statement
SELECT t.id, v.last_reply_id IS NOT NULL,
                            CASE WHEN v.last_reply_id IS NULL THEN t.reply_count
                            ELSE (SELECT count(*) FROM (SELECT 1 FROM replies r
                                  WHERE r.topic_id = t.id
                                    AND r.created_at >= (SELECT seen.created_at FROM replies seen
                                                         WHERE seen.id = v.last_reply_id)
                                    AND r.id > v.last_reply_id
                                    AND r.author_id <> $1 AND NOT r.deleted
                                  LIMIT 100) x) END
                     FROM topics t
                     LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = t.id
                     WHERE t.id IN (3, 2)
-- end of statement
SELECT t.id, v.last_reply_id IS NOT NULL,
                            CASE WHEN v.last_reply_id IS NULL THEN t.reply_count
                            ELSE (SELECT count(*) FROM (SELECT 1 FROM replies r
                                  WHERE r.topic_id = t.id
                                    AND r.created_at >= (SELECT seen.created_at FROM replies seen
                                                         WHERE seen.id = v.last_reply_id)
                                    AND r.id > v.last_reply_id
                                    AND r.author_id <> $1 AND NOT r.deleted
                                  LIMIT 100) x) END
                     FROM topics t
                     LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = t.id
                     WHERE t.id IN (3, 2, 1)
-- end of statement
SELECT t.id, v.last_reply_id IS NOT NULL,
                            CASE WHEN v.last_reply_id IS NULL THEN t.reply_count
                            ELSE (SELECT count(*) FROM (SELECT 1 FROM replies r
                                  WHERE r.topic_id = t.id
                                    AND r.created_at >= (SELECT seen.created_at FROM replies seen
                                                         WHERE seen.id = v.last_reply_id)
                                    AND r.id > v.last_reply_id
                                    AND r.author_id <> $1 AND NOT r.deleted
                                  LIMIT 100) x) END
                     FROM topics t
                     LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = t.id
                     WHERE t.id IN (4, 3, 2, 1)
-- end of statement
SELECT t.id, v.last_reply_id IS NOT NULL,
                            CASE WHEN v.last_reply_id IS NULL THEN t.reply_count
                            ELSE (SELECT count(*) FROM (SELECT 1 FROM replies r
                                  WHERE r.topic_id = t.id
                                    AND r.created_at >= (SELECT seen.created_at FROM replies seen
                                                         WHERE seen.id = v.last_reply_id)
                                    AND r.id > v.last_reply_id
                                    AND r.author_id <> $1 AND NOT r.deleted
                                  LIMIT 100) x) END
                     FROM topics t
                     LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = t.id
                     WHERE t.id IN (5, 6, 2, 4, 3, 1)
-- end of statement
SELECT tag FROM follows WHERE user_id = $1 AND target_kind = 'tag'
                           AND active ORDER BY tag
-- end of statement
SELECT target_kind, target_id, user_id, created_at FROM reactions ORDER BY target_kind COLLATE BINARY, target_id, user_id
-- end of statement
SELECT target_kind, target_id, user_id, created_at FROM reactions WHERE (target_kind = 'topic' AND target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (target_kind = 'reply' AND target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) ORDER BY target_kind COLLATE BINARY, target_id, user_id
-- end of statement
SELECT thread_path, depth, author_id FROM replies
                     WHERE id = $1 AND topic_id = $2
-- end of statement
SELECT topic_id, author_id FROM replies WHERE id = $1
-- end of statement
SELECT topic_id, reply_id, user_id FROM mentions ORDER BY topic_id, COALESCE(reply_id, 0), user_id
-- end of statement
SELECT topic_id, reply_id, user_id FROM mentions WHERE topic_id IN (SELECT id FROM topics WHERE space_id = $1) ORDER BY topic_id, COALESCE(reply_id, 0), user_id
-- end of statement
SELECT topic_id, tag FROM topic_tags ORDER BY topic_id, tag COLLATE BINARY
-- end of statement
SELECT topic_id, tag FROM topic_tags WHERE topic_id IN (SELECT id FROM topics WHERE space_id = $1) ORDER BY topic_id, tag COLLATE BINARY
-- end of statement
SELECT topic_id, version FROM replies WHERE id = $1
-- end of statement
SELECT u.id, u.display_name, u.username FROM follows f
                         JOIN users u ON u.id = f.target_id
                         WHERE f.user_id = $1 AND f.target_kind = 'person' AND f.active
                           AND u.status <> 'deleted'
                         ORDER BY lower(u.display_name), u.id
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM feed_tokens f JOIN users u ON u.id = f.user_id
                     WHERE f.token_hash = $1 AND u.status = 'active'
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM reactions x JOIN users u ON u.id = x.user_id
                     WHERE x.target_kind = $1 AND x.target_id = $2
                     ORDER BY x.created_at, u.id LIMIT 100
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM users u WHERE u.id = $1
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM users u WHERE u.id > $1 ORDER BY u.id LIMIT $2
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM users u WHERE u.username = $1
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at,
     u.title, u.department, u.location, u.about_md, u.about_html, u.show_email, u.avatar_large FROM (SELECT doc, score FROM (SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH $1 AND rowid BETWEEN $2 AND $3) w ORDER BY score DESC, doc DESC LIMIT $4) h JOIN users u ON u.id = (h.doc & 1099511627775)
                     WHERE u.status = 'active'
                     ORDER BY h.score DESC, u.id LIMIT $5
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at,
     u.title, u.department, u.location, u.about_md, u.about_html, u.show_email, u.avatar_large FROM users u JOIN memberships pm ON pm.user_id = u.id AND pm.space_id = $1 WHERE u.status = 'active' ORDER BY lower(u.display_name), u.id LIMIT $2
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at,
     u.title, u.department, u.location, u.about_md, u.about_html, u.show_email, u.avatar_large FROM users u ORDER BY lower(u.display_name), u.id LIMIT $1
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at,
     u.title, u.department, u.location, u.about_md, u.about_html, u.show_email, u.avatar_large FROM users u WHERE (lower(u.display_name), u.id) >
                         (SELECT lower(display_name), id FROM users WHERE id = $1) ORDER BY lower(u.display_name), u.id LIMIT $2
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at,
     u.title, u.department, u.location, u.about_md, u.about_html, u.show_email, u.avatar_large FROM users u WHERE u.status = 'active' AND (lower(u.display_name), u.id) >
                         (SELECT lower(display_name), id FROM users WHERE id = $1) ORDER BY lower(u.display_name), u.id LIMIT $2
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at,
     u.title, u.department, u.location, u.about_md, u.about_html, u.show_email, u.avatar_large FROM users u WHERE u.status = 'active' AND u.name_key LIKE $1 ORDER BY lower(u.display_name), u.id LIMIT $2
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at,
     u.title, u.department, u.location, u.about_md, u.about_html, u.show_email, u.avatar_large FROM users u WHERE u.status = 'active' ORDER BY lower(u.display_name), u.id LIMIT $1
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at,
     u.title, u.department, u.location, u.about_md, u.about_html, u.show_email, u.avatar_large FROM users u WHERE u.username = $1
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at, j.requested_at FROM join_requests j
                     JOIN users u ON u.id = j.user_id
                     WHERE j.space_id = $1 AND u.status = 'active' ORDER BY j.requested_at, u.id
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at, m.role, m.joined_at FROM memberships m
                     JOIN users u ON u.id = m.user_id
                     WHERE m.space_id = $1 AND u.id > $2 AND u.status <> 'deleted'
                     ORDER BY u.id LIMIT $3
-- end of statement
SELECT u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at, u.password_hash FROM users u
                     WHERE u.username = $1 OR u.email = $1
-- end of statement
SELECT user_id FROM memberships WHERE space_id = $1 AND role = 'owner'
-- end of statement
SELECT user_id, target_kind, target_id, tag, active, muted, created_at FROM follows ORDER BY user_id, target_kind COLLATE BINARY, target_id, tag COLLATE BINARY
-- end of statement
SELECT user_id, target_kind, target_id, tag, active, muted, created_at FROM follows WHERE user_id IN (SELECT user_id FROM memberships WHERE space_id = $1 UNION SELECT user_id FROM join_requests WHERE space_id = $1 UNION SELECT author_id FROM topics WHERE space_id = $1 UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1 UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = $1 UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = $1 UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (x.target_kind = 'reply' AND x.target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) UNION SELECT uploader_id FROM attachments WHERE space_id = $1) AND ((target_kind = 'space' AND target_id = $1) OR (target_kind = 'topic' AND target_id IN (SELECT id FROM topics WHERE space_id = $1))) ORDER BY user_id, target_kind COLLATE BINARY, target_id, tag COLLATE BINARY
-- end of statement
SELECT user_id, topic_id, last_reply_id, visited_at FROM topic_visits ORDER BY user_id, topic_id
-- end of statement
SELECT user_id, topic_id, last_reply_id, visited_at FROM topic_visits WHERE topic_id IN (SELECT id FROM topics WHERE space_id = $1) AND user_id IN (SELECT user_id FROM memberships WHERE space_id = $1 UNION SELECT user_id FROM join_requests WHERE space_id = $1 UNION SELECT author_id FROM topics WHERE space_id = $1 UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1 UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = $1 UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = $1 UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN (SELECT id FROM topics WHERE space_id = $1)) OR (x.target_kind = 'reply' AND x.target_id IN (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = $1)) UNION SELECT uploader_id FROM attachments WHERE space_id = $1) ORDER BY user_id, topic_id
-- end of statement
SELECT username = $1, email = $2 FROM users WHERE username = $1 OR email = $2
-- end of statement
SELECT username FROM users WHERE id = $1
-- end of statement
SELECT v.last_reply_id,
                                    (SELECT max(r.id) FROM replies r WHERE r.topic_id = $2),
                                    (SELECT count(*) FROM replies r WHERE r.topic_id = $2
                                       AND r.id > v.last_reply_id AND r.author_id <> $1 AND NOT r.deleted),
                                    (SELECT min(r.id) FROM replies r WHERE r.topic_id = $2
                                       AND r.id > v.last_reply_id AND r.author_id <> $1 AND NOT r.deleted)
                             FROM (SELECT 1 AS one) o
                             LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = $2
-- end of statement
SELECT v.version, v.title, v.body_md, v.created_at, u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM revisions v JOIN users u ON u.id = v.author_id
                     WHERE v.topic_id = $1 AND v.reply_id IS NULL ORDER BY v.version DESC
-- end of statement
SELECT v.version, v.title, v.body_md, v.created_at, u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at FROM revisions v JOIN users u ON u.id = v.author_id
                     WHERE v.topic_id = (SELECT topic_id FROM replies WHERE id = $1) AND v.reply_id = $1
                     ORDER BY v.version DESC
-- end of statement
UPDATE api_tokens SET last_used_at = $2 WHERE id = $1
-- end of statement
UPDATE attachments SET on_profile = TRUE
             WHERE public_id = $1 AND uploader_id = $2 AND topic_id IS NULL AND reply_id IS NULL
-- end of statement
UPDATE attachments SET topic_id = $1, reply_id = $2
             WHERE public_id = $3 AND uploader_id = $4 AND topic_id IS NULL AND reply_id IS NULL
-- end of statement
UPDATE audit_events SET prev_hash = $2, hash = $3 WHERE id = $1
-- end of statement
UPDATE invites SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL
-- end of statement
UPDATE memberships SET role = $3 WHERE space_id = $1 AND user_id = $2
-- end of statement
UPDATE notifications SET read_at = $2
                             WHERE user_id = $1 AND read_at IS NULL
-- end of statement
UPDATE notifications SET read_at = $3
                                 WHERE id = $2 AND user_id = $1 AND read_at IS NULL
-- end of statement
UPDATE replies SET body_md = $2, body_html = $3, edited = TRUE, version = $4, updated_at = $5
                     WHERE id = $1
-- end of statement
UPDATE replies SET deleted = $2 WHERE id = $1
-- end of statement
UPDATE replies SET like_count = (SELECT count(*) FROM reactions
                         WHERE target_kind = $1 AND target_id = $2)
                     WHERE id = $2 RETURNING like_count
-- end of statement
UPDATE replies SET thread_path = $2 WHERE id = $1
-- end of statement
UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1
-- end of statement
UPDATE spaces SET member_count = (SELECT count(*) FROM memberships m WHERE m.space_id = spaces.id)
-- end of statement
UPDATE spaces SET member_count = member_count + $2 WHERE id = $1
-- end of statement
UPDATE spaces SET member_count = member_count + 1 WHERE id = $1
-- end of statement
UPDATE spaces SET member_count = member_count - 1 WHERE id = $1
-- end of statement
UPDATE spaces SET name = $2 WHERE slug = $1
-- end of statement
UPDATE spaces SET name = coalesce($2, name), description = coalesce($3, description),
                         visibility = coalesce($4, visibility), join_policy = coalesce($5, join_policy)
                     WHERE id = $1 RETURNING id, slug, name, description, kind, visibility, join_policy, created_at
-- end of statement
UPDATE topics SET accepted_reply_id = $2,
                             last_activity_at = CASE WHEN CAST($2 AS BIGINT) IS NULL
                                                THEN last_activity_at ELSE $3 END
                         WHERE id = $1
                           AND (CAST($2 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM replies r
                                WHERE r.id = $2 AND r.topic_id = $1 AND NOT r.deleted))
-- end of statement
UPDATE topics SET like_count = (SELECT count(*) FROM reactions
                         WHERE target_kind = $1 AND target_id = $2)
                     WHERE id = $2 RETURNING like_count
-- end of statement
UPDATE topics SET reply_count = reply_count + 1, last_activity_at = $2 WHERE id = $1
-- end of statement
UPDATE topics SET space_id = $2 WHERE id = $1
-- end of statement
UPDATE topics SET state = $2 WHERE id = $1
-- end of statement
UPDATE topics SET state = COALESCE($2, state), pinned = COALESCE($3, pinned),
                                  moderation_note = CASE WHEN $4 THEN $5 ELSE moderation_note END
                           WHERE id = $1
-- end of statement
UPDATE topics SET title = $2, body_md = $3, body_html = $4, draft = $5, version = $6,
                         updated_at = $7, last_activity_at = $8, publish_at = $9
                     WHERE id = $1
-- end of statement
UPDATE users SET avatar_small = $2, avatar_large = $3 WHERE id = $1
-- end of statement
UPDATE users SET display_name = $2, email = $3, title = $4, department = $5,
                            location = $6, about_md = $7, about_html = $8, show_email = $9,
                            name_key = $10
                     WHERE id = $1
-- end of statement
UPDATE users SET is_admin = $2 WHERE id = $1
-- end of statement
UPDATE users SET name_key = $2 WHERE id = $1
-- end of statement
UPDATE users SET password_hash = $2 WHERE id = $1
-- end of statement
UPDATE users SET status = $2 WHERE id = $1
-- end of statement
