//! Topics, their tags, mentions, revisions and moderation.

use async_trait::async_trait;
use hearth_core::content::Tag;
use hearth_core::ids::{ReplyId, SpaceId, TopicId, UserId};
use hearth_core::model::TopicState;
use hearth_core::topic_rules::{activity_after_edit, appears_at};
use hearth_store::{
    Conflict, FollowTarget, NewAuditEvent, NewTopic, Result, Revision, SpaceTopicsQuery,
    StoreError, Topic, TopicCursor, TopicEdit, TopicModeration, TopicNews, TopicStore, TopicView,
    Unseen, VisibleTopicsQuery,
};

use crate::args;
use crate::attachments::claim_files;
use crate::audit::{audited, write_audit};
use crate::conn::{Conn, Engine, value, value_opt};
use crate::following::follow_unless_stopped;
use crate::memberships::join_if_new;
use crate::notifying::{notify_accepted, notify_topic};
use crate::rows::{
    revision, revision_columns, space_view, space_view_columns, topic, topic_columns,
};
use crate::search::{self, Doc};
use crate::store::SqlStore;
use crate::topic_lists;
use crate::value::{Args, ReadRows};
use crate::visibility::{Reader, Scope, Seer};

pub(crate) async fn load_topic(c: &mut dyn Conn, id: i64) -> Result<Topic> {
    let sql = format!(
        "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id = $1",
        topic_columns(c.dialect())
    );
    c.query_opt(&sql, args![id])
        .await?
        .ok_or(StoreError::NotFound)?
        .read(topic)
}

async fn write_tags(c: &mut dyn Conn, topic: i64, tags: &[Tag]) -> Result<()> {
    c.execute("DELETE FROM topic_tags WHERE topic_id = $1", args![topic])
        .await?;
    for tag in tags {
        c.execute(
            "INSERT INTO topic_tags (topic_id, tag) VALUES ($1, $2)",
            args![topic, tag.as_str()],
        )
        .await?;
    }
    Ok(())
}

/// Records who is mentioned; names that match no account are ignored.
pub(crate) async fn write_mentions(
    c: &mut dyn Conn,
    topic: i64,
    reply: Option<i64>,
    names: &[String],
) -> Result<()> {
    c.execute(
        "DELETE FROM mentions WHERE topic_id = $1 AND reply_id IS NOT DISTINCT FROM $2",
        args![topic, reply],
    )
    .await?;
    for name in names {
        c.execute(
            "INSERT INTO mentions (topic_id, reply_id, user_id)
             SELECT $1, $2, id FROM users WHERE username = $3",
            args![topic, reply, name],
        )
        .await?;
    }
    Ok(())
}

/// A new version of a topic's or reply's text, kept in the history.
pub(crate) struct NewRevision<'a> {
    pub topic: i64,
    pub reply: Option<i64>,
    pub version: i64,
    pub author: UserId,
    pub title: Option<&'a str>,
    pub body_md: &'a str,
    pub at: i64,
}

pub(crate) async fn write_revision(c: &mut dyn Conn, r: NewRevision<'_>) -> Result<()> {
    c.execute(
        "INSERT INTO revisions (topic_id, reply_id, version, author_id, title, body_md, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![
            r.topic, r.reply, r.version, r.author, r.title, r.body_md, r.at
        ],
    )
    .await
    .map(|_| ())
}

/// `(pinned, last activity, id) < cursor`, or true without a cursor.
pub(crate) fn after(q: &mut Args<'_>, cursor: Option<TopicCursor>, with_pinned: bool) -> String {
    match cursor {
        None => "TRUE".into(),
        Some(c) if with_pinned => format!(
            "(t.pinned, t.last_activity_at, t.id) < ({}, {}, {})",
            q.arg(c.pinned),
            q.arg(c.last_activity_at),
            q.arg(c.id)
        ),
        Some(c) => format!(
            "(t.last_activity_at, t.id) < ({}, {})",
            q.arg(c.last_activity_at),
            q.arg(c.id)
        ),
    }
}

/// The most new replies counted per topic in a list: "99+" beyond.
const NEWS_CAP: i64 = 100;

