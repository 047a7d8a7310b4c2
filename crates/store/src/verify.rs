//! The consistency checks both engines run for `hearth verify`, as SQL that
//! both dialects understand. Each query returns one text column per problem.

/// (what it checks, query returning a description of each violation).
pub const CONSISTENCY_CHECKS: &[(&str, &str)] = &[
    (
        "reply counts",
        "SELECT 'topic ' || t.id || ': reply_count ' || t.reply_count || ' but ' || count(r.id) || ' replies'
         FROM topics t LEFT JOIN replies r ON r.topic_id = t.id
         GROUP BY t.id, t.reply_count HAVING t.reply_count <> count(r.id)",
    ),
    (
        "topic like counts",
        "SELECT 'topic ' || t.id || ': like_count ' || t.like_count || ' but ' || count(x.user_id) || ' likes'
         FROM topics t LEFT JOIN reactions x ON x.target_kind = 'topic' AND x.target_id = t.id
         GROUP BY t.id, t.like_count HAVING t.like_count <> count(x.user_id)",
    ),
    (
        "reply like counts",
        "SELECT 'reply ' || r.id || ': like_count ' || r.like_count || ' but ' || count(x.user_id) || ' likes'
         FROM replies r LEFT JOIN reactions x ON x.target_kind = 'reply' AND x.target_id = r.id
         GROUP BY r.id, r.like_count HAVING r.like_count <> count(x.user_id)",
    ),
    (
        "topic revisions",
        "SELECT 'topic ' || t.id || ': no revision for version ' || t.version FROM topics t
         WHERE NOT EXISTS (SELECT 1 FROM revisions v WHERE v.topic_id = t.id AND v.reply_id IS NULL
                           AND v.version = t.version)",
    ),
    (
        "reply revisions",
        "SELECT 'reply ' || r.id || ': no revision for version ' || r.version FROM replies r
         WHERE NOT EXISTS (SELECT 1 FROM revisions v WHERE v.reply_id = r.id AND v.version = r.version)",
    ),
    (
        "reply threads",
        "SELECT 'reply ' || r.id || ': broken thread' FROM replies r
         LEFT JOIN replies p ON p.id = r.parent_id
         WHERE r.thread_path = '' OR (r.parent_id IS NOT NULL AND (p.id IS NULL OR p.topic_id <> r.topic_id))",
    ),
    (
        "space owners",
        "SELECT 'space ' || s.slug || ': no owner' FROM spaces s
         WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.space_id = s.id AND m.role = 'owner')",
    ),
    (
        "personal spaces",
        "SELECT 'user ' || u.username || ': no personal space' FROM users u
         WHERE NOT EXISTS (SELECT 1 FROM spaces s WHERE s.slug = '~' || u.username)",
    ),
    (
        "attachments",
        "SELECT 'attachment ' || a.id || ': blob missing or of another size' FROM attachments a
         LEFT JOIN blobs b ON b.hash = a.blob_hash WHERE b.hash IS NULL OR b.size <> a.size",
    ),
];

/// One row: users, community spaces, topics, replies, attachments, schema
/// version, time of the newest migration.
pub const STATS: &str = "SELECT (SELECT count(*) FROM users),
        (SELECT count(*) FROM spaces WHERE kind = 'community'),
        (SELECT count(*) FROM topics),
        (SELECT count(*) FROM replies),
        (SELECT count(*) FROM attachments),
        (SELECT max(version) FROM schema_migrations),
        (SELECT max(applied_at) FROM schema_migrations)";
