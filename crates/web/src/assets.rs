//! Stylesheets and scripts, named by fingerprint.
//!
//! Pages link `/static/FINGERPRINT/NAME`, served as immutable for a year.
//! Each node keeps its release's assets in the database at start, so that
//! in a rolling upgrade a page rendered by a node of one release finds its
//! assets on a node of another. `/static/NAME` serves this release's, for
//! pages cached from before fingerprints.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hearth_app::Ctx;
use hearth_app::records::Asset;

use crate::state::AppState;

/// This release's assets: name and bytes.
const ASSETS: &[(&str, &str)] = &[
    ("hearth.css", include_str!("../static/hearth.css")),
    ("preview.js", include_str!("../static/preview.js")),
    ("similar.js", include_str!("../static/similar.js")),
    ("attach.js", include_str!("../static/attach.js")),
    ("live.js", include_str!("../static/live.js")),
    ("pick.js", include_str!("../static/pick.js")),
];

/// Each asset's fingerprint, in the order of [`ASSETS`].
static FINGERPRINTS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|(_, body)| hearth_app::assets::fingerprint(body.as_bytes()))
        .collect()
});

/// The address of this release's asset `name`, for templates.
pub fn url(name: &str) -> String {
    match ASSETS.iter().position(|(n, _)| *n == name) {
        Some(i) => format!("/static/{}/{name}", FINGERPRINTS[i]),
        None => format!("/static/{name}"),
    }
}

/// Keeps this release's assets in the database for the other nodes.
pub async fn keep(ctx: &Ctx) -> hearth_app::Result<()> {
    let assets = ASSETS
        .iter()
        .zip(FINGERPRINTS.iter())
        .map(|((name, body), fingerprint)| Asset {
            fingerprint: fingerprint.clone(),
            name: (*name).to_owned(),
            body: body.as_bytes().to_vec(),
        })
        .collect();
    hearth_app::assets::keep(ctx, assets).await
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{name}", get(current))
        .route("/static/{fingerprint}/{name}", get(fingerprinted))
}

fn content_type(name: &str) -> &'static str {
    if name.ends_with(".css") {
        "text/css; charset=utf-8"
    } else {
        "text/javascript; charset=utf-8"
    }
}

fn answer(name: &str, body: Vec<u8>, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type(name)),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

/// This release's asset by name: cached for an hour.
async fn current(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _)| *n == name) {
        Some((name, body)) => answer(name, body.as_bytes().to_vec(), "public, max-age=3600"),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// An asset by fingerprint, this release's or another's: never changes.
async fn fingerprinted(
    State(state): State<AppState>,
    Path((fingerprint, name)): Path<(String, String)>,
) -> Response {
    const FOREVER: &str = "public, max-age=31536000, immutable";
    let ours = ASSETS
        .iter()
        .zip(FINGERPRINTS.iter())
        .find(|((n, _), f)| *n == name && **f == fingerprint);
    if let Some(((name, body), _)) = ours {
        return answer(name, body.as_bytes().to_vec(), FOREVER);
    }
    match hearth_app::assets::find(&state.ctx, &fingerprint).await {
        Ok(Some(asset)) if asset.name == name => answer(&asset.name, asset.body, FOREVER),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read an asset from the database");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
