//! The progress bar of a judge run on stderr (drawn only when stderr is a terminal).

use super::runner::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicUsize, Ordering};

/// done/total, rate, ETA, retries and failures.
pub(crate) struct Bar {
    bar: ProgressBar,
    retries: AtomicUsize,
    failures: AtomicUsize,
}

impl Bar {
    /// A bar over `total` requests.
    pub(crate) fn new(total: usize) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} requests  {per_sec}  ETA {eta}  {msg}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        let bar = Bar { bar, retries: AtomicUsize::new(0), failures: AtomicUsize::new(0) };
        bar.update();
        bar
    }

    fn update(&self) {
        let (r, f) = (self.retries.load(Ordering::Relaxed), self.failures.load(Ordering::Relaxed));
        self.bar.set_message(format!("retries {r}  failed {f}"));
    }

    /// Removes the bar (the summary line follows).
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn finished(&self, failed: bool) {
        if failed {
            self.failures.fetch_add(1, Ordering::Relaxed);
            self.update();
        }
        self.bar.inc(1);
    }

    fn retried(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
        self.update();
    }
}
