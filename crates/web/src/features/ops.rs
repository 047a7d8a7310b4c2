//! Health, readiness and metrics for operators and load balancers.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process is alive.
async fn healthz() -> &'static str {
    "ok\n"
}

/// The node takes traffic: not draining, and the database answers.
async fn readyz(State(state): State<AppState>) -> Response {
    if state.is_draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining\n").into_response();
    }
    match hearth_app::status::ready(&state.ctx).await {
        Ok(()) => "ready\n".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

/// The metrics, on the main listener: to a client with the metrics token,
/// or, when none is configured, to loopback clients only (a monitoring
/// agent on the same machine); everyone else gets 404.
async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    let allowed = match &state.config.metrics_token_hash {
        Some(expected) => req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|token| hearth_app::secrets::hash_secret(token) == *expected),
        None => crate::auth_layer::client_of(&state, &req)
            .address
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
    };
    if !allowed {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    exposition(&state).await
}

/// The metrics on a listener of their own (`--metrics-listen`): whoever
/// reaches that address may read them.
pub(crate) async fn metrics_open(State(state): State<AppState>) -> Response {
    exposition(&state).await
}

/// Each long data migration's rows done, rows to do and whether it has
/// finished, as the database records them for every node.
async fn data_migration_metrics(state: &AppState) -> String {
    let Ok(migrations) = hearth_app::data_migrations::all(&state.ctx).await else {
        return String::new();
    };
    type Gauge = fn(&hearth_app::records::DataMigration) -> i64;
    let gauges: [(&str, &str, Gauge); 3] = [
        (
            "hearth_data_migration_rows_done",
            "Rows a data migration has done.",
            |m| m.done,
        ),
        (
            "hearth_data_migration_rows_total",
            "Rows a data migration has to do (0 before it begins).",
            |m| m.total.unwrap_or(0),
        ),
        (
            "hearth_data_migration_finished",
            "Whether a data migration has finished (1) or not (0).",
            |m| i64::from(m.finished_at.is_some()),
        ),
    ];
    let mut out = String::new();
    for (metric, help, value) in gauges {
        out.push_str(&format!("# HELP {metric} {help}\n# TYPE {metric} gauge\n"));
        for m in &migrations {
            out.push_str(&format!("{metric}{{name=\"{}\"}} {}\n", m.name, value(m)));
        }
    }
    out
}

async fn exposition(state: &AppState) -> Response {
    let (engine, pool) = hearth_app::status::pool(&state.ctx);
    let mut body = state.metrics.render(pool, engine);
    // As the database records it, on whichever node; 0 when unknown (the
    // database not answering is a metric of its own).
    let verified_at = hearth_app::backups::status(&state.ctx)
        .await
        .ok()
        .and_then(|b| b.restore_check)
        .and_then(|r| r.last_ok_at);
    body.push_str("# HELP hearth_backup_last_verified_restore_timestamp_seconds When a backup was last restored and verified.\n");
    body.push_str("# TYPE hearth_backup_last_verified_restore_timestamp_seconds gauge\n");
    body.push_str(&format!(
        "hearth_backup_last_verified_restore_timestamp_seconds {}\n",
        verified_at.unwrap_or(0) / 1000
    ));
    body.push_str(
        "# HELP hearth_backup_failures_total Scheduled backups that failed on this node.\n",
    );
    body.push_str("# TYPE hearth_backup_failures_total counter\n");
    body.push_str(&format!(
        "hearth_backup_failures_total {}\n",
        state.ctx.backups.failures()
    ));
    // Every node reads the one outbox; -1 when the database does not answer.
    let waiting = hearth_app::outbox::waiting(&state.ctx).await.unwrap_or(-1);
    body.push_str("# HELP hearth_mail_waiting Mails waiting to go or going, on any node.\n");
    body.push_str("# TYPE hearth_mail_waiting gauge\n");
    body.push_str(&format!("hearth_mail_waiting {waiting}\n"));
    body.push_str(&data_migration_metrics(state).await);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
