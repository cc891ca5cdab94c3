//! `iocs --path FILE`: one article's indicators read from the file itself,
//! as the indexer would extract them now (title, body and link targets),
//! so that any article — indexed or not — can be handed to a platform.

use std::path::Path;

use super::aggregate::{Article, Row};
use super::roles::role;
use super::terms;
use crate::error::Error;

/// The largest file read, as `index`'s default `--max-filesize`.
const LIMIT: u64 = 32 * 1024 * 1024;

/// The article at `path` with the indicators of the kinds in `kinds` (all
/// when empty), and the same as rows (one article each, its date and
/// source). A file that is not an article is an error naming it.
pub fn of_file(path: &Path, kinds: &[super::extract::Kind]) -> Result<(Article, Vec<Row>), Error> {
    let not_article = |why: String| Error::NotArticle {
        path: path.to_path_buf(),
        why,
    };
    let bytes = crate::article::fsread::read_regular(path, LIMIT)
        .map_err(|e| not_article(e.to_string()))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let a = crate::article::read(&bytes, &stem).map_err(|e| not_article(e.to_string()))?;
    let texts = [a.title.as_str(), a.body.as_str()]
        .into_iter()
        .chain(a.links.iter().map(String::as_str));
    let indicators: Vec<_> = terms::of_texts(texts)
        .iter()
        .filter_map(|t| terms::split(t))
        .filter(|(k, _)| kinds.is_empty() || kinds.contains(k))
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    let sources = if a.source.is_empty() {
        Vec::new()
    } else {
        vec![(a.source.clone(), 1)]
    };
    let rows = indicators
        .iter()
        .map(|(k, v)| Row {
            kind: *k,
            value: v.clone(),
            role: role(*k, v),
            articles: 1,
            first: a.date,
            last: a.date,
            sources: sources.clone(),
        })
        .collect();
    // The key a re-export must keep: the article's URL, else its content.
    let key = if a.url.is_empty() {
        format!("h:{:016x}", xxhash_rust::xxh3::xxh3_64(a.body.as_bytes()))
    } else {
        format!("u:{}", a.url)
    };
    let article = Article {
        path: path.display().to_string(),
        title: a.title,
        source: a.source,
        url: a.url,
        date: a.date,
        key,
        indicators,
    };
    Ok((article, rows))
}
