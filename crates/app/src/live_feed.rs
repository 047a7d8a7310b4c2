//! The node's view of the live event log, shared by its readers. It reads
//! the heads of new events once per wake-up, not once per reader; it knows
//! up to where the log is settled (the horizon: no transaction can still
//! commit an earlier event); and it tells each reader whether the events up
//! to there may concern it, so that an idle reader costs nothing when
//! others' events are written. Readers read what concerns them through the
//! visibility predicate (`LiveStore::live_events`), never from here.
//!
//! Ids are taken in one order and may commit in another (PostgreSQL, two
//! nodes or two connections): an id missing below a present one is waited
//! for, and given up after [`GAP_WAIT`] (a rolled-back write leaves a gap
//! for good).

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use hearth_core::ids::{TopicId, UserId};
use hearth_store::{LiveHead, LiveKind};
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::{Ctx, Result};

/// How long a missing id is waited for before it counts as never coming.
pub const GAP_WAIT: Duration = Duration::from_secs(5);

/// Settled heads kept for readers to look through.
const KEPT: usize = 4_096;

/// Heads read at once.
const BATCH: u32 = 1_000;

/// A gap this wide is a jump of the id sequence, not writes in flight.
const JUMP: i64 = 10_000;

/// What a reader learns from the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// Every event up to here is settled.
    pub horizon: i64,
    /// Whether an event after the reader's last, up to the horizon, may
    /// concern them (true when the feed no longer knows).
    pub concerns: bool,
}

/// The shared view; one per node.
#[derive(Debug, Default)]
pub struct LiveFeed(Mutex<State>);

#[derive(Debug, Default)]
struct State {
    started: bool,
    /// The signal value the heads were last read at.
    seen: u64,
    horizon: i64,
    /// Settled heads after `floor`, up to the horizon, oldest first.
    heads: VecDeque<LiveHead>,
    floor: i64,
    /// Ids missing above the horizon, with when they were first missed.
    missing: BTreeMap<i64, Instant>,
}

impl LiveFeed {
    /// Reads the new heads if the log may have changed since the last read
    /// or a missing id's wait is over; the horizon then.
    pub async fn refresh(&self, ctx: &Ctx) -> Result<i64> {
        let mut s = self.0.lock().await;
        // Read before the heads: a write after this raises it again.
        let signal = ctx.store.live_signal_now();
        let now = Instant::now();
        let due = s.missing.values().any(|first| now >= *first + GAP_WAIT);
        if s.started && s.seen == signal && !due {
            return Ok(s.horizon);
        }
        if !s.started {
            let latest = ctx.store.latest_live_event().await?;
            s.horizon = latest;
            s.floor = latest;
            s.started = true;
        }
        s.seen = signal;
        loop {
            let heads = ctx.store.live_heads(s.horizon, BATCH).await?;
            let full = heads.len() == BATCH as usize;
            let before = s.horizon;
            s.settle(heads, now);
            if !full || s.horizon == before {
                break;
            }
        }
        while s.heads.len() > KEPT {
            if let Some(old) = s.heads.pop_front() {
                s.floor = old.id;
            }
        }
        Ok(s.horizon)
    }

    /// The horizon, and whether events after `after` up to it may concern
    /// a reader of `topic`'s replies and of `user`'s notifications.
    pub async fn look(&self, after: i64, topic: Option<TopicId>, user: Option<UserId>) -> Look {
        let s = self.0.lock().await;
        let concerns = after < s.floor
            || s.heads.iter().any(|h| {
                h.id > after
                    && match h.kind {
                        LiveKind::Reply => h.topic_id.is_some() && h.topic_id == topic,
                        LiveKind::Notification => h.user_id.is_some() && h.user_id == user,
                    }
            });
        Look {
            horizon: s.horizon,
            concerns,
        }
    }

    /// When a missing id's wait ends, if one is missed.
    pub async fn next_deadline(&self) -> Option<Instant> {
        let s = self.0.lock().await;
        s.missing.values().min().map(|first| *first + GAP_WAIT)
    }
}

impl State {
    /// Moves the horizon over `heads` (read after it, oldest first) as far
    /// as no id is missing, or missing ids have been waited for.
    fn settle(&mut self, heads: Vec<LiveHead>, now: Instant) {
        let mut next = self.horizon + 1;
        for head in heads {
            if head.id - next > JUMP {
                next = head.id;
            }
            while next < head.id {
                let first = *self.missing.entry(next).or_insert(now);
                if now < first + GAP_WAIT {
                    return;
                }
                self.missing.remove(&next);
                next += 1;
            }
            self.missing.remove(&head.id);
            self.horizon = head.id;
            self.heads.push_back(head);
            next = head.id + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(id: i64) -> LiveHead {
        LiveHead {
            id,
            kind: LiveKind::Reply,
            topic_id: Some(TopicId(1)),
            user_id: None,
        }
    }

    #[test]
    fn the_horizon_stops_below_a_missing_id_until_it_comes_or_its_wait_ends() {
        let mut s = State::default();
        let t0 = Instant::now();
        s.settle(vec![head(1), head(2), head(4)], t0);
        assert_eq!(s.horizon, 2, "3 may still commit");
        s.settle(vec![head(4)], t0 + Duration::from_secs(1));
        assert_eq!(s.horizon, 2);
        s.settle(vec![head(3), head(4)], t0 + Duration::from_secs(2));
        assert_eq!(s.horizon, 4, "3 came");
        assert!(s.missing.is_empty());
        s.settle(vec![head(6)], t0 + Duration::from_secs(3));
        assert_eq!(s.horizon, 4);
        s.settle(vec![head(6)], t0 + Duration::from_secs(3) + GAP_WAIT);
        assert_eq!(s.horizon, 6, "5 was given up");
        s.settle(
            vec![head(6 + JUMP + 5)],
            t0 + Duration::from_secs(4) + GAP_WAIT,
        );
        assert_eq!(s.horizon, 6 + JUMP + 5, "a jump of the sequence is no gap");
    }
}
