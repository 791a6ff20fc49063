//! The worker pool: `concurrency` threads take tasks from a shared queue, pace themselves by the
//! request-rate limit, retry transient failures, and hand finished judgements to the calling
//! thread, which alone appends them to the cache (so the cache sees one writer).

use super::cache::{Cache, Judgement};
use super::client::{Attempt, ChatClient};
use super::error::JudgeError;
use super::retry::RetryPolicy;
use super::rubric::{Answer, Messages, Rubric};
use crate::rng::SplitMix64;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

/// Attempts after which an endpoint that no request of the run has reached counts as unreachable.
pub const UNREACHABLE_ATTEMPTS: u32 = 3;

/// One request to make: an (item, behaviour) pair not yet in the cache.
#[derive(Debug, Clone)]
pub struct Task {
    /// Cache key.
    pub key: String,
    /// The behaviour's rubric.
    pub rubric: Rubric,
    /// Rendered messages.
    pub messages: Messages,
}

/// How the pool runs.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Worker threads (requests in flight at most).
    pub concurrency: usize,
    /// Requests per minute at most, if limited.
    pub rpm: Option<f64>,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Seed of the retry jitter.
    pub seed: u64,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct RunTally {
    /// New judgements written to the cache.
    pub judged: usize,
    /// Keys that failed after all attempts, with the last reason.
    pub failed: HashMap<String, String>,
    /// Retries made.
    pub retries: usize,
    /// Tokens reported (prompt, completion).
    pub prompt_tokens: u64,
    /// Completion tokens reported.
    pub completion_tokens: u64,
}

/// Something the caller shows progress with.
pub trait Progress: Sync {
    /// A task finished (judged or failed).
    fn finished(&self, failed: bool);
    /// A retry is about to be made.
    fn retried(&self);
}

enum Event {
    Judged(Judgement),
    Failed { key: String, reason: String },
    Retried,
    Stop { status: u16, detail: String },
    Unreachable(String),
}

/// Schedules request starts `60 / rpm` seconds apart: the k-th start is never before the first
/// plus k intervals (a thread may start late under load, never early).
struct RateLimiter {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl RateLimiter {
    fn wait(&self, abort: &AtomicBool) {
        let Some(interval) = self.interval else { return };
        let start = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let start = (*next).max(Instant::now());
            *next = start + interval;
            start
        };
        sleep_until(start, abort);
    }
}

/// Sleeps until `deadline` in short slices, returning early when the run is aborted.
fn sleep_until(deadline: Instant, abort: &AtomicBool) {
    while !abort.load(Ordering::Relaxed) {
        let now = Instant::now();
        if now >= deadline {
            return;
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(50)));
    }
}

struct Shared<'a> {
    tasks: &'a [Task],
    next: AtomicUsize,
    abort: AtomicBool,
    reached: AtomicBool,
    client: &'a ChatClient,
    limiter: RateLimiter,
    settings: PoolSettings,
}

/// Runs every task, appending judgements to `cache`; returns the tally, or the error that stopped
/// the run (judgements made before it stay in the cache).
pub fn run(
    tasks: &[Task],
    client: &ChatClient,
    settings: PoolSettings,
    cache: &mut Cache,
    progress: &dyn Progress,
) -> Result<RunTally, JudgeError> {
    let shared = Shared {
        tasks,
        next: AtomicUsize::new(0),
        abort: AtomicBool::new(false),
        reached: AtomicBool::new(false),
        client,
        limiter: RateLimiter {
            interval: settings.rpm.map(|rpm| Duration::from_secs_f64(60.0 / rpm)),
            next: Mutex::new(Instant::now()),
        },
        settings,
    };
    // A rendezvous channel: a worker hands over its finished judgement before it starts another
    // request, so a killed run loses at most one judgement per worker plus the one being appended
    // (an unbounded queue let dozens pile up behind a slow `fsync`, and a resume repeated them).
    let (sender, events) = mpsc::sync_channel(0);
    let mut tally = RunTally::default();
    let mut stop: Option<JudgeError> = None;
    std::thread::scope(|scope| {
        for worker in 0..settings.concurrency.clamp(1, tasks.len().max(1)) {
            let sender = sender.clone();
            let shared = &shared;
            scope.spawn(move || work(shared, worker as u64, &sender));
        }
        drop(sender);
        for event in events {
            if let Err(error) = record(event, &mut tally, cache, client, progress) {
                shared.abort.store(true, Ordering::Relaxed);
                stop.get_or_insert(error);
            }
        }
    });
    cache.sync()?;
    match stop {
        Some(error) => Err(error),
        None => Ok(tally),
    }
}

