//! `secsearch tokenize` and `secsearch stats`: what the analyzer makes of a
//! text, and what an index holds.

use std::io::{self, Write};

use super::cli::IndexArg;
use super::index::index_dir;
use crate::analysis;
use crate::error::{ExitCode, Outcome};
use crate::index::schema;
use crate::output::Printer;

pub(crate) fn tokenize(text: &str) -> Outcome {
    let norm = analysis::normalize(text);
    let mut out = io::stdout().lock();
    writeln!(out, "normalized: {norm}")?;
    let mut units = Vec::new();
    analysis::recall_units(&norm, |pos, _, t, _, _| {
        units.push(format!("{pos}:{}", t.escape_debug()))
    });
    writeln!(out, "recall ({}): {}", units.len(), units.join(" "))?;
    let mut words = Vec::new();
    analysis::ranking_words(&norm, |w, _, _| words.push(w.to_string()));
    writeln!(out, "words  ({}): {}", words.len(), words.join(" | "))?;
    Ok(ExitCode::Success)
}

pub(crate) fn stats(arg: IndexArg, json: bool) -> Outcome {
    let dir = index_dir(&arg)?;
    let opened = schema::open(&dir)?;
    let st = crate::search::stats::compute(&opened)?;
    let mut p = Printer::new(crate::output::ColorChoice::Never);
    p.stats(&st, json)?;
    p.flush()?;
    Ok(ExitCode::Success)
}
