//! secsearch: full-text search for security-event articles with
//! grep-exact recall and jieba-ranked results.
//!
//! The pipeline, one module a stage: [`walker`] finds files, [`article`]
//! reads them tolerantly, [`analyzer`] turns text into terms, [`schema`]
//! defines the index, [`indexer`] writes it, [`query`] parses what the user
//! typed, [`search`] answers with finished hits, [`stats`] counts, and
//! [`output`] (with [`snippet`]) shows the answer; [`serve`] answers
//! the same searches as a local web page. [`ioc`] extracts indicators at
//! index time; [`iocs`] filters and aggregates them and [`stix`] exports
//! them.

pub mod analyzer;
pub mod article;
pub mod cli;
pub(crate) mod columns;
pub mod commands;
pub mod context;
pub(crate) mod dates;
pub mod error;
pub mod expand;
pub mod export;
pub mod fsread;
pub mod indexer;
pub mod integrity;
pub mod ioc;
pub mod iocs;
pub mod messages;
pub mod output;
pub(crate) mod path_list;
pub mod query;
pub mod schema;
pub mod search;
pub mod serve;
pub mod show;
pub mod signals;
pub mod snippet;
pub(crate) mod sorted;
pub mod stats;
pub mod stix;
pub(crate) mod stored;
pub mod synonyms;
pub mod walker;
