//! Counting failures per key in a sliding window, in memory on each node.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failure times per key.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl RateLimiter {
    /// Seconds until `key` may try again, if it has `max` failures within `window_ms` of `now`.
    pub(crate) fn blocked(&self, key: &str, max: usize, window_ms: i64, now: i64) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let times = map.get_mut(key)?;
        times.retain(|t| now - t < window_ms);
        if times.len() < max {
            return None;
        }
        let oldest = times.iter().min().copied().unwrap_or(now);
        Some(((oldest + window_ms - now) / 1000).max(1) as u64)
    }

    /// Records a failure of `key`.
    pub(crate) fn fail(&self, key: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Bound memory under a flood of distinct keys.
        if map.len() > 100_000 {
            map.clear();
        }
        map.entry(key.to_owned()).or_default().push(now);
    }

    /// Forgets the failures of `key`.
    pub(crate) fn clear(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}
