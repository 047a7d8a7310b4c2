//! Who may reach what: the lookups every use case starts with. A space or
//! topic is found and checked against the permission rules of
//! `hearth_core` in one step, so that what a viewer may not know of is "not
//! found" everywhere alike; administrators are recognised here; and the
//! site settings that shape access are read here, cached.

use hearth_core::ids::TopicId;
use hearth_core::model::{Role, SpaceKind};
use hearth_core::permissions::{
    Decision, SpaceAccess, SpaceAction, Viewer, as_contributor, decide, joins_by_contributing,
};
use hearth_core::topic_rules::{TopicAction, TopicFacts, decide_topic};
use hearth_store::{SiteSettings, Space, SpaceView, Topic, TopicView};

use crate::auth::Authenticated;
use crate::{AppError, Ctx, Result};

/// How long settings read from the store are reused. Every page needs them;
/// another node's change shows here within this time, this node's at once.
const CACHE_MS: i64 = 1000;

/// The current settings; anyone may read them (they shape every page).
pub async fn site_settings(ctx: &Ctx) -> Result<SiteSettings> {
    let now = ctx.now();
    if let Some((at, s)) = ctx
        .settings_cache
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        && (0..CACHE_MS).contains(&(now - at))
    {
        return Ok(s.clone());
    }
    let s = ctx.store.settings().await?;
    *ctx.settings_cache
        .write()
        .unwrap_or_else(|e| e.into_inner()) = Some((now, s.clone()));
    Ok(s)
}

/// Refuses anyone but a site administrator.
pub fn require_admin(who: &Authenticated) -> Result<()> {
    if who.user.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only administrators may do this".into(),
        ))
    }
}

/// What a post or reply wrote, and whether writing it made its author a
/// member of the space (contributing to an open space joins it).
#[derive(Debug, Clone)]
pub struct Contributed<T> {
    /// What was written.
    pub item: T,
    /// The author became a member on the way.
    pub joined_space: bool,
}

/// A space as a viewer may see it, with what they may do there.
#[derive(Debug, Clone)]
pub struct VisibleSpace {
    /// The space and the viewer's role.
    pub view: SpaceView,
    /// What the permission rules need to know.
    pub access: SpaceAccess,
}

impl VisibleSpace {
    /// Refuses unless the viewer may do `action` here: "not found" where the
    /// viewer may not know of the space, "sign in" for guests, else forbidden.
    pub fn require(&self, viewer: Viewer, action: SpaceAction) -> Result<()> {
        match decide(viewer, &self.access, action) {
            Decision::Allow => Ok(()),
            Decision::Hide => Err(AppError::NotFound),
            Decision::Deny if viewer == Viewer::Guest => {
                Err(AppError::Unauthorized("sign in to continue".into()))
            }
            Decision::Deny => Err(AppError::Forbidden(denied_message(action).into())),
        }
    }

    /// Whether the viewer may do `action` here.
    pub fn allows(&self, viewer: Viewer, action: SpaceAction) -> bool {
        decide(viewer, &self.access, action) == Decision::Allow
    }

    /// Refuses unless the viewer may post here, as a member or by becoming
    /// one on the way; `Ok(true)` when posting makes them a member.
    pub fn require_contributor(&self, viewer: Viewer) -> Result<bool> {
        let contributing = as_contributor(viewer, &self.access);
        if decide(viewer, &contributing, SpaceAction::Write) != Decision::Allow {
            let as_member = member_access(&self.access);
            if viewer.user_id().is_some()
                && decide(viewer, &as_member, SpaceAction::Write) == Decision::Allow
            {
                return Err(membership_required(&self.view.space));
            }
            self.require(viewer, SpaceAction::Write)?;
        }
        Ok(joins_by_contributing(viewer, &self.access))
    }
}

/// The space as it would be for the viewer as a plain member of it.
fn member_access(access: &SpaceAccess) -> SpaceAccess {
    SpaceAccess {
        role: Some(access.role.unwrap_or(Role::Member)),
        ..*access
    }
}

/// The refusal of a contribution only members may make, naming the space
/// and how it takes members.
fn membership_required(space: &Space) -> AppError {
    AppError::MembershipRequired {
        slug: space.slug.clone(),
        name: space.name.to_string(),
        policy: space.join_policy,
    }
}

/// Refuses guests unless the site lets them read.
pub(crate) async fn guest_access(ctx: &Ctx, viewer: Viewer) -> Result<bool> {
    let allowed = site_settings(ctx).await?.guest_access;
    if viewer == Viewer::Guest && !allowed {
        return Err(AppError::Unauthorized("sign in to continue".into()));
    }
    Ok(allowed)
}

