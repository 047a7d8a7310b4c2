//! Topics across spaces, newest activity first: tag pages, profiles, feeds,
//! and the activity of what a member follows.
//!
//! What a member follows is found two ways, so that no member's home page
//! reads the whole site. Topics are read newest first, each checked against
//! the member's follows, but only the [`FOLLOWED_WINDOW`] newest; past them
//! (a member who follows little), the followed topics are gathered from
//! what is followed (its spaces, topics, people and tags) and sorted, which
//! costs what the member follows, not what the site holds.

use hearth_core::ids::TopicId;
use hearth_store::{Result, Topic, TopicCursor, VisibleTopicsQuery};

use crate::conn::Conn;
use crate::rows::{topic, topic_columns};
use crate::topics::after;
use crate::value::{Args, ReadRows};
use crate::visibility::{Reader, Scope, Seer};

/// How many of the newest topics are checked one by one for being
/// followed, before the followed ones are gathered from the follows.
const FOLLOWED_WINDOW: i64 = 256;

/// Which topics of those the viewer may read a list shows.
enum Narrow {
    /// All of them.
    All,
    /// Those followed by the member, checked topic by topic, from the
    /// newest down to (and with) the topic at `down_to` if any.
    FollowedFrom {
        follower: i64,
        down_to: Option<(i64, i64)>,
    },
    /// Those followed by the member, gathered from their follows.
    FollowedGathered { follower: i64 },
}

/// The condition `narrow` puts on topic `t`.
fn narrowing(q: &mut Args<'_>, narrow: &Narrow) -> String {
    match *narrow {
        Narrow::All => "TRUE".into(),
        Narrow::FollowedFrom { follower, down_to } => {
            let f = q.arg(follower);
            let window = match down_to {
                Some((at, id)) => format!(
                    "(t.last_activity_at, t.id) >= ({}, {}) AND ",
                    q.arg(at),
                    q.arg(id)
                ),
                None => String::new(),
            };
            format!(
                "{window}(EXISTS (SELECT 1 FROM follows f WHERE f.user_id = {f}
                          AND f.target_kind = 'space' AND f.target_id = t.space_id AND f.active)
                   OR EXISTS (SELECT 1 FROM follows f WHERE f.user_id = {f}
                          AND f.target_kind = 'topic' AND f.target_id = t.id AND f.active)
                   OR EXISTS (SELECT 1 FROM follows f WHERE f.user_id = {f}
                          AND f.target_kind = 'person' AND f.target_id = t.author_id AND f.active)
                   OR EXISTS (SELECT 1 FROM topic_tags g JOIN follows f ON f.tag = g.tag
                          WHERE g.topic_id = t.id AND f.user_id = {f}
                            AND f.target_kind = 'tag' AND f.active))"
            )
        }
        Narrow::FollowedGathered { follower } => {
            let f = q.arg(follower);
            format!(
                "t.id IN (
                   SELECT x.id FROM follows f JOIN topics x ON x.space_id = f.target_id
                    WHERE f.user_id = {f} AND f.target_kind = 'space' AND f.active
                   UNION SELECT f.target_id FROM follows f
                    WHERE f.user_id = {f} AND f.target_kind = 'topic' AND f.active
                   UNION SELECT x.id FROM follows f JOIN topics x ON x.author_id = f.target_id
                    WHERE f.user_id = {f} AND f.target_kind = 'person' AND f.active
                   UNION SELECT g.topic_id FROM follows f JOIN topic_tags g ON g.tag = f.tag
                    WHERE f.user_id = {f} AND f.target_kind = 'tag' AND f.active)"
            )
        }
    }
}

/// Up to `limit` topics of the list `query` asks for, older than `older_than`,
/// of those `narrow` keeps.
async fn read_list(
    c: &mut dyn Conn,
    query: &VisibleTopicsQuery,
    narrow: &Narrow,
    older_than: Option<TopicCursor>,
    limit: i64,
) -> Result<Vec<Topic>> {
    let seer = Seer::new(query.viewer, query.now, Reader::VisibleTopics);
    let mut q = Args::new();
    let membership = seer.membership(&mut q, "s");
    let reads = seer.reads_topic(&mut q, Scope::Live);
    // Each filter is written only when asked for, so that the engine can
    // read an author's topics by their index.
    let mut filters = String::new();
    if let Some(tag) = &query.tag {
        filters.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM topic_tags g WHERE g.topic_id = t.id AND g.tag = {})",
            q.arg(tag.as_str())
        ));
    }
    if let Some(author) = query.author {
        filters.push_str(&format!(" AND t.author_id = {}", q.arg(author)));
    }
    let narrowed = narrowing(&mut q, narrow);
    let older = after(&mut q, older_than, false);
    let sql = format!(
        "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id
         JOIN spaces s ON s.id = t.space_id {membership}
         WHERE {reads}{filters} AND {narrowed} AND {older}
         ORDER BY t.last_activity_at DESC, t.id DESC LIMIT {}",
        topic_columns(c.dialect()),
        q.arg(limit),
    );
    c.query(&sql, q.list()).await?.read(topic)
}

/// The topics `query` asks for (see the module's comment).
pub(crate) async fn visible_topics(
    c: &mut dyn Conn,
    query: &VisibleTopicsQuery,
) -> Result<Vec<Topic>> {
    let limit = i64::from(query.limit);
    let Some(follower) = query.followed_by.map(|u| u.0) else {
        return read_list(c, query, &Narrow::All, query.after, limit).await;
    };
    // The last topic of the window, if the site has that many left.
    let mut q = Args::new();
    let sql = format!(
        "SELECT t.last_activity_at, t.id FROM topics t WHERE {}
         ORDER BY t.last_activity_at DESC, t.id DESC LIMIT 1 OFFSET {}",
        after(&mut q, query.after, false),
        q.arg(FOLLOWED_WINDOW - 1),
    );
    let down_to: Option<(i64, i64)> = c
        .query_opt(&sql, q.list())
        .await?
        .read(|r| Ok((r.get()?, r.get()?)))?;
    let checked = Narrow::FollowedFrom { follower, down_to };
    let mut found = read_list(c, query, &checked, query.after, limit).await?;
    if let Some((at, id)) = down_to
        && (found.len() as i64) < limit
    {
        let past = TopicCursor {
            pinned: false,
            last_activity_at: at,
            id: TopicId(id),
        };
        let gathered = Narrow::FollowedGathered { follower };
        let rest = limit - found.len() as i64;
        found.extend(read_list(c, query, &gathered, Some(past), rest).await?);
    }
    Ok(found)
}
