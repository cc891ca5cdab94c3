//! Entry point: parse the command line and hand it to the command layer.

use clap::Parser;

use secsearch::commands::cli::{self, Cli};

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Err(e) = cli::check_args(&args) {
        secsearch::output::messages::error(&e);
        return secsearch::error::ExitCode::Error.into();
    }
    let cli = Cli::parse_from(cli::rewrite_args(args));
    secsearch::commands::run(cli).into()
}
