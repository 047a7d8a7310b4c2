//! Opening the configured store.

use std::sync::Arc;

use hearth_store::{Result, Store, StoreError};
use secrecy::ExposeSecret;

use crate::config::Storage;

/// Opens (and migrates) the configured store.
pub async fn open(storage: &Storage) -> Result<Arc<dyn Store>> {
    open_with(storage, hearth_store_sqlite::OpenOptions::default()).await
}

/// Opens the configured store for a bulk load nobody is served from yet
/// (see [`hearth_store_sqlite::OpenOptions::bulk_load`]; PostgreSQL as ever).
pub async fn open_for_loading(storage: &Storage) -> Result<Arc<dyn Store>> {
    open_with(storage, hearth_store_sqlite::OpenOptions::bulk_load()).await
}

async fn open_with(
    storage: &Storage,
    sqlite: hearth_store_sqlite::OpenOptions,
) -> Result<Arc<dyn Store>> {
    match storage {
        Storage::Sqlite(dir) => {
            crate::transfer::private_dir(dir).map_err(|e| {
                StoreError::Other(format!(
                    "cannot create the data directory {}: {e}",
                    dir.display()
                ))
            })?;
            let store = hearth_store_sqlite::open_with(dir.join("hearth.db"), sqlite).await?;
            Ok(Arc::new(store))
        }
        Storage::Postgres(url, pool, replica) => {
            let store = hearth_store_postgres::connect(
                url.expose_secret(),
                *pool,
                replica.as_ref().map(|r| r.expose_secret()),
            )
            .await?;
            Ok(Arc::new(store))
        }
    }
}
