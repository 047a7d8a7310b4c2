//! Reading records out of rows. Column lists live beside the readers that
//! depend on their order.

use hearth_core::CoreError;
use hearth_core::ids::{InviteId, SpaceId, TokenId, UserId};
use hearth_core::model::{JoinPolicy, Role, SpaceKind, UserStatus, Visibility};
use hearth_core::names::{Description, DisplayName, Email, SpaceName, Username};
use hearth_store::{ApiToken, Invite, Session, Space, SpaceView, User};
use rusqlite::Row;
use rusqlite::types::Type;

pub(crate) fn parsed<T>(idx: usize, r: Result<T, CoreError>) -> rusqlite::Result<T> {
    r.map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

/// Columns of `users u` read by [`user`], starting at any offset.
pub(crate) const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at";

pub(crate) fn user(row: &Row<'_>, at: usize) -> rusqlite::Result<User> {
    Ok(User {
        id: UserId(row.get(at)?),
        username: Username::from_trusted(row.get(at + 1)?),
        display_name: DisplayName::from_trusted(row.get(at + 2)?),
        email: Email::from_trusted(row.get(at + 3)?),
        is_admin: row.get(at + 4)?,
        status: parsed(at + 5, UserStatus::parse(&row.get::<_, String>(at + 5)?))?,
        created_at: row.get(at + 6)?,
    })
}

/// Columns of `spaces s` read by [`space`].
pub(crate) const SPACE_COLUMNS: &str =
    "s.id, s.slug, s.name, s.description, s.kind, s.visibility, s.join_policy, s.created_at";

pub(crate) fn space(row: &Row<'_>, at: usize) -> rusqlite::Result<Space> {
    Ok(Space {
        id: SpaceId(row.get(at)?),
        slug: row.get(at + 1)?,
        name: SpaceName::from_trusted(row.get(at + 2)?),
        description: Description::from_trusted(row.get(at + 3)?),
        kind: parsed(at + 4, SpaceKind::parse(&row.get::<_, String>(at + 4)?))?,
        visibility: parsed(at + 5, Visibility::parse(&row.get::<_, String>(at + 5)?))?,
        join_policy: parsed(at + 6, JoinPolicy::parse(&row.get::<_, String>(at + 6)?))?,
        created_at: row.get(at + 7)?,
    })
}

pub(crate) fn role(row: &Row<'_>, at: usize) -> rusqlite::Result<Role> {
    parsed(at, Role::parse(&row.get::<_, String>(at)?))
}

/// A space followed by the viewer's role (nullable) and the member count.
pub(crate) fn space_view(row: &Row<'_>) -> rusqlite::Result<SpaceView> {
    space_view_at(row, 0)
}

/// [`space_view`] starting at column `at`.
pub(crate) fn space_view_at(row: &Row<'_>, at: usize) -> rusqlite::Result<SpaceView> {
    let role: Option<String> = row.get(at + 8)?;
    Ok(SpaceView {
        space: space(row, at)?,
        role: role.map(|r| parsed(at + 8, Role::parse(&r))).transpose()?,
        member_count: row.get(at + 9)?,
    })
}

/// Columns of `sessions` read by [`session`].
pub(crate) const SESSION_COLUMNS: &str = "se.id_hash, se.user_id, se.csrf_token, se.created_at, se.last_seen_at, se.expires_at, se.user_agent";

pub(crate) fn session(row: &Row<'_>, at: usize) -> rusqlite::Result<Session> {
    Ok(Session {
        id_hash: row.get(at)?,
        user_id: UserId(row.get(at + 1)?),
        csrf_token: row.get(at + 2)?,
        created_at: row.get(at + 3)?,
        last_seen_at: row.get(at + 4)?,
        expires_at: row.get(at + 5)?,
        user_agent: row.get(at + 6)?,
    })
}

/// Columns of `api_tokens t` read by [`token`].
pub(crate) const TOKEN_COLUMNS: &str = "t.id, t.user_id, t.name, t.created_at, t.last_used_at";

pub(crate) fn token(row: &Row<'_>, at: usize) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: TokenId(row.get(at)?),
        user_id: UserId(row.get(at + 1)?),
        name: row.get(at + 2)?,
        created_at: row.get(at + 3)?,
        last_used_at: row.get(at + 4)?,
    })
}

/// Columns of `invites i` read by [`invite`].
pub(crate) const INVITE_COLUMNS: &str = "i.id, i.email, i.invited_by, i.created_at, i.expires_at";

pub(crate) fn invite(row: &Row<'_>, at: usize) -> rusqlite::Result<Invite> {
    Ok(Invite {
        id: InviteId(row.get(at)?),
        email: Email::from_trusted(row.get(at + 1)?),
        invited_by: UserId(row.get(at + 2)?),
        created_at: row.get(at + 3)?,
        expires_at: row.get(at + 4)?,
    })
}
