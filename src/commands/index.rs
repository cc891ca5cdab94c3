//! `secsearch index`: the writer run with signals handled and its summary
//! said.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use super::cli::{self, IndexArg, IndexArgs};
use super::env::commit_every_from_env;
use super::signals;
use crate::error::{Error, ExitCode, Outcome};
use crate::index::writer;
use crate::output::messages;

/// The index directory: `--index`, `SECSEARCH_INDEX`, or the platform data dir.
pub fn index_dir(arg: &IndexArg) -> Result<PathBuf, Error> {
    arg.dir()
}

pub(crate) fn index(args: IndexArgs) -> Outcome {
    let interrupt = Arc::new(AtomicBool::new(false));
    let opts = args.to_options(commit_every_from_env()?, Arc::clone(&interrupt))?;
    if args.max_filesize > cli::MAX_FILESIZE_CEILING {
        messages::note(format_args!(
            "--max-filesize {} is more than an article can be read with; using {} bytes (1 GiB)",
            args.max_filesize,
            cli::MAX_FILESIZE_CEILING
        ));
    }
    // Ctrl-C: commit what is read and stop; a second Ctrl-C, or SIGTERM's
    // grace time running out: roll back (see `signals`). Without the
    // handlers a signal still stops the run, losing only what was not
    // committed: a warning.
    let say = signals::Say {
        // A rebuild commits nothing partial: it is rolled back instead.
        committing: if args.rebuild {
            messages::abandoning_rebuild
        } else {
            messages::committing_on_interrupt
        },
        rolled_back: messages::rolled_back,
    };
    if let Err(e) = signals::install(Arc::clone(&interrupt), say) {
        messages::warning(&e);
    }
    let progress = messages::IndexProgress::new(args.quiet);
    let summary = writer::run(&opts, &progress);
    if !signals::finishing() {
        // The watchdog is ending the process after its own message.
        loop {
            std::thread::park();
        }
    }
    let summary = summary?;
    for w in &summary.warnings {
        messages::warning(w);
    }
    if !args.quiet && !summary.rebuild_abandoned {
        messages::index_summary(&summary);
    }
    // A signal during the last commit or the merges: the run still
    // finished (within the grace time), and says it was stopped.
    if summary.rebuild_abandoned {
        messages::rebuild_abandoned(summary.documents);
        return Ok(signals::received().map_or(ExitCode::Interrupted, signals::exit_code));
    }
    if summary.interrupted || signals::received().is_some() {
        messages::interrupted(summary.documents);
        return Ok(signals::received().map_or(ExitCode::Interrupted, signals::exit_code));
    }
    if args.strict && !summary.skipped.is_empty() {
        messages::strict_skips(summary.skipped.len());
        return Ok(ExitCode::Error);
    }
    Ok(ExitCode::Success)
}
