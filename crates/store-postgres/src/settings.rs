//! Site settings, stored as key/value rows.

use async_trait::async_trait;
use hearth_core::model::Registration;
use hearth_store::{NewAuditEvent, Result, SettingsStore, SiteSettings};

use crate::audit::write_audit;
use crate::error::map_err;
use crate::{PostgresStore, query};

#[async_trait]
impl SettingsStore for PostgresStore {
    async fn settings(&self) -> Result<SiteSettings> {
        let c = self.client().await?;
        let rows = query(&c, "SELECT key, value FROM settings", &[]).await?;
        let mut s = SiteSettings::default();
        for row in rows {
            let key: &str = row.get(0);
            let value: String = row.get(1);
            match key {
                "site_name" => s.site_name = value,
                "registration" => {
                    s.registration = Registration::parse(&value).unwrap_or(s.registration)
                }
                "guest_access" => s.guest_access = value == "true",
                "read_only" => s.read_only = value == "true",
                _ => {}
            }
        }
        Ok(s)
    }

    async fn save_settings(&self, s: SiteSettings, audit: Option<NewAuditEvent>) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let guest = if s.guest_access { "true" } else { "false" };
        let read_only = if s.read_only { "true" } else { "false" };
        for (key, value) in [
            ("site_name", s.site_name.as_str()),
            ("registration", s.registration.as_str()),
            ("guest_access", guest),
            ("read_only", read_only),
        ] {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )
            .await
            .map_err(map_err)?;
        }
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)
    }
}