/// Finds a space and checks that `viewer` may do `action` in it: a space the
/// viewer may not know of is "not found", whatever the action.
pub async fn find(
    ctx: &Ctx,
    viewer: Viewer,
    slug: &str,
    action: SpaceAction,
) -> Result<VisibleSpace> {
    let guest_access = guest_access(ctx, viewer).await?;
    let view = ctx
        .store
        .space_by_slug(slug, viewer.user_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let access = SpaceAccess {
        kind: view.space.kind,
        visibility: view.space.visibility,
        join_policy: view.space.join_policy,
        role: view.role,
        guest_access,
    };
    let space = VisibleSpace { view, access };
    space.require(viewer, action)?;
    Ok(space)
}

fn denied_message(action: SpaceAction) -> &'static str {
    match action {
        SpaceAction::See | SpaceAction::Read => "only members can read this space",
        SpaceAction::Write => "only members can write in this space",
        SpaceAction::Join => "this space cannot be joined directly",
        SpaceAction::RequestJoin => "this space does not take requests to join",
        SpaceAction::Leave => "you cannot leave this space",
        SpaceAction::Moderate => "only moderators can do this",
        SpaceAction::Manage => "only owners can do this",
    }
}

/// A topic as a viewer may see it, with what they may do.
#[derive(Debug, Clone)]
pub struct VisibleTopic {
    /// The topic and its space.
    pub view: TopicView,
    /// The space rules' inputs.
    pub access: SpaceAccess,
    /// What the viewer may do.
    pub can: TopicAbilities,
}

/// What a viewer may do with a topic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TopicAbilities {
    /// Reply to it.
    pub reply: bool,
    /// Edit it.
    pub edit: bool,
    /// Delete it.
    pub delete: bool,
    /// Hide, lock, pin; delete and restore replies.
    pub moderate: bool,
    /// Accept an answer.
    pub accept: bool,
    /// Like it and its replies.
    pub react: bool,
    /// Replying makes the viewer a member of the space (an open space they
    /// have not joined).
    pub joins_by_replying: bool,
}

/// What the topic rules need to know about `topic` at `now`.
pub(crate) fn facts(topic: &Topic, now: i64) -> TopicFacts {
    TopicFacts {
        kind: topic.kind,
        state: topic.state,
        author: topic.author.id,
        unpublished: topic.unpublished(now),
    }
}

fn access_of(space: &SpaceView, guest_access: bool) -> SpaceAccess {
    SpaceAccess {
        kind: space.space.kind,
        visibility: space.space.visibility,
        join_policy: space.space.join_policy,
        role: space.role,
        guest_access,
    }
}

fn refuse(viewer: Viewer, decision: Decision, message: &str) -> AppError {
    match decision {
        Decision::Hide => AppError::NotFound,
        _ if viewer == Viewer::Guest => AppError::Unauthorized("sign in to continue".into()),
        _ => AppError::Forbidden(message.into()),
    }
}

/// Finds a topic and checks that `viewer` may do `action` with it; a topic
/// the viewer may not read is "not found".
pub async fn find_topic(
    ctx: &Ctx,
    viewer: Viewer,
    id: TopicId,
    action: TopicAction,
) -> Result<VisibleTopic> {
    let guest_access = guest_access(ctx, viewer).await?;
    let view = ctx
        .store
        .topic(id, viewer.user_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let access = access_of(&view.space, guest_access);
    let f = facts(&view.topic, ctx.now());
    // Replying in an open space the viewer may read joins it on the way.
    let contributing = as_contributor(viewer, &access);
    let d = |a| match a {
        TopicAction::Reply => decide_topic(viewer, &contributing, &f, a),
        _ => decide_topic(viewer, &access, &f, a),
    };
    let decision = d(action);
    if decision != Decision::Allow {
        let member_could = |a| decide_topic(viewer, &member_access(&access), &f, a);
        // Only to a reader of the topic: "not found" stays "not found".
        if action == TopicAction::Reply
            && decision == Decision::Deny
            && viewer.user_id().is_some()
            && view.space.space.kind == SpaceKind::Community
            && member_could(action) == Decision::Allow
        {
            return Err(membership_required(&view.space.space));
        }
        let message = match action {
            TopicAction::Read => "you may not read this",
            TopicAction::Reply => "this topic does not take replies from you",
            TopicAction::Edit => {
                "only its author, moderators or (for documents) members may edit this"
            }
            TopicAction::Delete => "only its author or moderators may delete this",
            TopicAction::Moderate => "only moderators can do this",
            TopicAction::Accept => "only the asker or moderators may accept an answer",
            TopicAction::React => "you cannot like this",
        };
        return Err(refuse(viewer, decision, message));
    }
    let ok = |a| d(a) == Decision::Allow;
    let can = TopicAbilities {
        reply: ok(TopicAction::Reply),
        edit: ok(TopicAction::Edit),
        delete: ok(TopicAction::Delete),
        moderate: ok(TopicAction::Moderate),
        accept: ok(TopicAction::Accept),
        react: ok(TopicAction::React),
        joins_by_replying: joins_by_contributing(viewer, &access),
    };
    Ok(VisibleTopic { view, access, can })
}
