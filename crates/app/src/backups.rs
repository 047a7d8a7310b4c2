//! Backups and integrity checks: what this node schedules, and what every
//! node did, as the database keeps it (so that every node and every
//! restart tells the same).

use std::path::PathBuf;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hearth_store::{OpsKind, OpsRecord};

use crate::{Ctx, Result};

/// The job scheduled backups claim: one node at a time takes them.
pub const BACKUP_JOB: &str = "scheduled_backup";

/// How this node takes scheduled backups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupPlan {
    /// Where they go.
    pub dir: PathBuf,
    /// How often.
    pub every: Duration,
    /// How many are kept.
    pub keep: usize,
}

/// This node's part in backups: its plan, and how many of its rounds
/// failed since it started (for metrics).
#[derive(Debug, Default)]
pub struct Backups {
    plan: RwLock<Option<BackupPlan>>,
    failures: AtomicU64,
}

impl Backups {
    /// Notes that this node takes backups by `plan`.
    pub fn planned(&self, plan: BackupPlan) {
        *self.plan.write().unwrap_or_else(|e| e.into_inner()) = Some(plan);
    }

    /// This node's plan, if it takes backups.
    pub fn plan(&self) -> Option<BackupPlan> {
        self.plan.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Counts a failed round.
    pub fn failed(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Rounds that failed on this node since it started.
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }
}

/// What the status page, the administration page and the metrics show.
#[derive(Debug, Clone, Default)]
pub struct BackupStatus {
    /// This node's plan, if it takes backups.
    pub plan: Option<BackupPlan>,
    /// The last backup written, on any node.
    pub backup: Option<OpsRecord>,
    /// The last backup restored and verified, on any node.
    pub restore_check: Option<OpsRecord>,
    /// The last check of the live database.
    pub integrity_check: Option<OpsRecord>,
}

impl BackupStatus {
    /// What went wrong last, if the latest of anything failed.
    pub fn last_error(&self) -> Option<String> {
        [&self.backup, &self.restore_check, &self.integrity_check]
            .into_iter()
            .flatten()
            .filter(|r| !r.ok)
            .max_by_key(|r| r.at)
            .map(|r| r.detail.clone())
    }
}

/// Backups and checks as the database records them, and this node's plan.
pub async fn status(ctx: &Ctx) -> Result<BackupStatus> {
    let records = ctx.store.ops_records().await?;
    let find = |kind| records.iter().find(|r| r.kind == kind).cloned();
    Ok(BackupStatus {
        plan: ctx.backups.plan(),
        backup: find(OpsKind::Backup),
        restore_check: find(OpsKind::RestoreCheck),
        integrity_check: find(OpsKind::IntegrityCheck),
    })
}

/// Records that `kind` ran now, well or not, with what it did.
pub async fn record(ctx: &Ctx, kind: OpsKind, ok: bool, detail: String) -> Result<()> {
    let at = ctx.now();
    let record = OpsRecord {
        kind,
        at,
        ok,
        detail,
        last_ok_at: ok.then_some(at),
    };
    Ok(ctx.store.record_ops(record).await?)
}
