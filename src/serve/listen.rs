//! The server's connections: how many, how long each may dawdle, and how
//! the server stops.
//!
//! `axum::serve` keeps every connection as long as its client likes: a
//! request sent half-way stays open for good, enough of them use up the
//! file descriptors (everyone else is locked out), and graceful shutdown
//! waits for all of them, so SIGTERM does nothing. Here each connection is
//! served by hyper directly: the headers of a request (and the next one on
//! a kept-alive connection) must arrive within [`Limits::header_timeout`],
//! at most [`Limits::connections`] are open at once (the next waits in the
//! kernel's queue), and on a signal the server stops accepting, asks each
//! connection to finish its request, and returns after [`DRAIN`] whatever
//! the clients do.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tower_service::Service;

/// How long connections get to finish after a stop signal; with the
/// runtime's own shutdown (see `serve::run`) the process ends within 2 s.
pub const DRAIN: Duration = Duration::from_millis(1200);

/// Connections open at once by default: far more than a few analysts'
/// browsers need (6 each), far below a default descriptor limit (1024).
pub const DEFAULT_CONNECTIONS: usize = 256;

/// The longest a connection lives: then it is asked to close after its
/// request in flight, and closed [`LAST_WORDS`] later in any case. The
/// header timeout cannot see a client that stops reading a long answer
/// (a 30 MB article) and so holds its connection; this does. A browser
/// opens a new connection without the user noticing.
const MAX_LIFE: Duration = Duration::from_secs(300);
const LAST_WORDS: Duration = Duration::from_secs(30);

/// Seconds a client gets to send a request's headers, by default.
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;

/// What each connection may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub connections: usize,
}

/// The address a connection reached, for the Host check: a request may
/// name the server by the address it connected to.
#[derive(Debug, Clone, Copy)]
pub struct LocalAddr(pub SocketAddr);

/// Accepts and serves connections until `stop` resolves, then drains them
/// for at most [`DRAIN`].
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut open = tokio::task::JoinSet::new();
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            _ = &mut stop => break,
            p = Arc::clone(&slots).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            _ = &mut stop => break,
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                // Out of descriptors (EMFILE) or a connection reset before
                // it was accepted: wait a moment, do not spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        open.spawn(connection(
            stream,
            app.clone(),
            limits,
            stop_rx.clone(),
            permit,
        ));
        while open.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = async { while open.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN, drained).await.is_err() {
        open.abort_all();
    }
}

/// Serves one connection; `_slot` is given back when it closes.
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let local = stream.local_addr().ok().map(LocalAddr);
    let svc = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
        if let Some(a) = local {
            req.extensions_mut().insert(a);
        }
        let mut app = app.clone();
        async move {
            Ok::<_, Infallible>(
                app.call(req.map(axum::body::Body::new))
                    .await
                    .unwrap_or_else(|e| match e {}),
            )
        }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let conn = http.serve_connection(TokioIo::new(stream), svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = async { stop.wait_for(|s| *s).await.is_ok() } => {
            // Bounded by the server's own deadline (`DRAIN`).
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
        _ = tokio::time::sleep(MAX_LIFE) => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(LAST_WORDS, conn).await;
        }
    }
}
