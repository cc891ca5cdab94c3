//! Entry point: parse the command line, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

use secsearch::cli::{Cli, Command};
use secsearch::commands;

fn main() -> ExitCode {
    let cli = Cli::parse_from(secsearch::cli::rewrite_args(std::env::args_os().collect()));
    let result = match cli.command {
        Command::Index(args) => commands::index(args),
        Command::Search(args) => commands::search(args),
        Command::Tokenize { text } => commands::tokenize(&text.join(" ")),
        Command::Stats { index, json } => commands::stats(index, json),
        Command::Completions { shell } => commands::completions(shell),
        Command::Man => commands::man(),
    };
    commands::exit(result)
}
