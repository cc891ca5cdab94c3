//! Why a request got no answer, as an HTTP status and a one-line JSON
//! reason: the one error type every handler returns.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::Error;
use crate::output::messages;

/// Why a request got no answer: the status and a one-line reason.
pub enum ApiError {
    /// The request itself is wrong (bad query, date, limit): 400.
    Bad(Error),
    /// Not an article of the index: 404.
    NotFound(String),
    /// The index could not answer: 500.
    Internal(Error),
    /// The answer took too long (the server is overloaded): 503.
    Busy(String),
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
            ApiError::Busy(m) => (StatusCode::SERVICE_UNAVAILABLE, m),
        };
        (status, Json(json!({ "error": msg }))).into_response()
    }
}
