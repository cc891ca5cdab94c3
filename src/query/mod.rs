//! What the user typed: the query language, its dates, and the expansion of
//! open word ends through the index's vocabulary.

pub mod dates;
pub mod expand;
mod language;
pub mod limits;

pub use language::*;
pub use limits::{Limits, LIMITS};
