//! Stylesheets and scripts by fingerprint, shared by every node.

use async_trait::async_trait;
use hearth_store::{Asset, AssetStore, Result};

use crate::args;
use crate::conn::Engine;
use crate::store::SqlStore;
use crate::value::ReadRows;

#[async_trait]
impl<E: Engine> AssetStore for SqlStore<E> {
    async fn keep_assets(&self, assets: Vec<Asset>, now: i64) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                for a in &assets {
                    c.execute(
                        "INSERT INTO assets (fingerprint, name, body, kept_at)
                         VALUES ($1, $2, $3, $4) ON CONFLICT (fingerprint) DO NOTHING",
                        args![&a.fingerprint, &a.name, &a.body, now],
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn asset(&self, fingerprint: &str) -> Result<Option<Asset>> {
        let fingerprint = fingerprint.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let found = c
                    .query(
                        "SELECT fingerprint, name, body FROM assets WHERE fingerprint = $1",
                        args![&fingerprint],
                    )
                    .await?
                    .read(|r| {
                        Ok(Asset {
                            fingerprint: r.get()?,
                            name: r.get()?,
                            body: r.get()?,
                        })
                    })?;
                Ok(found.into_iter().next())
            })
        })
        .await
    }
}
