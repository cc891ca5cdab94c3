//! What the user typed: the query language, its dates, and the expansion of
//! open word ends through the index's vocabulary.

pub mod dates;
pub mod expand;
mod fields;
mod language;
mod lex;
pub mod limits;

pub use fields::{split_field, FieldSel, Typed, FIELD_NAMES};
pub use language::*;
pub use limits::{Limits, LIMITS};
