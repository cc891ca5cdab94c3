//! SIGINT and SIGTERM for `secsearch index`: honoured in every phase,
//! through the `signal-hook` crate (its handler only writes to a pipe; a
//! thread of ours reads the signals and acts).
//!
//! * The first Ctrl-C (SIGINT) sets the run's interrupt flag: the writer
//!   stops between chunks, commits what it has read, says so and exits 130
//!   — however long the commit takes, because the user asked to keep the
//!   work (on a busy machine a commit can take many seconds; a run rolled
//!   back then would lose everything it read). Stderr says it is
//!   committing, and that a second Ctrl-C stops at once.
//! * A second Ctrl-C (or a SIGTERM meanwhile) stops at once: the process
//!   ends, rolling back to the last commit (cargo's habit).
//! * SIGTERM is a machine asking to stop soon: the run gets [`GRACE`] to
//!   commit, then it is rolled back.
//!
//! Ending mid-commit is safe: tantivy writes `meta.json` atomically, so the
//! previous commit stays intact (the same guarantee the `kill -9` tests
//! check), and the next run continues from it.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM, SIGXFSZ};
use signal_hook::iterator::Signals;

/// How long a run stopped by SIGTERM may take to commit before it is
/// rolled back.
pub const GRACE: Duration = Duration::from_millis(1500);

/// The first signal received (0: none).
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// 0 = running, 1 = the run finished on its own, 2 = the watcher is ending it.
static STATE: AtomicU8 = AtomicU8::new(0);

/// The first signal received so far, if any.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// The exit code of a run stopped by `sig`: 128 + the signal, as shells do.
pub fn exit_code(sig: i32) -> crate::error::ExitCode {
    if sig == SIGTERM {
        crate::error::ExitCode::Terminated
    } else {
        crate::error::ExitCode::Interrupted
    }
}

/// What the watcher says: that a first Ctrl-C is committing, and that the
/// run was rolled back (both on stderr, through `output::messages`).
pub struct Say {
    pub committing: fn(),
    pub rolled_back: fn(i32),
}

/// Installs the handlers and the thread that copies a signal into `flag`
/// and ends the run when it must (see the module's notes). Also catches
/// SIGXFSZ, so that a file-size limit (`ulimit -f`) is an error on the
/// write (EFBIG), reported, instead of killing the process.
pub fn install(flag: Arc<AtomicBool>, say: Say) -> std::io::Result<()> {
    signal_hook::flag::register(SIGXFSZ, Arc::new(AtomicBool::new(false)))?;
    let signals = Signals::new([SIGINT, SIGTERM])?;
    std::thread::spawn(move || watch(signals, flag, say));
    Ok(())
}

fn watch(mut signals: Signals, flag: Arc<AtomicBool>, say: Say) {
    let Some(first) = signals.forever().next() else {
        return;
    };
    RECEIVED.store(first, Ordering::SeqCst);
    flag.store(true, Ordering::SeqCst);
    if first == SIGINT {
        (say.committing)();
        // Wait for the run, or for a second signal.
        if let Some(sig) = signals.forever().next() {
            end(sig, &say);
        }
        return;
    }
    let start = Instant::now();
    while start.elapsed() < GRACE {
        if STATE.load(Ordering::SeqCst) == 1 {
            return;
        }
        if let Some(sig) = signals.pending().next() {
            end(sig, &say);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    end(first, &say);
}

/// Ends the process at once, unless the run already finished on its own.
fn end(sig: i32, say: &Say) {
    if STATE
        .compare_exchange(0, 2, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        (say.rolled_back)(sig);
        std::process::exit(128 + sig);
    }
}

/// The run is finishing on its own: the watcher must not end it. Returns
/// false when the watcher already is (the caller then waits for the end).
pub fn finishing() -> bool {
    match STATE.compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => true,
        Err(s) => s == 1,
    }
}
