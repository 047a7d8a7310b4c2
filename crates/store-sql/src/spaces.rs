//! Spaces. Lists are filtered by the one visibility predicate.

use async_trait::async_trait;
use hearth_core::ids::{SpaceId, UserId};
use hearth_core::model::{Role, SpaceKind};
use hearth_core::permissions::Viewer;
use hearth_store::{
    Conflict, NewAuditEvent, NewSpace, Page, Result, Space, SpacePatch, SpaceStore, SpaceView,
    StoreError,
};

use crate::args;
use crate::audit::write_audit;
use crate::conn::{Engine, value, value_opt};
use crate::rows::{SPACE_COLUMNS, space, space_view, space_view_columns};
use crate::search::{self, Doc, space_text};
use crate::store::SqlStore;
use crate::value::{Args, ReadRows};
use crate::visibility::{Reader, Seer};

#[async_trait]
impl<E: Engine> SpaceStore for SqlStore<E> {
    async fn create_space(&self, new: NewSpace) -> Result<Space> {
        self.write(move |c| {
            Box::pin(async move {
                let taken: Option<i64> =
                    value_opt(c, "SELECT id FROM spaces WHERE slug = $1", args![new.slug.as_str()])
                        .await?;
                if taken.is_some() {
                    return Err(Conflict::SlugTaken.into());
                }
                let id: i64 = value(
                    c,
                    "INSERT INTO spaces (slug, name, description, kind, visibility, join_policy, created_at, member_count)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 1) RETURNING id",
                    args![
                        new.slug.as_str(),
                        new.name.as_str(),
                        new.description.as_str(),
                        SpaceKind::Community.as_str(),
                        new.visibility.as_str(),
                        new.join_policy.as_str(),
                        new.created_at
                    ],
                )
                .await?;
                c.execute(
                    "INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
                    args![id, new.owner, Role::Owner.as_str(), new.created_at],
                )
                .await?;
                let (title, body) =
                    space_text(new.name.as_str(), new.description.as_str(), new.slug.as_str());
                search::index(c, Doc::Space(id), &title, &body).await?;
                Ok(Space {
                    id: SpaceId(id),
                    slug: new.slug.as_str().to_owned(),
                    name: new.name,
                    description: new.description,
                    kind: SpaceKind::Community,
                    visibility: new.visibility,
                    join_policy: new.join_policy,
                    created_at: new.created_at,
                })
            })
        })
        .await
    }

    async fn space_by_slug(&self, slug: &str, viewer: Option<UserId>) -> Result<Option<SpaceView>> {
        let slug = slug.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {} FROM spaces s
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
                     WHERE s.slug = $2",
                    space_view_columns()
                );
                c.query_opt(&sql, args![viewer.map_or(0, |u| u.0), &slug])
                    .await?
                    .read(space_view)
            })
        })
        .await
    }

    async fn list_spaces(&self, viewer: Viewer, page: Page) -> Result<Vec<SpaceView>> {
        self.read(move |c| {
            Box::pin(async move {
                let seer = Seer::new(viewer, 0, Reader::ListSpaces);
                let mut q = Args::new();
                let sql = format!(
                    "SELECT {} FROM spaces s {}
                     WHERE s.kind = 'community' AND s.id > {} AND {}
                     ORDER BY s.id LIMIT {}",
                    space_view_columns(),
                    seer.membership(&mut q, "s"),
                    q.arg(page.after),
                    seer.sees_space(&mut q),
                    q.arg(i64::from(page.limit)),
                );
                c.query(&sql, q.list()).await?.read(space_view)
            })
        })
        .await
    }

    async fn spaces_of_member(
        &self,
        member: UserId,
        viewer: Viewer,
        page: Page,
    ) -> Result<Vec<SpaceView>> {
        self.read(move |c| {
            Box::pin(async move {
                // Whom a space has as members is for its readers to know.
                let seer = Seer::new(viewer, 0, Reader::SpacesOfMember);
                let mut q = Args::new();
                let sql = format!(
                    "SELECT {} FROM spaces s {}
                     JOIN memberships mm ON mm.space_id = s.id AND mm.user_id = {}
                     WHERE s.kind = 'community' AND mm.space_id > {} AND {}
                     ORDER BY mm.space_id LIMIT {}",
                    space_view_columns(),
                    seer.membership(&mut q, "s"),
                    q.arg(member),
                    q.arg(page.after),
                    seer.reads_space(&mut q),
                    q.arg(i64::from(page.limit)),
                );
                c.query(&sql, q.list()).await?.read(space_view)
            })
        })
        .await
    }

    async fn update_space(
        &self,
        id: SpaceId,
        patch: SpacePatch,
        audit: Option<NewAuditEvent>,
    ) -> Result<Space> {
        self.write(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "UPDATE spaces SET name = coalesce($2, name), description = coalesce($3, description),
                         visibility = coalesce($4, visibility), join_policy = coalesce($5, join_policy)
                     WHERE id = $1 RETURNING {}",
                    SPACE_COLUMNS.replace("s.", "")
                );
                let updated = c
                    .query_opt(
                        &sql,
                        args![
                            id,
                            patch.name.as_ref().map(|n| n.as_str()),
                            patch.description.as_ref().map(|d| d.as_str()),
                            patch.visibility.map(|v| v.as_str()),
                            patch.join_policy.map(|j| j.as_str())
                        ],
                    )
                    .await?
                    .ok_or(StoreError::NotFound)?
                    .read(space)?;
                if updated.kind == SpaceKind::Community {
                    let (title, body) = space_text(
                        updated.name.as_str(),
                        updated.description.as_str(),
                        &updated.slug,
                    );
                    search::index(c, Doc::Space(id.0), &title, &body).await?;
                }
                write_audit(c, &audit).await?;
                Ok(updated)
            })
        })
        .await
    }
}
