//! The directory of people, the profiles they keep and their pictures.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_core::names::{Slug, Username};
use hearth_core::search::name_key;
use hearth_store::verify::sha256_hex;
use hearth_store::{
    AvatarFile, AvatarSize, Conflict, NewAuditEvent, PeopleQuery, PeopleStore, Person,
    ProfileChange, ProfileDetails, Result, StoreError,
};

use crate::args;
use crate::audit::write_audit;
use crate::conn::{Conn, Engine};
use crate::rows::{PERSON_COLUMNS, person};
use crate::search::{self, Doc, person_text, profile_text};
use crate::store::SqlStore;
use crate::value::{Args, ReadRows};

/// The directory key of a person (see migration 0017).
pub(crate) fn person_key(display_name: &str, username: &str, d: &ProfileDetails) -> String {
    name_key(&[display_name, username, &d.title, &d.department, &d.location])
}

/// Deletes the blob `hash` unless an attachment or an avatar still uses it.
pub(crate) async fn delete_blob_if_unused(c: &mut dyn Conn, hash: &str) -> Result<()> {
    c.execute(
        "DELETE FROM blobs WHERE hash = $1
         AND NOT EXISTS (SELECT 1 FROM attachments WHERE blob_hash = $1)
         AND NOT EXISTS (SELECT 1 FROM users WHERE avatar_small = $1 OR avatar_large = $1)",
        args![hash],
    )
    .await?;
    Ok(())
}

#[async_trait]
impl<E: Engine> PeopleStore for SqlStore<E> {
    async fn person(&self, username: &Username) -> Result<Option<Person>> {
        let username = username.as_str().to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!("SELECT {PERSON_COLUMNS} FROM users u WHERE u.username = $1");
                c.query_opt(&sql, args![&username]).await?.read(person)
            })
        })
        .await
    }

    async fn people(&self, query: PeopleQuery) -> Result<Vec<Person>> {
        self.read(move |c| {
            Box::pin(async move {
                let mut q = Args::new();
                let mut sql = format!("SELECT {PERSON_COLUMNS} FROM users u");
                if let Some(space) = query.space {
                    sql.push_str(&format!(
                        " JOIN memberships pm ON pm.user_id = u.id AND pm.space_id = {}",
                        q.arg(space)
                    ));
                }
                let mut filters = Vec::new();
                if !query.any_status {
                    filters.push("u.status = 'active'".to_owned());
                }
                // Folded words hold letters and digits only: no wildcards.
                let patterns: Vec<String> = query
                    .words
                    .iter()
                    .map(|word| format!("% {word}%"))
                    .collect();
                for pattern in &patterns {
                    filters.push(format!("u.name_key LIKE {}", q.arg(pattern)));
                }
                if let Some(after) = query.after {
                    filters.push(format!(
                        "(lower(u.display_name), u.id) >
                         (SELECT lower(display_name), id FROM users WHERE id = {})",
                        q.arg(after)
                    ));
                }
                if !filters.is_empty() {
                    sql.push_str(" WHERE ");
                    sql.push_str(&filters.join(" AND "));
                }
                sql.push_str(&format!(
                    " ORDER BY lower(u.display_name), u.id LIMIT {}",
                    q.arg(i64::from(query.limit))
                ));
                c.query(&sql, q.list()).await?.read(person)
            })
        })
        .await
    }

    async fn update_profile(
        &self,
        id: UserId,
        change: ProfileChange,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let taken = c
                    .query_opt(
                        "SELECT 1 FROM users WHERE email = $1 AND id <> $2",
                        args![change.email.as_str(), id],
                    )
                    .await?;
                if taken.is_some() {
                    return Err(Conflict::EmailTaken.into());
                }
                let username: Option<String> = c
                    .query_opt("SELECT username FROM users WHERE id = $1", args![id])
                    .await?
                    .read(|r| r.get())?;
                let username = Username::from_trusted(username.ok_or(StoreError::NotFound)?);
                let username = username.as_str();
                let d = &change.details;
                let name = change.display_name.as_str();
                c.execute(
                    "UPDATE users SET display_name = $2, email = $3, title = $4, department = $5,
                            location = $6, about_md = $7, about_html = $8, show_email = $9,
                            name_key = $10
                     WHERE id = $1",
                    args![
                        id,
                        name,
                        change.email.as_str(),
                        &d.title,
                        &d.department,
                        &d.location,
                        &d.about_md,
                        &d.about_html,
                        d.show_email,
                        &person_key(name, username, d)
                    ],
                )
                .await?;
                crate::attachments::claim_profile_files(c, id, &change.about_files).await?;
                let personal = Slug::personal(&Username::from_trusted(username.to_owned()));
                c.execute(
                    "UPDATE spaces SET name = $2 WHERE slug = $1",
                    args![personal.as_str(), name],
                )
                .await?;
                let (title, body) = person_text(name, username, &profile_text(d));
                search::index(c, Doc::Person(id.0), &title, &body).await?;
                write_audit(c, &audit).await
            })
        })
        .await
    }

    async fn set_avatar(
        &self,
        id: UserId,
        files: Option<[Vec<u8>; 2]>,
        now: i64,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let before: Option<(Option<String>, Option<String>)> = c
                    .query_opt(
                        "SELECT avatar_small, avatar_large FROM users WHERE id = $1",
                        args![id],
                    )
                    .await?
                    .read(|r| Ok((r.get()?, r.get()?)))?;
                let (old_small, old_large) = before.ok_or(StoreError::NotFound)?;
                let mut hashes = [None, None];
                for (hash, data) in hashes.iter_mut().zip(files.iter().flatten()) {
                    let h = sha256_hex(data);
                    c.execute(
                        "INSERT INTO blobs (hash, size, data, created_at) VALUES ($1, $2, $3, $4)
                         ON CONFLICT (hash) DO NOTHING",
                        args![&h, data.len() as i64, data, now],
                    )
                    .await?;
                    *hash = Some(h);
                }
                let [small, large] = hashes;
                c.execute(
                    "UPDATE users SET avatar_small = $2, avatar_large = $3 WHERE id = $1",
                    args![id, small.as_ref(), large.as_ref()],
                )
                .await?;
                for old in [old_small, old_large].iter().flatten() {
                    delete_blob_if_unused(c, old).await?;
                }
                write_audit(c, &audit).await
            })
        })
        .await
    }

    async fn avatar(&self, id: UserId, size: AvatarSize) -> Result<Option<AvatarFile>> {
        let column = match size {
            AvatarSize::Small => "avatar_small",
            AvatarSize::Large => "avatar_large",
        };
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT b.hash, b.data FROM users u JOIN blobs b ON b.hash = u.{column}
                     WHERE u.id = $1"
                );
                c.query_opt(&sql, args![id]).await?.read(|r| {
                    Ok(AvatarFile {
                        hash: r.get()?,
                        bytes: r.get()?,
                    })
                })
            })
        })
        .await
    }
}
