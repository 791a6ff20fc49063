//! The scope of one embedded run ([`crate::embed`]): the notes it collects instead of printing
//! them, and whether it was cancelled. A leaf: the writers of outputs (`atomic.rs`,
//! `report/folder.rs`) and the `note!` macro ask it without importing the embedding API.

use crate::error::AmplifyError;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};

thread_local! {
    /// Notes of the run on this thread, when an embedding caller collects them.
    static NOTES: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
    /// The run this thread works for (0: not an embedded run).
    static RUN: Cell<u64> = const { Cell::new(0) };
}

/// Runs handed out so far, and the highest one cancelled.
static STARTED: AtomicU64 = AtomicU64::new(0);
static CANCELLED: AtomicU64 = AtomicU64::new(0);

/// Runs `work` as one embedded run on this thread; returns its result and the notes it made.
pub(crate) fn scoped<T>(work: impl FnOnce() -> T) -> (T, Vec<String>) {
    let run = STARTED.fetch_add(1, Ordering::SeqCst) + 1;
    RUN.with(|r| r.set(run));
    NOTES.with(|n| *n.borrow_mut() = Some(Vec::new()));
    let result = work();
    RUN.with(|r| r.set(0));
    let notes = NOTES.with(|n| n.borrow_mut().take()).unwrap_or_default();
    (result, notes)
}

/// Collects a note if an embedded run on this thread is collecting; false otherwise (the caller
/// prints it).
pub(crate) fn capture_note(line: &str) -> bool {
    NOTES.with(|notes| match notes.borrow_mut().as_mut() {
        Some(list) => {
            list.push(line.strip_prefix("amplify: ").unwrap_or(line).to_string());
            true
        }
        None => false,
    })
}

/// Refuses to commit an output of a run that was cancelled ([`cancel_all`]): called just before
/// a file or folder is renamed into place, so a stopped run leaves nothing behind.
pub(crate) fn check_cancelled() -> crate::Result<()> {
    let run = RUN.with(|r| r.get());
    if run != 0 && run <= CANCELLED.load(Ordering::SeqCst) {
        return Err(AmplifyError::Usage("interrupted: nothing was written".into()));
    }
    Ok(())
}

/// Cancels every embedded run started so far: those still working write nothing.
pub(crate) fn cancel_all() {
    CANCELLED.store(STARTED.load(Ordering::SeqCst), Ordering::SeqCst);
}
