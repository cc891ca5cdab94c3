//! Presentation: everything a user reads — hits, snippets, facets, `stats`
//! and indicators on stdout (text or JSON), and every message on stderr.

pub mod context;
pub mod messages;
pub mod outfile;
mod printer;
pub mod show;
pub mod snippet;

pub use printer::*;
