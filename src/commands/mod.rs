//! The command layer behind `main`: each command takes parsed arguments and
//! the environment, runs one pipeline, has the result shown, and returns its
//! exit code. A file a command (`search`, `index`, `iocs`, …); `run` is the
//! dispatch, `env` the environment variables, read here and nowhere deeper.

pub mod cli;
mod docs;
mod env;
mod export;
mod index;
mod inspect;
mod iocs;
pub mod last;
mod read;
mod run;
mod search;
mod serve;
pub mod signals;

pub use index::index_dir;
pub use run::{main, run};
