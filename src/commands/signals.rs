//! SIGINT and SIGTERM for `secsearch index`: honoured in every phase.
//!
//! The first signal sets the run's interrupt flag: the writer stops between
//! chunks, commits what it has, says so and exits 130 (SIGINT) or 143
//! (SIGTERM). A commit or a merge can take seconds (tantivy tokenizes the
//! queued documents in its own threads), so a watchdog gives the run
//! [`GRACE`] to finish; after that it ends the process itself, rolling back
//! to the last commit: tantivy writes `meta.json` atomically, so ending
//! mid-commit leaves the previous commit intact (the same guarantee the
//! `kill -9` tests check), and the next run continues from it.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a stopping run may take to commit before it is rolled back.
pub const GRACE: Duration = Duration::from_millis(1500);

/// The signal received (0: none). Set by the handler, which may do nothing
/// but store to an atomic.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// 0 = running, 1 = the run finished on its own, 2 = the watchdog is ending it.
static STATE: AtomicU8 = AtomicU8::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    RECEIVED.store(sig, Ordering::SeqCst);
}

/// The signal received so far, if any.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// The exit code of a run stopped by `sig`: 128 + the signal, as shells do.
pub fn exit_code(sig: i32) -> crate::error::ExitCode {
    if sig == libc::SIGTERM {
        crate::error::ExitCode::Terminated
    } else {
        crate::error::ExitCode::Interrupted
    }
}

/// Installs the handlers and the watchdog thread that copies a signal into
/// `flag` and, after [`GRACE`], calls `rolled_back` and exits. Also ignores
/// SIGXFSZ, so that a file-size limit (`ulimit -f`) is an error on the
/// write, reported, instead of killing the process.
pub fn install(flag: Arc<AtomicBool>, rolled_back: fn(i32)) -> std::io::Result<()> {
    // SAFETY: `on_signal` only stores to an atomic (async-signal-safe);
    // SIG_IGN for SIGXFSZ turns the signal into EFBIG on the write.
    unsafe {
        for sig in [libc::SIGINT, libc::SIGTERM] {
            if libc::signal(sig, on_signal as *const () as libc::sighandler_t) == libc::SIG_ERR {
                return Err(std::io::Error::last_os_error());
            }
        }
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    std::thread::spawn(move || watch(flag, rolled_back));
    Ok(())
}

fn watch(flag: Arc<AtomicBool>, rolled_back: fn(i32)) {
    let sig = loop {
        if let Some(s) = received() {
            break s;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    flag.store(true, Ordering::SeqCst);
    let start = Instant::now();
    while start.elapsed() < GRACE {
        if STATE.load(Ordering::SeqCst) == 1 {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if STATE
        .compare_exchange(0, 2, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        rolled_back(sig);
        std::process::exit(128 + sig);
    }
}

/// The run is finishing on its own: the watchdog must not end it. Returns
/// false when the watchdog already is (the caller then waits for the end).
pub fn finishing() -> bool {
    match STATE.compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => true,
        Err(s) => s == 1,
    }
}
