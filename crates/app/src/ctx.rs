//! What every use case runs with: the store, the clock and the settings.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use hearth_store::Store;

use crate::work::{WorkBudget, WorkLimits};

/// The source of "now", injected so that tests control time.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

/// The real clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(
        clippy::disallowed_methods,
        reason = "the one place that reads the system clock"
    )]
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }
}

/// A clock that moves only when told to; for tests.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock standing at `ms`.
    pub fn new(ms: i64) -> Self {
        Self(AtomicI64::new(ms))
    }

    /// Moves the clock forward.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Settings of the use cases.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// A session unused this long ends (ms).
    pub session_idle_ms: i64,
    /// A session ends this long after sign-in whatever its use (ms).
    pub session_absolute_ms: i64,
    /// An invitation link works this long (ms).
    pub invite_ttl_ms: i64,
    /// Failed sign-ins allowed per login from one address in the window.
    pub signin_failures_per_account: usize,
    /// Failed sign-ins allowed per client address in the window.
    pub signin_failures_per_address: usize,
    /// Failed sign-ins allowed per login from all addresses in the window,
    /// but those it signed in from before.
    pub signin_failures_per_login: usize,
    /// How long an address a login signed in from stays known (ms).
    pub signin_known_ms: i64,
    /// The window of the sign-in limits (ms).
    pub signin_window_ms: i64,
    /// Cheap password hashing, for tests only.
    pub weak_password_hashing: bool,
    /// The largest attachment accepted, in bytes.
    pub max_attachment_bytes: usize,
    /// How much CPU-heavy work may run and wait.
    pub work: WorkLimits,
    /// How Hearth mails.
    pub mail: crate::mail::MailConfig,
}

impl Default for AppConfig {
    fn default() -> Self {
        const HOUR: i64 = 3_600_000;
        Self {
            session_idle_ms: 14 * 24 * HOUR,
            session_absolute_ms: 90 * 24 * HOUR,
            invite_ttl_ms: 7 * 24 * HOUR,
            signin_failures_per_account: 10,
            signin_failures_per_address: 50,
            signin_failures_per_login: 100,
            signin_known_ms: 30 * 24 * HOUR,
            signin_window_ms: HOUR / 4,
            weak_password_hashing: false,
            max_attachment_bytes: 25 * 1024 * 1024,
            work: WorkLimits::for_this_machine(),
            mail: crate::mail::MailConfig::default(),
        }
    }
}

/// The context of every use case. Cheap to clone.
#[derive(Clone)]
pub struct Ctx {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The settings.
    pub config: Arc<AppConfig>,
    /// Scheduled backups and their proof.
    pub backups: Arc<crate::backups::Backups>,
    /// Site settings read within the last second, with the time they were read.
    pub(crate) settings_cache: Arc<std::sync::RwLock<Option<(i64, hearth_store::SiteSettings)>>>,
    /// The threads and shares of CPU-heavy work.
    pub work: Arc<WorkBudget>,
    /// Idempotent writes running on this node now.
    pub(crate) writes_in_flight: Arc<crate::idempotency::InFlight>,
    /// The live event log as this node's readers share it.
    pub(crate) live_feed: Arc<crate::live_feed::LiveFeed>,
    /// Wakes this node's outbox worker when mail is enqueued here.
    pub(crate) outbox_wake: Arc<tokio::sync::Notify>,
    /// Turns for recording that a session or token was used.
    pub(crate) use_notes: Arc<tokio::sync::Semaphore>,
}

impl Ctx {
    /// A context over `store` with `clock` and `config`; starts the work
    /// threads.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: AppConfig,
    ) -> std::io::Result<Self> {
        let work = Arc::new(WorkBudget::start(config.work)?);
        Ok(Self {
            work,
            store,
            clock,
            config: Arc::new(config),
            backups: Arc::new(crate::backups::Backups::default()),
            settings_cache: Arc::new(std::sync::RwLock::new(None)),
            writes_in_flight: Arc::default(),
            live_feed: Arc::default(),
            outbox_wake: Arc::default(),
            use_notes: Arc::new(tokio::sync::Semaphore::new(crate::auth::USE_NOTES_AT_ONCE)),
        })
    }

    /// Now, in Unix milliseconds.
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
