//! Accounts: creating them, registering, administering, profiles.

use hearth_core::ids::UserId;
use hearth_core::model::AuditAction;
use hearth_core::model::{Registration, UserStatus};
use hearth_core::names::{DisplayName, Email, Username, check_new_password};
use hearth_core::permissions::Viewer;
use hearth_store::{NewUser, Page, Person, ReplyInTopic, SpaceView, User, VisibleRepliesQuery};

pub use crate::access::require_admin;
use crate::auth::Authenticated;
use crate::passwords;
use crate::secrets::hash_secret;
use crate::{AppError, Ctx, FieldError, Result};

/// What a person fills in to get an account.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    /// Login name.
    pub username: String,
    /// Shown name; the username when empty.
    pub display_name: String,
    /// E-mail address.
    pub email: String,
    /// Password in clear, hashed here.
    pub password: String,
}

/// Parses every field, collecting all the errors rather than the first.
fn parse_input(input: &UserInput) -> Result<(Username, DisplayName, Email)> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut note = |e: hearth_core::CoreError| {
        if let AppError::Invalid(mut fields) = AppError::from(e) {
            errors.append(&mut fields);
        }
    };
    let username = Username::parse(&input.username).map_err(&mut note).ok();
    let shown = if input.display_name.trim().is_empty() {
        input.username.trim()
    } else {
        input.display_name.as_str()
    };
    let display_name = DisplayName::parse(shown).map_err(&mut note).ok();
    let email = Email::parse(&input.email).map_err(&mut note).ok();
    let password = check_new_password(&input.password).map_err(&mut note).ok();
    match (username, display_name, email, password) {
        (Some(u), Some(d), Some(e), Some(_)) => Ok((u, d, e)),
        _ => Err(AppError::Invalid(errors)),
    }
}

async fn create(
    ctx: &Ctx,
    input: &UserInput,
    is_admin: bool,
    invite: Option<hearth_core::ids::InviteId>,
    only_first: bool,
) -> Result<User> {
    let (username, display_name, email) = parse_input(input)?;
    let password_hash = passwords::hash(ctx, input.password.clone()).await?;
    let user = ctx
        .store
        .create_user(NewUser {
            username,
            display_name,
            email,
            password_hash,
            is_admin,
            invite,
            only_first,
            created_at: ctx.now(),
        })
        .await?;
    tracing::info!(user = %user.username, admin = is_admin, "account created");
    Ok(user)
}

/// Creates an account from the command line (no actor: the operator is trusted).
pub async fn create_by_operator(ctx: &Ctx, input: &UserInput, is_admin: bool) -> Result<User> {
    create(ctx, input, is_admin, None, false).await
}

/// An administrator creates an account.
pub async fn create_by_admin(
    ctx: &Ctx,
    who: &Authenticated,
    input: &UserInput,
    is_admin: bool,
) -> Result<User> {
    require_admin(who)?;
    create(ctx, input, is_admin, None, false).await
}

/// Someone registers: allowed when registration is open, or with a valid
/// invitation (whose e-mail address the account then uses). On a site with
/// no accounts yet, the first registration creates the administrator.
pub async fn register(ctx: &Ctx, input: &UserInput, invite_secret: Option<&str>) -> Result<User> {
    if needs_first_admin(ctx).await? {
        return create(ctx, input, true, None, true).await;
    }
    let invite = match invite_secret.filter(|s| !s.is_empty()) {
        Some(secret) => Some(
            ctx.store
                .invite_by_hash(&hash_secret(secret), ctx.now())
                .await?
                .ok_or_else(|| {
                    AppError::Forbidden("this invitation is not valid or has expired".into())
                })?,
        ),
        None => None,
    };
    let mut input = input.clone();
    match &invite {
        Some(invite) => input.email = invite.email.to_string(),
        None => {
            if crate::access::site_settings(ctx).await?.registration != Registration::Open {
                return Err(AppError::Forbidden(
                    "registration is by invitation only".into(),
                ));
            }
        }
    }
    create(ctx, &input, false, invite.map(|i| i.id), false).await
}

/// Whether the site has no account yet, so that the first one to register
/// becomes its administrator.
pub async fn needs_first_admin(ctx: &Ctx) -> Result<bool> {
    Ok(!ctx.store.has_users().await?)
}

/// Every account, for administrators.
pub async fn list(ctx: &Ctx, who: &Authenticated, page: Page) -> Result<Vec<User>> {
    require_admin(who)?;
    Ok(ctx.store.list_users(page).await?)
}

/// Refuses an administrator's locking or deleting their own account.
fn check_status_change(who: &Authenticated, id: UserId, status: UserStatus) -> Result<()> {
    if id == who.user.id && status != UserStatus::Active {
        return Err(AppError::Conflict(
            "you cannot lock or delete your own account".into(),
        ));
    }
    Ok(())
}

