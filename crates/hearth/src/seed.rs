//! `hearth seed`: fills an empty store with a realistic, deterministic
//! dataset for benchmarks and demonstrations: long-tailed space sizes and
//! thread lengths, private and secret spaces, Markdown bodies with mentions
//! and tags, likes, one 50-reply discussion to benchmark reading (/t/1) and
//! one topic with 1,000 followers to benchmark replying (/t/2).

use std::sync::Arc;
use std::time::Instant;

use hearth_app::passwords;
use hearth_core::content::{Tag, Title};
use hearth_core::ids::{ReplyId, SpaceId, TopicId, UserId};
use hearth_core::markdown;
use hearth_core::model::{JoinPolicy, Role, TopicKind, Visibility};
use hearth_core::names::{Description, DisplayName, Email, Slug, SpaceName, Username};
use hearth_store::{
    FollowTarget, NewReply, NewSpace, NewTopic, NewUser, ProfileChange, ProfileDetails,
    ReactionTarget, Store, Telling,
};
use tokio::task::JoinSet;

/// What to generate.
#[derive(Debug, Clone, clap::Args)]
pub struct SeedArgs {
    #[command(flatten)]
    pub storage: crate::config::StorageArgs,
    /// Accounts to create
    #[arg(long, default_value_t = 1000)]
    pub users: u32,
    /// Community spaces to create
    #[arg(long, default_value_t = 100)]
    pub spaces: u32,
    /// Replies to create (topics: one per twenty replies)
    #[arg(long, default_value_t = 100_000)]
    pub replies: u32,
    /// Random seed; the same seed gives the same data
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// The password of every seeded account.
pub const PASSWORD: &str = "hearth seed password";

/// SplitMix64: small, fast, and deterministic across platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// In [0, n), most often near 0: a long tail.
    fn skewed(&mut self, n: usize) -> usize {
        ((self.unit().powi(3) * n as f64) as usize).min(n.saturating_sub(1))
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "release",
    "storage",
    "review",
    "customer",
    "incident",
    "design",
    "budget",
    "roadmap",
    "search",
    "latency",
    "onboarding",
    "backup",
    "meeting",
    "draft",
    "policy",
    "migration",
    "feedback",
    "launch",
    "office",
    "hiring",
    "security",
    "report",
    "metrics",
    "documentation",
    "support",
    "team",
    "quarter",
];

/// What seeded people are called, do and where: the directory and its
/// searches see realistic variety.
const FIRST_NAMES: &[&str] = &[
    "Ana", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Greta", "Hiro", "Inés", "Jonas", "Kemi",
    "Lars", "Maya", "Noor", "Olek", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera",
    "Wen", "Yusuf",
];
const LAST_NAMES: &[&str] = &[
    "Lima", "Novak", "Okafor", "Schmidt", "Tanaka", "Müller", "Rossi", "Kowalski", "García",
    "Ivanova", "Haddad", "Nakamura", "Larsen", "Dubois", "Costa", "Singh",
];
const TITLES: &[&str] = &[
    "Software engineer",
    "Product manager",
    "Designer",
    "Site reliability engineer",
    "Accountant",
    "Recruiter",
    "Support specialist",
    "Data analyst",
];
const DEPARTMENTS: &[&str] = &[
    "Platform", "Growth", "Finance", "People", "Support", "Research", "Sales", "Legal",
];
const CITIES: &[&str] = &[
    "Lisboa",
    "Berlin",
    "Tōkyō",
    "Lagos",
    "Montréal",
    "Kraków",
    "Austin",
    "Pune",
];

/// Syllables of the made-up words that give the text a long tail, as real
/// writing has: most words are rare, so that a search finds a few pages of
/// results rather than half of everything.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qui", "dor", "fen", "gal", "hib",
    "jul",
];

/// How many made-up words there are: `rare_word(0)` … `rare_word(RARE_WORDS - 1)`.
pub const RARE_WORDS: usize = SYLLABLES.len() * SYLLABLES.len() * SYLLABLES.len();

/// The made-up word numbered `n` (three syllables), the same on every run.
pub fn rare_word(n: usize) -> String {
    let s = SYLLABLES.len();
    [n / (s * s) % s, n / s % s, n % s]
        .iter()
        .map(|&i| SYLLABLES[i])
        .collect()
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let s: Vec<String> = (0..words)
        .map(|_| {
            // One word in four from the long tail, the rarer the less often.
            if rng.below(4) == 0 {
                rare_word(rng.skewed(RARE_WORDS))
            } else {
                WORDS[rng.below(WORDS.len())].to_owned()
            }
        })
        .collect();
    let mut text = s.join(" ");
    if let Some(c) = text.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    text.push('.');
    text
}

