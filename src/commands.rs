//! The commands behind `main`: each takes parsed arguments, runs one
//! pipeline, prints, and returns the exit status (0 hits/done, 1 no hit).

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::{Cli, IndexArg, IndexArgs, SearchArgs};
use crate::error::Error;
use crate::output::{Mode, Printer};
use crate::{analyzer, indexer, query, schema, search};

/// A command's failure: an application error, or an output error (a
/// closed pipe ends quietly).
#[derive(Debug)]
pub enum Failure {
    App(Error),
    Io(io::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::App(e)
    }
}
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

pub type Outcome = Result<u8, Failure>;

/// Maps an outcome to the process exit code, printing errors as one line.
pub fn exit(r: Outcome) -> ExitCode {
    match r {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Io(e)) => {
            eprintln!("secsearch: {e}");
            ExitCode::from(2)
        }
        Err(Failure::App(e)) => {
            eprintln!("secsearch: {e}");
            ExitCode::from(2)
        }
    }
}

/// The index directory: `--index`, `SECSEARCH_INDEX`, or the platform data dir.
pub fn index_dir(arg: &IndexArg) -> Result<PathBuf, Error> {
    if let Some(p) = &arg.index {
        return Ok(p.clone());
    }
    directories::ProjectDirs::from("", "", "secsearch")
        .map(|d| d.data_dir().join("index"))
        .ok_or_else(|| {
            Error::Other("no home directory to keep the index in; pass --index PATH".into())
        })
}

pub fn index(args: IndexArgs) -> Outcome {
    let IndexArgs {
        dirs,
        index,
        rebuild,
        strict,
        max_filesize,
        threads,
        user_dict,
        quiet,
    } = args;
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let opts = indexer::Options {
        roots: dirs,
        index_dir: index_dir(&index)?,
        rebuild,
        strict,
        max_filesize,
        threads,
        memory: 256 * 1024 * 1024,
        user_dict,
        quiet,
    };
    // Ctrl-C: commit what is done and stop (see indexer::INTERRUPTED).
    let _ = ctrlc::set_handler(|| {
        indexer::INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let summary = indexer::run(&opts)?;
    if !quiet {
        eprintln!("{}", summary.line());
    }
    if summary.interrupted {
        eprintln!(
            "secsearch: interrupted; committed {} documents; run the same command again to continue",
            summary.documents
        );
        return Ok(130);
    }
    if strict && !summary.skipped.is_empty() {
        eprintln!(
            "secsearch: {} files skipped (--strict)",
            summary.skipped.len()
        );
        return Ok(2);
    }
    Ok(0)
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, Error> {
    s.parse::<jiff::civil::Date>()
        .map_err(|_| Error::BadDate(s.to_string()))
}

pub fn search(args: SearchArgs) -> Outcome {
    let dir = index_dir(&args.index)?;
    let query = query::parse(&args.query.join(" "))?;
    let mode = if args.count {
        Mode::Count
    } else if args.files_with_matches {
        Mode::Paths
    } else if args.json {
        Mode::Json
    } else {
        Mode::Text
    };
    let limit = match (args.limit, mode) {
        (Some(0), _) => None,
        (Some(n), _) => Some(n),
        (None, Mode::Paths) => None,
        (None, Mode::Count) => Some(0),
        (None, _) => Some(10),
    };
    let opts = search::Options {
        query,
        limit,
        offset: args.offset,
        sources: args.source,
        since: args.since.as_deref().map(parse_date).transpose()?,
        until: args.until.as_deref().map(parse_date).transpose()?,
        sort: args.sort,
        facets: args.facets,
        fold_duplicates: mode != Mode::Paths,
        paths_only: mode == Mode::Paths,
    };
    let results = search::run(&dir, &opts)?;
    let mut p = Printer::new(args.color);
    p.results(&results, mode)?;
    p.flush()?;
    if mode == Mode::Text && io::stdout().is_terminal() {
        eprintln!(
            "{} of {} matching articles",
            results.hits.len(),
            results.total
        );
    }
    Ok(if results.total > 0 { 0 } else { 1 })
}

pub fn tokenize(text: &str) -> Outcome {
    let norm = analyzer::normalize(text);
    let mut out = io::stdout().lock();
    writeln!(out, "normalized: {norm}")?;
    let mut units = Vec::new();
    analyzer::recall_units(&norm, |pos, _, t, _, _| {
        units.push(format!("{pos}:{}", t.escape_debug()))
    });
    writeln!(out, "recall ({}): {}", units.len(), units.join(" "))?;
    let mut words = Vec::new();
    analyzer::ranking_words(&norm, |w, _, _| words.push(w.to_string()));
    writeln!(out, "words  ({}): {}", words.len(), words.join(" | "))?;
    Ok(0)
}

pub fn stats(arg: IndexArg, json: bool) -> Outcome {
    let dir = index_dir(&arg)?;
    let opened = schema::open(&dir)?;
    let st = crate::stats::compute(&opened)?;
    let mut p = Printer::new(crate::output::ColorChoice::Never);
    p.stats(&st, json)?;
    p.flush()?;
    Ok(0)
}

pub fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "secsearch", &mut io::stdout());
    Ok(0)
}

pub fn man() -> Outcome {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    io::stdout().write_all(&buf)?;
    Ok(0)
}