/// Refuses an administrator's withdrawing their own administration.
fn check_admin_change(who: &Authenticated, id: UserId, admin: bool) -> Result<()> {
    if id == who.user.id && !admin {
        return Err(AppError::Conflict(
            "you cannot withdraw your own administration".into(),
        ));
    }
    Ok(())
}

/// An administrator locks, deletes or reactivates an account. Locking or
/// deleting ends its sessions and tokens at once.
pub async fn set_status(
    ctx: &Ctx,
    who: &Authenticated,
    id: UserId,
    status: UserStatus,
) -> Result<()> {
    require_admin(who)?;
    check_status_change(who, id, status)?;
    let before = ctx.store.user(id).await?.ok_or(AppError::NotFound)?;
    let audit = crate::audit::event(
        ctx,
        who,
        AuditAction::UserStatus,
        format!("user:{id}"),
        None,
        Some(before.status.to_string()),
        Some(status.to_string()),
    );
    ctx.store.set_user_status(id, status, audit).await?;
    tracing::info!(by = %who.user.username, user = %id, status = %status, "account status changed");
    Ok(())
}

/// An administrator grants or withdraws administration.
pub async fn set_admin(ctx: &Ctx, who: &Authenticated, id: UserId, admin: bool) -> Result<()> {
    require_admin(who)?;
    check_admin_change(who, id, admin)?;
    let audit = crate::audit::event(
        ctx,
        who,
        AuditAction::UserAdmin,
        format!("user:{id}"),
        None,
        Some((!admin).to_string()),
        Some(admin.to_string()),
    );
    ctx.store.set_admin(id, admin, audit).await?;
    tracing::info!(by = %who.user.username, user = %id, admin, "administration changed");
    Ok(())
}

/// What an administrator changes about an account; `None` keeps a value.
#[derive(Debug, Clone, Default)]
pub struct AccountChange {
    /// active, locked or deleted.
    pub status: Option<String>,
    /// Whether it administers the site.
    pub is_admin: Option<bool>,
    /// Changes to its profile.
    pub profile: Option<crate::people::ProfileInput>,
}

/// An administrator changes an account's profile, status and administration
/// together: all are checked before any is written, and a value that does not
/// change writes and logs nothing. Returns the account as it now is.
pub async fn change(
    ctx: &Ctx,
    who: &Authenticated,
    username: &str,
    change: &AccountChange,
) -> Result<User> {
    require_admin(who)?;
    let status = change
        .status
        .as_deref()
        .map(UserStatus::parse)
        .transpose()?;
    let username = Username::parse(username).map_err(|_| AppError::NotFound)?;
    let user = ctx
        .store
        .user_by_username(&username)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = status.filter(|s| *s != user.status);
    let admin = change.is_admin.filter(|a| *a != user.is_admin);
    if let Some(status) = status {
        check_status_change(who, user.id, status)?;
    }
    if let Some(admin) = admin {
        check_admin_change(who, user.id, admin)?;
    }
    // The profile goes first: its fields are checked as it is written, and
    // nothing else is written when one is refused.
    if let Some(profile) = &change.profile {
        crate::people::update_profile(ctx, who, user.username.as_str(), profile).await?;
    }
    if let Some(status) = status {
        set_status(ctx, who, user.id, status).await?;
    }
    if let Some(admin) = admin {
        set_admin(ctx, who, user.id, admin).await?;
    }
    ctx.store.user(user.id).await?.ok_or(AppError::NotFound)
}

/// A profile: the person and what of theirs the viewer may see.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The account and its profile.
    pub person: Person,
    /// Its spaces that the viewer may know of.
    pub spaces: Vec<SpaceView>,
    /// Its latest published topics in spaces the viewer may read.
    pub recent: Vec<hearth_store::Topic>,
    /// Its latest replies the viewer may read: never deleted ones, never on
    /// hidden, deleted, draft or unpublished topics.
    pub recent_replies: Vec<ReplyInTopic>,
}

/// How many recent topics and replies a profile shows.
pub const PROFILE_RECENT: u32 = 20;

/// The profile of `username` as `viewer` may see it. Guests see profiles
/// only where guest access is on; deleted accounts are gone.
pub async fn profile(ctx: &Ctx, viewer: Viewer, username: &str) -> Result<Profile> {
    let person = crate::people::visible_person(ctx, viewer, username).await?;
    let id = person.user.id;
    let spaces = ctx
        .store
        .spaces_of_member(id, viewer, Page::first(100))
        .await?;
    let recent = crate::topics::visible(ctx, viewer, None, Some(id), None, PROFILE_RECENT).await?;
    let recent_replies = ctx
        .store
        .visible_replies(VisibleRepliesQuery {
            viewer,
            author: id,
            limit: PROFILE_RECENT,
            now: ctx.now(),
        })
        .await?;
    Ok(Profile {
        person,
        spaces,
        recent,
        recent_replies,
    })
}
