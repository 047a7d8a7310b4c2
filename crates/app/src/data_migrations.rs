//! The data migration worker: runs the long data migrations a schema
//! migration or an import asked for (building the search index, say) while
//! the site serves, a short transaction at a time, on one node at a time.
//! A node that stops or crashes leaves the position in the database; the
//! next one to claim the migration goes on from there.

use std::time::Duration;

use hearth_store::{Batch, DataMigration};
use tokio::sync::watch;

use crate::{Ctx, Result};

/// How long a node's claim on a migration holds without a batch.
pub const CLAIM_MS: i64 = 30_000;

/// How often a node looks for a migration to run.
const LOOK_EVERY: Duration = Duration::from_secs(5);

/// A pause between batches, so that requests' writes go between them.
const BETWEEN_BATCHES: Duration = Duration::from_millis(5);

/// What a data migration does, for people.
pub fn describe(name: &str) -> &str {
    match name {
        "search_index" => "Building the search index from the content",
        other => other,
    }
}

/// How far a migration has got, in percent (a migration that counted
/// nothing to do, or did more than it counted, is at 100).
pub fn percent(m: &DataMigration) -> i64 {
    if m.finished_at.is_some() {
        return 100;
    }
    match m.total {
        Some(total) if total > 0 => (m.done * 100 / total).min(100),
        Some(_) => 100,
        None => 0,
    }
}

/// Every data migration asked for, finished or not, with its progress.
pub async fn all(ctx: &Ctx) -> Result<Vec<DataMigration>> {
    Ok(ctx.store.data_migrations().await?)
}

/// Runs the unfinished migrations that `holder` can claim, each to its end
/// or until `stop` turns true.
pub async fn run_pending(ctx: &Ctx, holder: &str, stop: &watch::Receiver<bool>) -> Result<()> {
    for migration in all(ctx).await? {
        if migration.finished_at.is_some() {
            continue;
        }
        let mut logged_tenth = -1;
        while !*stop.borrow() {
            let now = ctx.now();
            match ctx
                .store
                .data_migration_batch(&migration.name, holder, now, now + CLAIM_MS)
                .await?
            {
                Batch::Ran { done, total } => {
                    let tenth = (done * 10).checked_div(total).unwrap_or(10).min(10);
                    if tenth != logged_tenth {
                        logged_tenth = tenth;
                        tracing::info!(name = %migration.name, done, total, "data migration running");
                    }
                    tokio::time::sleep(BETWEEN_BATCHES).await;
                }
                Batch::Finished => {
                    tracing::info!(name = %migration.name, "data migration finished");
                    break;
                }
                Batch::HeldElsewhere => break,
            }
        }
    }
    Ok(())
}

/// Runs the data migrations whenever there are some, until `stop` turns
/// true.
pub async fn run(ctx: Ctx, holder: String, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = run_pending(&ctx, &holder, &stop).await {
            tracing::warn!(error = %e, "a data migration batch failed; trying again shortly");
        }
        tokio::select! {
            () = tokio::time::sleep(LOOK_EVERY) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}
