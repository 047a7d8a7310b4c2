//! Reading records out of rows. Column lists live beside the readers that
//! depend on their order.

use hearth_core::CoreError;
use hearth_core::ids::{InviteId, SpaceId, TokenId, UserId};
use hearth_core::model::{JoinPolicy, Role, SpaceKind, UserStatus, Visibility};
use hearth_core::names::{Description, DisplayName, Email, SpaceName, Username};
use hearth_store::{ApiToken, Invite, Session, Space, SpaceView, StoreError, User};
use tokio_postgres::Row;

use crate::error::SqlResult;

pub(crate) fn parsed<T>(r: Result<T, CoreError>) -> SqlResult<T> {
    r.map_err(|e| StoreError::Other(format!("unreadable row: {e}")).into())
}

/// Columns of `users u` read by [`user`], starting at any offset.
pub(crate) const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at";

pub(crate) fn user(row: &Row, at: usize) -> SqlResult<User> {
    Ok(User {
        id: UserId(row.try_get(at)?),
        username: Username::from_trusted(row.try_get(at + 1)?),
        display_name: DisplayName::from_trusted(row.try_get(at + 2)?),
        email: Email::from_trusted(row.try_get(at + 3)?),
        is_admin: row.try_get(at + 4)?,
        status: parsed(UserStatus::parse(row.try_get(at + 5)?))?,
        created_at: row.try_get(at + 6)?,
    })
}

/// Columns of `spaces s` read by [`space`].
pub(crate) const SPACE_COLUMNS: &str =
    "s.id, s.slug, s.name, s.description, s.kind, s.visibility, s.join_policy, s.created_at";

pub(crate) fn space(row: &Row, at: usize) -> SqlResult<Space> {
    Ok(Space {
        id: SpaceId(row.try_get(at)?),
        slug: row.try_get(at + 1)?,
        name: SpaceName::from_trusted(row.try_get(at + 2)?),
        description: Description::from_trusted(row.try_get(at + 3)?),
        kind: parsed(SpaceKind::parse(row.try_get(at + 4)?))?,
        visibility: parsed(Visibility::parse(row.try_get(at + 5)?))?,
        join_policy: parsed(JoinPolicy::parse(row.try_get(at + 6)?))?,
        created_at: row.try_get(at + 7)?,
    })
}

pub(crate) fn role(row: &Row, at: usize) -> SqlResult<Role> {
    parsed(Role::parse(row.try_get(at)?))
}

/// A space followed by the viewer's role (nullable) and the member count.
pub(crate) fn space_view(row: &Row) -> SqlResult<SpaceView> {
    space_view_at(row, 0)
}

/// [`space_view`] starting at column `at`.
pub(crate) fn space_view_at(row: &Row, at: usize) -> SqlResult<SpaceView> {
    let role: Option<&str> = row.try_get(at + 8)?;
    Ok(SpaceView {
        space: space(row, at)?,
        role: role.map(|r| parsed(Role::parse(r))).transpose()?,
        member_count: row.try_get(at + 9)?,
    })
}

/// Columns of `sessions se` read by [`session`].
pub(crate) const SESSION_COLUMNS: &str = "se.id_hash, se.user_id, se.csrf_token, se.created_at, se.last_seen_at, se.expires_at, se.user_agent";

pub(crate) fn session(row: &Row, at: usize) -> SqlResult<Session> {
    Ok(Session {
        id_hash: row.try_get(at)?,
        user_id: UserId(row.try_get(at + 1)?),
        csrf_token: row.try_get(at + 2)?,
        created_at: row.try_get(at + 3)?,
        last_seen_at: row.try_get(at + 4)?,
        expires_at: row.try_get(at + 5)?,
        user_agent: row.try_get(at + 6)?,
    })
}

/// Columns of `api_tokens t` read by [`token`].
pub(crate) const TOKEN_COLUMNS: &str = "t.id, t.user_id, t.name, t.created_at, t.last_used_at";

pub(crate) fn token(row: &Row, at: usize) -> SqlResult<ApiToken> {
    Ok(ApiToken {
        id: TokenId(row.try_get(at)?),
        user_id: UserId(row.try_get(at + 1)?),
        name: row.try_get(at + 2)?,
        created_at: row.try_get(at + 3)?,
        last_used_at: row.try_get(at + 4)?,
    })
}

/// Columns of `invites i` read by [`invite`].
pub(crate) const INVITE_COLUMNS: &str = "i.id, i.email, i.invited_by, i.created_at, i.expires_at";

pub(crate) fn invite(row: &Row, at: usize) -> SqlResult<Invite> {
    Ok(Invite {
        id: InviteId(row.try_get(at)?),
        email: Email::from_trusted(row.try_get(at + 1)?),
        invited_by: UserId(row.try_get(at + 2)?),
        created_at: row.try_get(at + 3)?,
        expires_at: row.try_get(at + 4)?,
    })
}

/// Reads every row with `read`.
pub(crate) fn all<T>(rows: &[Row], read: impl Fn(&Row) -> SqlResult<T>) -> SqlResult<Vec<T>> {
    rows.iter().map(read).collect()
}
