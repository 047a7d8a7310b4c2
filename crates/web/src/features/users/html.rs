//! The profile page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use hearth_store::{SpaceView, User};

use crate::error::PageError;
use crate::extract::Visitor;
use crate::page::{Chrome, render};
use crate::state::AppState;
use crate::time_fmt::human;

#[derive(Template)]
#[template(path = "users/show.html")]
struct ProfilePage {
    chrome: Chrome,
    user: User,
    joined: String,
    spaces: Vec<SpaceView>,
    topics: Vec<crate::features::topics::views::TopicRow>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let p = hearth_app::users::profile(&state.ctx, visitor.viewer(), &username).await?;
    render(&ProfilePage {
        chrome: Chrome::new(&state, &visitor, p.user.display_name.to_string()).await?,
        joined: human(p.user.created_at),
        topics: p
            .recent
            .iter()
            .map(|t| crate::features::topics::views::TopicRow::new(t, state.ctx.now()))
            .collect(),
        user: p.user,
        spaces: p.spaces,
    })
}
