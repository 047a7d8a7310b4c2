//! Topics across spaces, newest activity first: tag pages, profiles, feeds,
//! and the activity of what a member follows.
//!
//! A list of what a member follows, or of one tag, is found two ways, so
//! that no page reads the whole site. Topics are read newest first, each
//! checked, but only the [`WINDOW`] newest; past them (a member who follows
//! little, a rare tag), the list's topics are gathered from what it is of
//! (the followed spaces, topics, people and tags, or the tag's index) and
//! sorted, which costs what the list holds, not what the site holds.

use hearth_core::ids::TopicId;
use hearth_store::{Result, Topic, TopicCursor, VisibleTopicsQuery};

use crate::conn::Conn;
use crate::rows::{topic, topic_columns};
use crate::topics::after;
use crate::value::{Args, ReadRows};
use crate::visibility::{Reader, Scope, Seer};

/// How many of the newest topics are checked one by one, before a list's
/// topics are gathered from what it is of.
const WINDOW: i64 = 256;

/// Which of the topics the viewer may read are read, and how.
enum Narrow {
    /// Newest first, each checked, down to (and with) the topic at
    /// `down_to` if any (all of them without).
    Newest { down_to: Option<(i64, i64)> },
    /// Gathered from what the list is of: the member's follows, else the
    /// tag.
    Gathered,
}

/// Where topic `t` is followed by `follower` (SQL), checked topic by topic.
fn followed_by(f: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM follows f WHERE f.user_id = {f}
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

/// The topics `follower` (SQL) follows, gathered from their follows.
fn gathered_follows(f: &str) -> String {
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
    let tag = query.tag.as_ref().map(|tag| q.arg(tag.as_str()));
    let follower = query.followed_by.map(|f| q.arg(f));
    if let Some(author) = query.author {
        filters.push_str(&format!(" AND t.author_id = {}", q.arg(author)));
    }
    if let Some(tag) = &tag {
        // Past the window, a tag alone is gathered from the tag's index.
        let gathered = matches!(narrow, Narrow::Gathered) && follower.is_none();
        filters.push_str(&if gathered {
            format!(" AND t.id IN (SELECT g.topic_id FROM topic_tags g WHERE g.tag = {tag})")
        } else {
            format!(
                " AND EXISTS (SELECT 1 FROM topic_tags g WHERE g.topic_id = t.id AND g.tag = {tag})"
            )
        });
    }
    match (narrow, &follower) {
        (Narrow::Gathered, Some(f)) => filters.push_str(&format!(" AND {}", gathered_follows(f))),
        (Narrow::Newest { .. }, Some(f)) => filters.push_str(&format!(" AND {}", followed_by(f))),
        (_, None) => {}
    }
    if let Narrow::Newest {
        down_to: Some((at, id)),
    } = narrow
    {
        filters.push_str(&format!(
            " AND (t.last_activity_at, t.id) >= ({}, {})",
            q.arg(*at),
            q.arg(*id)
        ));
    }
    let older = after(&mut q, older_than, false);
    let sql = format!(
        "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id
         JOIN spaces s ON s.id = t.space_id {membership}
         WHERE {reads}{filters} AND {older}
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
    if query.followed_by.is_none() && query.tag.is_none() {
        let all = Narrow::Newest { down_to: None };
        return read_list(c, query, &all, query.after, limit).await;
    }
    // The last topic of the window, if the site has that many left.
    let mut q = Args::new();
    let sql = format!(
        "SELECT t.last_activity_at, t.id FROM topics t WHERE {}
         ORDER BY t.last_activity_at DESC, t.id DESC LIMIT 1 OFFSET {}",
        after(&mut q, query.after, false),
        q.arg(WINDOW - 1),
    );
    let down_to: Option<(i64, i64)> = c
        .query_opt(&sql, q.list())
        .await?
        .read(|r| Ok((r.get()?, r.get()?)))?;
    let newest = Narrow::Newest { down_to };
    let mut found = read_list(c, query, &newest, query.after, limit).await?;
    if let Some((at, id)) = down_to
        && (found.len() as i64) < limit
    {
        let past = TopicCursor {
            pinned: false,
            last_activity_at: at,
            id: TopicId(id),
        };
        let rest = limit - found.len() as i64;
        found.extend(read_list(c, query, &Narrow::Gathered, Some(past), rest).await?);
    }
    Ok(found)
}
