//! What is known about backups on this node: the last one written, the
//! last one proven by restoring it, and the last failure.

use std::sync::RwLock;

/// The state of scheduled backups, shared by the runner and the pages.
#[derive(Debug, Default)]
pub struct Backups {
    state: RwLock<BackupState>,
}

/// A snapshot of [`Backups`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupState {
    /// Whether scheduled backups run on this node.
    pub scheduled: bool,
    /// When the last backup was written (Unix ms).
    pub last_backup_at: Option<i64>,
    /// When a backup was last restored into a scratch store and verified.
    pub last_verified_restore_at: Option<i64>,
    /// The last failure, if the latest attempt failed.
    pub last_error: Option<String>,
    /// How many attempts failed since start.
    pub failures: u64,
}

impl Backups {
    /// The current state.
    pub fn get(&self) -> BackupState {
        self.state.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Changes the state.
    pub fn update(&self, f: impl FnOnce(&mut BackupState)) {
        f(&mut self.state.write().unwrap_or_else(|e| e.into_inner()));
    }
}
