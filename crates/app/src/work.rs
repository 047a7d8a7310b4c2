//! The work budget. Steps whose cost grows with their input — rendering
//! Markdown, comparing versions, hashing passwords, scaling pictures —
//! never run on the async workers that serve every request. They run on a few threads of their own
//! at a lower scheduling priority, so that reading pages keeps the CPU when
//! both want it; each kind of work holds at most a few of those threads at
//! once, and a request that would wait too long for its turn is answered
//! 503 with `Retry-After` instead of joining an endless queue.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use tokio::sync::{Semaphore, oneshot};

use crate::{AppError, Result};

/// The kinds of work that are budgeted, each with its own share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Markdown to sanitized HTML, with mentions and links.
    Markup,
    /// Line diffs between versions.
    Diff,
    /// Password hashing and checking.
    Hashing,
    /// Decoding and scaling pictures.
    Images,
}

/// How much of each kind may run, and how long a request waits for its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkLimits {
    /// Jobs of one kind running at once.
    pub per_kind: usize,
    /// Requests of one kind waiting for their turn; more are refused at once.
    pub queue: usize,
    /// The longest a request waits for its turn before it is refused.
    pub max_wait: Duration,
}

impl WorkLimits {
    /// One job of each kind per core, 16 waiting per core, two seconds' wait.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            per_kind: cores.clamp(1, 8),
            queue: 16 * cores.clamp(1, 8),
            max_wait: Duration::from_secs(2),
        }
    }
}

/// Seconds a refused request is told to wait before trying again.
const RETRY_AFTER_SECS: u64 = 2;

/// How much lower than the request-serving threads the work threads are
/// scheduled (a `nice` value): under contention they get about a tenth of
/// what a request thread gets.
const LOWER_PRIORITY: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// One kind's share: its threads, its running jobs and its queue. Each
/// kind has threads of its own, so that memory a kind keeps per thread
/// (argon2's, say) is kept by as many threads as may run it, no more.
struct Lane {
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    jobs: Mutex<mpsc::Sender<Job>>,
}

/// Counts a request as waiting while it lives, also when the request is
/// dropped before its turn comes.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The threads and the shares of each kind of work. Dropping it stops the
/// threads once their jobs are done.
pub struct WorkBudget {
    limits: WorkLimits,
    lanes: [Lane; 4],
}

impl std::fmt::Debug for WorkBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkBudget")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl WorkBudget {
    /// Starts the work threads: `per_kind` for each kind.
    pub fn start(limits: WorkLimits) -> std::io::Result<Self> {
        let per_kind = limits.per_kind.max(1);
        let lane = |kind: &str| -> std::io::Result<Lane> {
            let (send, receive) = mpsc::channel::<Job>();
            let receive = Arc::new(Mutex::new(receive));
            for n in 0..per_kind {
                let receive = Arc::clone(&receive);
                std::thread::Builder::new()
                    .name(format!("hearth-{kind}-{n}"))
                    .spawn(move || work_thread(&receive))?;
            }
            Ok(Lane {
                running: Arc::new(Semaphore::new(per_kind)),
                waiting: AtomicUsize::new(0),
                jobs: Mutex::new(send),
            })
        };
        Ok(Self {
            limits,
            lanes: [
                lane("markup")?,
                lane("diff")?,
                lane("hashing")?,
                lane("images")?,
            ],
        })
    }

    /// Runs `job` when a turn of its kind is free, on a work thread; the
    /// caller waits without holding an async worker. Busy (503) when the
    /// queue of its kind is full or the turn does not come in time.
    pub async fn run<T: Send + 'static>(
        &self,
        kind: Work,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let lane = &self.lanes[kind as usize];
        let busy = || AppError::Busy {
            retry_after: RETRY_AFTER_SECS,
        };
        let turn = match Arc::clone(&lane.running).try_acquire_owned() {
            Ok(turn) => turn,
            Err(_) => {
                if lane.waiting.fetch_add(1, Ordering::SeqCst) >= self.limits.queue {
                    lane.waiting.fetch_sub(1, Ordering::SeqCst);
                    tracing::warn!(?kind, "work queue full; request refused");
                    return Err(busy());
                }
                let _waiting = Waiting(&lane.waiting);
                let turn = tokio::time::timeout(
                    self.limits.max_wait,
                    Arc::clone(&lane.running).acquire_owned(),
                )
                .await;
                let Ok(Ok(turn)) = turn else {
                    tracing::warn!(?kind, "no turn for work in time; request refused");
                    return Err(busy());
                };
                turn
            }
        };
        let (done, result) = oneshot::channel();
        let boxed: Job = Box::new(move || {
            let _turn = turn;
            // The caller may have gone; its answer is then dropped.
            let _ = done.send(job());
        });
        lane.jobs
            .lock()
            .map_err(|_| AppError::Internal("the work queue is poisoned".into()))?
            .send(boxed)
            .map_err(|_| AppError::Internal("the work threads have stopped".into()))?;
        result
            .await
            .map_err(|_| AppError::Internal("a work job panicked".into()))
    }
}

