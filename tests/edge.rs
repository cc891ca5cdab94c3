//! The odd files of `../shared/corpus/edge/` (one folder a kind): every file
//! is indexed (none skipped) and every file can be found by a word of its
//! title.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use common::{BuiltIndex, Doc, IndexedCorpus};

static CORPUS: OnceLock<IndexedCorpus> = OnceLock::new();

/// The index of `edge/` (built once) and its articles, read by the test.
fn edge() -> (&'static BuiltIndex, &'static [Doc]) {
    let c = common::indexed_once(&CORPUS, &common::shared_folder("edge").0);
    (&c.index, &c.docs)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

/// The longest run of characters satisfying `f` (first one on ties).
fn longest_run(s: &str, f: impl Fn(char) -> bool) -> Vec<char> {
    let mut best: Vec<char> = Vec::new();
    let mut cur: Vec<char> = Vec::new();
    for c in s.chars().chain(std::iter::once('\0')) {
        if c != '\0' && f(c) {
            cur.push(c);
        } else {
            if cur.len() > best.len() {
                best = std::mem::take(&mut cur);
            }
            cur.clear();
        }
    }
    best
}

/// A search word taken from a title: its longest run of ≥ 2 Han characters,
/// else its longest ASCII word of ≥ 3 letters/digits; at most 8 characters.
fn title_word(title: &str) -> Option<String> {
    let cjk = longest_run(title, is_cjk);
    let word = if cjk.len() >= 2 {
        cjk
    } else {
        let w = longest_run(title, |c| c.is_ascii_alphanumeric());
        if w.len() < 3 {
            return None;
        }
        w
    };
    Some(word.into_iter().take(8).collect())
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn every_file_is_indexed() {
    let (idx, docs) = edge();
    // The article files the test's own walk of edge/ found (a count from
    // the data, see common::article_files).
    let files = docs.len();
    assert!(files > 0, "no article file under {}", idx.root.display());
    let err = common::stderr(&idx.output);
    assert!(
        err.contains("0 skipped"),
        "index summary should report 0 skipped:\n{err}"
    );
    let v = common::stats_json(&idx.path);
    assert_eq!(
        v["documents"],
        serde_json::json!(files),
        "stats --json: {v}"
    );
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn every_file_is_found_by_a_word_of_its_title() {
    let (idx, docs) = edge();
    // query → files whose title gave it
    let mut by_query: BTreeMap<String, Vec<&Doc>> = BTreeMap::new();
    let mut no_word = Vec::new();
    for d in docs {
        assert!(!d.title.trim().is_empty(), "{}: empty title", d.path);
        match title_word(&d.title) {
            Some(q) => by_query.entry(q).or_default().push(d),
            None => no_word.push(format!("{} (title {:?})", d.path, d.title)),
        }
    }
    let queries: Vec<(&String, &Vec<&Doc>)> = by_query.iter().collect();
    let failures: Vec<String> = common::par_map(&queries, |(q, files)| {
        let hits = match common::try_search_json(&idx.path, &[q]) {
            Ok(h) => h,
            Err(e) => return vec![e],
        };
        let reachable = common::reachable(&hits);
        files
            .iter()
            .filter(|d| !reachable.contains(&d.path))
            .map(|d| {
                format!(
                    "search {q:?} (from the title {:?}) does not reach {}",
                    d.title, d.path
                )
            })
            .collect()
    })
    .into_iter()
    .flatten()
    .collect();
    eprintln!(
        "edge: {} files, {} distinct title queries, {} titles without a word, {} failures",
        docs.len(),
        by_query.len(),
        no_word.len(),
        failures.len()
    );
    assert!(
        no_word.len() * 20 <= docs.len(),
        "too many titles without a searchable word:\n{}",
        no_word.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} files not found by their title:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn empty_titles_fall_back_to_something_shown() {
    let (idx, docs) = edge();
    let empty: Vec<&Doc> = docs
        .iter()
        .filter(|d| d.path.contains("/empty_title/"))
        .collect();
    assert!(!empty.is_empty(), "no file under edge/empty_title/");
    for d in empty {
        let q = title_word(&d.title)
            .unwrap_or_else(|| panic!("{}: fallback title {:?} has no word", d.path, d.title));
        let hits = common::search_json(&idx.path, &[&q]);
        // The file itself, or the hit it is folded into as a duplicate or
        // a reprint.
        let hit = hits
            .iter()
            .find(|h| common::hit_path(h) == d.path)
            .or_else(|| {
                hits.iter().find(|h| {
                    common::hit_duplicates(h).contains(&d.path)
                        || common::hit_reprints(h).contains(&d.path)
                })
            })
            .unwrap_or_else(|| panic!("search {q:?}: {} is not reachable", d.path));
        let title = hit["title"].as_str().unwrap_or_default();
        assert!(
            !title.trim().is_empty(),
            "search {q:?}: the hit for {} has an empty title",
            d.path
        );
    }
}
