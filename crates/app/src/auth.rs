//! Signing in and out, sessions and API tokens.

use hearth_core::ids::TokenId;
use hearth_core::names::check_new_password;
use hearth_core::permissions::Viewer;
use hearth_store::{ApiToken, NewApiToken, Session, User};

use crate::secrets::{hash_password, hash_secret, random_secret, verify_password};
use crate::{AppError, Ctx, Result};

/// A session or token is marked used at most this often, so reads stay reads.
const TOUCH_EVERY_MS: i64 = 60_000;

/// The signed-in user and how they proved it.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The account.
    pub user: User,
    /// The browser session, when signed in through one.
    pub session: Option<Session>,
}

impl Authenticated {
    /// The account as a permission viewer.
    pub fn viewer(&self) -> Viewer {
        viewer_of(&self.user)
    }
}

/// The account as a permission viewer.
pub fn viewer_of(user: &User) -> Viewer {
    Viewer::User {
        id: user.id,
        admin: user.is_admin,
    }
}

/// Where a sign-in attempt comes from.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// The client's address, for rate limits.
    pub address: String,
    /// The browser, shown on the sessions page.
    pub user_agent: String,
}

/// Checks a login and password under the per-account and per-address limits.
/// Unknown accounts and wrong passwords get the same answer.
pub async fn check_credentials(
    ctx: &Ctx,
    login: &str,
    password: &str,
    client: &Client,
) -> Result<User> {
    let now = ctx.now();
    let cfg = &ctx.config;
    let blocked =
        |key: &str, max: usize| match ctx.limiter.blocked(key, max, cfg.signin_window_ms, now) {
            Some(retry_after) => Err(AppError::TooManyRequests { retry_after }),
            None => Ok(()),
        };
    let address_key = format!("address:{}", client.address);
    blocked(&address_key, cfg.signin_failures_per_address)?;
    let found = ctx.store.credentials(login).await?;
    // An account is counted as itself, whether it is named by username or
    // by e-mail address, so the two do not make two allowances.
    let account_key = match &found {
        Some((user, _)) => format!("user:{}", user.id.0),
        None => format!("login:{}", login.trim().to_lowercase()),
    };
    blocked(&account_key, cfg.signin_failures_per_account)?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = verify_password(ctx, password.to_owned(), hash).await?;
    match user {
        Some(user) if matches && user.status == hearth_core::model::UserStatus::Active => {
            ctx.limiter.clear(&account_key);
            Ok(user)
        }
        _ => {
            ctx.limiter.fail(&account_key, now);
            ctx.limiter.fail(&address_key, now);
            tracing::info!(address = %client.address, "failed sign-in");
            Err(AppError::Unauthorized("wrong username or password".into()))
        }
    }
}

/// Signs in: checks the credentials and opens a new session. Returns the
/// cookie's secret (never stored) with the session.
pub async fn sign_in(
    ctx: &Ctx,
    login: &str,
    password: &str,
    client: &Client,
) -> Result<(String, Session, User)> {
    let user = check_credentials(ctx, login, password, client).await?;
    let secret = random_secret()?;
    let now = ctx.now();
    let session = Session {
        id_hash: hash_secret(&secret),
        user_id: user.id,
        csrf_token: random_secret()?,
        created_at: now,
        last_seen_at: now,
        expires_at: now + ctx.config.session_absolute_ms,
        user_agent: client.user_agent.chars().take(200).collect(),
    };
    let audit = security_event(ctx, &user, "auth.signin", Some(client.address.clone()));
    ctx.store.create_session(session.clone(), audit).await?;
    tracing::info!(user = %user.username, "signed in");
    Ok((secret, session, user))
}

