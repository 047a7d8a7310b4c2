//! `GET /api/v1/events`: a reader's live events as Server-Sent Events.
//! Pages open the same stream (with the session cookie); a reader that
//! reconnects sends `Last-Event-ID` and misses nothing.

use std::convert::Infallible;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use hearth_app::AppError;
use hearth_app::live::{LiveReader, Told};
use hearth_core::ids::TopicId;
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiQuery};
use crate::state::AppState;

/// What to follow live.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventsParams {
    /// A topic whose new replies to send (one the caller may read).
    topic: Option<String>,
    /// Start after this event (a page gives the newest it was built
    /// with); `Last-Event-ID` takes precedence. Without either, from now.
    after: Option<i64>,
}

/// The caller's live events, as `text/event-stream`: `reply` (data
/// `{"topic_id", "reply_id"}`) for new replies in the topic given, and
/// `notification` (data `{"unread"}`) when the caller's notifications
/// change. Each event has an id: reconnect with `Last-Event-ID` to resume.
#[utoipa::path(get, path = "/api/v1/events", tag = "following", params(EventsParams),
    responses((status = 200, content_type = "text/event-stream", description = "Server-Sent Events")))]
pub(crate) async fn events(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<EventsParams>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let topic = q
        .topic
        .as_deref()
        .map(|t| {
            t.parse::<TopicId>()
                .map_err(|_| AppError::invalid("topic", "is not a topic"))
        })
        .transpose()?;
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(q.after);
    let reader = LiveReader::open(&state.ctx, caller.viewer(), topic, last).await?;
    let stopping = state.draining_signal();
    let stream = futures_util::stream::unfold(
        (reader, stopping),
        |(mut reader, mut stopping)| async move {
            let told = reader.next(&mut stopping).await;
            let event = match told {
                Ok(Some(Told::Reply { id, topic, reply })) => {
                    Event::default().id(id.to_string()).event("reply").data(
                        json!({"topic_id": topic.to_string(), "reply_id": reply.to_string()})
                            .to_string(),
                    )
                }
                Ok(Some(Told::Unread { id, count })) => Event::default()
                    .id(id.to_string())
                    .event("notification")
                    .data(json!({ "unread": count }).to_string()),
                // Stopping, or the store failed: the client reconnects and resumes.
                Ok(None) => return None,
                Err(e) => {
                    tracing::warn!(error = %e, "a live stream ended");
                    return None;
                }
            };
            Some((Ok(event), (reader, stopping)))
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