#[async_trait]
impl<E: Engine> TopicStore for SqlStore<E> {
    async fn create_topic(&self, new: NewTopic) -> Result<Topic> {
        self.write(move |c| {
            Box::pin(async move {
                let appears = appears_at(new.publish_at, new.created_at);
                // A create sent again with the same key, even at the same
                // time, inserts nothing and finds the first one.
                let inserted: Option<i64> = value_opt(
                    c,
                    "INSERT INTO topics (space_id, author_id, kind, title, body_md, body_html, draft,
                                         publish_at, created_at, updated_at, last_activity_at, idempotency_key)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $11, $10)
                     ON CONFLICT (author_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                     RETURNING id",
                    args![
                        new.space_id,
                        new.author,
                        new.kind.as_str(),
                        new.title.as_str(),
                        &new.body_md,
                        &new.body_html,
                        new.draft,
                        new.publish_at,
                        new.created_at,
                        new.idempotency_key.as_ref(),
                        appears
                    ],
                )
                .await?;
                let Some(id) = inserted else {
                    let first: i64 = value(
                        c,
                        "SELECT id FROM topics WHERE author_id = $1 AND idempotency_key = $2",
                        args![new.author, new.idempotency_key.as_ref()],
                    )
                    .await?;
                    return load_topic(c, first).await;
                };
                if new.joins_space {
                    join_if_new(c, new.space_id, new.author, new.created_at).await?;
                }
                write_tags(c, id, &new.tags).await?;
                search::index(c, Doc::Topic(id), new.title.as_str(), &new.body_md).await?;
                write_mentions(c, id, None, &new.mentions).await?;
                let topic = FollowTarget::Topic(TopicId(id));
                follow_unless_stopped(c, new.author, &topic, new.created_at).await?;
                if !new.draft {
                    notify_topic(c, id, new.space_id, new.author, appears).await?;
                }
                claim_files(c, id, None, new.author, &new.files).await?;
                write_revision(
                    c,
                    NewRevision {
                        topic: id,
                        reply: None,
                        version: 1,
                        author: new.author,
                        title: Some(new.title.as_str()),
                        body_md: &new.body_md,
                        at: new.created_at,
                    },
                )
                .await?;
                load_topic(c, id).await
            })
        })
        .await
        .inspect(|_| self.engine().live_signal().raise())
    }

    async fn topic(&self, id: TopicId, viewer: Option<UserId>) -> Result<Option<TopicView>> {
        let viewer = viewer.map_or(0, |u| u.0);
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {}, {},
                            EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'topic'
                                    AND x.target_id = t.id AND x.user_id = $1)
                     FROM topics t JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE t.id = $2",
                    topic_columns(c.dialect()),
                    space_view_columns()
                );
                c.query_opt(&sql, args![viewer, id]).await?.read(|r| {
                    Ok(TopicView {
                        topic: topic(r)?,
                        space: space_view(r)?,
                        liked: r.get()?,
                    })
                })
            })
        })
        .await
    }

    async fn space_topics(&self, query: SpaceTopicsQuery) -> Result<Vec<Topic>> {
        self.read(move |c| {
            Box::pin(async move {
                let seer = Seer::new(query.viewer, query.now, Reader::SpaceTopics);
                let f = &query.filter;
                let mut q = Args::new();
                let sql = format!(
                    "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id {}
                     WHERE t.space_id = {} AND {}
                       AND (CAST({kind} AS TEXT) IS NULL OR t.kind = {kind})
                       AND (CAST({tag} AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM topic_tags g
                            WHERE g.topic_id = t.id AND g.tag = {tag}))
                       AND (NOT {unanswered} OR (t.kind = 'question' AND t.accepted_reply_id IS NULL))
                       AND {}
                     ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC LIMIT {}",
                    topic_columns(c.dialect()),
                    seer.membership(&mut q, "s"),
                    q.arg(query.space),
                    seer.reads_topic(&mut q, Scope::WithOwn),
                    after(&mut q, query.after, true),
                    q.arg(i64::from(query.limit)),
                    kind = q.arg(f.kind.map(|k| k.as_str())),
                    tag = q.arg(f.tag.as_ref().map(|t| t.as_str())),
                    unanswered = q.arg(f.unanswered),
                );
                c.query(&sql, q.list()).await?.read(topic)
            })
        })
        .await
    }

    async fn visible_topics(&self, query: VisibleTopicsQuery) -> Result<Vec<Topic>> {
        self.read(move |c| Box::pin(async move { topic_lists::visible_topics(c, &query).await }))
            .await
    }

    async fn edit_topic(
        &self,
        id: TopicId,
        edit: TopicEdit,
        audit: Option<NewAuditEvent>,
    ) -> Result<Topic> {
        self.write(move |c| {
            Box::pin(async move {
                // Lock the row so that two concurrent edits of one version cannot both pass.
                let lock = format!("SELECT 1 FROM topics WHERE id = $1{}", c.dialect().for_update());
                c.query(&lock, args![id]).await?;
                let current = load_topic(c, id.0).await?;
                if edit.base_version.is_some_and(|v| v != current.version) {
                    return Err(Conflict::StaleVersion.into());
                }
                let version = current.version + 1;
                let title = edit
                    .title
                    .as_ref()
                    .map_or(current.title.as_str(), |t| t.as_str())
                    .to_owned();
                let had_appeared = !current.unpublished(edit.now);
                let (body_md, body_html) = edit
                    .body
                    .clone()
                    .unwrap_or((current.body_md, current.body_html));
                let draft = edit.draft.unwrap_or(current.draft);
                let publish_at = edit.publish_at.unwrap_or(current.publish_at);
                let last_activity = activity_after_edit(
                    current.kind,
                    had_appeared,
                    !draft,
                    edit.body.is_some(),
                    publish_at,
                    edit.now,
                    current.last_activity_at,
                );
                c.execute(
                    "UPDATE topics SET title = $2, body_md = $3, body_html = $4, draft = $5, version = $6,
                         updated_at = $7, last_activity_at = $8, publish_at = $9
                     WHERE id = $1",
                    args![
                        id,
                        &title,
                        &body_md,
                        &body_html,
                        draft,
                        version,
                        edit.now,
                        last_activity,
                        publish_at
                    ],
                )
                .await?;
                if let Some(tags) = &edit.tags {
                    write_tags(c, id.0, tags).await?;
                }
                search::index(c, Doc::Topic(id.0), &title, &body_md).await?;
                if edit.body.is_some() {
                    write_mentions(c, id.0, None, &edit.mentions).await?;
                    claim_files(c, id.0, None, edit.editor, &edit.files).await?;
                }
                if current.draft && !draft {
                    // Its followers hear of it once it is out, as of then.
                    let appears = appears_at(publish_at, edit.now);
                    let author = current.author.id;
                    notify_topic(c, id.0, current.space_id, author, appears).await?;
                }
                write_revision(
                    c,
                    NewRevision {
                        topic: id.0,
                        reply: None,
                        version,
                        author: edit.editor,
                        title: Some(&title),
                        body_md: &body_md,
                        at: edit.now,
                    },
                )
                .await?;
                write_audit(c, &audit).await?;
                load_topic(c, id.0).await
            })
        })
        .await
    }

    async fn topic_revisions(&self, id: TopicId) -> Result<Vec<Revision>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {} FROM revisions v JOIN users u ON u.id = v.author_id
                     WHERE v.topic_id = $1 AND v.reply_id IS NULL ORDER BY v.version DESC",
                    revision_columns()
                );
                c.query(&sql, args![id]).await?.read(revision)
            })
        })
        .await
    }

    async fn set_topic_state(
        &self,
        id: TopicId,
        state: TopicState,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let sql = "UPDATE topics SET state = $2 WHERE id = $1";
                audited(c, sql, args![id, state.as_str()], &audit).await
            })
        })
        .await
    }

    async fn moderate_topic(
        &self,
        id: TopicId,
        change: TopicModeration,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let sql =
                    "UPDATE topics SET state = COALESCE($2, state), pinned = COALESCE($3, pinned),
                                  moderation_note = CASE WHEN $4 THEN $5 ELSE moderation_note END
                           WHERE id = $1";
                let (set_note, note) = match change.note {
                    Some(note) => (true, note),
                    None => (false, None),
                };
                let state = change.state.map(TopicState::as_str);
                audited(
                    c,
                    sql,
                    args![id, state, change.pinned, set_note, note.as_ref()],
                    &audit,
                )
                .await
            })
        })
        .await
    }

    async fn topic_news(&self, user: UserId, topics: Vec<TopicId>) -> Result<Vec<TopicNews>> {
        if topics.is_empty() {
            return Ok(Vec::new());
        }
        // Ids are integers: safe to list inline.
        let ids = topics
            .iter()
            .map(|t| t.0.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        self.read(move |c| {
            Box::pin(async move {
                // A topic never read is all new: its reply count. Since a
                // visit, replies after it are counted (by the index on
                // topic and time) up to the cap.
                let sql = format!(
                    "SELECT t.id, v.last_reply_id IS NOT NULL,
                            CASE WHEN v.last_reply_id IS NULL THEN t.reply_count
                            ELSE (SELECT count(*) FROM (SELECT 1 FROM replies r
                                  WHERE r.topic_id = t.id
                                    AND r.created_at >= (SELECT seen.created_at FROM replies seen
                                                         WHERE seen.id = v.last_reply_id)
                                    AND r.id > v.last_reply_id
                                    AND r.author_id <> $1 AND NOT r.deleted
                                  LIMIT {NEWS_CAP}) x) END
                     FROM topics t
                     LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = t.id
                     WHERE t.id IN ({ids})"
                );
                c.query(&sql, args![user]).await?.read(|r| {
                    Ok(TopicNews {
                        topic: r.get()?,
                        visited: r.get()?,
                        new_replies: r.get()?,
                    })
                })
            })
        })
        .await
    }

    async fn visit_topic(&self, user: UserId, topic: TopicId, now: i64) -> Result<Option<Unseen>> {
        // Read first: most visits find nothing new and write nothing.
        let (previous, newest, unseen) = self
            .read(move |c| {
                Box::pin(async move {
                    let mut row = c
                        .query_opt(
                            "SELECT v.last_reply_id,
                                    (SELECT max(r.id) FROM replies r WHERE r.topic_id = $2),
                                    (SELECT count(*) FROM replies r WHERE r.topic_id = $2
                                       AND r.id > v.last_reply_id AND r.author_id <> $1 AND NOT r.deleted),
                                    (SELECT min(r.id) FROM replies r WHERE r.topic_id = $2
                                       AND r.id > v.last_reply_id AND r.author_id <> $1 AND NOT r.deleted)
                             FROM (SELECT 1 AS one) o
                             LEFT JOIN topic_visits v ON v.user_id = $1 AND v.topic_id = $2",
                            args![user, topic],
                        )
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    let mut r = row.cursor();
                    let previous: Option<i64> = r.get()?;
                    let newest: Option<i64> = r.get()?;
                    let count: Option<i64> = r.get()?;
                    let first: Option<ReplyId> = r.get()?;
                    let unseen = previous.map(|after| Unseen {
                        after: ReplyId(after),
                        count: count.unwrap_or(0),
                        first,
                    });
                    Ok((previous, newest.unwrap_or(0), unseen))
                })
            })
            .await?;
        if previous.is_none_or(|p| p < newest) {
            self.write(move |c| {
                Box::pin(async move {
                    c.execute(
                        "INSERT INTO topic_visits (user_id, topic_id, last_reply_id, visited_at)
                         VALUES ($1, $2, $3, $4)
                         ON CONFLICT (user_id, topic_id) DO UPDATE
                         SET last_reply_id = excluded.last_reply_id, visited_at = excluded.visited_at
                         WHERE topic_visits.last_reply_id < excluded.last_reply_id",
                        args![user, topic, newest, now],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await?;
        }
        Ok(unseen)
    }

    async fn move_topic(
        &self,
        id: TopicId,
        to: SpaceId,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let sql = "UPDATE topics SET space_id = $2 WHERE id = $1";
                audited(c, sql, args![id, to], &audit).await
            })
        })
        .await
    }

    async fn set_accepted(
        &self,
        id: TopicId,
        reply: Option<ReplyId>,
        by: UserId,
        now: i64,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let n = c
                    .execute(
                        "UPDATE topics SET accepted_reply_id = $2,
                             last_activity_at = CASE WHEN CAST($2 AS BIGINT) IS NULL
                                                THEN last_activity_at ELSE $3 END
                         WHERE id = $1
                           AND (CAST($2 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM replies r
                                WHERE r.id = $2 AND r.topic_id = $1 AND NOT r.deleted))",
                        args![id, reply, now],
                    )
                    .await?;
                if n == 0 {
                    let exists: Option<i64> =
                        value_opt(c, "SELECT id FROM topics WHERE id = $1", args![id]).await?;
                    return Err(match exists {
                        Some(_) => Conflict::ReplyOfAnotherTopic.into(),
                        None => StoreError::NotFound,
                    });
                }
                if let Some(reply) = reply {
                    notify_accepted(c, id, reply.0, by, now).await?;
                }
                write_audit(c, &audit).await
            })
        })
        .await
        .inspect(|()| self.engine().live_signal().raise())
    }
}
