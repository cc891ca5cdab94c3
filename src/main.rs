//! Entry point: parse the command line and hand it to the command layer.

use clap::Parser;

use secsearch::cli::{self, Cli};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse_from(cli::rewrite_args(std::env::args_os().collect()));
    secsearch::commands::run(cli).into()
}
