//! The JSON API: `/api/search`, `/api/stats`, `/api/article`. Each handler
//! runs its search on tokio's blocking pool (tantivy and file reads block),
//! from the one shared [`IndexState`].

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::article;
use super::params::SearchParams;
use super::state::IndexState;
use crate::error::Error;
use crate::{messages, search, stats};

/// Columns of a snippet on the page: wider than a terminal line, since the
/// page wraps it over two or three lines of a result card.
const SNIPPET_COLS: usize = 220;

pub type Shared = Arc<IndexState>;

/// Why a request got no answer: the status and a one-line reason.
pub enum ApiError {
    /// The request itself is wrong (bad query, date, limit): 400.
    Bad(Error),
    /// Not an article of the index: 404.
    NotFound(String),
    /// The index could not answer: 500.
    Internal(Error),
}

impl From<Error> for ApiError {
    /// A user's mistake is a 400; anything else is the server's failure.
    fn from(e: Error) -> Self {
        match e {
            Error::BadQuery(_) | Error::BadDate(_) | Error::NoSource { .. } => ApiError::Bad(e),
            other => ApiError::Internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, msg) = match self {
            ApiError::Bad(e) => (StatusCode::BAD_REQUEST, messages::chain(&e)),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            ApiError::Internal(e) => (StatusCode::INTERNAL_SERVER_ERROR, messages::chain(&e)),
        };
        (status, Json(json!({ "error": msg }))).into_response()
    }
}

/// Runs `f` on the blocking pool; a panic there is a 500, not a dropped
/// connection.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(Error::Other(format!("a request failed: {e}"))))?
}

pub async fn search(
    State(st): State<Shared>,
    Query(p): Query<SearchParams>,
) -> Result<Json<Value>, ApiError> {
    blocking(move || search_json(&st, &p)).await.map(Json)
}

/// One page of hits as JSON: the fields of `search --json` a hit, plus the
/// title's highlights, the total and the facets of every match.
fn search_json(st: &IndexState, p: &SearchParams) -> Result<Value, ApiError> {
    if p.is_empty() {
        return Ok(json!({ "query": "", "total": 0, "hits": [], "facets": null }));
    }
    let opts = p.to_options().map_err(ApiError::Bad)?;
    let view = st.view()?;
    let r = search::run_with(&view.searcher, &view.fields, view.vocab.as_deref(), &opts)?;
    let needles = &r.match_terms;
    let hits: Vec<Value> = r
        .hits
        .iter()
        .map(|h| {
            let mut v = crate::output::hit_json(&r, h, SNIPPET_COLS);
            v["title_highlights"] = json!(article::marks(&h.title, needles));
            v
        })
        .collect();
    Ok(json!({
        "query": p.q.trim(),
        "total": r.total,
        "offset": opts.offset,
        "limit": opts.limit,
        "match_terms": needles,
        "hits": hits,
        "facets": r.facets,
    }))
}

pub async fn stats(State(st): State<Shared>) -> Result<Json<Value>, ApiError> {
    blocking(move || {
        let view = st.view()?;
        let s = stats::compute_with(st.opened(), &view.searcher)?;
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
}

pub async fn article(
    State(st): State<Shared>,
    Query(p): Query<ArticleParams>,
) -> Result<Json<Value>, ApiError> {
    blocking(move || article::json(&st, &p.path, &p.q))
        .await
        .map(Json)
}