/// Applies one worker event to the tally and the cache.
fn record(
    event: Event,
    tally: &mut RunTally,
    cache: &mut Cache,
    client: &ChatClient,
    progress: &dyn Progress,
) -> Result<(), JudgeError> {
    match event {
        Event::Judged(judgement) => {
            tally.prompt_tokens += judgement.prompt_tokens.unwrap_or(0);
            tally.completion_tokens += judgement.completion_tokens.unwrap_or(0);
            cache.append(judgement)?;
            tally.judged += 1;
            progress.finished(false);
        }
        Event::Failed { key, reason } => {
            tally.failed.insert(key, reason);
            progress.finished(true);
        }
        Event::Retried => {
            tally.retries += 1;
            progress.retried();
        }
        Event::Stop { status, detail } => {
            cache.sync()?;
            return Err(stop_error(client, status, &detail, cache));
        }
        Event::Unreachable(reason) => {
            cache.sync()?;
            let saved = match cache.len() {
                0 => "no judgement had been made yet".to_string(),
                n => format!(
                    "{n} judgement(s) are in the cache {}; re-run the same command to resume",
                    cache.path().display()
                ),
            };
            return Err(JudgeError::Unreachable { url: client.url().to_string(), reason, saved });
        }
    }
    Ok(())
}

fn stop_error(client: &ChatClient, status: u16, detail: &str, cache: &Cache) -> JudgeError {
    let cache_path = cache.path().display().to_string();
    if status == 404 {
        return JudgeError::Setting(format!(
            "{} answered HTTP 404 ({detail}); check --endpoint (a base URL such as http://localhost:8000/v1) \
             and --judge-model. Judgements already made are kept in the cache {cache_path}",
            client.url()
        ));
    }
    let hint = match client.key_source() {
        Some(source) => format!("the key came from {source}; check it or set AMPLIFY_API_KEY"),
        None => "no key was sent: set AMPLIFY_API_KEY (or OPENAI_API_KEY)".to_string(),
    };
    JudgeError::Unauthorised { url: client.url().to_string(), status, hint, cache: cache_path }
}

/// One worker: take tasks until the queue is empty or the run is aborted.
fn work(shared: &Shared, worker: u64, sender: &mpsc::SyncSender<Event>) {
    let mut rng = SplitMix64::stream(shared.settings.seed, worker);
    while !shared.abort.load(Ordering::Relaxed) {
        let Some(task) = shared.tasks.get(shared.next.fetch_add(1, Ordering::Relaxed)) else { return };
        let event = attempt_task(shared, task, &mut rng, sender);
        if matches!(event, Some(Event::Stop { .. } | Event::Unreachable(_))) {
            // Stop the other workers now, not when the collector gets to this event.
            shared.abort.store(true, Ordering::Relaxed);
        }
        if let Some(event) = event {
            if sender.send(event).is_err() {
                return;
            }
        }
    }
}

/// Makes up to `max_attempts` requests for one task; `None` when the run was aborted meanwhile.
fn attempt_task(
    shared: &Shared,
    task: &Task,
    rng: &mut SplitMix64,
    sender: &mpsc::SyncSender<Event>,
) -> Option<Event> {
    let policy = shared.settings.retry;
    let mut last_reason = String::new();
    let mut all_unreachable = true;
    let mut attempt = 0;
    while attempt < policy.max_attempts.max(1) {
        attempt += 1;
        shared.limiter.wait(&shared.abort);
        if shared.abort.load(Ordering::Relaxed) {
            return None;
        }
        let (reason, retry_after) = match shared.client.ask(&task.messages) {
            Attempt::Reply(reply) => {
                shared.reached.store(true, Ordering::Relaxed);
                return Some(Event::Judged(judgement(task, shared.client, reply)));
            }
            Attempt::Give(reason) => {
                shared.reached.store(true, Ordering::Relaxed);
                return Some(Event::Failed { key: task.key.clone(), reason });
            }
            Attempt::Stop { status, detail } => return Some(Event::Stop { status, detail }),
            Attempt::Retry { reason, retry_after, unreachable } => {
                all_unreachable &= unreachable;
                shared.reached.fetch_or(!unreachable, Ordering::Relaxed);
                (reason, retry_after)
            }
        };
        last_reason = reason;
        // An endpoint never reached in this run is given up on sooner than a flaky one.
        if all_unreachable && !shared.reached.load(Ordering::Relaxed) && attempt >= UNREACHABLE_ATTEMPTS {
            break;
        }
        if attempt < policy.max_attempts {
            let _ = sender.send(Event::Retried);
            sleep_until(Instant::now() + policy.delay(attempt, retry_after, rng), &shared.abort);
        }
    }
    if all_unreachable && !shared.reached.load(Ordering::Relaxed) {
        return Some(Event::Unreachable(last_reason));
    }
    let reason = format!("failed after {attempt} attempt(s): {last_reason}");
    Some(Event::Failed { key: task.key.clone(), reason })
}

fn judgement(task: &Task, client: &ChatClient, reply: super::client::Reply) -> Judgement {
    let value = match task.rubric.parse(&reply.content) {
        Answer::Label(v) => Some(v),
        Answer::Invalid => None,
    };
    Judgement {
        key: task.key.clone(),
        behaviour: task.rubric.name.clone(),
        rubric_version: task.rubric.version.clone(),
        judge_model: client.model().to_string(),
        value,
        raw: reply.content,
        prompt_tokens: reply.prompt_tokens,
        completion_tokens: reply.completion_tokens,
    }
}
