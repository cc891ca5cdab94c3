//! The command layer behind `main`: each command takes parsed arguments and
//! the environment, runs one pipeline, has the result shown, and returns its
//! exit code. Environment variables are read here and nowhere deeper.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::CommandFactory;

use crate::cli::{Cli, Command, IndexArg, IndexArgs, SearchArgs, ServeArgs};
use crate::error::{Error, ExitCode, Failure, Outcome};
use crate::output::{Mode, Printer};
use crate::{analyzer, indexer, messages, query, schema, search};

/// Runs the command and maps its outcome to the exit code, printing an
/// error as one line on stderr; a closed pipe (`| head`) ends quietly.
pub fn run(cli: Cli) -> ExitCode {
    match dispatch(cli) {
        Ok(code) => code,
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::Success,
        Err(e) => {
            messages::error(&e);
            ExitCode::Error
        }
    }
}

fn dispatch(cli: Cli) -> Outcome {
    match cli.command {
        Command::Index(args) => index(args),
        Command::Search(args) => {
            schema::set_boosts(boosts_from_env()?);
            search(args)
        }
        Command::Tokenize { text } => tokenize(&text.join(" ")),
        Command::Stats { index, json } => stats(index, json),
        Command::Serve(args) => serve(args),
        Command::Completions { shell } => completions(shell),
        Command::Man => man(),
    }
}

/// An environment variable's value, `None` when unset; a value that is not
/// Unicode is an error rather than "unset".
fn env_var(name: &'static str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(v)) => Err(Error::BadEnv {
            name,
            value: v.to_string_lossy().into_owned(),
            expected: "not Unicode",
        }),
    }
}

/// `SECSEARCH_BOOSTS="title_words=4,body=0.5"`: query-time boosts for
/// ranking experiments (see `schema::Boosts`).
fn boosts_from_env() -> Result<schema::Boosts, Error> {
    const NAME: &str = "SECSEARCH_BOOSTS";
    let Some(v) = env_var(NAME)? else {
        return Ok(schema::Boosts::default());
    };
    schema::Boosts::parse(&v).ok_or(Error::BadEnv {
        name: NAME,
        value: v,
        expected: "expected FIELD=NUMBER,... with fields of the index schema",
    })
}

/// `SECSEARCH_COMMIT_EVERY=N`: tests commit every N files, so that a kill
/// lands between many commits and merges.
fn commit_every_from_env() -> Result<Option<usize>, Error> {
    const NAME: &str = "SECSEARCH_COMMIT_EVERY";
    let Some(v) = env_var(NAME)? else {
        return Ok(None);
    };
    v.trim().parse().map(Some).map_err(|_| Error::BadEnv {
        name: NAME,
        value: v,
        expected: "expected a number of files",
    })
}

/// The index directory: `--index`, `SECSEARCH_INDEX`, or the platform data dir.
pub fn index_dir(arg: &IndexArg) -> Result<PathBuf, Error> {
    arg.dir()
}

pub(crate) fn index(args: IndexArgs) -> Outcome {
    let interrupt = Arc::new(AtomicBool::new(false));
    let opts = args.to_options(commit_every_from_env()?, Arc::clone(&interrupt))?;
    // Ctrl-C: commit what is done and stop. Without the handler Ctrl-C
    // still stops the run, losing only what was not committed: a warning.
    let flag = Arc::clone(&interrupt);
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)) {
        messages::warning(&e);
    }
    let progress = messages::IndexProgress::new(args.quiet);
    let summary = indexer::run(&opts, &progress)?;
    for w in &summary.warnings {
        messages::warning(w);
    }
    if !args.quiet {
        messages::index_summary(&summary);
    }
    if summary.interrupted {
        messages::interrupted(summary.documents);
        return Ok(ExitCode::Interrupted);
    }
    if args.strict && !summary.skipped.is_empty() {
        messages::strict_skips(summary.skipped.len());
        return Ok(ExitCode::Error);
    }
    Ok(ExitCode::Success)
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, Error> {
    s.parse::<jiff::civil::Date>()
        .map_err(|_| Error::BadDate(s.to_string()))
}

pub(crate) fn search(args: SearchArgs) -> Outcome {
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
    Ok(ExitCode::from_hits(results.total > 0))
}

pub(crate) fn tokenize(text: &str) -> Outcome {
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
    Ok(ExitCode::Success)
}

pub(crate) fn stats(arg: IndexArg, json: bool) -> Outcome {
    let dir = index_dir(&arg)?;
    let opened = schema::open(&dir)?;
    let st = crate::stats::compute(&opened)?;
    let mut p = Printer::new(crate::output::ColorChoice::Never);
    p.stats(&st, json)?;
    p.flush()?;
    Ok(ExitCode::Success)
}

pub(crate) fn serve(args: ServeArgs) -> Outcome {
    schema::set_boosts(boosts_from_env()?);
    crate::serve::run(&crate::serve::Options {
        index_dir: index_dir(&args.index)?,
        addr: std::net::SocketAddr::new(args.bind, args.port),
    })?;
    Ok(ExitCode::Success)
}

pub(crate) fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "secsearch", &mut io::stdout());
    Ok(ExitCode::Success)
}

pub(crate) fn man() -> Outcome {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    io::stdout().write_all(&buf)?;
    Ok(ExitCode::Success)
}