/// A Markdown body of a realistic length, rendered once.
fn body(rng: &mut Rng, users: u32) -> (String, String) {
    let paragraphs = 1 + rng.skewed(5);
    let mut md = String::new();
    for p in 0..paragraphs {
        if p > 0 {
            md.push_str("\n\n");
        }
        let sentences = 1 + rng.below(4);
        for _ in 0..sentences {
            let words = 6 + rng.below(12);
            md.push_str(&sentence(rng, words));
            md.push(' ');
        }
    }
    if rng.unit() < 0.2 {
        md.push_str(&format!("\n\nThanks @user{}!", rng.below(users as usize)));
    }
    if rng.unit() < 0.15 {
        md.push_str("\n\n- first point\n- **second** point\n- `third` point");
    }
    let html = markdown::render(&md);
    (md, html)
}

fn invalid(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Fills `store`, printing progress to stderr; returns a summary.
pub async fn run(store: Arc<dyn Store>, args: &SeedArgs) -> Result<String, String> {
    let started = Instant::now();
    let mut rng = Rng(args.seed);
    // Profiles draw from a sequence of their own, so that the rest of the
    // data is what the same seed always gave.
    let mut people = Rng(args.seed ^ 0x5eed_0f9e_091e);
    let now = 1_767_225_600_000i64;
    let password_hash = passwords::hash_now(PASSWORD, false).map_err(invalid)?;

    let mut users: Vec<UserId> = Vec::with_capacity(args.users as usize);
    let mut jobs = JoinSet::new();
    for i in 0..args.users {
        let store = Arc::clone(&store);
        let name = if i == 0 {
            "bench".to_owned()
        } else {
            format!("user{i}")
        };
        let n = i as usize;
        let shown = format!(
            "{} {}",
            FIRST_NAMES[n % FIRST_NAMES.len()],
            LAST_NAMES[n / FIRST_NAMES.len() % LAST_NAMES.len()]
        );
        let details = ProfileDetails {
            title: TITLES[people.below(TITLES.len())].to_owned(),
            department: DEPARTMENTS[people.below(DEPARTMENTS.len())].to_owned(),
            location: CITIES[people.below(CITIES.len())].to_owned(),
            ..ProfileDetails::default()
        };
        let user = NewUser {
            username: Username::parse(&name).map_err(invalid)?,
            display_name: DisplayName::parse(&shown).map_err(invalid)?,
            email: Email::parse(&format!("{name}@example.org")).map_err(invalid)?,
            password_hash: password_hash.clone(),
            is_admin: i == 0,
            invite: None,
            only_first: false,
            created_at: now,
        };
        jobs.spawn(async move {
            let user = store.create_user(user).await?;
            let profile = ProfileChange {
                display_name: user.display_name.clone(),
                email: user.email.clone(),
                details,
                about_files: Vec::new(),
            };
            store.update_profile(user.id, profile, None).await?;
            Ok(user)
        });
        if jobs.len() >= 256 {
            drain(&mut jobs, &mut users).await?;
        }
    }
    while !jobs.is_empty() {
        drain(&mut jobs, &mut users).await?;
    }
    users.sort();
    eprintln!(
        "seed: {} users ({:.1}s)",
        users.len(),
        started.elapsed().as_secs_f64()
    );

    let mut spaces: Vec<SpaceId> = Vec::new();
    for i in 0..args.spaces {
        let visibility = match i % 20 {
            0 => Visibility::Secret,
            1..=3 => Visibility::Private,
            _ => Visibility::Public,
        };
        let owner = users[rng.below(users.len())];
        let slug = if i == 0 {
            "bench".to_owned()
        } else {
            format!("space-{i}")
        };
        let space = store
            .create_space(NewSpace {
                slug: Slug::parse(&slug).map_err(invalid)?,
                name: SpaceName::parse(&format!("Space {i}: {}", WORDS[i as usize % WORDS.len()]))
                    .map_err(invalid)?,
                description: Description::parse(&sentence(&mut rng, 12)).map_err(invalid)?,
                visibility: if i == 0 {
                    Visibility::Public
                } else {
                    visibility
                },
                join_policy: JoinPolicy::Open,
                owner,
                created_at: now,
            })
            .await
            .map_err(invalid)?;
        // Long-tailed membership: a few large spaces, many small ones; the
        // bench user belongs everywhere.
        let members = 2 + rng.skewed(users.len().min(2000));
        let mut wanted: Vec<UserId> = (0..members)
            .map(|_| users[rng.below(users.len())])
            .collect();
        wanted.push(users[0]);
        wanted.sort();
        wanted.dedup();
        wanted.retain(|u| *u != owner);
        store
            .add_members(space.id, wanted, Role::Member, now)
            .await
            .map_err(invalid)?;
        spaces.push(space.id);
    }
    eprintln!(
        "seed: {} spaces ({:.1}s)",
        spaces.len(),
        started.elapsed().as_secs_f64()
    );

    let bodies: Vec<(String, String)> = (0..500).map(|_| body(&mut rng, args.users)).collect();
    let topic_count = (args.replies / 20).max(1) as usize;
    // Topic t is the same on every run; only the order of their ids varies.
    let mut topics: Vec<TopicId> = vec![TopicId(0); topic_count];
    let mut writes = JoinSet::new();
    let kinds = [
        TopicKind::Discussion,
        TopicKind::Discussion,
        TopicKind::Question,
        TopicKind::Post,
        TopicKind::Document,
    ];
    for t in 0..topic_count {
        let space = if t == 0 {
            spaces[0]
        } else {
            spaces[rng.skewed(spaces.len())]
        };
        let (md, html) = bodies[rng.below(bodies.len())].clone();
        let tags = vec![Tag::parse(WORDS[rng.below(WORDS.len())]).map_err(invalid)?];
        let words = 4 + rng.below(6);
        let title = if t == 0 {
            "The benchmark discussion".to_owned()
        } else {
            sentence(&mut rng, words)
        };
        let topic = NewTopic {
            space_id: space,
            author: users[rng.skewed(users.len())],
            kind: if t == 0 {
                TopicKind::Discussion
            } else {
                kinds[rng.below(kinds.len())]
            },
            title: Title::parse(&title).map_err(invalid)?,
            body_md: md,
            body_html: html,
            tags,
            mentions: Vec::new(),
            files: Vec::new(),
            draft: false,
            publish_at: None,
            idempotency_key: None,
            joins_space: false,
            created_at: now + t as i64,
        };
        if t == 0 {
            // The benchmark discussion is /t/1 and the writes topic /t/2:
            // written before the others.
            topics[0] = store.create_topic(topic).await.map_err(invalid)?.id;
            writes_topic(&store, spaces[0], &users, now).await?;
            continue;
        }
        let store = Arc::clone(&store);
        writes.spawn(async move { (t, store.create_topic(topic).await) });
        while writes.len() >= 64 {
            if let Some(done) = writes.join_next().await {
                let (t, topic) = done.map_err(invalid)?;
                topics[t] = topic.map_err(invalid)?.id;
            }
        }
    }
    while let Some(done) = writes.join_next().await {
        let (t, topic) = done.map_err(invalid)?;
        topics[t] = topic.map_err(invalid)?.id;
    }
    eprintln!(
        "seed: {} topics ({:.1}s)",
        topics.len(),
        started.elapsed().as_secs_f64()
    );

    // The benchmark topic gets exactly 50 replies; the rest spread with a
    // long tail. Replies are written in batches of one transaction each, a
    // few batches at once, each ordered by topic so that their topic locks
    // cannot cross; a reply answers one written in an earlier batch.
    let mut last_reply: Vec<Option<ReplyId>> = vec![None; topics.len()];
    let mut batches: JoinSet<Result<Vec<(usize, ReplyId)>, String>> = JoinSet::new();
    let mut batch: Vec<(usize, NewReply, Option<UserId>)> = Vec::with_capacity(REPLY_BATCH);
    let mut written = 0u32;
    for i in 0..args.replies {
        let t = if i < 50 {
            0
        } else {
            1 + rng.skewed(topics.len().saturating_sub(1).max(1))
        }
        .min(topics.len() - 1);
        let parent = if rng.unit() < 0.3 {
            last_reply[t]
        } else {
            None
        };
        let (md, html) = bodies[rng.below(bodies.len())].clone();
        let like = rng.unit() < 0.1;
        let reply = NewReply {
            topic_id: topics[t],
            author: users[rng.skewed(users.len())],
            parent,
            body_md: md,
            body_html: html,
            mentions: Vec::new(),
            files: Vec::new(),
            idempotency_key: None,
            joins_space: false,
            created_at: now + 1_000 + i as i64,
        };
        let liker = users[rng.below(users.len())];
        batch.push((t, reply, like.then_some(liker)));
        if batch.len() == REPLY_BATCH || i + 1 == args.replies {
            let store = Arc::clone(&store);
            let mut full = std::mem::take(&mut batch);
            full.sort_by_key(|(t, _, _)| *t);
            // The older replies are the site's history, as if imported: only
            // the newest tenth notifies their people, as a site in use would
            // have.
            let telling = if i >= args.replies - args.replies / 10 {
                Telling::Everyone
            } else {
                Telling::Nobody
            };
            batches.spawn(async move { write_batch(&*store, full, telling, now).await });
            while batches.len() >= BATCHES_AT_ONCE {
                written += finish_batch(&mut batches, &mut last_reply).await?;
            }
        }
        if i > 0 && i % 100_000 == 0 {
            eprintln!(
                "seed: {i} replies ({:.1}s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    while !batches.is_empty() {
        written += finish_batch(&mut batches, &mut last_reply).await?;
    }
    Ok(format!(
        "seeded {} users, {} spaces, {} topics, {written} replies in {:.1}s; sign in as bench / {PASSWORD:?}; benchmark topic /t/{}",
        users.len(),
        spaces.len(),
        topics.len(),
        started.elapsed().as_secs_f64(),
        topics[0]
    ))
}

/// Who follow the topic the benchmark replies to.
const WRITES_FOLLOWERS: usize = 1_000;

/// The topic the benchmark replies to: by someone other than the benchmark
/// user, followed by up to [`WRITES_FOLLOWERS`] members.
async fn writes_topic(
    store: &Arc<dyn Store>,
    space: SpaceId,
    users: &[UserId],
    now: i64,
) -> Result<(), String> {
    let author = users[1 % users.len()];
    let topic = NewTopic {
        space_id: space,
        author,
        kind: TopicKind::Discussion,
        title: Title::parse("Benchmark writes").map_err(invalid)?,
        body_md: "Replies land here.".to_owned(),
        body_html: markdown::render("Replies land here."),
        tags: Vec::new(),
        mentions: Vec::new(),
        files: Vec::new(),
        draft: false,
        publish_at: None,
        idempotency_key: None,
        joins_space: false,
        created_at: now,
    };
    let topic = store.create_topic(topic).await.map_err(invalid)?.id;
    let mut follows = JoinSet::new();
    for &user in users.iter().take(WRITES_FOLLOWERS) {
        let store = Arc::clone(store);
        let target = FollowTarget::Topic(topic);
        follows.spawn(async move { store.set_follow(user, target, true, now).await });
        if follows.len() >= 64 {
            drain_follows(&mut follows, 32).await?;
        }
    }
    drain_follows(&mut follows, 0).await
}

/// Waits until at most `left` follows are being written.
async fn drain_follows(
    follows: &mut JoinSet<hearth_store::Result<()>>,
    left: usize,
) -> Result<(), String> {
    while follows.len() > left {
        if let Some(done) = follows.join_next().await {
            done.map_err(invalid)?.map_err(invalid)?;
        }
    }
    Ok(())
}

/// Replies written in one transaction.
const REPLY_BATCH: usize = 250;

/// Batches written at once (each holds a connection).
const BATCHES_AT_ONCE: usize = 4;

/// Writes a batch of replies, then their likes, each in one transaction;
/// answers where each reply landed.
async fn write_batch(
    store: &dyn Store,
    batch: Vec<(usize, NewReply, Option<UserId>)>,
    telling: Telling,
    now: i64,
) -> Result<Vec<(usize, ReplyId)>, String> {
    let topics: Vec<usize> = batch.iter().map(|(t, _, _)| *t).collect();
    let likers: Vec<Option<UserId>> = batch.iter().map(|(_, _, l)| *l).collect();
    let replies = batch.into_iter().map(|(_, r, _)| r).collect();
    let written = store
        .create_replies(replies, telling)
        .await
        .map_err(invalid)?;
    let likes = written
        .iter()
        .zip(likers)
        .filter_map(|(reply, liker)| Some((ReactionTarget::Reply(*reply), liker?)))
        .collect();
    store
        .add_likes(likes, telling, now)
        .await
        .map_err(invalid)?;
    Ok(topics.into_iter().zip(written).collect())
}

/// Waits for one batch; notes the last reply of each of its topics.
async fn finish_batch(
    batches: &mut JoinSet<Result<Vec<(usize, ReplyId)>, String>>,
    last_reply: &mut [Option<ReplyId>],
) -> Result<u32, String> {
    let Some(done) = batches.join_next().await else {
        return Ok(0);
    };
    let written = done.map_err(invalid)??;
    for (t, id) in &written {
        last_reply[*t] = Some(*id);
    }
    Ok(written.len() as u32)
}

async fn drain(
    jobs: &mut JoinSet<hearth_store::Result<hearth_store::User>>,
    users: &mut Vec<UserId>,
) -> Result<(), String> {
    while let Some(done) = jobs.join_next().await {
        users.push(done.map_err(invalid)?.map_err(invalid)?.id);
        if jobs.len() < 128 {
            break;
        }
    }
    Ok(())
}
