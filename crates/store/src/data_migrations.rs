//! Long data migrations, run online in batches by one node at a time.

use async_trait::async_trait;

use crate::Result;

/// A data migration a schema migration or an import asked for, and how far
/// it has got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataMigration {
    /// Which (`search_index`: building the search index from the content).
    pub name: String,
    /// Rows done.
    pub done: i64,
    /// Rows to do, counted when it began; `None` before its first batch.
    pub total: Option<i64>,
    /// When it was asked for (Unix ms).
    pub requested_at: i64,
    /// When it finished (Unix ms), if it has.
    pub finished_at: Option<i64>,
    /// The node that holds it, and until when (Unix ms).
    pub held: Option<(String, i64)>,
}

/// What one batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    /// It wrote rows and moved on; more may follow.
    Ran {
        /// Rows done so far.
        done: i64,
        /// Rows to do.
        total: i64,
    },
    /// There was nothing left: the migration is finished.
    Finished,
    /// Another node holds it.
    HeldElsewhere,
}

/// Long data migrations, run online in batches of one short transaction
/// each, the position moving in the same transaction as the rows.
#[async_trait]
pub trait DataMigrationStore {
    /// Every data migration asked for, finished or not, by name.
    async fn data_migrations(&self) -> Result<Vec<DataMigration>>;
    /// Runs the next batch of data migration `name` for `holder`, taking
    /// or keeping it until `until` unless another holder has it past
    /// `now`. An unknown name, or one asked for by a later release, is
    /// left as it is (`HeldElsewhere`).
    async fn data_migration_batch(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        until: i64,
    ) -> Result<Batch>;
}
