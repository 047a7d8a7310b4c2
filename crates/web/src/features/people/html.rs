//! The directory of people, the profile form and pictures.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::AppError;
use hearth_app::people::{self, DirectoryInput, ProfileInput};
use hearth_app::records::{AvatarSize, Person};
use hearth_core::avatar::MAX_AVATAR_BYTES;
use hearth_core::ids::UserId;
use serde::Deserialize;

use super::views::{AvatarView, PersonCard};
use crate::error::PageError;
use crate::extract::{PageForm, SignedIn, Visitor};
use crate::page::{Chrome, FormErrors, render_with};
use crate::state::AppState;

/// People shown on a page of the directory.
const DIRECTORY_PAGE: u32 = 30;

/// What the directory's form asks.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DirectoryParams {
    q: Option<String>,
    space: Option<String>,
    after: Option<String>,
}

impl DirectoryParams {
    fn q(&self) -> &str {
        self.q.as_deref().unwrap_or("")
    }

    fn space(&self) -> &str {
        self.space.as_deref().unwrap_or("")
    }

    /// The address of the page after the one that ends with `last`.
    fn next_page(&self, last: UserId) -> String {
        let mut query = vec![("after", last.0.to_string())];
        if !self.q().is_empty() {
            query.push(("q", self.q().to_owned()));
        }
        if !self.space().is_empty() {
            query.push(("space", self.space().to_owned()));
        }
        let encoded = serde_urlencoded::to_string(&query).unwrap_or_default();
        format!("/people?{encoded}")
    }
}

#[derive(Template)]
#[template(path = "people/directory.html")]
struct DirectoryPage {
    chrome: Chrome,
    errors: FormErrors,
    params: DirectoryParams,
    people: Vec<PersonCard>,
    next: Option<String>,
}

/// `/people`: members, found by name, title, department or location, or by
/// a space they belong to; for signed-in members.
pub(crate) async fn directory(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Query(params): Query<DirectoryParams>,
) -> Result<Response, PageError> {
    let viewer = signed_in.who.viewer();
    let after = match params.after.as_deref().filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(a) => a
            .parse::<i64>()
            .map(|id| Some(UserId(id)))
            .map_err(|_| AppError::invalid("after", "is not a cursor from this page")),
    };
    let found = match after {
        Ok(after) => {
            let input = DirectoryInput {
                q: params.q().to_owned(),
                space: params.space.clone(),
                any_status: false,
                after,
                limit: DIRECTORY_PAGE,
            };
            people::directory(&state.ctx, viewer, input).await
        }
        Err(e) => Err(e),
    };
    let (status, errors, found) = match found {
        Ok(found) => (StatusCode::OK, FormErrors::default(), found),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            (status, errors, Vec::new())
        }
    };
    let next = (found.len() == DIRECTORY_PAGE as usize)
        .then(|| found.last().map(|p| params.next_page(p.user.id)))
        .flatten();
    render_with(
        status,
        &DirectoryPage {
            chrome: Chrome::new(&state, &visitor, "People").await?,
            errors,
            people: found.iter().map(|p| PersonCard::new(p, viewer)).collect(),
            params,
            next,
        },
    )
}

/// The profile form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProfileForm {
    display_name: String,
    email: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    about: String,
    show_email: Option<String>,
}

#[derive(Template)]
#[template(path = "people/edit.html")]
struct EditPage {
    chrome: Chrome,
    errors: FormErrors,
    username: String,
    own: bool,
    /// Administrators change e-mail addresses (members, once mail confirms them).
    may_change_email: bool,
    form: ProfileForm,
    avatar: AvatarView,
    has_avatar: bool,
    max_mib: usize,
}

