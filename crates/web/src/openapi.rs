//! The OpenAPI 3 document of the JSON API, generated from the handlers.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::features::{account, admin, attachments, auth, members, spaces, topics, users};

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

#[derive(OpenApi)]
#[openapi(
    info(title = "Hearth API", description = "Spaces, members and accounts of a Hearth site. Authenticate with `POST /api/v1/tokens`, then send `Authorization: Bearer …`."),
    paths(
        auth::api::create_token,
        account::api::me,
        account::api::tokens,
        account::api::revoke,
        spaces::api::list,
        spaces::api::create,
        spaces::api::show,
        spaces::api::update,
        members::api::list,
        members::api::add,
        members::api::update,
        members::api::remove,
        users::api::show,
        topics::api::list,
        topics::api::create,
        topics::api::show,
        topics::api::update,
        topics::api::delete,
        topics::api::revisions,
        topics::reply_api::reply,
        topics::reply_api::edit_reply,
        topics::reply_api::delete_reply,
        topics::reply_api::like_topic,
        topics::reply_api::unlike_topic,
        topics::reply_api::like_reply,
        topics::reply_api::unlike_reply,
        topics::api::moderate,
        topics::api::accept,
        topics::api::tag,
        topics::reply_api::reply_revisions,
        attachments::api::upload,
        admin::api::list,
        topics::api::preview,
        topics::reply_api::topic_likers,
        topics::reply_api::reply_likers,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
struct ApiDoc;

/// The document, built once per request (it is small and rarely fetched).
pub(crate) async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