/// The session behind a cookie's secret, if it is still valid; marks it used.
pub async fn session(ctx: &Ctx, secret: &str) -> Result<Option<Authenticated>> {
    let now = ctx.now();
    let id_hash = hash_secret(secret);
    let Some((session, user)) = ctx.store.session(&id_hash, now).await? else {
        return Ok(None);
    };
    if now - session.last_seen_at > ctx.config.session_idle_ms {
        ctx.store.delete_session(user.id, &id_hash).await?;
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_EVERY_MS {
        // Best effort: a database that refuses writes must not stop reading.
        if let Err(e) = ctx.store.touch_session(&id_hash, now).await {
            tracing::warn!(error = %e, "could not record session use");
        }
    }
    Ok(Some(Authenticated {
        user,
        session: Some(session),
    }))
}

/// Ends the current session.
pub async fn sign_out(ctx: &Ctx, who: &Authenticated) -> Result<()> {
    if let Some(session) = &who.session {
        ctx.store
            .delete_session(who.user.id, &session.id_hash)
            .await?;
    }
    Ok(())
}

/// The user's sessions that still sign in, newest first: expired and idle
/// ones are left out.
pub async fn sessions(ctx: &Ctx, who: &Authenticated) -> Result<Vec<Session>> {
    let now = ctx.now();
    let mut sessions = ctx.store.sessions_of(who.user.id).await?;
    sessions.retain(|s| s.expires_at > now && now - s.last_seen_at <= ctx.config.session_idle_ms);
    Ok(sessions)
}

/// A session's public id, shown on the account page and in the API to name
/// it for revoking. It is derived from the stored hash, which is itself the
/// hash of the cookie's secret: neither leads back to the secret, and the
/// public id is not the key the store finds sessions by.
pub fn session_id(session: &Session) -> String {
    let mut id = hash_secret(&format!("hearth session id {}", session.id_hash));
    id.truncate(32);
    id
}

/// Ends one of the user's sessions, named by its public id
/// ([`session_id`]); returns it, so that the caller knows whether it was
/// their own.
pub async fn revoke_session(ctx: &Ctx, who: &Authenticated, id: &str) -> Result<Session> {
    let session = ctx
        .store
        .sessions_of(who.user.id)
        .await?
        .into_iter()
        .find(|s| session_id(s) == id)
        .ok_or(AppError::NotFound)?;
    if ctx
        .store
        .delete_session(who.user.id, &session.id_hash)
        .await?
    {
        Ok(session)
    } else {
        Err(AppError::NotFound)
    }
}

/// Changes the password after checking the current one; ends every other session.
pub async fn change_password(
    ctx: &Ctx,
    who: &Authenticated,
    current: &str,
    new: &str,
) -> Result<()> {
    let Some((_, hash)) = ctx.store.credentials(who.user.username.as_str()).await? else {
        return Err(AppError::NotFound);
    };
    if !verify_password(ctx, current.to_owned(), Some(hash)).await? {
        return Err(AppError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    let new = check_new_password(new)?.to_owned();
    let hash = hash_password(ctx, new).await?;
    let keep = who.session.as_ref().map(|s| s.id_hash.clone());
    let audit = security_event(ctx, &who.user, "auth.password", None);
    ctx.store
        .set_password(who.user.id, hash, keep, audit)
        .await?;
    tracing::info!(user = %who.user.username, "password changed; other sessions ended");
    Ok(())
}

/// A security event of `user`'s own account, for the audit log.
fn security_event(
    ctx: &Ctx,
    user: &User,
    action: &str,
    after: Option<String>,
) -> Option<hearth_store::NewAuditEvent> {
    Some(hearth_store::NewAuditEvent {
        at: ctx.now(),
        actor: user.id,
        action: action.to_owned(),
        target: format!("user:{}", user.id),
        space_id: None,
        before: None,
        after,
    })
}

/// Prefix that marks Hearth's API tokens, so that leaked ones are easy to find.
pub const TOKEN_PREFIX: &str = "hth_";

/// Creates an API token for the holder of the credentials. Returns the secret
/// (shown once, never stored) with the token.
pub async fn create_token(
    ctx: &Ctx,
    login: &str,
    password: &str,
    name: &str,
    client: &Client,
) -> Result<(String, ApiToken)> {
    let user = check_credentials(ctx, login, password, client).await?;
    issue_token(ctx, &user, name).await
}

/// Creates an API token for a signed-in user.
pub async fn issue_token(ctx: &Ctx, user: &User, name: &str) -> Result<(String, ApiToken)> {
    let name = name.trim();
    let name = if name.is_empty() { "API token" } else { name };
    if name.chars().count() > 100 {
        return Err(AppError::invalid(
            "name",
            "must be at most 100 characters long",
        ));
    }
    let secret = format!("{TOKEN_PREFIX}{}", random_secret()?);
    let token = ctx
        .store
        .create_token(
            NewApiToken {
                user_id: user.id,
                name: name.to_owned(),
                token_hash: hash_secret(&secret),
                created_at: ctx.now(),
            },
            security_event(ctx, user, "auth.token", Some(name.to_owned())),
        )
        .await?;
    tracing::info!(user = %user.username, token = %token.id, "API token created");
    Ok((secret, token))
}

/// The user behind a bearer token, if it is valid; marks it used.
pub async fn token(ctx: &Ctx, secret: &str) -> Result<Option<Authenticated>> {
    let Some((token, user)) = ctx.store.token(&hash_secret(secret)).await? else {
        return Ok(None);
    };
    let now = ctx.now();
    if token.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY_MS)
        && let Err(e) = ctx.store.touch_token(token.id, now).await
    {
        tracing::warn!(error = %e, "could not record token use");
    }
    Ok(Some(Authenticated {
        user,
        session: None,
    }))
}

/// The user's API tokens.
pub async fn tokens(ctx: &Ctx, who: &Authenticated) -> Result<Vec<ApiToken>> {
    Ok(ctx.store.tokens_of(who.user.id).await?)
}

/// Revokes one of the user's tokens.
pub async fn revoke_token(ctx: &Ctx, who: &Authenticated, id: TokenId) -> Result<()> {
    if ctx.store.delete_token(who.user.id, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
