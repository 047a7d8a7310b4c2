//! Membership forms on a space's page; each answers with a redirect back.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::AppError;
use hearth_app::members;
use hearth_core::model::Role;
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{PageForm, SignedIn};
use crate::state::AppState;

fn back(slug: &str) -> Response {
    Redirect::to(&format!("/s/{slug}")).into_response()
}

pub(crate) async fn join(
    State(state): State<AppState>,
    SignedIn { who }: SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    members::join(&state.ctx, &who, &slug).await?;
    Ok(back(&slug))
}

pub(crate) async fn leave(
    State(state): State<AppState>,
    SignedIn { who }: SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    members::leave(&state.ctx, &who, &slug).await?;
    Ok(back(&slug))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AddForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    action: String,
}

pub(crate) async fn add(
    State(state): State<AppState>,
    SignedIn { who }: SignedIn,
    Path(slug): Path<String>,
    PageForm(form): PageForm<AddForm>,
) -> Result<Response, PageError> {
    let role = Role::parse(&form.role).map_err(AppError::from)?;
    members::add(&state.ctx, &who, &slug, &form.username, role).await?;
    Ok(back(&slug))
}

pub(crate) async fn change(
    State(state): State<AppState>,
    SignedIn { who }: SignedIn,
    Path((slug, username)): Path<(String, String)>,
    PageForm(form): PageForm<AddForm>,
) -> Result<Response, PageError> {
    match form.action.as_str() {
        "remove" => members::remove(&state.ctx, &who, &slug, &username).await?,
        "role" => {
            let role = Role::parse(&form.role).map_err(AppError::from)?;
            members::set_role(&state.ctx, &who, &slug, &username, role).await?;
        }
        _ => {
            return Err(PageError(AppError::invalid(
                "action",
                "must be role or remove",
            )));
        }
    }
    Ok(back(&slug))
}

#[derive(Debug, Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(default)]
    decision: String,
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    SignedIn { who }: SignedIn,
    Path((slug, username)): Path<(String, String)>,
    PageForm(form): PageForm<DecisionForm>,
) -> Result<Response, PageError> {
    let approve = match form.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => {
            return Err(PageError(AppError::invalid(
                "decision",
                "must be approve or decline",
            )));
        }
    };
    members::decide_request(&state.ctx, &who, &slug, &username, approve).await?;
    Ok(back(&slug))
}
