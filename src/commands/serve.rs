//! `secsearch serve`: the web page and API over an index.

use super::cli::ServeArgs;
use super::env::boosts_from_env;
use super::index::index_dir;
use crate::error::{ExitCode, Outcome};
use crate::index::schema;

pub(crate) fn serve(args: ServeArgs) -> Outcome {
    schema::set_boosts(boosts_from_env()?);
    crate::serve::run(&crate::serve::Options {
        index_dir: index_dir(&args.index)?,
        addr: std::net::SocketAddr::new(args.bind, args.port),
        cache_entries: args.cache,
        allow_hosts: args.allow_host,
        timeout: std::time::Duration::from_secs(args.timeout),
    })?;
    Ok(ExitCode::Success)
}
