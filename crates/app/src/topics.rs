//! Topics: creating, reading, listing, editing, deleting, moderating.

use hearth_core::content::{Tag, Title, check_body_size};
use hearth_core::ids::{TopicId, UserId};
use hearth_core::model::AuditAction;
use hearth_core::model::TopicKind;
use hearth_core::permissions::{SpaceAction, Viewer};
use hearth_core::topic_rules::{TopicAction, edit_is_moderation};
use hearth_store::{
    Conflict, NewTopic, Reply, Revision, SpaceTopicsQuery, StoreError, Topic, TopicCursor,
    TopicEdit, TopicFilter, VisibleTopicsQuery,
};

use crate::Contributed;
pub use crate::access::{TopicAbilities, VisibleTopic, find_topic};
use crate::access::{VisibleSpace, facts, find, guest_access};
use crate::auth::Authenticated;
use crate::work::Work;
use crate::{AppError, Ctx, CurrentVersion, FieldError, Result};

/// Replies per page of a topic.
pub const REPLIES_PER_PAGE: u32 = 50;

/// What a person fills in to write or edit a topic.
#[derive(Debug, Clone, Default)]
pub struct TopicInput {
    /// discussion, question, post or document (creation only; default discussion).
    pub kind: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Markdown body.
    pub body: Option<String>,
    /// Comma-separated tags.
    pub tags: Option<String>,
    /// Keep a post as a draft.
    pub draft: Option<bool>,
    /// When a post is published (Unix ms): `Some(Some(t))` at `t`,
    /// `Some(None)` without a schedule, `None` as before (edits) or at once.
    pub publish_at: Option<Option<i64>>,
    /// The version an edit started from.
    pub base_version: Option<i64>,
    /// A client's key: repeating a create with it returns the first topic.
    pub idempotency_key: Option<String>,
}

struct Parsed {
    title: Option<Title>,
    body: Option<String>,
    tags: Option<Vec<Tag>>,
}