fn work_thread(jobs: &Mutex<mpsc::Receiver<Job>>) {
    lower_priority();
    loop {
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match job {
            // A job that panics loses its answer (the caller sees an
            // internal error), not the thread.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}

/// Lowers the calling thread's scheduling priority to the work threads':
/// for threads that run long jobs beside the request-serving ones. On Linux
/// the nice value is each thread's own, so this lowers only this thread.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let me = rustix::thread::gettid();
        if let Err(e) = rustix::process::setpriority_process(Some(me), LOWER_PRIORITY) {
            tracing::warn!(error = %e, "could not lower the work thread's priority");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(per_kind: usize, queue: usize, wait_ms: u64) -> WorkBudget {
        WorkBudget::start(WorkLimits {
            per_kind,
            queue,
            max_wait: Duration::from_millis(wait_ms),
        })
        .unwrap()
    }

    #[tokio::test]
    async fn work_runs_off_the_async_workers_and_answers() {
        let b = budget(1, 4, 1000);
        let name = b
            .run(Work::Markup, || {
                std::thread::current().name().map(str::to_owned)
            })
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("hearth-markup-"));
    }

    #[tokio::test]
    async fn a_kind_with_no_free_turn_in_time_is_refused_as_busy() {
        let b = Arc::new(budget(1, 4, 50));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, running) = oneshot::channel();
        let first = {
            let b = Arc::clone(&b);
            tokio::spawn(async move {
                b.run(Work::Diff, move || {
                    let _ = started.send(());
                    hold.recv().ok()
                })
                .await
            })
        };
        running.await.unwrap();
        let second = b.run(Work::Diff, || ()).await;
        assert_eq!(second, Err(AppError::Busy { retry_after: 2 }));
        // Another kind has its own share.
        assert_eq!(b.run(Work::Hashing, || 7).await, Ok(7));
        release.send(()).unwrap();
        assert!(first.await.unwrap().is_ok());
        assert_eq!(b.run(Work::Diff, || 8).await, Ok(8));
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once() {
        let b = Arc::new(budget(1, 0, 60_000));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, running) = oneshot::channel();
        let first = {
            let b = Arc::clone(&b);
            tokio::spawn(async move {
                b.run(Work::Markup, move || {
                    let _ = started.send(());
                    hold.recv().ok()
                })
                .await
            })
        };
        running.await.unwrap();
        let refused = b.run(Work::Markup, || ()).await;
        assert_eq!(refused, Err(AppError::Busy { retry_after: 2 }));
        release.send(()).unwrap();
        assert!(first.await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_internal_error_and_the_thread_lives() {
        let b = budget(1, 4, 1000);
        let panicked = b.run(Work::Markup, || -> u8 { panic!("boom") }).await;
        assert!(matches!(panicked, Err(AppError::Internal(_))));
        assert_eq!(b.run(Work::Markup, || 1).await, Ok(1));
    }
}
