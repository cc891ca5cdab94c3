//! `/api/article?path=`: one article of the index, to read.
//!
//! The path is only a key: it is looked up in the index's `path` field and
//! the file is read only when an indexed document holds exactly that path.
//! Anything else (`../../etc/passwd`, a file beside the corpus, a folder)
//! is a 404 without touching the file system, so the page can never be used
//! to read a file the index does not list.

use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption, Value as _};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use serde_json::{json, Value};

use super::api::ApiError;
use super::state::IndexState;
use crate::error::Error;
use crate::{analyzer, article, ioc, query, snippet};

/// Indicators shown at most: a dump of thousands of hashes is not reading.
const MAX_INDICATORS: usize = 300;

fn index_err(e: tantivy::TantivyError) -> ApiError {
    ApiError::Internal(Error::Other(format!("search failed: {e}")))
}

/// The documents whose `field` holds exactly `value`.
fn docs_with(searcher: &Searcher, field: Field, value: &str) -> Result<Vec<DocAddress>, ApiError> {
    let q = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    let mut docs: Vec<DocAddress> = searcher
        .search(&q, &DocSetCollector)
        .map_err(index_err)?
        .into_iter()
        .collect();
    docs.sort();
    Ok(docs)
}

fn stored(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn read_doc(searcher: &Searcher, a: DocAddress) -> Result<TantivyDocument, ApiError> {
    searcher.doc(a).map_err(index_err)
}

/// The byte ranges of `text` where the (normalized) needles occur, mapped
/// back to the original text and merged where they overlap: what the page
/// wraps in `<mark>`.
pub fn marks(text: &str, needles: &[String]) -> Vec<(usize, usize)> {
    if needles.is_empty() {
        return Vec::new();
    }
    let (norm, map) = analyzer::normalize_with_map(text);
    let orig = |b: usize| map.get(b).copied().unwrap_or(text.len() as u32) as usize;
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e, _) in snippet::find_matches(&norm, needles) {
        let (s, e) = (orig(s), orig(e));
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ if s < e => out.push((s, e)),
            _ => {}
        }
    }
    out
}

/// The article at `path` as JSON, if the index holds it.
pub fn json(st: &IndexState, path: &str, q: &str) -> Result<Value, ApiError> {
    let not_found = || ApiError::NotFound(format!("no article with path '{path}' in the index"));
    if path.is_empty() {
        return Err(not_found());
    }
    let view = st.view()?;
    let (s, f) = (&view.searcher, &view.fields);
    let addr = *docs_with(s, f.path, path)?.first().ok_or_else(not_found)?;
    let doc = read_doc(s, addr)?;
    // The path is the index's own: only now is the file read.
    let bytes = std::fs::read(path).map_err(|_| {
        ApiError::NotFound(format!(
            "'{path}' is in the index but can no longer be read; re-run `secsearch index`"
        ))
    })?;
    let stem = std::path::Path::new(path)
        .file_stem()
        .map(|x| x.to_string_lossy().into_owned())
        .unwrap_or_default();
    let art = article::read(&bytes, &stem)
        .map_err(|e| ApiError::NotFound(format!("'{path}' can no longer be read: {e}")))?;
    let needles = query::parse(q).map(|q| q.match_terms()).unwrap_or_default();
    let mut duplicates = Vec::new();
    for a in docs_with(s, f.dup_key, &stored(&doc, f.dup_key))? {
        let p = stored(&read_doc(s, a)?, f.path);
        if p != path {
            duplicates.push(p);
        }
    }
    let indicators: Vec<Value> = ioc::extract(&art.body)
        .into_iter()
        .take(MAX_INDICATORS)
        .map(|i| json!({ "type": i.kind.name(), "value": i.value }))
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
        "duplicates": duplicates,
        "indicators": indicators,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_map_back_to_the_original_text_and_merge() {
        let text = "Ｌｏｇ４ｊ 与 log4j2 漏洞";
        let m = marks(text, &[analyzer::normalize("log4j")]);
        let got: Vec<&str> = m.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(got, vec!["Ｌｏｇ４ｊ", "log4j"]);
        let m = marks("勒索软件", &["勒索".into(), "索软".into()]);
        assert_eq!(m, vec![(0, "勒索软".len())]);
        assert!(marks("abc", &[]).is_empty());
    }
}
