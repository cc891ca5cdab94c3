//! `secsearch completions` and `secsearch man`: generated from the clap
//! definition, so they never disagree with `--help`.

use std::io::{self, Write};

use clap::CommandFactory;

use super::cli::Cli;
use crate::error::{ExitCode, Outcome};

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
