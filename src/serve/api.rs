//! The JSON API: `/api/search`, `/api/stats`, `/api/article`. Each handler
//! runs its search on tokio's blocking pool (tantivy and file reads block),
//! from the one shared [`IndexState`], at most one search a core at a time
//! (see [`App::blocking`]); repeated searches are answered from
//! [`cache::Answers`].

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::article;
use super::cache::{self, Answers, Bodies};
use super::error::ApiError;
use super::params::SearchParams;
use super::state::{IndexState, View};
use crate::error::Error;
use crate::query;
use crate::search::{self, stats};

/// Columns of a snippet on the page: wider than a terminal line, since the
/// page wraps it over two or three lines of a result card.
const SNIPPET_COLS: usize = 220;

/// What every request shares: the index, the recent answers, and the
/// slots that bound how many searches run at once.
pub struct App {
    pub index: IndexState,
    answers: Answers,
    bodies: Bodies,
    slots: Arc<tokio::sync::Semaphore>,
}

/// The longest a request waits for its answer, in line and searching: past
/// it the client gets a 503 rather than an open connection forever.
const ANSWER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

pub type Shared = Arc<App>;

impl App {
    /// `cache_entries` answers are kept (0: none); `workers` searches run
    /// at once.
    pub fn new(index: IndexState, cache_entries: usize, workers: usize) -> App {
        let scope = index.opened().scope();
        App {
            index,
            answers: Answers::new(cache_entries),
            bodies: Bodies::new(if cache_entries == 0 { 0 } else { cache::BODIES }, scope),
            slots: Arc::new(tokio::sync::Semaphore::new(workers.max(1))),
        }
    }

    /// Runs `f` on the blocking pool once a slot is free; a panic there is a
    /// 500, not a dropped connection. Searches are CPU work: with more of
    /// them running than there are cores, each one is slowed by all the
    /// others and the slow ones finish last of all (measured at 50
    /// concurrent clients on 2 cores: p99 294 ms with one thread a request).
    /// Waiting in line (the semaphore is fair, first come first served)
    /// gives the same throughput and a much shorter tail.
    ///
    /// The slot goes with the work, so a search that outlives the
    /// request's [`ANSWER_TIMEOUT`] still holds its core until it ends.
    pub async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&App) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let failed = |e: String| ApiError::Internal(Error::Other(format!("a request failed: {e}")));
        let app = Arc::clone(self);
        let answer = async move {
            let slot = Arc::clone(&app.slots)
                .acquire_owned()
                .await
                .map_err(|e| failed(e.to_string()))?;
            tokio::task::spawn_blocking(move || {
                let _slot = slot;
                f(&app)
            })
            .await
            .map_err(|e| failed(e.to_string()))?
        };
        match tokio::time::timeout(ANSWER_TIMEOUT, answer).await {
            Ok(r) => r,
            Err(_) => Err(ApiError::Busy(format!(
                "no answer within {} s: the server is busy, try again",
                ANSWER_TIMEOUT.as_secs()
            ))),
        }
    }
}

pub async fn search(State(app): State<Shared>, Query(p): Query<SearchParams>) -> Response {
    match app.blocking(move |app| search_answer(app, &p)).await {
        Ok(body) => (
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// The JSON text answering `p`: kept from an earlier identical request on
/// the same index generation, else searched (and kept).
fn search_answer(app: &App, p: &SearchParams) -> Result<Arc<str>, ApiError> {
    let view = app.index.view()?;
    let key = cache::Key::new(view.generation, p);
    if let Some(answer) = app.answers.get(&key) {
        return Ok(answer);
    }
    let value = search_json(&view, &app.bodies, p, &app.index.opened().dir)?;
    let answer: Arc<str> = serde_json::to_string(&value)
        .map_err(|e| ApiError::Internal(Error::Other(e.to_string())))?
        .into();
    app.answers.put(key, Arc::clone(&answer));
    Ok(answer)
}

/// One page of hits as JSON: the fields of `search --json` a hit (with
/// `substance`, `via_alias`, `stale`), plus the title's highlights, the
/// total, the aliases also searched (once, for the page to say), the
/// zero-hit help and the facets of every match.
fn search_json(
    view: &View,
    bodies: &Bodies,
    p: &SearchParams,
    dir: &std::path::Path,
) -> Result<Value, ApiError> {
    if p.is_empty() {
        return Ok(
            json!({ "query": "", "total": 0, "also_searched": [], "hits": [], "facets": null }),
        );
    }
    let opts = p.to_options().map_err(ApiError::Bad)?;
    let r = search::run_with(&view.searcher, &view.fields, view.vocab.as_deref(), &opts)?;
    let needles = &r.match_terms;
    let zero_hits = zero_hits_json(dir, &opts, r.total)?;
    let hits: Vec<Value> = r
        .hits
        .iter()
        .map(|h| {
            let snip = bodies.get(&h.path, &h.title).snippet(needles, SNIPPET_COLS);
            let mut v = crate::output::hit_json_with(&r, h, snip);
            v["title_highlights"] = json!(article::marks(&h.title, needles));
            v
        })
        .collect();
    Ok(json!({
        "query": p.q.trim(),
        "total": r.total,
        "offset": opts.offset,
        "limit": opts.limit,
        "match_terms": needles.iter().map(|n| query::split_needle(n).1).collect::<Vec<_>>(),
        "also_searched": r.also_searched,
        "zero_hits": zero_hits,
        "hits": hits,
        "facets": r.facets,
    }))
}

/// For a query that found nothing, what the terminal says on stderr: each
/// term's count alone, and close words for a term that matches nothing
/// (`search::zero_hit_help`). Empty when there are hits or no words.
fn zero_hits_json(
    dir: &std::path::Path,
    opts: &search::Options,
    total: u64,
) -> Result<Vec<Value>, ApiError> {
    if total > 0 || opts.query.clauses.is_empty() {
        return Ok(Vec::new());
    }
    Ok(search::zero_hit_help(dir, opts)?
        .into_iter()
        .map(|c| json!({ "term": c.term, "hits": c.hits, "suggestions": c.suggestions }))
        .collect())
}

pub async fn stats(State(app): State<Shared>) -> Result<Json<Value>, ApiError> {
    app.blocking(move |app| {
        let view = app.index.view()?;
        let s = stats::compute_with(app.index.opened(), &view.searcher)?;
        serde_json::to_value(s).map_err(|e| ApiError::Internal(Error::Other(e.to_string())))
    })
    .await
    .map(Json)
}

#[derive(Debug, serde::Deserialize)]
pub struct ArticleParams {
    #[serde(default)]
    pub path: String,
    /// The query whose matches are highlighted.
    #[serde(default)]
    pub q: String,
    /// `1`: the query's whole words only, as `search`'s `word=1`.
    #[serde(default)]
    pub word: String,
}

pub async fn article(
    State(app): State<Shared>,
    Query(p): Query<ArticleParams>,
) -> Result<Json<Value>, ApiError> {
    app.blocking(move |app| article::json(&app.index, &p.path, (&p.q, p.word == "1")))
        .await
        .map(Json)
}
