//! `hearth bench-mail`: what mail costs a durable reply (replies/s when
//! the topic's author is mailed of each reply, against when they are not),
//! and mails/s the outbox delivers to an SMTP server.

use std::sync::Arc;
use std::time::Instant;

use hearth_app::outbox::{self, Smtp};
use hearth_app::{AppConfig, Ctx, SystemClock};
use hearth_core::content::Title;
use hearth_core::ids::TopicId;
use hearth_core::model::{JoinPolicy, TopicKind, Visibility};
use hearth_core::names::{Description, DisplayName, Email, Slug, SpaceName, Username};
use hearth_store::{
    MailMode, NewReply, NewSpace, NewTopic, NewUser, NotificationKind, Store, User,
};
use tokio::task::JoinSet;

/// What to measure.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchMailArgs {
    /// The SMTP server to deliver to (a local sink)
    #[arg(long, value_name = "URL")]
    pub smtp_url: String,
    /// Replies written in each mode, and so mails delivered
    #[arg(long, default_value_t = 5000)]
    pub replies: u32,
    /// Writes in flight at once (as from that many clients)
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
}

fn invalid(e: impl std::fmt::Display) -> String {
    e.to_string()
}

async fn person(store: &dyn Store, name: &str) -> Result<User, String> {
    store
        .create_user(NewUser {
            username: Username::parse(name).map_err(invalid)?,
            display_name: DisplayName::parse(name).map_err(invalid)?,
            email: Email::parse(&format!("{name}@example.org")).map_err(invalid)?,
            password_hash: String::new(),
            is_admin: false,
            invite: None,
            only_first: false,
            created_at: 0,
        })
        .await
        .map_err(invalid)
}

/// A store in `dir` with a topic by `author`, whom replies by `writer`
/// notify, mailing them as `mode` says.
async fn store_with_topic(
    dir: &std::path::Path,
    mode: MailMode,
) -> Result<(Arc<dyn Store>, TopicId, User), String> {
    let store = crate::storage::open(&crate::config::Storage::Sqlite(dir.to_owned()))
        .await
        .map_err(invalid)?;
    let author = person(store.as_ref(), "author").await?;
    let writer = person(store.as_ref(), "writer").await?;
    let space = store
        .create_space(NewSpace {
            slug: Slug::parse("bench").map_err(invalid)?,
            name: SpaceName::parse("Bench").map_err(invalid)?,
            description: Description::parse("").map_err(invalid)?,
            visibility: Visibility::Public,
            join_policy: JoinPolicy::Open,
            owner: author.id,
            created_at: 0,
        })
        .await
        .map_err(invalid)?;
    let topic = store
        .create_topic(NewTopic {
            space_id: space.id,
            author: author.id,
            kind: TopicKind::Discussion,
            title: Title::parse("Bench").map_err(invalid)?,
            body_md: "Replies, please.".into(),
            body_html: "<p>Replies, please.</p>".into(),
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
    store
        .set_mail_preferences(author.id, vec![(NotificationKind::ReplyToTopic, mode)])
        .await
        .map_err(invalid)?;
    Ok((store, topic.id, writer))
}

/// Durable replies per second by `writer` on `topic`.
async fn replies_per_second(
    store: &Arc<dyn Store>,
    topic: TopicId,
    writer: &User,
    args: &BenchMailArgs,
) -> Result<f64, String> {
    let body = "A reply of a realistic length, with **some** Markdown.";
    let html = hearth_core::markdown::render(body);
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
        let store = Arc::clone(store);
        let reply = NewReply {
            topic_id: topic,
            author: writer.id,
            parent: None,
            body_md: body.into(),
            body_html: html.clone(),
            mentions: Vec::new(),
            files: Vec::new(),
            idempotency_key: None,
            joins_space: false,
            created_at: 1 + i64::from(i),
        };
        jobs.spawn(async move { store.create_reply(reply).await });
    }
    while let Some(done) = jobs.join_next().await {
        done.map_err(invalid)?.map_err(invalid)?;
    }
    Ok(f64::from(args.replies) / started.elapsed().as_secs_f64())
}

/// Measures and returns the report.
pub async fn run(args: &BenchMailArgs) -> Result<String, String> {
    let smtp = Smtp::new(&args.smtp_url, None)?;
    let quiet_dir = tempdir("no-mail")?;
    let mailed_dir = tempdir("mail")?;
    let result = async {
        let (store, topic, writer) = store_with_topic(&quiet_dir, MailMode::Never).await?;
        let quiet = replies_per_second(&store, topic, &writer, args).await?;
        drop(store);
        let (store, topic, writer) = store_with_topic(&mailed_dir, MailMode::Immediately).await?;
        let mailed = replies_per_second(&store, topic, &writer, args).await?;
        let queued = store.mail_counts().await.map_err(invalid)?.queued;
        let ctx = Ctx::new(store, Arc::new(SystemClock), AppConfig::default()).map_err(invalid)?;
        let started = Instant::now();
        let (_keep_going, go_on) = tokio::sync::watch::channel(false);
        let round = outbox::deliver_all_due(&ctx, &smtp, "bench", &go_on)
            .await
            .map_err(invalid)?;
        let sent = round.sent;
        let per_second = sent as f64 / started.elapsed().as_secs_f64();
        if sent as i64 != queued {
            return Err(format!("{queued} mails queued, {sent} sent"));
        }
        Ok(format!(
            "durable replies/s on SQLite ({} replies, {} in flight), each notifying the topic's author\n\
             author not mailed        {quiet:>10.0}\n\
             author mailed (enqueued) {mailed:>10.0}   ratio {:.2}\n\
             mail delivered over SMTP {per_second:>10.0} mails/s ({sent} mails)   target >= 500",
            args.replies,
            args.concurrency,
            mailed / quiet
        ))
    }
    .await;
    let _ = std::fs::remove_dir_all(&quiet_dir);
    let _ = std::fs::remove_dir_all(&mailed_dir);
    result
}

fn tempdir(name: &str) -> Result<std::path::PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("hearth-bench-mail-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(invalid)?;
    Ok(dir)
}
