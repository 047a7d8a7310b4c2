//! Live events: written with what causes them, and a signal that wakes the
//! readers connected to this node. PostgreSQL also tells every other node
//! (`NOTIFY hearth_live`, delivered at commit); the engine's listener
//! raises their signal.

use async_trait::async_trait;
use hearth_store::{LiveEvent, LiveHead, LiveKind, LiveQuery, LiveStore, Result, StoreError};
use tokio::sync::watch;

use crate::args;
use crate::conn::{Conn, Dialect, Engine, value};
use crate::store::SqlStore;
use crate::value::{Args, ReadRows};
use crate::visibility::{Reader, Scope, Seer};

/// The channel other nodes listen on.
pub const CHANNEL: &str = "hearth_live";

/// How long events are kept for readers who reconnect.
const KEPT_MS: i64 = 24 * 60 * 60 * 1000;

/// A counter raised after events are written; readers wait for it to move.
#[derive(Debug)]
pub struct LiveSignal(watch::Sender<u64>);

impl Default for LiveSignal {
    fn default() -> Self {
        Self(watch::Sender::new(0))
    }
}

impl LiveSignal {
    /// Wakes every waiting reader.
    pub fn raise(&self) {
        self.0.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// The counter now.
    pub fn value(&self) -> u64 {
        *self.0.borrow()
    }

    /// Returns once the counter differs from `seen`; the new value.
    pub async fn changed(&self, seen: u64) -> u64 {
        let mut rx = self.0.subscribe();
        // The sender lives as long as the engine, which outlives its readers.
        let _ = rx.wait_for(|v| *v != seen).await;
        *rx.borrow()
    }
}

/// Tells other nodes, at commit, that events were written.
async fn tell_other_nodes(c: &mut dyn Conn) -> Result<()> {
    if c.dialect() == Dialect::Postgres {
        c.execute(&format!("NOTIFY {CHANNEL}"), &[]).await?;
    }
    Ok(())
}

/// Records that a reply was posted in `topic`; drops events older than a
/// day now and then.
pub(crate) async fn reply_posted(c: &mut dyn Conn, topic: i64, reply: i64, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO live_events (kind, topic_id, reply_id, created_at) VALUES ('reply', $1, $2, $3)",
        args![topic, reply, now],
    )
    .await?;
    if reply % 256 == 0 {
        c.execute(
            "DELETE FROM live_events WHERE created_at < $1",
            args![now - KEPT_MS],
        )
        .await?;
    }
    tell_other_nodes(c).await
}

/// Records an event for each member notified by the statement just run:
/// the notifications of `kind` about `about` by `actor` at `now`.
pub(crate) async fn notified(
    c: &mut dyn Conn,
    kind: &str,
    about: About,
    actor: i64,
    now: i64,
) -> Result<()> {
    let (cause, args) = match about {
        About::Topic { topic, reply } => (
            "n.topic_id = $1 AND n.reply_id IS NOT DISTINCT FROM CAST($2 AS BIGINT)",
            args![topic, reply, kind, actor, now],
        ),
        About::Space(space) => (
            "n.space_id = $1 AND n.topic_id IS NULL AND CAST($2 AS BIGINT) IS NULL",
            args![space, Option::<i64>::None, kind, actor, now],
        ),
    };
    let sql = format!(
        "INSERT INTO live_events (kind, topic_id, reply_id, user_id, created_at)
         SELECT 'notification', n.topic_id, n.reply_id, n.user_id, n.created_at
         FROM notifications n
         WHERE {cause} AND n.kind = $3 AND n.actor_id = $4 AND n.created_at = $5"
    );
    if c.execute(&sql, args).await? > 0 {
        tell_other_nodes(c).await?;
    }
    Ok(())
}

/// What notifications are about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum About {
    /// A topic, and a reply in it.
    Topic { topic: i64, reply: Option<i64> },
    /// A space itself.
    Space(i64),
}

fn live_kind(s: String) -> Result<LiveKind> {
    match s.as_str() {
        "reply" => Ok(LiveKind::Reply),
        "notification" => Ok(LiveKind::Notification),
        _ => Err(StoreError::Other(format!("unknown live event kind {s}"))),
    }
}

#[async_trait]
impl<E: Engine> LiveStore for SqlStore<E> {
    async fn latest_live_event(&self) -> Result<i64> {
        self.read(|c| {
            Box::pin(
                async move { value(c, "SELECT COALESCE(max(id), 0) FROM live_events", &[]).await },
            )
        })
        .await
    }

    async fn live_events(&self, query: LiveQuery) -> Result<Vec<LiveEvent>> {
        self.read(move |c| {
            Box::pin(async move {
                let seer = Seer::new(query.viewer, query.now, Reader::LiveEvents);
                let mut q = Args::new();
                let membership = seer.membership(&mut q, "s");
                let reads = seer.reads_topic(&mut q, Scope::Live);
                // A notification about a space itself has no topic: its
                // event says only that the reader's own notifications changed.
                let sql = format!(
                    "SELECT e.id, e.kind, e.topic_id, e.reply_id FROM live_events e
                     LEFT JOIN topics t ON t.id = e.topic_id LEFT JOIN spaces s ON s.id = t.space_id
                     {membership}
                     WHERE e.id > {after} AND e.id <= {until}
                       AND ((e.kind = 'notification' AND e.user_id = {user}
                             AND (e.topic_id IS NULL OR {reads}))
                         OR (e.kind = 'reply' AND e.topic_id = CAST({topic} AS BIGINT) AND {reads}
                             AND NOT EXISTS (SELECT 1 FROM replies r
                                             WHERE r.id = e.reply_id AND r.deleted)))
                     ORDER BY e.id LIMIT {limit}",
                    after = q.arg(query.after),
                    until = q.arg(query.until),
                    topic = q.arg(query.topic),
                    user = q.arg(query.viewer.user_id().map_or(0, |u| u.0)),
                    limit = q.arg(i64::from(query.limit)),
                );
                c.query(&sql, q.list()).await?.read(|r| {
                    Ok(LiveEvent {
                        id: r.get()?,
                        kind: live_kind(r.get()?)?,
                        topic_id: r.get()?,
                        reply_id: r.get()?,
                    })
                })
            })
        })
        .await
    }

    async fn live_heads(&self, after: i64, limit: u32) -> Result<Vec<LiveHead>> {
        self.read(move |c| {
            Box::pin(async move {
                c.query(
                    "SELECT id, kind, topic_id, user_id FROM live_events
                     WHERE id > $1 ORDER BY id LIMIT $2",
                    args![after, i64::from(limit)],
                )
                .await?
                .read(|r| {
                    Ok(LiveHead {
                        id: r.get()?,
                        kind: live_kind(r.get()?)?,
                        topic_id: r.get()?,
                        user_id: r.get()?,
                    })
                })
            })
        })
        .await
    }

    async fn live_changed(&self, seen: u64) -> u64 {
        self.engine().live_signal().changed(seen).await
    }

    fn live_signal_now(&self) -> u64 {
        self.engine().live_signal().value()
    }
}
