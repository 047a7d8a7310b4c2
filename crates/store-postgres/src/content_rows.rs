//! Reading topics, replies and revisions out of rows.

use hearth_core::content::{Tag, Title};
use hearth_core::ids::{ReplyId, SpaceId, TopicId};
use hearth_core::model::{TopicKind, TopicState};
use hearth_store::{Reply, Revision, Topic};
use tokio_postgres::Row;

use crate::error::SqlResult;
use crate::rows::{self, USER_COLUMNS, parsed};

/// Columns of `topics t` joined with `users u` (its author), read by [`topic`].
pub(crate) fn topic_columns() -> String {
    format!(
        "t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at,
         (SELECT string_agg(tag, ',' ORDER BY tag COLLATE \"C\") FROM topic_tags WHERE topic_id = t.id),
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         {USER_COLUMNS}"
    )
}

/// How many columns [`topic_columns`] has.
pub(crate) const TOPIC_WIDTH: usize = 26;

pub(crate) fn topic(row: &Row) -> SqlResult<Topic> {
    let tags: Option<String> = row.try_get(17)?;
    Ok(Topic {
        id: TopicId(row.try_get(0)?),
        space_id: SpaceId(row.try_get(1)?),
        kind: parsed(TopicKind::parse(row.try_get(2)?))?,
        title: Title::from_trusted(row.try_get(3)?),
        body_md: row.try_get(4)?,
        body_html: row.try_get(5)?,
        state: parsed(TopicState::parse(row.try_get(6)?))?,
        pinned: row.try_get(7)?,
        accepted_reply: row.try_get::<_, Option<i64>>(8)?.map(ReplyId),
        draft: row.try_get(9)?,
        publish_at: row.try_get(10)?,
        version: row.try_get(11)?,
        reply_count: row.try_get(12)?,
        like_count: row.try_get(13)?,
        created_at: row.try_get(14)?,
        updated_at: row.try_get(15)?,
        last_activity_at: row.try_get(16)?,
        tags: tags
            .map(|t| {
                t.split(',')
                    .map(|s| Tag::from_trusted(s.to_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        space_slug: row.try_get(18)?,
        author: rows::user(row, 19)?,
    })
}

/// Columns of `replies r` joined with `users u`, then whether $1 likes it.
pub(crate) fn reply_columns() -> String {
    format!(
        "r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         {USER_COLUMNS}"
    )
}

/// How many columns [`reply_columns`] has.
pub(crate) const REPLY_WIDTH: usize = 19;

pub(crate) fn reply(row: &Row) -> SqlResult<Reply> {
    Ok(Reply {
        id: ReplyId(row.try_get(0)?),
        topic_id: TopicId(row.try_get(1)?),
        parent: row.try_get::<_, Option<i64>>(2)?.map(ReplyId),
        depth: row.try_get(3)?,
        body_md: row.try_get(4)?,
        body_html: row.try_get(5)?,
        deleted: row.try_get(6)?,
        edited: row.try_get(7)?,
        like_count: row.try_get(8)?,
        created_at: row.try_get(9)?,
        version: row.try_get(10)?,
        liked: row.try_get(11)?,
        author: rows::user(row, 12)?,
    })
}

/// Columns of `revisions v` joined with `users u`.
pub(crate) fn revision_columns() -> String {
    format!("v.version, v.title, v.body_md, v.created_at, {USER_COLUMNS}")
}

pub(crate) fn revision(row: &Row) -> SqlResult<Revision> {
    Ok(Revision {
        version: row.try_get(0)?,
        title: row.try_get(1)?,
        body_md: row.try_get(2)?,
        created_at: row.try_get(3)?,
        author: rows::user(row, 4)?,
    })
}
