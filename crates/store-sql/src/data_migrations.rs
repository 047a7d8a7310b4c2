//! Long data migrations, run online: each batch is one short transaction
//! that writes a few hundred rows and moves the migration's position with
//! them, under the claim of one node at a time.

use async_trait::async_trait;
use hearth_store::{Batch, DataMigration, DataMigrationStore, Result};

use crate::args;
use crate::conn::{Conn, Dialect, Engine};
use crate::search;
use crate::store::SqlStore;
use crate::value::ReadRows;

/// The data migrations this release knows how to run.
#[derive(Debug, Clone, Copy)]
enum Job {
    /// Building the search index from the content.
    SearchIndex,
}

impl Job {
    fn named(name: &str) -> Option<Self> {
        match name {
            SEARCH_INDEX => Some(Job::SearchIndex),
            _ => None,
        }
    }

    fn steps(self) -> usize {
        match self {
            Job::SearchIndex => search::REBUILD_STEPS,
        }
    }

    async fn total(self, c: &mut dyn Conn) -> Result<i64> {
        match self {
            Job::SearchIndex => search::rebuild_total(c).await,
        }
    }

    /// The next batch of `step` after id `after`: the last id and the rows
    /// written, or `None` when the step is done.
    async fn batch(self, c: &mut dyn Conn, step: usize, after: i64) -> Result<Option<(i64, i64)>> {
        match self {
            Job::SearchIndex => search::rebuild_batch(c, step, after).await,
        }
    }
}

/// The name of building the search index again.
pub(crate) const SEARCH_INDEX: &str = "search_index";

/// SQL for the database's own time, in Unix ms.
fn database_now(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "CAST(unixepoch('subsec') * 1000 AS INTEGER)",
        Dialect::Postgres => "(extract(epoch FROM now()) * 1000)::bigint",
    }
}

/// Asks for data migration `name` to run (again) from its start.
pub(crate) async fn ask(c: &mut dyn Conn, name: &str) -> Result<()> {
    let now = database_now(c.dialect());
    c.execute(
        &format!(
            "INSERT INTO data_migrations (name, requested_at) VALUES ($1, {now})
             ON CONFLICT (name) DO UPDATE SET step = 0, after_id = 0, done = 0, total = NULL,
                 requested_at = excluded.requested_at, finished_at = NULL,
                 holder = NULL, held_until = 0"
        ),
        args![name],
    )
    .await
    .map(|_| ())
}

/// Where a migration stands, as its row says.
struct Position {
    step: i64,
    after: i64,
    done: i64,
    total: Option<i64>,
    finished: bool,
    holder: Option<String>,
    held_until: i64,
}

#[async_trait]
impl<E: Engine> DataMigrationStore for SqlStore<E> {
    async fn data_migrations(&self) -> Result<Vec<DataMigration>> {
        self.read(|c| {
            Box::pin(async move {
                c.query(
                    "SELECT name, done, total, requested_at, finished_at, holder, held_until
                     FROM data_migrations ORDER BY name",
                    &[],
                )
                .await?
                .read(|r| {
                    let (name, done, total, requested_at, finished_at) =
                        (r.get()?, r.get()?, r.get()?, r.get()?, r.get()?);
                    let holder: Option<String> = r.get()?;
                    let held_until: i64 = r.get()?;
                    Ok(DataMigration {
                        name,
                        done,
                        total,
                        requested_at,
                        finished_at,
                        held: holder.map(|h| (h, held_until)),
                    })
                })
            })
        })
        .await
    }

    async fn data_migration_batch(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        until: i64,
    ) -> Result<Batch> {
        let Some(job) = Job::named(name) else {
            return Ok(Batch::HeldElsewhere);
        };
        let (name, holder) = (name.to_owned(), holder.to_owned());
        self.write(move |c| {
            Box::pin(async move {
                // Two nodes' batches of one migration run one after the other.
                c.lock_keys(&[&format!("data migration {name}")]).await?;
                let at = c
                    .query_opt(
                        "SELECT step, after_id, done, total, finished_at IS NOT NULL,
                                holder, held_until
                         FROM data_migrations WHERE name = $1",
                        args![&name],
                    )
                    .await?
                    .read(|r| {
                        Ok(Position {
                            step: r.get()?,
                            after: r.get()?,
                            done: r.get()?,
                            total: r.get()?,
                            finished: r.get()?,
                            holder: r.get()?,
                            held_until: r.get()?,
                        })
                    })?;
                let Some(at) = at else {
                    return Ok(Batch::Finished);
                };
                if at.finished {
                    return Ok(Batch::Finished);
                }
                if at.holder.as_deref().is_some_and(|h| h != holder) && at.held_until > now {
                    return Ok(Batch::HeldElsewhere);
                }
                let total = match at.total {
                    Some(total) => total,
                    None => job.total(c).await?,
                };
                let (step, after, done) = match job.batch(c, at.step as usize, at.after).await? {
                    Some((last, written)) => (at.step, last, at.done + written),
                    None => (at.step + 1, 0, at.done),
                };
                let finished = step as usize >= job.steps();
                c.execute(
                    "UPDATE data_migrations SET step = $2, after_id = $3, done = $4, total = $5,
                         finished_at = CASE WHEN $6 THEN CAST($7 AS BIGINT) END,
                         holder = $8, held_until = $9
                     WHERE name = $1",
                    args![
                        &name, step, after, done, total, finished, now, &holder, until
                    ],
                )
                .await?;
                Ok(if finished {
                    Batch::Finished
                } else {
                    Batch::Ran { done, total }
                })
            })
        })
        .await
    }
}

impl<E: Engine> SqlStore<E> {
    /// Runs every unfinished data migration to its end here and now, for a
    /// store no node serves yet (an import's target).
    pub(crate) async fn finish_data_migrations(&self) -> Result<()> {
        let now: i64 = self
            .read(|c| {
                Box::pin(async move {
                    let sql = format!("SELECT {}", database_now(c.dialect()));
                    crate::conn::value(c, &sql, &[]).await
                })
            })
            .await?;
        for migration in self.data_migrations().await? {
            // No node serves the store: the claim is taken, and let go.
            while let Batch::Ran { .. } = self
                .data_migration_batch(&migration.name, "import", now, now)
                .await?
            {}
        }
        Ok(())
    }
}
