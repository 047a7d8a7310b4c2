//! Spaces: the directory, creating, reading and changing them.

use hearth_core::model::AuditAction;
use hearth_core::model::{JoinPolicy, Visibility};
use hearth_core::names::{Description, Slug, SpaceName};
use hearth_core::permissions::{SpaceAction, Viewer};
use hearth_store::{NewSpace, Page, SpacePatch, SpaceView};

use crate::access::guest_access;
pub use crate::access::{VisibleSpace, find};
use crate::auth::Authenticated;
use crate::{AppError, Ctx, FieldError, Result};

/// The community spaces the viewer may know of.
pub async fn list(ctx: &Ctx, viewer: Viewer, page: Page) -> Result<Vec<SpaceView>> {
    guest_access(ctx, viewer).await?;
    Ok(ctx.store.list_spaces(viewer, page).await?)
}

/// The community spaces the signed-in user belongs to.
pub async fn mine(ctx: &Ctx, who: &Authenticated, page: Page) -> Result<Vec<SpaceView>> {
    Ok(ctx
        .store
        .spaces_of_member(who.user.id, who.viewer(), page)
        .await?)
}

/// What a person fills in to create or change a space.
#[derive(Debug, Clone, Default)]
pub struct SpaceInput {
    /// Short name in the URL (creation only).
    pub slug: Option<String>,
    /// Title.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// public, private or secret.
    pub visibility: Option<String>,
    /// open, request or invite.
    pub join_policy: Option<String>,
}

fn collect<T>(
    errors: &mut Vec<FieldError>,
    r: Option<Result<T, hearth_core::CoreError>>,
) -> Option<T> {
    match r? {
        Ok(v) => Some(v),
        Err(e) => {
            if let AppError::Invalid(mut f) = AppError::from(e) {
                errors.append(&mut f);
            }
            None
        }
    }
}

fn parse_patch(input: &SpaceInput, errors: &mut Vec<FieldError>) -> SpacePatch {
    SpacePatch {
        name: collect(errors, input.name.as_deref().map(SpaceName::parse)),
        description: collect(errors, input.description.as_deref().map(Description::parse)),
        visibility: collect(errors, input.visibility.as_deref().map(Visibility::parse)),
        join_policy: collect(errors, input.join_policy.as_deref().map(JoinPolicy::parse)),
    }
}

/// A signed-in user creates a community space and becomes its owner.
pub async fn create(ctx: &Ctx, who: &Authenticated, input: &SpaceInput) -> Result<SpaceView> {
    let mut errors = Vec::new();
    let slug = collect(
        &mut errors,
        Some(Slug::parse(input.slug.as_deref().unwrap_or_default())),
    );
    let patch = parse_patch(input, &mut errors);
    if input.name.is_none() {
        errors.push(FieldError {
            field: "name".into(),
            message: "is required".into(),
        });
    }
    let (Some(slug), Some(name), true) = (slug, patch.name, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let space = ctx
        .store
        .create_space(NewSpace {
            slug,
            name,
            description: patch
                .description
                .unwrap_or_else(|| Description::from_trusted(String::new())),
            visibility: patch.visibility.unwrap_or(Visibility::Public),
            join_policy: patch.join_policy.unwrap_or(JoinPolicy::Open),
            owner: who.user.id,
            created_at: ctx.now(),
        })
        .await?;
    tracing::info!(by = %who.user.username, space = %space.slug, "space created");
    Ok(SpaceView {
        space,
        role: Some(hearth_core::model::Role::Owner),
        member_count: 1,
    })
}

/// An owner or administrator changes a space's settings.
pub async fn update(
    ctx: &Ctx,
    who: &Authenticated,
    slug: &str,
    input: &SpaceInput,
) -> Result<SpaceView> {
    let found = find(ctx, who.viewer(), slug, SpaceAction::Manage).await?;
    let mut errors = Vec::new();
    let patch = parse_patch(input, &mut errors);
    if input
        .slug
        .as_deref()
        .is_some_and(|s| s != found.view.space.slug)
    {
        errors.push(FieldError {
            field: "slug".into(),
            message: "cannot be changed".into(),
        });
    }
    if found.view.space.kind == hearth_core::model::SpaceKind::Personal
        && (patch.visibility.is_some() || patch.join_policy.is_some())
    {
        errors.push(FieldError {
            field: "visibility".into(),
            message: "a personal space is always public and invite-only".into(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let describe = |s: &hearth_store::Space| {
        format!(
            "name={:?} visibility={} join_policy={}",
            s.name.as_str(),
            s.visibility,
            s.join_policy
        )
    };
    let before = describe(&found.view.space);
    let preview = hearth_store::Space {
        name: patch
            .name
            .clone()
            .unwrap_or_else(|| found.view.space.name.clone()),
        visibility: patch.visibility.unwrap_or(found.view.space.visibility),
        join_policy: patch.join_policy.unwrap_or(found.view.space.join_policy),
        ..found.view.space.clone()
    };
    let audit = crate::audit::event(
        ctx,
        who,
        AuditAction::SpaceSettings,
        format!("space:{}", found.view.space.slug),
        Some(found.view.space.id),
        Some(before),
        Some(describe(&preview)),
    );
    let space = ctx
        .store
        .update_space(found.view.space.id, patch, audit)
        .await?;
    tracing::info!(by = %who.user.username, space = %space.slug, "space changed");
    Ok(SpaceView {
        space,
        ..found.view
    })
}
