//! `main`'s one call: grep habits checked, the command line parsed, the
//! command dispatched, its outcome mapped to an exit code and a panic to
//! one line.

use std::io;

use super::cli::{self, Cli, Command};
use super::env::boosts_from_env;
use super::{docs, export, index, inspect, iocs, read, search, serve};
use crate::error::{Error, ExitCode, Failure, Outcome};
use crate::index::schema;
use crate::output::messages;

/// The whole program behind `main`: grep habits checked and rewritten
/// (see [`cli::check_args`]), the command line parsed, the command run.
pub fn main(args: Vec<std::ffi::OsString>) -> ExitCode {
    if let Err(e) = cli::check_args(&args) {
        messages::error(&e);
        return ExitCode::Error;
    }
    run(<Cli as clap::Parser>::parse_from(cli::rewrite_args(args)))
}

/// Runs the command and maps its outcome to the exit code, printing an
/// error as one line on stderr; a closed pipe (`| head`) ends quietly.
pub fn run(cli: Cli) -> ExitCode {
    match catch_panic(cli) {
        Ok(code) => code,
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::Success,
        Err(e) => {
            messages::error(&e);
            ExitCode::Error
        }
    }
}

/// Runs the command with a panic turned into an error. A panic is a bug —
/// ours, or a library's on input it did not expect (tantivy on a damaged
/// index file that passed the checksum checks): the user gets one line
/// naming it and the way out instead of a backtrace and exit code 101.
fn catch_panic(cli: Cli) -> Outcome {
    static PANIC: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut m) = PANIC.lock() {
            *m = info.to_string();
        }
    }));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(cli))) {
        Ok(outcome) => outcome,
        Err(_) => {
            let what = PANIC.lock().map(|m| m.clone()).unwrap_or_default();
            Err(Error::Internal(what.lines().next().unwrap_or("panic").to_string()).into())
        }
    }
}

fn dispatch(cli: Cli) -> Outcome {
    match cli.command {
        Command::Index(args) => index::index(args),
        Command::Search(args) => {
            schema::set_boosts(boosts_from_env()?);
            search::search(args)
        }
        Command::Iocs(args) => iocs::iocs(args),
        Command::Show(args) => read::show(args),
        Command::Tokenize { text } => inspect::tokenize(&text.join(" ")),
        Command::Stats { index, json } => inspect::stats(index, json),
        Command::Serve(args) => serve::serve(args),
        Command::Export(args) => export::export(args),
        Command::Completions { shell } => docs::completions(shell),
        Command::Man => docs::man(),
    }
}
