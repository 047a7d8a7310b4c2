//! The consistency checks both engines run for `hearth verify`, as SQL that
//! both dialects understand. Each query returns one text column per problem.

/// (what it checks, query returning a description of each violation).
pub const CONSISTENCY_CHECKS: &[(&str, &str)] = &[
    (
        "avatars",
        "SELECT 'user ' || u.id || ': avatar ' || a.hash || ' missing'
         FROM users u, (SELECT id, avatar_small AS hash FROM users
                        UNION ALL SELECT id, avatar_large FROM users) a
         WHERE a.id = u.id AND a.hash IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.hash = a.hash)",
    ),
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
         WHERE NOT EXISTS (SELECT 1 FROM revisions v WHERE v.topic_id = r.topic_id AND v.reply_id = r.id
                           AND v.version = r.version)",
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
        "member counts",
        "SELECT 'space ' || s.slug || ': member_count ' || s.member_count || ' but ' || count(m.user_id) || ' members'
         FROM spaces s LEFT JOIN memberships m ON m.space_id = s.id
         GROUP BY s.id, s.slug, s.member_count HAVING s.member_count <> count(m.user_id)",
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

/// [`STATS`] without what secret spaces hold: a secret space's existence
/// and activity are not for everyone's eyes, even as a number.
pub const STATS_WITHOUT_SECRET: &str = "SELECT (SELECT count(*) FROM users),
        (SELECT count(*) FROM spaces WHERE kind = 'community' AND visibility <> 'secret'),
        (SELECT count(*) FROM topics t JOIN spaces s ON s.id = t.space_id
          WHERE s.visibility <> 'secret'),
        (SELECT count(*) FROM replies r JOIN topics t ON t.id = r.topic_id
          JOIN spaces s ON s.id = t.space_id WHERE s.visibility <> 'secret'),
        (SELECT count(*) FROM attachments a JOIN spaces s ON s.id = a.space_id
          WHERE s.visibility <> 'secret'),
        (SELECT max(version) FROM schema_migrations),
        (SELECT max(applied_at) FROM schema_migrations)";

/// One stored audit event, as the chain check reads it.
#[derive(Debug, Clone)]
pub struct ChainedEvent {
    /// Its id.
    pub id: i64,
    /// When.
    pub at: i64,
    /// Who.
    pub actor: i64,
    /// What.
    pub action: String,
    /// To what.
    pub target: String,
    /// Where.
    pub space: Option<i64>,
    /// Before.
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
    /// The hash it says came before it.
    pub prev_hash: Option<String>,
    /// Its own hash.
    pub hash: Option<String>,
}

impl ChainedEvent {
    /// The hash this event must carry after `prev_hash`.
    pub fn expected_hash(&self, prev_hash: &str) -> String {
        let text = audit_text(
            prev_hash,
            self.id,
            self.at,
            self.actor,
            &self.action,
            &self.target,
            self.space,
            self.before.as_deref(),
            self.after.as_deref(),
        );
        sha256_hex(text.as_bytes())
    }

    /// The event as the chain sees it, before its hashes are known.
    pub fn from_new(id: i64, e: &crate::NewAuditEvent) -> Self {
        Self {
            id,
            at: e.at,
            actor: e.actor.0,
            action: e.action.as_str().to_owned(),
            target: e.target.clone(),
            space: e.space_id.map(|s| s.0),
            before: e.before.clone(),
            after: e.after.clone(),
            prev_hash: None,
            hash: None,
        }
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of bytes, as lower-case hex: how blobs, secrets and audit events are named.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// What is wrong with a stored blob, if its bytes do not match its name and size.
pub fn blob_problem(hash: &str, size: i64, data: &[u8]) -> Option<String> {
    (sha256_hex(data) != hash || data.len() as i64 != size)
        .then(|| format!("blobs: {hash} does not match its content"))
}

/// Walks the audit log in id order and names every event whose hash does not
/// follow from the one before: changed, or preceded by a removed event.
/// Events from before the chain began (no hash at all) are skipped.
pub fn check_audit_chain(events: impl IntoIterator<Item = ChainedEvent>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut prev: Option<String> = None;
    for e in events {
        match (&e.hash, &prev) {
            (None, None) => continue,
            (None, Some(_)) => problems.push(format!("audit: event {} has no hash", e.id)),
            (Some(hash), _) => {
                let before = prev.clone().unwrap_or_default();
                if e.prev_hash.as_deref().unwrap_or_default() != before
                    || *hash != e.expected_hash(&before)
                {
                    problems.push(format!(
                        "audit: event {} was changed, or an event before it was removed",
                        e.id
                    ));
                }
                prev = Some(hash.clone());
            }
        }
    }
    problems
}

/// The columns [`ChainedEvent`] is read from, in order.
pub const CHAIN_COLUMNS: &str =
    "id, at, actor_id, action, target, space_id, before, after, prev_hash, hash";

/// The canonical text of an audit event that its hash covers: every field,
/// length-prefixed so that no two events share a text.
#[allow(clippy::too_many_arguments)]
pub fn audit_text(
    prev_hash: &str,
    id: i64,
    at: i64,
    actor: i64,
    action: &str,
    target: &str,
    space: Option<i64>,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let field = |s: &str| format!("{}:{}", s.len(), s);
    let opt = |s: Option<&str>| s.map_or_else(|| "-".to_owned(), field);
    format!(
        "{}|{id}|{at}|{actor}|{}|{}|{}|{}|{}",
        field(prev_hash),
        field(action),
        field(target),
        space.map_or_else(|| "-".to_owned(), |s| s.to_string()),
        opt(before),
        opt(after)
    )
}

/// Sets every space's member count from its memberships (after an import).
pub const RECOUNT_MEMBERS: &str = "UPDATE spaces SET member_count = (SELECT count(*) FROM memberships m WHERE m.space_id = spaces.id)";
