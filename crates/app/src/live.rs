//! Live updates for a connected reader: replies posted in the topic they
//! read and their own notifications, as they happen on any node, resumed
//! after the last event they had. Each event is checked against what the
//! reader may read when it is sent.

use std::collections::VecDeque;
use std::time::Duration;

use hearth_core::ids::{ReplyId, TopicId};
use hearth_core::permissions::Viewer;
use hearth_core::topic_rules::TopicAction;
use hearth_store::{LiveEvent, LiveKind, LiveQuery};
use tokio::sync::watch;

use crate::access::{find_topic, guest_access};
use crate::{Ctx, Result};

/// Events read at once.
const BATCH: u32 = 100;

/// How long an idle reader waits at most before it looks at the log
/// again, in case a wake-up was missed: writes on this node, and on
/// PostgreSQL notices from every node, wake it sooner.
const IDLE_LOOK: Duration = Duration::from_secs(30);

/// What a reader is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    /// A reply was posted in the topic they read.
    Reply {
        /// The event's id, to resume after.
        id: i64,
        /// The topic.
        topic: TopicId,
        /// The reply.
        reply: ReplyId,
    },
    /// Their notifications changed: how many are unread now.
    Unread {
        /// The event's id, to resume after.
        id: i64,
        /// Unread notifications (at most 100 are counted).
        count: i64,
    },
}

/// Where a page's live updates start: the newest settled event (no earlier
/// one can still appear). Reads the log only if it changed.
pub async fn latest(ctx: &Ctx) -> Result<i64> {
    ctx.live_feed.refresh(ctx).await
}

/// One connected reader's stream.
pub struct LiveReader {
    ctx: Ctx,
    viewer: Viewer,
    topic: Option<TopicId>,
    after: i64,
    seen: u64,
    pending: VecDeque<LiveEvent>,
}

impl LiveReader {
    /// A reader of `topic`'s replies (if any) and of their notifications,
    /// resuming after `last_event` or, without one, from now.
    pub async fn open(
        ctx: &Ctx,
        viewer: Viewer,
        topic: Option<TopicId>,
        last_event: Option<i64>,
    ) -> Result<Self> {
        guest_access(ctx, viewer).await?;
        if let Some(topic) = topic {
            find_topic(ctx, viewer, topic, TopicAction::Read).await?;
        }
        let seen = ctx.store.live_signal_now();
        let latest = latest(ctx).await?;
        Ok(Self {
            ctx: ctx.clone(),
            viewer,
            topic,
            after: last_event.unwrap_or(latest),
            seen,
            pending: VecDeque::new(),
        })
    }

    /// The next event, waiting for it as long as it takes; `None` as soon
    /// as `stopping` turns true (the node is stopping). Events that cannot
    /// concern the reader are passed over without a query; an idle reader
    /// costs no work until something is written.
    pub async fn next(&mut self, stopping: &mut watch::Receiver<bool>) -> Result<Option<Told>> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Ok(Some(self.tell(e).await?));
            }
            if *stopping.borrow_and_update() {
                return Ok(None);
            }
            let feed = &self.ctx.live_feed;
            let look = feed
                .look(self.after, self.topic, self.viewer.user_id())
                .await;
            if look.horizon > self.after {
                if !look.concerns {
                    self.after = look.horizon;
                    continue;
                }
                let events = self
                    .ctx
                    .store
                    .live_events(LiveQuery {
                        viewer: self.viewer,
                        topic: self.topic,
                        after: self.after,
                        until: look.horizon,
                        limit: BATCH,
                        now: self.ctx.now(),
                    })
                    .await?;
                // A full batch may have more behind it.
                self.after = match events.last() {
                    Some(last) if events.len() == BATCH as usize => last.id,
                    _ => look.horizon,
                };
                self.pending.extend(events);
                continue;
            }
            // Nothing settled is new: wait for a write, the end of a
            // missing id's wait, or the node stopping.
            let wake = feed
                .next_deadline()
                .await
                .map_or(IDLE_LOOK, |at| {
                    at.saturating_duration_since(tokio::time::Instant::now())
                })
                .min(IDLE_LOOK);
            tokio::select! {
                seen = self.ctx.store.live_changed(self.seen) => self.seen = seen,
                changed = stopping.changed() => {
                    if changed.is_err() {
                        return Ok(None);
                    }
                }
                () = tokio::time::sleep(wake) => {}
            }
            feed.refresh(&self.ctx).await?;
        }
    }

    async fn tell(&self, e: LiveEvent) -> Result<Told> {
        Ok(match (e.kind, e.topic_id, e.reply_id) {
            (LiveKind::Reply, Some(topic), Some(reply)) => Told::Reply {
                id: e.id,
                topic,
                reply,
            },
            _ => Told::Unread {
                id: e.id,
                count: self
                    .ctx
                    .store
                    .unread_notifications(self.viewer, self.ctx.now())
                    .await?,
            },
        })
    }
}
