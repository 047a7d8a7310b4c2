//! Idempotent writes: a write retried with the same `Idempotency-Key` (an
//! API header, or a form's hidden field) gets the first answer instead of
//! running again.
//!
//! The answer is kept after the write commits. If the node dies between the
//! two, a retry runs the write again: topics and replies then find their key
//! in the same transaction as the first write and return it, and the other
//! writes are unique by nature (a space's address, a membership, a reaction)
//! or refuse a stale base version.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hearth_core::ids::UserId;
use hearth_store::KeptAnswer;

use crate::{AppError, Ctx, Result};

/// How long an answer is kept for retries.
const KEEP_MS: i64 = 24 * 3600 * 1000;
/// The longest key accepted.
const MAX_KEY_LEN: usize = 255;
/// How long a retry waits for the same write still running on this node.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(10);

type Slot = Arc<tokio::sync::Mutex<()>>;

/// The writes with keys running on this node: a concurrent retry waits for
/// the first to finish, then gets its answer.
#[derive(Default)]
pub struct InFlight(Mutex<HashMap<(UserId, String), Slot>>);

/// What to do with a write that carries a key.
pub enum Begin {
    /// Run it; keep its answer with [`Running::finish`].
    Run(Running),
    /// It ran before: this is its answer, as [`Running::finish`] was given it.
    Answered(Vec<u8>),
    /// The same key has been running for a while and still is.
    InProgress,
    /// The key was used for another write.
    Reused,
}

/// A write that holds its key while it runs.
pub struct Running {
    ctx: Ctx,
    user: UserId,
    key: String,
    fingerprint: String,
    in_flight: Arc<InFlight>,
    slot: Slot,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

/// Checks a client's key: 1–255 visible ASCII characters.
pub fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters",
        ));
    }
    Ok(())
}

/// A key the write itself keeps (topics, replies): none if absent or empty.
pub(crate) fn optional_key(key: Option<&str>) -> Result<Option<String>> {
    match key.filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(k) => check_key(k).map(|()| Some(k.to_owned())),
    }
}

/// Starts the write `request` (its method and path) with `body` under `key`.
pub async fn begin(
    ctx: &Ctx,
    user: UserId,
    key: &str,
    request: &str,
    body: &[u8],
) -> Result<Begin> {
    check_key(key)?;
    let fingerprint = format!("{request} {}", hearth_store::verify::sha256_hex(body));
    let slot = Arc::clone(
        ctx.writes_in_flight
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((user, key.to_owned()))
            .or_default(),
    );
    let Ok(turn) = tokio::time::timeout(WAIT_FOR_FIRST, Arc::clone(&slot).lock_owned()).await
    else {
        return Ok(Begin::InProgress);
    };
    let running = Running {
        ctx: ctx.clone(),
        user,
        key: key.to_owned(),
        fingerprint,
        in_flight: Arc::clone(&ctx.writes_in_flight),
        slot,
        _turn: turn,
    };
    match ctx.store.kept_answer(user, key.to_owned()).await? {
        Some(kept) if kept.fingerprint != running.fingerprint => Ok(Begin::Reused),
        Some(kept) => Ok(Begin::Answered(kept.answer)),
        None => Ok(Begin::Run(running)),
    }
}

impl Running {
    /// Keeps the write's answer, encoded as its caller likes, for its retries.
    pub async fn finish(self, answer: Vec<u8>) -> Result<()> {
        let now = self.ctx.now();
        let answer = KeptAnswer {
            user: self.user,
            key: self.key.clone(),
            fingerprint: self.fingerprint.clone(),
            answer,
            created_at: now,
        };
        Ok(self.ctx.store.keep_answer(answer, now - KEEP_MS).await?)
    }
}

impl Drop for Running {
    /// Frees the key however the write ended; the next waiter, if any,
    /// finds its answer kept.
    fn drop(&mut self) {
        let mut running = self.in_flight.0.lock().unwrap_or_else(|e| e.into_inner());
        // Only the map and this write hold the slot: nobody waits for it.
        if Arc::strong_count(&self.slot) == 2 {
            running.remove(&(self.user, std::mem::take(&mut self.key)));
        }
    }
}
