//! Analysis: how documents and queries become index terms.
//!
//! [`normalize`] brings text to the one form documents and queries are
//! compared in; [`units`] rewrites it into the recall representation (CJK
//! bigrams, whole words, every visible character) that makes phrase queries
//! behave like `grep -F -i`; [`segment`] gives jieba's words for ranking;
//! [`links`] is how URLs are indexed; [`tokenizer`] registers these as
//! tantivy tokenizers; [`synonyms`] holds the alias groups; `variants`
//! completes zhconv's traditional-to-simplified folding with OpenCC's tables.

pub mod links;
pub mod normalize;
mod regional;
pub mod segment;
pub mod synonyms;
pub mod tokenizer;
pub mod units;
mod variants;

#[cfg(test)]
mod tests;

pub use links::*;
pub use normalize::*;
pub use segment::*;
pub use tokenizer::*;
pub use units::*;
