//! Site settings, stored as key/value rows.

use async_trait::async_trait;
use hearth_core::model::Registration;
use hearth_store::{NewAuditEvent, Result, SettingsStore, SiteSettings};

use crate::SqliteStore;
use crate::audit::write_audit;

#[async_trait]
impl SettingsStore for SqliteStore {
    async fn settings(&self) -> Result<SiteSettings> {
        self.db
            .read(|c| {
                let mut stmt = c.prepare_cached("SELECT key, value FROM settings")?;
                let pairs = stmt
                    .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let mut s = SiteSettings::default();
                for (key, value) in pairs {
                    match key.as_str() {
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
            })
            .await
    }

    async fn save_settings(&self, s: SiteSettings, audit: Option<NewAuditEvent>) -> Result<()> {
        self.db
            .write(move |c| {
                let mut stmt = c.prepare_cached(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )?;
                stmt.execute(("site_name", &s.site_name))?;
                stmt.execute(("registration", s.registration.as_str()))?;
                let flag = |b: bool| if b { "true" } else { "false" };
                stmt.execute(("guest_access", flag(s.guest_access)))?;
                stmt.execute(("read_only", flag(s.read_only)))?;
                write_audit(c, &audit)
            })
            .await
    }
}
