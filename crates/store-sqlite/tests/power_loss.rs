//! Power loss and failing fsync under the SQLite store, simulated by
//! hearth-crash-vfs (this test binary routes every database through it).
//!
//! Every write the store acknowledged survives a power cut at any moment,
//! and the database verifies clean; the same test with `synchronous=OFF`
//! must catch lost writes, proof that it can fail. A failed fsync fails its
//! write, and writing resumes only on a reopened database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hearth_core::content::Title;
use hearth_core::ids::{TopicId, UserId};
use hearth_core::model::{JoinPolicy, TopicKind, Visibility};
use hearth_core::names::{Description, DisplayName, Email, Slug, SpaceName, Username};
use hearth_store::{
    NewReply, NewSpace, NewTopic, NewUser, ReplyStore, SpaceStore, StoreError, TopicStore,
    UserStore, VerifyStore,
};
use hearth_store_sqlite::{OpenOptions, SqliteStore, Synchronous};
use tokio::task::JoinSet;

struct Fixture {
    store: Arc<SqliteStore>,
    author: UserId,
    topic: TopicId,
}

async fn fixture(db: &Path, synchronous: Synchronous) -> Fixture {
    let options = OpenOptions {
        synchronous,
        ..OpenOptions::default()
    };
    let store = Arc::new(hearth_store_sqlite::open_with(db, options).await.unwrap());
    let user = store
        .create_user(NewUser {
            username: Username::parse("ada").unwrap(),
            display_name: DisplayName::parse("Ada").unwrap(),
            email: Email::parse("ada@example.org").unwrap(),
            password_hash: String::new(),
            is_admin: false,
            invite: None,
            only_first: false,
            created_at: 0,
        })
        .await
        .unwrap();
    let space = store
        .create_space(NewSpace {
            slug: Slug::parse("power").unwrap(),
            name: SpaceName::parse("Power").unwrap(),
            description: Description::parse("").unwrap(),
            visibility: Visibility::Public,
            join_policy: JoinPolicy::Open,
            owner: user.id,
            created_at: 0,
        })
        .await
        .unwrap();
    let topic = store
        .create_topic(NewTopic {
            space_id: space.id,
            author: user.id,
            kind: TopicKind::Discussion,
            title: Title::parse("Lights out").unwrap(),
            body_md: "Replies below.".into(),
            body_html: "<p>Replies below.</p>".into(),
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
        .unwrap();
    Fixture {
        store,
        author: user.id,
        topic: topic.id,
    }
}

impl Fixture {
    async fn reply(&self, body: &str) -> Result<(), StoreError> {
        self.store
            .create_reply(NewReply {
                topic_id: self.topic,
                author: self.author,
                parent: None,
                body_md: body.into(),
                body_html: format!("<p>{body}</p>"),
                mentions: Vec::new(),
                files: Vec::new(),
                idempotency_key: Some(body.into()),
                joins_space: false,
                created_at: 1,
            })
            .await
            .map(|_| ())
    }
}

/// The directory SQLite sees (the VFS tracks files by their full path).
fn real_dir(dir: &Path) -> PathBuf {
    dir.canonicalize().unwrap()
}

/// What a crash image holds: the problems `verify` finds, and how often
/// each reply body is there. `Err` if it does not open as a Hearth database.
async fn inspect(image: &Path) -> Result<(Vec<String>, Vec<(String, i64)>), String> {
    let store = hearth_store_sqlite::open(image.join("hearth.db"))
        .await
        .map_err(|e| e.to_string())?;
    let problems = store.verify().await.map_err(|e| e.to_string())?;
    drop(store);
    let conn = rusqlite::Connection::open(image.join("hearth.db")).map_err(|e| e.to_string())?;
    let mut counts = conn
        .prepare("SELECT body_md, count(*) FROM replies GROUP BY body_md")
        .map_err(|e| e.to_string())?;
    let counts = counts
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| e.to_string())?;
    Ok((problems, counts))
}

/// What one power cut showed: how many acknowledged replies were checked,
/// and which of them were lost.
struct Cut {
    checked: usize,
    lost: Vec<String>,
}

/// One power cut while eight writers post replies; `Err` says why the crash
/// image is unusable.
async fn cut_the_power(synchronous: Synchronous, seed: u64) -> Result<Cut, String> {
    let disk = hearth_crash_vfs::install();
    let dir = tempfile::tempdir().unwrap();
    let image = tempfile::tempdir().unwrap();
    let live = real_dir(dir.path());
    let f = Arc::new(fixture(&live.join("hearth.db"), synchronous).await);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let mut writers = JoinSet::new();
    for w in 0..8 {
        let (f, acked) = (Arc::clone(&f), Arc::clone(&acked));
        writers.spawn(async move {
            for i in 0.. {
                let body = format!("reply {w}-{i}");
                if f.reply(&body).await.is_err() {
                    return;
                }
                acked.lock().unwrap().push(body);
            }
        });
    }
    // Cut the power after a seed-dependent number of acknowledged writes,
    // while the writers are still going.
    let threshold = 20 + (seed * 37) % 200;
    while (acked.lock().unwrap().len() as u64) < threshold {
        tokio::task::yield_now().await;
    }
    let must_survive: Vec<String> = acked.lock().unwrap().clone();
    disk.crash_image(&live, image.path(), seed).unwrap();
    writers.abort_all();
    while writers.join_next().await.is_some() {}
    drop(f);

    let (problems, counts) = inspect(image.path()).await?;
    if !problems.is_empty() {
        return Err(format!("verify: {problems:?}"));
    }
    let mut lost = Vec::new();
    let checked = must_survive.len();
    for body in must_survive {
        match counts.iter().find(|(b, _)| *b == body) {
            Some((_, 1)) => {}
            Some((_, n)) => return Err(format!("{body} is there {n} times")),
            None => lost.push(body),
        }
    }
    Ok(Cut { checked, lost })
}

fn cycles() -> u64 {
    std::env::var("HEARTH_POWER_LOSS_CYCLES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(20)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_power_loss() {
    let mut checked = 0;
    for seed in 1..=cycles() {
        let cut = cut_the_power(Synchronous::Full, seed)
            .await
            .unwrap_or_else(|e| panic!("power cut {seed}: {e}"));
        assert!(
            cut.lost.is_empty(),
            "power cut {seed} lost acknowledged replies: {:?}",
            cut.lost
        );
        checked += cut.checked;
    }
    eprintln!(
        "power-loss test: {} power cuts, {checked} acknowledged replies checked, none lost or doubled",
        cycles()
    );
}

/// The negative control: without fsync, the same power cuts lose
/// acknowledged writes, and the test above would see it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_fsync_power_loss_is_caught_losing_writes() {
    let mut caught = 0;
    for seed in 1..=5 {
        match cut_the_power(Synchronous::Off, seed).await {
            Ok(cut) if cut.lost.is_empty() => {}
            _ => caught += 1,
        }
    }
    assert!(
        caught > 0,
        "synchronous=OFF lost nothing: the power-loss test has no teeth"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_fsync_fails_the_write_and_writing_resumes_on_a_reopened_database() {
    let disk = hearth_crash_vfs::install();
    let dir = tempfile::tempdir().unwrap();
    let image = tempfile::tempdir().unwrap();
    let live = real_dir(dir.path());
    let db = live.join("hearth.db");
    let f = fixture(&db, Synchronous::Full).await;
    for i in 0..20 {
        f.reply(&format!("before {i}")).await.unwrap();
    }

    let opens = disk.opens_of(&db);
    disk.fail_next_syncs(&live, 1);
    let failed = f.reply("the doomed reply").await;
    assert!(
        matches!(failed, Err(StoreError::Unavailable(_))),
        "a write whose fsync failed was answered {failed:?}"
    );
    for i in 0..20 {
        f.reply(&format!("after {i}")).await.unwrap();
    }
    assert!(
        disk.opens_of(&db) > opens,
        "writing resumed without reopening the database"
    );

    disk.crash_image(&live, image.path(), 7).unwrap();
    drop(f);
    let (problems, counts) = inspect(image.path()).await.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    for i in 0..20 {
        for body in [format!("before {i}"), format!("after {i}")] {
            assert!(
                counts.iter().any(|(b, n)| *b == body && *n == 1),
                "{body} was lost"
            );
        }
    }
    assert!(
        !counts.iter().any(|(b, _)| b == "the doomed reply"),
        "the reply whose write failed came back"
    );
}
