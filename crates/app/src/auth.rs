//! Signing in and out, sessions and API tokens.

use std::sync::Arc;
use std::time::Duration;

use hearth_core::ids::TokenId;
use hearth_core::model::AuditAction;
use hearth_core::names::check_new_password;
use hearth_core::permissions::Viewer;
use hearth_store::{
    ApiToken, NewApiToken, Session, SigninAttempt, SigninLimit, SigninSuccess, User,
};

use crate::passwords;
use crate::secrets::{hash_secret, random_secret};
use crate::{AppError, Ctx, Result};

/// A session or token is marked used at most this often, so reads stay reads.
const TOUCH_EVERY_MS: i64 = 60_000;

/// Records of use being written at once; a use that finds them all taken
/// is recorded by a later request.
pub(crate) const USE_NOTES_AT_ONCE: usize = 64;

/// How long a request waits for the record of its use. Writers queued
/// behind a lock or a flood of sign-ins hold up a read no longer than this;
/// the record is written when its turn comes.
const USE_NOTE_WAIT: Duration = Duration::from_secs(1);

/// Records that a session or token was used: best effort, a database that
/// refuses or delays writes must not stop reading.
async fn note_use(
    ctx: &Ctx,
    touch: impl Future<Output = hearth_store::Result<()>> + Send + 'static,
) {
    let Ok(turn) = Arc::clone(&ctx.use_notes).try_acquire_owned() else {
        return;
    };
    let noting = tokio::spawn(async move {
        let _turn = turn;
        if let Err(e) = touch.await {
            tracing::warn!(error = %e, "could not record the use of a session or token");
        }
    });
    let _ = tokio::time::timeout(USE_NOTE_WAIT, noting).await;
}

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
    /// The secret of the browser's device cookie, if it sent one: a
    /// sign-in from a device the account never used is told by mail.
    pub device: Option<String>,
}

/// The longest login that can name an account (an e-mail address is at
/// most 254 characters); longer ones are looked up as nobody.
const MAX_LOGIN_CHARS: usize = 320;

/// The keys a sign-in is counted under: hashes, so that what an attacker
/// types is never kept, and of the login as typed (never of the account it
/// names), so that the answer for an unknown e-mail address is the same as
/// for a known one.
struct SigninKeys {
    address: String,
    login_at_address: String,
    login: String,
}

impl SigninKeys {
    fn new(login: &str, address: &str) -> Self {
        let login: String = login
            .trim()
            .chars()
            .take(MAX_LOGIN_CHARS)
            .collect::<String>()
            .to_lowercase();
        Self {
            address: hash_secret(&format!("signin address\n{address}")),
            login_at_address: hash_secret(&format!("signin login at address\n{login}\n{address}")),
            login: hash_secret(&format!("signin login\n{login}")),
        }
    }
}

