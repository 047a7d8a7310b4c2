//! `hearth admin …`: operator commands that need no web session.

use std::io::BufRead;
use std::sync::Arc;

use hearth_app::users::UserInput;
use hearth_app::{AppConfig, Ctx, SystemClock};

use crate::config::{FileConfig, Storage, StorageArgs};

/// Creates an account, reading its password from the first line of stdin.
pub async fn create_user(
    storage: &StorageArgs,
    file: &FileConfig,
    username: &str,
    email: &str,
    display_name: &str,
    admin: bool,
) -> Result<String, String> {
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let store = crate::storage::open(&Storage::resolve(storage, file))
        .await
        .map_err(|e| e.to_string())?;
    let ctx = Ctx::new(store, Arc::new(SystemClock), AppConfig::default())
        .map_err(|e| format!("cannot start the work threads: {e}"))?;
    let input = UserInput {
        username: username.into(),
        display_name: display_name.into(),
        email: email.into(),
        password,
    };
    let user = hearth_app::users::create_by_operator(&ctx, &input, admin)
        .await
        .map_err(|e| match e {
            hearth_app::AppError::Invalid(fields) => fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("\n"),
            other => other.to_string(),
        })?;
    Ok(format!(
        "created {} (id {}){}",
        user.username,
        user.id,
        if admin { " as administrator" } else { "" }
    ))
}
