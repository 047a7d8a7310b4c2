//! Site settings, stored as key/value rows.

use async_trait::async_trait;
use hearth_core::model::Registration;
use hearth_store::{NewAuditEvent, Result, SettingsStore, SiteSettings};

use crate::args;
use crate::audit::write_audit;
use crate::conn::Engine;
use crate::store::SqlStore;
use crate::value::ReadRows;

#[async_trait]
impl<E: Engine> SettingsStore for SqlStore<E> {
    async fn settings(&self) -> Result<SiteSettings> {
        self.read(|c| {
            Box::pin(async move {
                let pairs: Vec<(String, String)> = c
                    .query("SELECT key, value FROM settings", &[])
                    .await?
                    .read(|r| Ok((r.get()?, r.get()?)))?;
                let mut s = SiteSettings::default();
                for (key, value) in pairs {
                    match key.as_str() {
                        "site_name" => s.site_name = value,
                        "registration" => {
                            s.registration = Registration::parse(&value).unwrap_or(s.registration)
                        }
                        "guest_access" => s.guest_access = value == "true",
                        "read_only" => s.read_only = value == "true",
                        "time_zone" => s.time_zone = value,
                        _ => {}
                    }
                }
                Ok(s)
            })
        })
        .await
    }

    async fn save_settings(&self, s: SiteSettings, audit: Option<NewAuditEvent>) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let flag = |b: bool| if b { "true" } else { "false" };
                for (key, value) in [
                    ("site_name", s.site_name.as_str()),
                    ("registration", s.registration.as_str()),
                    ("guest_access", flag(s.guest_access)),
                    ("read_only", flag(s.read_only)),
                    ("time_zone", s.time_zone.as_str()),
                ] {
                    c.execute(
                        "INSERT INTO settings (key, value) VALUES ($1, $2)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        args![key, value],
                    )
                    .await?;
                }
                write_audit(c, &audit).await
            })
        })
        .await
    }
}
