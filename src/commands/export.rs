//! `secsearch export`: the index's articles as files for Quickwit or
//! OpenSearch.

use super::cli::ExportArgs;
use super::index::index_dir;
use crate::error::{ExitCode, Outcome};
use crate::output::messages;

/// `secsearch export`: every indexed article into DIR for Quickwit or
/// OpenSearch. Exit 0 when documents were written; 1 when the index holds
/// none (the folder still gets an empty, loadable export); 2 on an error,
/// when no article of a non-empty index could be read (the archive moved?),
/// or with `--strict` when any was skipped.
pub(crate) fn export(args: ExportArgs) -> Outcome {
    let opts = crate::export::Options {
        index_dir: index_dir(&args.index)?,
        target: args.to.target(),
        out_dir: args.dir,
        index_name: args.index_name,
    };
    let progress = messages::ExportProgress::new(args.quiet);
    let run = crate::export::run(&opts, &progress)?;
    if !args.quiet {
        messages::export_summary(&run);
    }
    let exported = run.written.documents;
    if run.skipped > 0 && (args.strict || exported == 0) {
        messages::export_incomplete(run.skipped, args.strict);
        return Ok(ExitCode::Error);
    }
    Ok(ExitCode::from_hits(exported > 0))
}