fn parse(input: &TopicInput, creating: bool, kind: TopicKind) -> Result<Parsed> {
    let mut errors = Vec::new();
    let mut note = |e: hearth_core::CoreError| {
        if let AppError::Invalid(mut f) = AppError::from(e) {
            errors.append(&mut f);
        }
    };
    let title = match (&input.title, creating) {
        (Some(t), _) => Title::parse(t).map_err(&mut note).ok(),
        (None, true) => {
            note(hearth_core::CoreError::invalid("title", "is required"));
            None
        }
        (None, false) => None,
    };
    // A document may start empty; other topics need a body.
    let may_be_empty = kind == TopicKind::Document;
    let body = match (&input.body, creating) {
        (Some(b), _) => check_body_size("body", b, may_be_empty)
            .map_err(&mut note)
            .ok()
            .map(|()| b.clone()),
        (None, true) if may_be_empty => Some(String::new()),
        (None, true) => {
            note(hearth_core::CoreError::invalid("body", "is required"));
            None
        }
        (None, false) => None,
    };
    let tags = match &input.tags {
        Some(t) => Tag::parse_list(t).map_err(&mut note).ok(),
        None => None,
    };
    if kind != TopicKind::Post && input.draft == Some(true) {
        errors.push(FieldError {
            field: "draft".into(),
            message: "only blog posts can be drafts".into(),
        });
    }
    if kind != TopicKind::Post && input.publish_at.flatten().is_some() {
        errors.push(FieldError {
            field: "publish_at".into(),
            message: "only blog posts can be scheduled".into(),
        });
    }
    if errors.is_empty() {
        Ok(Parsed { title, body, tags })
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Writes a topic in a space the author may write in; posting in an open
/// space makes the author a member of it.
pub async fn create(
    ctx: &Ctx,
    who: &Authenticated,
    space_slug: &str,
    input: &TopicInput,
) -> Result<Contributed<Topic>> {
    let space = find(ctx, who.viewer(), space_slug, SpaceAction::See).await?;
    let joins_space = space.require_contributor(who.viewer())?;
    let kind = match input.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => TopicKind::parse(k)?,
        None => TopicKind::Discussion,
    };
    let p = parse(input, true, kind)?;
    let (Some(title), Some(body)) = (p.title, p.body) else {
        return Err(AppError::invalid("title", "is required"));
    };
    let rendered = crate::markup::render(ctx, &body).await?;
    let topic = ctx
        .store
        .create_topic(NewTopic {
            space_id: space.view.space.id,
            author: who.user.id,
            kind,
            title,
            body_html: rendered.html,
            mentions: rendered.mentions,
            files: rendered.files,
            body_md: body,
            tags: p.tags.unwrap_or_default(),
            draft: input.draft.unwrap_or(false),
            publish_at: input.publish_at.flatten(),
            idempotency_key: crate::idempotency::optional_key(input.idempotency_key.as_deref())?,
            joins_space,
            created_at: ctx.now(),
        })
        .await?;
    tracing::info!(by = %who.user.username, topic = %topic.id, kind = %kind, "topic created");
    Ok(Contributed {
        item: topic,
        joined_space: joins_space,
    })
}

/// A topic's page: the topic and one page of its replies in thread order.
#[derive(Debug, Clone)]
pub struct TopicPage {
    /// The topic and what the viewer may do.
    pub topic: VisibleTopic,
    /// The replies of this page.
    pub replies: Vec<Reply>,
    /// This page, from 1.
    pub page: u32,
    /// How many pages.
    pub pages: u32,
    /// A question's accepted answer, shown first.
    pub accepted: Option<Reply>,
    /// Who likes the topic (at most 100), earliest first.
    pub likers: Vec<hearth_store::User>,
    /// What a signed-in reader had not seen at their last visit.
    pub unseen: Option<hearth_store::Unseen>,
}

/// Reads a topic with one page of replies.
pub async fn show(ctx: &Ctx, viewer: Viewer, id: TopicId, page: u32) -> Result<TopicPage> {
    let topic = find_topic(ctx, viewer, id, TopicAction::Read).await?;
    let count = topic.view.topic.reply_count.max(0) as u32;
    let pages = count.div_ceil(REPLIES_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let offset = i64::from((page - 1) * REPLIES_PER_PAGE);
    let replies = ctx
        .store
        .replies(id, offset, REPLIES_PER_PAGE, viewer.user_id())
        .await?;
    let accepted = match topic.view.topic.accepted_reply {
        Some(r) => ctx
            .store
            .reply(r, viewer.user_id())
            .await?
            .filter(|r| !r.deleted),
        None => None,
    };
    let likers = if topic.view.topic.like_count > 0 {
        ctx.store
            .likers(hearth_store::ReactionTarget::Topic(id))
            .await?
    } else {
        Vec::new()
    };
    // Where the reader left the topic is a convenience: a store that
    // refuses writes (paused, a replica) still shows the page.
    let unseen = match viewer.user_id() {
        Some(user) => match ctx.store.visit_topic(user, id, ctx.now()).await {
            Ok(unseen) => unseen,
            Err(e) => {
                tracing::debug!(error = %e, topic = %id, "visit not recorded");
                None
            }
        },
        None => None,
    };
    Ok(TopicPage {
        topic,
        replies,
        page,
        pages,
        likers,
        accepted,
        unseen,
    })
}

/// Encodes where a topic list continues, for `?after=`.
pub fn encode_cursor(t: &Topic) -> String {
    TopicCursor::after(t).to_string()
}

pub(crate) fn decode_cursor(s: Option<&str>) -> Result<Option<TopicCursor>> {
    match s.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => TopicCursor::parse(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid("after", "is not a cursor from this list")),
    }
}

/// Which topics of a space to list, as a person asks for them.
#[derive(Debug, Clone, Default)]
pub struct ListInput {
    /// A kind, or all.
    pub kind: Option<String>,
    /// A tag, or all.
    pub tag: Option<String>,
    /// Only unanswered questions.
    pub unanswered: bool,
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size, 1–100 (default 30).
    pub limit: Option<u32>,
}

/// The topics of a space the viewer may read.
pub async fn list(
    ctx: &Ctx,
    viewer: Viewer,
    space_slug: &str,
    input: &ListInput,
) -> Result<(VisibleSpace, Vec<Topic>)> {
    let space = find(ctx, viewer, space_slug, SpaceAction::Read).await?;
    let topics = list_in(ctx, viewer, &space, input).await?;
    Ok((space, topics))
}

/// The topics of a space already found, if the viewer may read it.
pub async fn list_in(
    ctx: &Ctx,
    viewer: Viewer,
    space: &VisibleSpace,
    input: &ListInput,
) -> Result<Vec<Topic>> {
    space.require(viewer, SpaceAction::Read)?;
    let limit = input.limit.unwrap_or(30);
    if !(1..=100).contains(&limit) {
        return Err(AppError::invalid("limit", "must be between 1 and 100"));
    }
    let filter = TopicFilter {
        kind: input
            .kind
            .as_deref()
            .filter(|k| !k.is_empty())
            .map(TopicKind::parse)
            .transpose()?,
        tag: input
            .tag
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(Tag::parse)
            .transpose()?,
        unanswered: input.unanswered,
    };
    Ok(ctx
        .store
        .space_topics(SpaceTopicsQuery {
            space: space.view.space.id,
            viewer,
            filter,
            after: decode_cursor(input.after.as_deref())?,
            limit,
            now: ctx.now(),
        })
        .await?)
}

/// Published topics the viewer may read, by tag or by author.
pub async fn visible(
    ctx: &Ctx,
    viewer: Viewer,
    tag: Option<&str>,
    author: Option<UserId>,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Topic>> {
    guest_access(ctx, viewer).await?;
    let tag = tag
        .map(Tag::parse)
        .transpose()
        .map_err(|_| AppError::NotFound)?;
    Ok(ctx
        .store
        .visible_topics(VisibleTopicsQuery {
            viewer,
            tag,
            author,
            followed_by: None,
            after: decode_cursor(after)?,
            limit: limit.clamp(1, 100),
            now: ctx.now(),
        })
        .await?)
}

/// Edits a topic. An edit based on an older version is refused with the
/// current version, so that neither edit is lost. A document, which anyone
/// in its space may edit, takes edits only with the version they started
/// from.
pub async fn edit(
    ctx: &Ctx,
    who: &Authenticated,
    id: TopicId,
    input: &TopicInput,
) -> Result<Topic> {
    let found = find_topic(ctx, who.viewer(), id, TopicAction::Edit).await?;
    let topic = &found.view.topic;
    if input
        .kind
        .as_deref()
        .is_some_and(|k| k != topic.kind.as_str())
    {
        return Err(AppError::invalid("kind", "cannot be changed"));
    }
    if topic.kind == TopicKind::Document && input.base_version.is_none() {
        return Err(AppError::invalid(
            "base_version",
            "is required to edit a document: send the version your edit started from",
        ));
    }
    let p = parse(input, false, topic.kind)?;
    // A moderator's edit of someone else's topic is audited, from the version
    // they saw: another edit meanwhile makes it stale, so that the log names
    // exactly the version it replaced.
    let moderation = edit_is_moderation(who.viewer(), &found.access, &facts(topic, ctx.now()));
    let base_version = match input.base_version {
        None if moderation => Some(topic.version),
        base => base,
    };
    let audit = moderation
        .then(|| {
            let before = base_version.unwrap_or(topic.version);
            crate::audit::event(
                ctx,
                who,
                AuditAction::TopicEdit,
                format!("topic:{id}"),
                Some(topic.space_id),
                Some(format!("version={before}")),
                Some(format!("version={}", before.saturating_add(1))),
            )
        })
        .flatten();
    let (body, mentions, files) = match p.body {
        Some(md) => {
            let rendered = crate::markup::render(ctx, &md).await?;
            (Some((md, rendered.html)), rendered.mentions, rendered.files)
        }
        None => (None, Vec::new(), Vec::new()),
    };
    let edited = ctx
        .store
        .edit_topic(
            id,
            TopicEdit {
                title: p.title,
                body,
                tags: p.tags,
                mentions,
                files,
                draft: input.draft,
                publish_at: input.publish_at,
                base_version,
                editor: who.user.id,
                now: ctx.now(),
            },
            audit,
        )
        .await;
    match edited {
        Ok(t) => Ok(t),
        Err(StoreError::Conflict(Conflict::StaleVersion)) => {
            let current = ctx
                .store
                .topic(id, Some(who.user.id))
                .await?
                .ok_or(AppError::NotFound)?
                .topic;
            Err(AppError::StaleVersion(Box::new(CurrentVersion {
                version: current.version,
                title: current.title.as_str().to_owned(),
                body: current.body_md,
            })))
        }
        Err(e) => Err(e.into()),
    }
}

/// Every version of a topic: for documents, for every reader; otherwise for
/// its author and moderators.
pub async fn revisions(
    ctx: &Ctx,
    viewer: Viewer,
    id: TopicId,
) -> Result<(VisibleTopic, Vec<Revision>)> {
    let found = find_topic(ctx, viewer, id, TopicAction::Read).await?;
    let author = viewer.user_id() == Some(found.view.topic.author.id);
    if found.view.topic.kind != TopicKind::Document && !author && !found.can.moderate {
        return Err(AppError::Forbidden(
            "only the author and moderators see this history".into(),
        ));
    }
    let revisions = ctx.store.topic_revisions(id).await?;
    Ok((found, revisions))
}

/// Two versions of a topic and the line diff between their bodies.
#[derive(Debug, Clone)]
pub struct VersionDiff {
    /// The topic.
    pub topic: VisibleTopic,
    /// The older version.
    pub from: Revision,
    /// The newer version.
    pub to: Revision,
    /// The body's lines, marked; `None` when the versions are too large to
    /// compare line by line ([`hearth_core::diff::MAX_DIFF_LINES`]).
    pub lines: Option<Vec<hearth_core::diff::LineChange>>,
}

/// How long a diff looks for the smallest set of changes before it settles
/// for a coarser one.
const DIFF_DEADLINE: std::time::Duration = std::time::Duration::from_millis(500);

/// The difference between two versions of a topic, for those who may see its history.
pub async fn diff(
    ctx: &Ctx,
    viewer: Viewer,
    id: TopicId,
    from: i64,
    to: i64,
) -> Result<VersionDiff> {
    let (topic, revisions) = revisions(ctx, viewer, id).await?;
    let pick = |v: i64, field: &str| {
        revisions
            .iter()
            .find(|r| r.version == v)
            .cloned()
            .ok_or_else(|| AppError::invalid(field, "is not a version of this topic"))
    };
    let (from, to) = (pick(from, "from")?, pick(to, "to")?);
    let (old, new) = (from.body_md.clone(), to.body_md.clone());
    let lines = ctx
        .work
        .run(Work::Diff, move || {
            let deadline = std::time::Instant::now() + DIFF_DEADLINE;
            hearth_core::diff::line_diff(&old, &new, deadline)
        })
        .await?;
    Ok(VersionDiff {
        topic,
        from,
        to,
        lines,
    })
}

/// Brings back an older version's title and text as a new version; the
/// versions in between stay in the history.
pub async fn restore_version(
    ctx: &Ctx,
    who: &Authenticated,
    id: TopicId,
    version: i64,
) -> Result<Topic> {
    let (found, revisions) = revisions(ctx, who.viewer(), id).await?;
    let old = revisions
        .into_iter()
        .find(|r| r.version == version)
        .ok_or_else(|| AppError::invalid("version", "is not a version of this topic"))?;
    let input = TopicInput {
        title: old.title,
        body: Some(old.body_md),
        base_version: Some(found.view.topic.version),
        ..TopicInput::default()
    };
    edit(ctx, who, id, &input).await
}
