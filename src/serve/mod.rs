//! `secsearch serve`: a local search page and its JSON API over the same
//! index as the command line.
//!
//! One process opens the index once ([`state::IndexState`]) and answers
//! concurrent readers from it with axum on tokio; searches run on the
//! blocking pool. The page (HTML, CSS, JS) is compiled into the binary, so
//! there is no build step and nothing to install beside it.
//!
//! Safe by default: it listens on 127.0.0.1 unless `--bind` says otherwise;
//! on every address, a request naming a host other than loopback, the
//! address it reached or an `--allow-host` name (a web page elsewhere using
//! DNS rebinding to reach it) is refused; no client can hold it up (see
//! [`listen`]: header timeouts, a bound on connections, a deadline on
//! shutdown, and on every search); the page builds every piece of article
//! text as DOM text, never as HTML, and a Content-Security-Policy forbids
//! inline and foreign scripts besides; only files the index lists, under
//! the folders it was built from, are ever read.

mod api;
mod article;
mod assets;
mod cache;
mod error;
mod host;
mod listen;
mod params;
mod render;
mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
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
    /// Host names besides loopback and the bound address (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// How long a client may take to send a request's headers, or stay
    /// idle between requests.
    pub timeout: Duration,
}

pub use cache::{DEFAULT_ENTRIES as DEFAULT_CACHE_ENTRIES, MAX_ENTRIES as MAX_CACHE_ENTRIES};
pub use listen::DEFAULT_TIMEOUT_SECS;

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
    let served = rt.block_on(serve(state, opts));
    // A search still running on the blocking pool is not waited for: the
    // process is ending, and a stop must take at most 2 s.
    rt.shutdown_timeout(Duration::from_millis(300));
    served
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
    if !local.ip().is_loopback() {
        messages::serve_exposed(local);
    }
    messages::serving(local, &opts.index_dir);
    let limits = listen::Limits {
        header_timeout: opts.timeout,
        connections: listen::DEFAULT_CONNECTIONS,
    };
    let allowed = host::Allowed::new(&opts.allow_hosts, Some(local.ip()));
    listen::serve(listener, router(state, allowed), limits, shutdown()).await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM: the server then stops accepting, lets
/// the requests in flight finish for a moment, and returns.
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

fn router(state: api::Shared, allowed: host::Allowed) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/app.js", get(assets::script))
        .route("/style.css", get(assets::style))
        .route("/api/search", get(api::search))
        .route("/api/stats", get(api::stats))
        .route("/api/article", get(api::article))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .with_state(state)
        .layer(middleware::from_fn_with_state(
            Arc::new(allowed),
            known_host_only,
        ))
}

/// Refuses requests for another host name: a site on the internet cannot
/// point its own name at this server (DNS rebinding) and read the index
/// through the visitor's browser.
async fn known_host_only(
    State(allowed): State<Arc<host::Allowed>>,
    req: Request,
    next: Next,
) -> Response {
    let local = req.extensions().get::<listen::LocalAddr>().map(|a| a.0);
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if allowed.permits(host, local) {
        next.run(req).await
    } else {
        let msg = format!(
            "forbidden: '{}' is not a host name of this server (start it with --allow-host NAME to allow one)\n",
            host.escape_debug()
        );
        (StatusCode::FORBIDDEN, msg).into_response()
    }
}
