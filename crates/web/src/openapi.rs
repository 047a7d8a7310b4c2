//! The OpenAPI 3 document of the JSON API, generated from the handlers.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::features::{
    account, admin, attachments, auth, following, history, likes, mail_preferences, members,
    moderation, password_reset, people, replies, search, spaces, tags, topics, users,
};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The errors any call may answer, in the JSON error shape: documented on
/// every operation here rather than repeated on each handler.
struct CommonErrors;

const ANY_CALL: &[(&str, &str)] = &[
    ("400", "The request is malformed or a field is invalid"),
    ("401", "Not signed in: send a bearer token"),
    (
        "403",
        "Not allowed for this account; `membership_required` when only members of the space may do this (the message says whether to ask to join or for an invitation)",
    ),
    ("404", "Not found, or not visible to this account"),
    (
        "429",
        "Too many requests: retry after `Retry-After` seconds",
    ),
    (
        "503",
        "Writing is paused (maintenance, or the database refuses writes): retry after `Retry-After` seconds",
    ),
];

const WRITES: &[(&str, &str)] = &[
    (
        "409",
        "In conflict with what is stored: taken, the same Idempotency-Key still running, or `stale_version` (an edit from an older version; `error.current` holds the current one)",
    ),
    ("413", "The request body is too large"),
    ("415", "The body is not of a supported content type"),
    (
        "422",
        "The body does not fit the operation, or the Idempotency-Key was used for another request",
    ),
];

impl Modify for CommonErrors {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let error = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build()
        };
        for item in doc.paths.paths.values_mut() {
            let reads = [&mut item.get];
            let writes = [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            let operations = reads
                .into_iter()
                .map(|op| (op, false))
                .chain(writes.into_iter().map(|op| (op, true)));
            for (operation, write) in operations {
                let Some(operation) = operation else { continue };
                let extra = if write { WRITES } else { &[] };
                for (status, description) in ANY_CALL.iter().chain(extra) {
                    operation
                        .responses
                        .responses
                        .entry((*status).to_owned())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(*description)
                                    .content("application/json", error())
                                    .build(),
                            )
                        });
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Hearth API", description = "Everything a member can do on a Hearth site's pages: spaces and their members; topics (discussions, questions, blog posts, documents) with their versions, diffs and restores; replies, likes, tags, attachments and previews; search; following people, spaces, topics and tags, and notifications; the caller's account, signed-in sessions, API tokens and feed token; a forgotten password; and, for administrators, accounts, site settings, invitations, outgoing mail and the audit log.\n\nAuthenticate with `POST /api/v1/tokens`, then send `Authorization: Bearer …`. Errors are `{\"error\": {\"code\", \"message\"}}`, with `fields` when the input is invalid and `current` when an edit is `stale_version` (409). Lists come in pages: send a page's `next` as `after` for the following one. Every write takes an `Idempotency-Key` header: a retry with the same key gets the first answer (`Idempotent-Replayed: true`), except answers that show a secret."),
    paths(
        auth::api::create_token,
        password_reset::api::ask,
        password_reset::api::reset,
        account::api::me,
        account::api::tokens,
        account::api::revoke,
        account::sessions_api::list,
        account::sessions_api::revoke,
        account::api::create_feed_token,
        account::api::revoke_feed_token,
        account::email::request,
        mail_preferences::api::show,
        mail_preferences::api::update,
        mail_preferences::api::show_schedule,
        mail_preferences::api::update_schedule,
        spaces::api::list,
        spaces::api::create,
        spaces::api::show,
        spaces::api::update,
        members::api::list,
        members::api::add,
        members::api::update,
        members::api::remove,
        members::requests_api::list,
        members::requests_api::decline,
        users::api::show,
        topics::api::list,
        topics::api::create,
        topics::api::show,
        topics::api::update,
        topics::api::delete,
        history::api::revisions,
        history::api::diff,
        history::api::restore,
        replies::api::reply,
        replies::api::edit_reply,
        replies::api::delete_reply,
        replies::api::restore_reply,
        likes::api::like_topic,
        likes::api::unlike_topic,
        likes::api::like_reply,
        likes::api::unlike_reply,
        moderation::api::moderate,
        moderation::api::accept,
        tags::api::tag,
        search::api::search,
        search::api::similar,
        history::api::reply_revisions,
        attachments::api::upload,
        attachments::api::delete,
        admin::api::list,
        people::api::list,
        people::api::update_me,
        people::api::set_my_avatar,
        people::api::remove_my_avatar,
        people::api::set_avatar,
        people::api::remove_avatar,
        admin::users_api::create,
        admin::users_api::update,
        admin::settings_api::show,
        admin::settings_api::update,
        admin::invites_api::list,
        admin::invites_api::create,
        admin::invites_api::revoke,
        admin::mail_api::list,
        topics::api::preview,
        likes::api::topic_likers,
        likes::api::reply_likers,
        following::api::followed,
        following::api::follows,
        following::api::follow,
        following::api::unfollow,
        following::api::mute,
        following::api::unmute,
        replies::api::show_reply,
        following::api::activity,
        following::live::events,
        following::api::notifications,
        following::api::mark_read,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::CurrentJson)),
    modifiers(&BearerAuth, &CommonErrors),
    security(("bearer" = [])),
)]
struct ApiDoc;

/// The document, built once per request (it is small and rarely fetched).
pub(crate) async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
