//! `hearth bench-writes`: durable replies per second on SQLite, with group
//! commit and without it (one transaction, one fsync, per write).

use std::sync::Arc;
use std::time::Instant;

use hearth_core::content::Title;
use hearth_core::ids::UserId;
use hearth_core::model::{JoinPolicy, TopicKind, Visibility};
use hearth_core::names::{Description, DisplayName, Email, Slug, SpaceName, Username};
use hearth_store::{NewReply, NewSpace, NewTopic, NewUser, Store};
use tokio::task::JoinSet;

/// What to measure.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchWritesArgs {
    /// Replies written in each mode
    #[arg(long, default_value_t = 5000)]
    pub replies: u32,
    /// Writes in flight at once (as from that many clients)
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
}

fn invalid(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Durable replies per second into a fresh store in `dir`.
async fn measure(
    dir: &std::path::Path,
    max_group: usize,
    args: &BenchWritesArgs,
) -> Result<f64, String> {
    let store: Arc<dyn Store> = Arc::new(
        hearth_store_sqlite::open_with(
            dir.join("hearth.db"),
            hearth_store_sqlite::OpenOptions {
                max_group,
                ..Default::default()
            },
        )
        .await
        .map_err(invalid)?,
    );
    let user = store
        .create_user(NewUser {
            username: Username::parse("bench").map_err(invalid)?,
            display_name: DisplayName::parse("Bench").map_err(invalid)?,
            email: Email::parse("bench@example.org").map_err(invalid)?,
            password_hash: String::new(),
            is_admin: false,
            invite: None,
            only_first: false,
            created_at: 0,
        })
        .await
        .map_err(invalid)?;
    let space = store
        .create_space(NewSpace {
            slug: Slug::parse("bench").map_err(invalid)?,
            name: SpaceName::parse("Bench").map_err(invalid)?,
            description: Description::parse("").map_err(invalid)?,
            visibility: Visibility::Public,
            join_policy: JoinPolicy::Open,
            owner: user.id,
            created_at: 0,
        })
        .await
        .map_err(invalid)?;
    let body =
        "A reply of a realistic length, with **some** Markdown and a [link](https://example.org).";
    let html = hearth_core::markdown::render(body);
    let topic = store
        .create_topic(NewTopic {
            space_id: space.id,
            author: user.id,
            kind: TopicKind::Discussion,
            title: Title::parse("Bench").map_err(invalid)?,
            body_md: body.into(),
            body_html: html.clone(),
            tags: Vec::new(),
            mentions: Vec::new(),
            files: Vec::new(),
            draft: false,
            publish_at: None,
            idempotency_key: None,
            joins_space: false,
            created_at: 0,
        })
        .await
        .map_err(invalid)?;
    let started = Instant::now();
    let mut jobs: JoinSet<hearth_store::Result<hearth_store::Reply>> = JoinSet::new();
    for i in 0..args.replies {
        while jobs.len() >= args.concurrency {
            jobs.join_next()
                .await
                .ok_or("no job")?
                .map_err(invalid)?
                .map_err(invalid)?;
        }
        let store = Arc::clone(&store);
        let reply = NewReply {
            topic_id: topic.id,
            author: UserId(user.id.0),
            parent: None,
            body_md: body.into(),
            body_html: html.clone(),
            mentions: Vec::new(),
            files: Vec::new(),
            idempotency_key: Some(format!("bench-{i}")),
            joins_space: false,
            created_at: i64::from(i),
        };
        jobs.spawn(async move { store.create_reply(reply).await });
    }
    while let Some(done) = jobs.join_next().await {
        done.map_err(invalid)?.map_err(invalid)?;
    }
    Ok(f64::from(args.replies) / started.elapsed().as_secs_f64())
}

/// Measures both modes and returns the report.
pub async fn run(args: &BenchWritesArgs) -> Result<String, String> {
    let grouped_dir = tempdir("grouped")?;
    let single_dir = tempdir("single")?;
    let grouped = measure(&grouped_dir, 512, args).await;
    let single = measure(&single_dir, 1, args).await;
    let _ = std::fs::remove_dir_all(&grouped_dir);
    let _ = std::fs::remove_dir_all(&single_dir);
    let (grouped, single) = (grouped?, single?);
    Ok(format!(
        "durable replies/s on SQLite (synchronous=FULL, {} replies, {} in flight)\n\
         group commit      {grouped:>10.0}   target >= 2000\n\
         one per write     {single:>10.0}\n\
         ratio             {:>10.1}x",
        args.replies,
        args.concurrency,
        grouped / single
    ))
}

fn tempdir(name: &str) -> Result<std::path::PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("hearth-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(invalid)?;
    Ok(dir)
}