impl EditPage {
    fn new(chrome: Chrome, person: &Person, who: &hearth_app::auth::Authenticated) -> Self {
        let d = &person.details;
        Self {
            chrome,
            errors: FormErrors::default(),
            username: person.user.username.to_string(),
            own: person.user.id == who.user.id,
            may_change_email: who.user.is_admin,
            form: ProfileForm {
                display_name: person.user.display_name.to_string(),
                email: Some(person.user.email.to_string()),
                title: d.title.clone(),
                department: d.department.clone(),
                location: d.location.clone(),
                about: d.about_md.clone(),
                show_email: d.show_email.then(|| "on".to_owned()),
            },
            avatar: AvatarView::new(person, AvatarSize::Large),
            has_avatar: person.avatar.is_some(),
            max_mib: MAX_AVATAR_BYTES / (1024 * 1024),
        }
    }
}

/// The profile form for `username` as `who` may change it, with `errors`
/// from a refused save or upload.
async fn edit_page(
    state: &AppState,
    visitor: &Visitor,
    who: &hearth_app::auth::Authenticated,
    username: &str,
    errors: FormErrors,
) -> Result<EditPage, PageError> {
    let person = people::editable_person(&state.ctx, who, username).await?;
    let chrome = Chrome::new(state, visitor, "Edit profile").await?;
    let mut page = EditPage::new(chrome, &person, who);
    page.errors = errors;
    Ok(page)
}

/// The profile form: one's own, or anyone's for administrators.
pub(crate) async fn edit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let page = edit_page(
        &state,
        &visitor,
        &signed_in.who,
        &username,
        FormErrors::default(),
    )
    .await?;
    render_with(StatusCode::OK, &page)
}

/// Saves the profile form; a refused field shows the form again with what
/// was typed.
pub(crate) async fn save(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(username): Path<String>,
    PageForm(form): PageForm<ProfileForm>,
) -> Result<Response, PageError> {
    let who = &signed_in.who;
    let input = ProfileInput {
        display_name: Some(form.display_name.clone()),
        email: form.email.clone().filter(|_| who.user.is_admin),
        title: Some(form.title.clone()),
        department: Some(form.department.clone()),
        location: Some(form.location.clone()),
        about: Some(form.about.clone()),
        show_email: Some(form.show_email.is_some()),
    };
    match people::update_profile(&state.ctx, who, &username, &input).await {
        Ok(person) => Ok(Redirect::to(&format!("/u/{}", person.user.username)).into_response()),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            let mut page = edit_page(&state, &visitor, who, &username, errors).await?;
            page.form = form;
            render_with(status, &page)
        }
    }
}

fn unreadable(e: impl std::fmt::Display) -> PageError {
    PageError(AppError::invalid(
        "avatar",
        format!("the upload could not be read: {e}"),
    ))
}

/// Sets a picture from the profile form's upload.
pub(crate) async fn upload_avatar(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(username): Path<String>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        if field.name() == Some("avatar") {
            file = Some(field.bytes().await.map_err(unreadable)?.to_vec());
        }
    }
    let who = &signed_in.who;
    let set = match file.filter(|f| !f.is_empty()) {
        Some(file) => people::set_avatar(&state.ctx, who, &username, file).await,
        None => Err(AppError::invalid("avatar", "choose a picture to upload")),
    };
    match set {
        Ok(_) => Ok(Redirect::to(&format!("/u/{username}/edit")).into_response()),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            let page = edit_page(&state, &visitor, who, &username, errors).await?;
            render_with(status, &page)
        }
    }
}

/// Removes a picture from the profile form.
pub(crate) async fn remove_avatar(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    people::remove_avatar(&state.ctx, &signed_in.who, &username).await?;
    Ok(Redirect::to(&format!("/u/{username}/edit")).into_response())
}

/// One size of a person's picture, for whoever may see their profile. Its
/// address changes with the picture, so it is kept for a year.
pub(crate) async fn serve_avatar(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((username, size)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let size = match size.as_str() {
        "small" => AvatarSize::Small,
        "large" => AvatarSize::Large,
        _ => return Err(AppError::NotFound.into()),
    };
    let file = people::avatar(&state.ctx, visitor.viewer(), &username, size).await?;
    let etag = format!("\"{}\"", file.hash);
    let mut resp = file.bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, etag);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(resp)
}
