//! Spaces. Lists apply the visibility rule of `hearth_core::permissions::can_see`
//! in SQL: secret spaces only for members and admins, guests only public ones.

use async_trait::async_trait;
use hearth_core::ids::{SpaceId, UserId};
use hearth_core::model::{Role, SpaceKind};
use hearth_core::permissions::Viewer;
use hearth_store::{
    NewAuditEvent, NewSpace, Page, Result, Space, SpacePatch, SpaceStore, SpaceView, StoreError,
};

use crate::audit::write_audit;
use crate::error::map_err;
use crate::rows::{self, SPACE_COLUMNS};
use crate::{PostgresStore, query};

/// Selects a space, the viewer's role ($1 is the viewer's id, 0 for guests)
/// and its member count.
fn select_view() -> String {
    format!(
        "SELECT {SPACE_COLUMNS}, m.role,
                s.member_count
         FROM spaces s LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1"
    )
}

/// The visibility filter: $2 is true for admins, $3 true for guests.
const VISIBLE: &str = "($2 OR s.visibility <> 'secret' OR m.user_id IS NOT NULL)
     AND (NOT $3 OR s.visibility = 'public')";

/// The reading filter, for what only readers of a space may learn (who its
/// members are): public spaces, or the viewer's own, or any for admins.
const READABLE: &str = "($2 OR s.visibility = 'public' OR m.user_id IS NOT NULL)
     AND (NOT $3 OR s.visibility = 'public')";

fn viewer_params(viewer: Viewer) -> (i64, bool, bool) {
    (
        viewer.user_id().map_or(0, |u| u.0),
        viewer.is_admin(),
        viewer.user_id().is_none(),
    )
}

#[async_trait]
impl SpaceStore for PostgresStore {
    async fn create_space(&self, new: NewSpace) -> Result<Space> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO spaces (slug, name, description, kind, visibility, join_policy, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &new.slug.as_str(),
                    &new.name.as_str(),
                    &new.description.as_str(),
                    &SpaceKind::Community.as_str(),
                    &new.visibility.as_str(),
                    &new.join_policy.as_str(),
                    &new.created_at,
                ],
            )
            .await
            .map_err(map_err)?
            .get(0);
        tx.execute(
            "INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
            &[&id, &new.owner.0, &Role::Owner.as_str(), &new.created_at],
        )
        .await
        .map_err(map_err)?;
        tx.execute("UPDATE spaces SET member_count = 1 WHERE id = $1", &[&id])
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
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
    }

    async fn space_by_slug(&self, slug: &str, viewer: Option<UserId>) -> Result<Option<SpaceView>> {
        let c = self.client().await?;
        let viewer = viewer.map_or(0, |u| u.0);
        let sql = format!("{} WHERE s.slug = $2", select_view());
        let rows = query(&c, &sql, &[&viewer, &slug]).await?;
        Ok(rows.first().map(rows::space_view).transpose()?)
    }

    async fn list_spaces(&self, viewer: Viewer, page: Page) -> Result<Vec<SpaceView>> {
        let (user, admin, guest) = viewer_params(viewer);
        let c = self.client().await?;
        let sql = format!(
            "{} WHERE s.kind = 'community' AND s.id > $4 AND {VISIBLE} ORDER BY s.id LIMIT $5",
            select_view()
        );
        let rows = query(
            &c,
            &sql,
            &[&user, &admin, &guest, &page.after, &i64::from(page.limit)],
        )
        .await?;
        Ok(rows::all(&rows, rows::space_view)?)
    }

    async fn spaces_of_member(
        &self,
        member: UserId,
        viewer: Viewer,
        page: Page,
    ) -> Result<Vec<SpaceView>> {
        let (user, admin, guest) = viewer_params(viewer);
        let c = self.client().await?;
        let sql = format!(
            "{} JOIN memberships mm ON mm.space_id = s.id AND mm.user_id = $6
             WHERE s.kind = 'community' AND mm.space_id > $4 AND {READABLE}
                     ORDER BY mm.space_id LIMIT $5",
            select_view()
        );
        let rows = query(
            &c,
            &sql,
            &[
                &user,
                &admin,
                &guest,
                &page.after,
                &i64::from(page.limit),
                &member.0,
            ],
        )
        .await?;
        Ok(rows::all(&rows, rows::space_view)?)
    }

    async fn update_space(
        &self,
        id: SpaceId,
        patch: SpacePatch,
        audit: Option<NewAuditEvent>,
    ) -> Result<Space> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let sql = format!(
            "UPDATE spaces s SET name = coalesce($2, name), description = coalesce($3, description),
                 visibility = coalesce($4, visibility), join_policy = coalesce($5, join_policy)
             WHERE id = $1 RETURNING {SPACE_COLUMNS}"
        );
        let rows = tx
            .query(
                &sql,
                &[
                    &id.0,
                    &patch.name.as_ref().map(|n| n.as_str()),
                    &patch.description.as_ref().map(|d| d.as_str()),
                    &patch.visibility.map(|v| v.as_str()),
                    &patch.join_policy.map(|j| j.as_str()),
                ],
            )
            .await
            .map_err(map_err)?;
        let row = rows.first().ok_or(StoreError::NotFound)?;
        let space = rows::space(row, 0)?;
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(space)
    }
}
