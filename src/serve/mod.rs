//! `secsearch serve`: a local search page and its JSON API over the same
//! index as the command line.
//!
//! One process opens the index once ([`state::IndexState`]) and answers
//! concurrent readers from it with axum on tokio; searches run on the
//! blocking pool. The page (HTML, CSS, JS) is compiled into the binary, so
//! there is no build step and nothing to install beside it.
//!
//! Safe by default: it listens on 127.0.0.1 unless `--bind` says otherwise;
//! while it listens on loopback, a request naming another host (a web page
//! elsewhere using DNS rebinding to reach it) is refused; the page builds
//! every piece of article text as DOM text, never as HTML, and a
//! Content-Security-Policy forbids inline and foreign scripts besides;
//! only files the index lists are ever read.

mod api;
mod article;
mod assets;
mod cache;
mod error;
mod params;
mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::Error;
use crate::output::messages;

pub use params::MAX_LIMIT;

/// What `secsearch serve` was asked for.
pub struct Options {
    pub index_dir: PathBuf,
    pub addr: SocketAddr,
    /// Search answers kept for repeated requests (0: none).
    pub cache_entries: usize,
}

pub use cache::DEFAULT_ENTRIES as DEFAULT_CACHE_ENTRIES;

/// Opens the index and serves until Ctrl-C / SIGTERM.
pub fn run(opts: &Options) -> Result<(), Error> {
    let index = state::IndexState::open(&opts.index_dir)?;
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let state = Arc::new(api::App::new(index, opts.cache_entries, workers));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Serve {
            what: "cannot start the server runtime".into(),
            source: e,
        })?;
    rt.block_on(serve(state, opts))
}

async fn serve(state: api::Shared, opts: &Options) -> Result<(), Error> {
    let listener = tokio::net::TcpListener::bind(opts.addr)
        .await
        .map_err(|e| Error::Serve {
            what: format!("cannot listen on {}", opts.addr),
            source: e,
        })?;
    let local = listener.local_addr().map_err(|e| Error::Serve {
        what: "cannot read the address listened on".into(),
        source: e,
    })?;
    let loopback = local.ip().is_loopback();
    if !loopback {
        messages::serve_exposed(local);
    }
    messages::serving(local, &opts.index_dir);
    axum::serve(listener, router(state, loopback))
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| Error::Serve {
            what: "the server stopped".into(),
            source: e,
        })
}

/// Resolves on Ctrl-C or SIGTERM: the server then finishes the requests in
/// flight and returns.
async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

fn router(state: api::Shared, loopback: bool) -> Router {
    let r = Router::new()
        .route("/", get(assets::index))
        .route("/app.js", get(assets::script))
        .route("/style.css", get(assets::style))
        .route("/api/search", get(api::search))
        .route("/api/stats", get(api::stats))
        .route("/api/article", get(api::article))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .with_state(state);
    if loopback {
        r.layer(middleware::from_fn(local_host_only))
    } else {
        r
    }
}

/// Whether a `Host` header names this machine's loopback.
fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    matches!(name, "localhost" | "127.0.0.1" | "::1")
}

/// Refuses requests for another host name: a site on the internet cannot
/// point its own name at 127.0.0.1 (DNS rebinding) and read the index
/// through the visitor's browser.
async fn local_host_only(req: Request, next: Next) -> Response {
    let ok = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(is_local_host);
    if ok {
        next.run(req).await
    } else {
        (StatusCode::FORBIDDEN, "forbidden: not a local host name\n").into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_host_names_are_local() {
        for h in ["localhost:7700", "127.0.0.1:1", "[::1]:7700", "localhost"] {
            assert!(is_local_host(h), "{h}");
        }
        for h in ["evil.com", "127.0.0.1.evil.com:7700", "[::2]:1", ""] {
            assert!(!is_local_host(h), "{h}");
        }
    }
}
