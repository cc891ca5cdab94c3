//! The command layer behind `main`: each command takes parsed arguments and
//! the environment, runs one pipeline, has the result shown, and returns its
//! exit code. Environment variables are read here and nowhere deeper.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::CommandFactory;

use crate::cli::{Cli, Command, IndexArg, IndexArgs, IocsArgs, SearchArgs};
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
        Command::Iocs(args) => iocs(args),
        Command::Tokenize { text } => tokenize(&text.join(" ")),
        Command::Stats { index, json } => stats(index, json),
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

/// The kinds `--type` names (all kinds when none).
fn ioc_kinds(names: &[String]) -> Result<Vec<crate::ioc::Kind>, Error> {
    let mut out = Vec::new();
    for n in names.iter().filter(|n| !n.trim().is_empty()) {
        let ks = crate::iocs::kinds_named(n)
            .ok_or_else(|| Error::BadIocType(n.clone(), crate::iocs::type_names()))?;
        out.extend(ks);
    }
    Ok(out)
}

/// `iocs --stix FILE`: the matching articles with indicators as a STIX 2.1
/// bundle in FILE; exit code 1 when there was nothing to export.
fn write_stix(
    file: &std::path::Path,
    searcher: &tantivy::Searcher,
    fields: &schema::Fields,
    docs: &std::collections::HashSet<tantivy::DocAddress>,
    kinds: &[crate::ioc::Kind],
) -> Outcome {
    let articles = crate::iocs::articles(searcher, fields, docs, kinds)?;
    let bundle = crate::stix::bundle(&articles);
    let objects = bundle["objects"].as_array().map_or(0, Vec::len);
    let json = serde_json::to_vec_pretty(&bundle)
        .map_err(|e| Error::Other(format!("cannot encode the STIX bundle: {e}")))?;
    std::fs::write(file, json).map_err(|source| Error::Io {
        path: file.to_path_buf(),
        what: "cannot write the STIX bundle",
        source,
    })?;
    messages::stix_written(file, articles.len(), objects);
    Ok(ExitCode::from_hits(!articles.is_empty()))
}

pub(crate) fn iocs(args: IocsArgs) -> Outcome {
    let dir = index_dir(&args.index)?;
    let text = args.query.join(" ");
    let query = if text.trim().is_empty() {
        query::Query::default()
    } else {
        query::parse(&text)?
    };
    let kinds = ioc_kinds(&args.types)?;
    let opts = search::Options {
        query,
        limit: None,
        offset: 0,
        sources: args.source,
        since: args.since.as_deref().map(parse_date).transpose()?,
        until: args.until.as_deref().map(parse_date).transpose()?,
        sort: search::Sort::Relevance,
        facets: false,
        fold_duplicates: true,
        paths_only: false,
    };
    let opened = schema::open(&dir)?;
    let reader = opened.reader()?;
    let searcher = reader.searcher();
    let docs = search::matching_docs(&dir, &opened, &searcher, &opts)?;
    if let Some(file) = &args.stix {
        return write_stix(file, &searcher, &opened.fields, &docs, &kinds);
    }
    let mut rows = crate::iocs::aggregate(&searcher, &docs, &kinds)?;
    crate::iocs::sort_rows(&mut rows, args.sort);
    if let Some(n) = args.limit.filter(|&n| n > 0) {
        rows.truncate(n);
    }
    let format = if args.json {
        crate::output::IocFormat::Json
    } else if args.csv {
        crate::output::IocFormat::Csv
    } else {
        crate::output::IocFormat::Text
    };
    let mut p = Printer::new(crate::output::ColorChoice::Never);
    p.iocs(&rows, format)?;
    p.flush()?;
    Ok(ExitCode::from_hits(!rows.is_empty()))
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
