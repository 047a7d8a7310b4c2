//! `hearth bench-static`: serves one file from memory with the same HTTP
//! stack as Hearth, to measure what the machine can do at all for a page of
//! that size: the ceiling the benchmark compares real pages with.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::http::header;
use axum::routing::get;

/// What to serve.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchStaticArgs {
    /// The file whose bytes every request gets
    pub file: PathBuf,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:18099")]
    pub listen: SocketAddr,
}

/// Serves the file until the process is stopped.
pub async fn run(args: &BenchStaticArgs) -> Result<(), String> {
    let body: &'static [u8] = Box::leak(
        std::fs::read(&args.file)
            .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?
            .into_boxed_slice(),
    );
    let app = Router::new()
        .route(
            "/",
            get(
                move || async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body) },
            ),
        )
        .route("/healthz", get(|| async { "ok\n" }));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}
