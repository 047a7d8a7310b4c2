//! Atom feeds of spaces, blogs, tags and topics. A reader without a session
//! sends their feed token (`?token=`); each feed holds only what they may read.

mod atom;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hearth_app::records::Topic;
use hearth_app::{AppError, feeds};
use hearth_core::ids::TopicId;
use hearth_core::permissions::Viewer;
use serde::Deserialize;

use crate::extract::Visitor;
use crate::features::topics::views::topic_url;
use crate::state::AppState;
use atom::{Entry, Feed};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/feeds/s/{space}", get(space))
        .route("/feeds/u/{username}", get(blog))
        .route("/feeds/tags/{tag}", get(tag))
        .route("/feeds/t/{id}", get(topic))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct FeedQuery {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    kind: Option<String>,
}

/// Feed readers get plain statuses, never a sign-in redirect.
fn refuse(err: AppError) -> Response {
    let status = crate::error::status_of(&err);
    if status.is_server_error() {
        tracing::error!(error = %err, "feed failed");
    }
    (status, status.canonical_reason().unwrap_or("error")).into_response()
}

fn atom(feed: Feed) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=60"),
        ],
        feed.render(),
    )
        .into_response()
}

fn topic_entries(origin: &str, topics: &[Topic]) -> Vec<Entry> {
    topics
        .iter()
        .map(|t| Entry {
            id: format!("{origin}/t/{}", t.id),
            title: t.title.to_string(),
            author: t.author.display_name.to_string(),
            link: format!("{origin}{}", topic_url(t)),
            updated: t.publish_at.unwrap_or(t.created_at).max(t.updated_at),
            html: t.body_html.clone(),
        })
        .collect()
}

async fn reader(state: &AppState, q: &FeedQuery, visitor: &Visitor) -> Result<Viewer, Response> {
    feeds::reader(&state.ctx, q.token.as_deref(), visitor.viewer())
        .await
        .map_err(refuse)
}

async fn space(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<FeedQuery>,
) -> Response {
    let viewer = match reader(&state, &q, &visitor).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    match feeds::space(&state.ctx, viewer, &slug, q.kind.as_deref()).await {
        Ok((name, topics)) => {
            let origin = state.origin(&headers);
            atom(Feed {
                id: format!("{origin}/s/{slug}"),
                title: name,
                link: format!("{origin}/s/{slug}"),
                entries: topic_entries(&origin, &topics),
            })
        }
        Err(e) => refuse(e),
    }
}

async fn blog(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(username): Path<String>,
    Query(q): Query<FeedQuery>,
) -> Response {
    let viewer = match reader(&state, &q, &visitor).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    match feeds::blog(&state.ctx, viewer, &username).await {
        Ok((name, topics)) => {
            let origin = state.origin(&headers);
            atom(Feed {
                id: format!("{origin}/u/{username}/blog"),
                title: format!("{name}: blog"),
                link: format!("{origin}/s/~{username}?kind=post"),
                entries: topic_entries(&origin, &topics),
            })
        }
        Err(e) => refuse(e),
    }
}

async fn tag(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(tag): Path<String>,
    Query(q): Query<FeedQuery>,
) -> Response {
    let viewer = match reader(&state, &q, &visitor).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    match hearth_app::topics::visible(&state.ctx, viewer, Some(&tag), None, None, feeds::ENTRIES)
        .await
    {
        Ok(topics) => {
            let origin = state.origin(&headers);
            atom(Feed {
                // The id stays as it always was: it names the feed, readers
                // do not follow it.
                id: format!("{origin}/tags/{tag}"),
                title: format!("#{tag}"),
                link: format!("{origin}/tags/{}", crate::extract::encode(&tag)),
                entries: topic_entries(&origin, &topics),
            })
        }
        Err(e) => refuse(e),
    }
}

async fn topic(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<FeedQuery>,
) -> Response {
    let viewer = match reader(&state, &q, &visitor).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let Ok(id) = id.parse::<TopicId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match feeds::replies(&state.ctx, viewer, id).await {
        Ok((t, replies)) => {
            let origin = state.origin(&headers);
            let topic = &t.view.topic;
            let link = format!("{origin}{}", topic_url(topic));
            atom(Feed {
                id: format!("{origin}/t/{id}/replies"),
                title: format!("Replies to {}", topic.title),
                entries: replies
                    .iter()
                    .map(|r| Entry {
                        id: format!("{origin}/r/{}", r.id),
                        title: format!("{} replied", r.author.display_name),
                        author: r.author.display_name.to_string(),
                        link: format!("{origin}/r/{}", r.id),
                        updated: r.created_at,
                        html: r.body_html.clone(),
                    })
                    .collect(),
                link,
            })
        }
        Err(e) => refuse(e),
    }
}
