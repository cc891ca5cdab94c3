//! `/api/article?path=`: one article of the index, to read.
//!
//! The path is only a key: it is looked up in the index's `path` field and
//! the file is read only when an indexed document holds exactly that path.
//! Anything else (`../../etc/passwd`, a file beside the corpus, a folder)
//! is a 404 without touching the file system, so the page can never be used
//! to read a file the index does not list.

use tantivy::Term;

use serde_json::{json, Value};

use super::error::ApiError;
use super::state::IndexState;
use crate::index::stored;
use crate::output::snippet;
use crate::{article, ioc, query};

/// The largest article shown: the indexer's default `--max-filesize`.
const READ_LIMIT: u64 = 32 * 1024 * 1024;

/// Indicators shown at most: a dump of thousands of hashes is not reading.
const MAX_INDICATORS: usize = 300;

/// The byte ranges of `text` where the query matches, as the terminal
/// highlights them (the presenter's `snippet::marks`): what the page wraps
/// in `<mark>`.
pub fn marks(text: &str, needles: &[String]) -> Vec<(usize, usize)> {
    snippet::marks::marks(text, needles)
        .into_iter()
        .map(|r| (r.start, r.end))
        .collect()
}

/// The article at `path` as JSON, if the index holds it.
pub fn json(st: &IndexState, path: &str, (q, word): (&str, bool)) -> Result<Value, ApiError> {
    let not_found = || ApiError::NotFound(format!("no article with path '{path}' in the index"));
    if path.is_empty() {
        return Err(not_found());
    }
    let view = st.view()?;
    let (s, f) = (&view.searcher, &view.fields);
    let addr = *stored::with_term(s, Term::from_field_text(f.path, path))?
        .first()
        .ok_or_else(not_found)?;
    let doc = stored::doc(s, addr)?;
    // The path is the index's own: only now is the file read, through the
    // checked reader (a FIFO, a device, a huge file or a link out of the
    // index's roots is refused, never waited on or read).
    let bytes = crate::article::fsread::read_within(
        std::path::Path::new(path),
        READ_LIMIT,
        &st.opened().scope(),
    )
    .map_err(|e| {
        ApiError::NotFound(format!(
            "'{path}' is in the index but can no longer be read ({e}); re-run `secsearch index`"
        ))
    })?;
    let stem = std::path::Path::new(path)
        .file_stem()
        .map(|x| x.to_string_lossy().into_owned())
        .unwrap_or_default();
    let art = article::read(&bytes, &stem)
        .map_err(|e| ApiError::NotFound(format!("'{path}' can no longer be read: {e}")))?;
    let needles = query::parse(q)
        .map(|mut q| {
            q.whole_words = word;
            q.match_terms()
        })
        .unwrap_or_default();
    let mut duplicates = Vec::new();
    let key = stored::text(&doc, f.dup_key);
    for a in stored::with_term(s, Term::from_field_text(f.dup_key, &key))? {
        let p = stored::text(&stored::doc(s, a)?, f.path);
        if p != path {
            duplicates.push(p);
        }
    }
    // What the indexer extracted (title, body and link targets), read from
    // the index rather than extracted again.
    let indicators: Vec<Value> = ioc::of_path(s, f, path)?
        .into_iter()
        .take(MAX_INDICATORS)
        .map(|(kind, value)| json!({ "type": kind.name(), "value": value }))
        .collect();
    Ok(json!({
        "path": path,
        "title": art.title,
        "title_highlights": marks(&art.title, &needles),
        "source": art.source,
        "date": art.date.map(|d| d.to_string()),
        "url": art.url,
        "body": art.body,
        "highlights": marks(&art.body, &needles),
        "blocks": super::render::blocks(&art.body, &art.title, &needles),
        "duplicates": duplicates,
        "indicators": indicators,
    }))
}
