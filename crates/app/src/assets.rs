//! Stylesheets and scripts by fingerprint: each release keeps its own in
//! the database, so that every node, of whichever release, serves the ones
//! a page from any other node names.

use hearth_store::Asset;

use crate::{Ctx, Result};

/// The fingerprint of an asset's bytes: the first 16 hex digits of their
/// SHA-256, enough that two releases' different files never share one.
pub fn fingerprint(body: &[u8]) -> String {
    let mut hex = hearth_store::verify::sha256_hex(body);
    hex.truncate(16);
    hex
}

/// Keeps this release's assets, each unless kept already.
pub async fn keep(ctx: &Ctx, assets: Vec<Asset>) -> Result<()> {
    Ok(ctx.store.keep_assets(assets, ctx.now()).await?)
}

/// The asset with this fingerprint, kept by any release.
pub async fn find(ctx: &Ctx, fingerprint: &str) -> Result<Option<Asset>> {
    // A fingerprint is hex of a fixed length: anything else is no asset,
    // and not worth a query.
    if fingerprint.len() != 16 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(ctx.store.asset(fingerprint).await?)
}