/// Checks a login and password under three limits, shared by every node:
/// failures per address, per login from one address, and per login from
/// everywhere. The last one does not apply where the login signed in
/// successfully before, so that an attacker elsewhere cannot lock a member
/// out of their own sign-in. Unknown accounts and wrong passwords get the
/// same answer.
pub async fn check_credentials(
    ctx: &Ctx,
    login: &str,
    password: &str,
    client: &Client,
) -> Result<User> {
    let now = ctx.now();
    let cfg = &ctx.config;
    let keys = SigninKeys::new(login, &client.address);
    let attempt = random_secret()?;
    let limit = |key: &str, max: usize, unless_known: bool| SigninLimit {
        key: key.to_owned(),
        max: max as i64,
        unless_known: unless_known.then(|| keys.login_at_address.clone()),
    };
    let blocked = ctx
        .store
        .begin_signin(SigninAttempt {
            id: attempt.clone(),
            at: now,
            since: now - cfg.signin_window_ms,
            limits: vec![
                limit(&keys.address, cfg.signin_failures_per_address, false),
                limit(
                    &keys.login_at_address,
                    cfg.signin_failures_per_account,
                    false,
                ),
                limit(&keys.login, cfg.signin_failures_per_login, true),
            ],
            known_since: now - cfg.signin_known_ms,
        })
        .await?;
    if let Some(oldest) = blocked {
        let retry_after = ((oldest + cfg.signin_window_ms - now) / 1000).max(1) as u64;
        tracing::info!(address = %client.address, "sign-in refused: too many attempts");
        return Err(AppError::TooManyRequests { retry_after });
    }
    let found = if login.chars().count() <= MAX_LOGIN_CHARS {
        ctx.store.credentials(login).await?
    } else {
        None
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = passwords::verify(ctx, password.to_owned(), hash).await?;
    match user {
        Some(user) if matches && user.status == hearth_core::model::UserStatus::Active => {
            ctx.store
                .signin_succeeded(SigninSuccess {
                    attempt,
                    forget_attempt: vec![keys.address],
                    forget_all: vec![keys.login_at_address.clone(), keys.login],
                    known: keys.login_at_address,
                    at: now,
                    known_since: now - cfg.signin_known_ms,
                })
                .await?;
            Ok(user)
        }
        _ => {
            tracing::info!(address = %client.address, "failed sign-in");
            Err(AppError::Unauthorized("wrong username or password".into()))
        }
    }
}

/// A session just opened.
#[derive(Debug)]
pub struct SignedIn {
    /// The session cookie's secret (never stored).
    pub secret: String,
    /// The session.
    pub session: Session,
    /// Whose.
    pub user: User,
    /// The device cookie's secret the browser keeps from now on.
    pub device: String,
}

/// Signs in: checks the credentials, opens a new session, and notes the
/// device (a new one is told by mail).
pub async fn sign_in(ctx: &Ctx, login: &str, password: &str, client: &Client) -> Result<SignedIn> {
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
    let audit = security_event(
        ctx,
        &user,
        AuditAction::Signin,
        Some(client.address.clone()),
    );
    ctx.store.create_session(session.clone(), audit).await?;
    tracing::info!(user = %user.username, "signed in");
    let device = crate::sign_in_alerts::note(ctx, &user, client).await?;
    Ok(SignedIn {
        secret,
        session,
        user,
        device,
    })
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
        let store = Arc::clone(&ctx.store);
        note_use(ctx, async move { store.touch_session(&id_hash, now).await }).await;
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

/// Changes the password after checking the current one. Ends every other
/// session and the feed token (its links may have leaked with the old
/// password); ends the API tokens too when `end_tokens`.
pub async fn change_password(
    ctx: &Ctx,
    who: &Authenticated,
    current: &str,
    new: &str,
    end_tokens: bool,
) -> Result<()> {
    let Some((_, hash)) = ctx.store.credentials(who.user.username.as_str()).await? else {
        return Err(AppError::NotFound);
    };
    if !passwords::verify(ctx, current.to_owned(), Some(hash)).await? {
        return Err(AppError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    let new = check_new_password(new)?.to_owned();
    let hash = passwords::hash(ctx, new).await?;
    let keep = who.session.as_ref().map(|s| s.id_hash.clone());
    let after = end_tokens.then(|| "api tokens ended".to_owned());
    let audit = security_event(ctx, &who.user, AuditAction::PasswordChange, after);
    ctx.store
        .set_password(who.user.id, hash, keep, end_tokens, audit)
        .await?;
    tracing::info!(user = %who.user.username, end_tokens, "password changed; other sessions and the feed token ended");
    Ok(())
}

/// A security event of `user`'s own account, for the audit log.
fn security_event(
    ctx: &Ctx,
    user: &User,
    action: AuditAction,
    after: Option<String>,
) -> Option<hearth_store::NewAuditEvent> {
    Some(security_audit(ctx, user, action, after))
}

/// A security event of `user`'s own account.
pub(crate) fn security_audit(
    ctx: &Ctx,
    user: &User,
    action: AuditAction,
    after: Option<String>,
) -> hearth_store::NewAuditEvent {
    hearth_store::NewAuditEvent {
        at: ctx.now(),
        actor: user.id,
        action,
        target: format!("user:{}", user.id),
        space_id: None,
        before: None,
        after,
    }
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
            security_event(ctx, user, AuditAction::TokenCreate, Some(name.to_owned())),
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
    if token.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY_MS) {
        let store = Arc::clone(&ctx.store);
        note_use(ctx, async move { store.touch_token(token.id, now).await }).await;
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
