//! secsearch: full-text search for security-event articles with
//! grep-exact recall and jieba-ranked results.
//!
//! One folder a pipeline stage; imports point down this list, never up:
//! [`commands`] (the CLI definitions and one entry a command) drives
//! [`serve`] (web page + JSON API) and [`export`] (hand-off to Quickwit or
//! OpenSearch), which show their answers through [`output`] (terminal,
//! JSON, snippets, stderr messages). [`search`] answers a parsed [`query`]
//! from the [`index`] folder (its layout, schema, integrity record, side
//! files, and the writer); [`ioc`] extracts, stores and aggregates
//! indicators; [`analysis`] turns text into terms; [`article`] finds and
//! reads article files. [`error`] holds every error and exit code.

pub mod analysis;
pub mod article;
pub mod commands;
pub mod error;
pub mod export;
pub mod index;
pub mod ioc;
pub mod output;
pub mod query;
pub mod search;
pub mod serve;
