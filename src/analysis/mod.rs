//! Analysis: how text becomes index terms — normalisation, recall units,
//! jieba words for ranking, tokenizers, and synonym groups.

mod analyzer;
pub mod synonyms;

pub use analyzer::*;
