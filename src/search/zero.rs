//! Help when nothing matches: which word matched nothing (with the other
//! words' counts), and close alternatives from the index itself: a word of
//! the vocabulary one or two edits away (a Latin misspelling), a source
//! whose name holds the word (it was meant as `--source`), the other names
//! of its synonym group.
//!
//! Why from the index: a suggestion that matches nothing either would be
//! no help, so every one is a word or source the archive has.

use tantivy::Searcher;

use super::options::{Options, Sort};
use super::run::run;
use crate::analysis::Class;
use crate::error::Error;
use crate::index::columns;
use crate::index::schema::{self, name};
use crate::index::vocabulary::Vocabulary;
use crate::query::{Clause, Query};

/// Suggestions offered for one word, at most.
const MAX_SUGGESTIONS: usize = 5;

/// One positive query term and how many articles it matches alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermCount {
    pub term: String,
    pub hits: u64,
    /// Close alternatives (only for a term with no hits).
    pub suggestions: Vec<String>,
}

/// The counts of each positive term of a query that found nothing, with
/// suggestions for those that match nothing alone.
pub fn help(index_dir: &std::path::Path, opts: &Options) -> Result<Vec<TermCount>, Error> {
    let opened = schema::open(index_dir)?;
    let reader = opened.reader()?;
    let searcher = reader.searcher();
    let vocab = Vocabulary::load(index_dir, opened.opstamp);
    let sources = source_names(&searcher)?;
    let mut out = Vec::new();
    for clause in opts.query.clauses.iter().filter(|c| !c.negated) {
        let hits = count_alone(index_dir, opts, clause)?;
        let term = clause
            .any_of
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" OR ");
        let suggestions = if hits == 0 {
            suggest(&term, vocab.as_ref(), &sources, opts)
        } else {
            Vec::new()
        };
        out.push(TermCount {
            term,
            hits,
            suggestions,
        });
    }
    Ok(out)
}

/// Articles matching `clause` alone, under the same filters.
fn count_alone(index_dir: &std::path::Path, opts: &Options, clause: &Clause) -> Result<u64, Error> {
    let one = Options {
        query: Query {
            clauses: vec![clause.clone()],
        },
        limit: Some(0),
        offset: 0,
        sources: opts.sources.clone(),
        since: opts.since,
        until: opts.until,
        sort: Sort::Relevance,
        facets: false,
        fold_duplicates: opts.fold_duplicates,
        paths_only: false,
        synonyms: opts.synonyms.clone(),
        exact: opts.exact,
    };
    Ok(run(index_dir, &one)?.total)
}

/// Every source name of the index.
fn source_names(searcher: &Searcher) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for col in columns::str_columns(searcher, name::SOURCE_EXACT)?
        .into_iter()
        .flatten()
    {
        let mut stream = col
            .dictionary()
            .stream()
            .map_err(|e| columns::index_error(name::SOURCE_EXACT, e))?;
        while stream.advance() {
            let s = String::from_utf8_lossy(stream.key()).into_owned();
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    Ok(out)
}

/// The edit distance a suggestion may be from a word of `len` characters:
/// one edit for short words (two would turn `apt` into most of the
/// vocabulary), two for longer ones.
fn max_distance(len: usize) -> usize {
    if len <= 5 {
        1
    } else {
        2
    }
}

/// Close vocabulary words, nearest first (ties: shorter first, then in
/// dictionary order).
fn near_words(term: &str, vocab: &Vocabulary) -> Vec<String> {
    let t = crate::analysis::normalize(term).trim().to_string();
    let n = t.chars().count();
    if n < 3 || !t.chars().all(|c| crate::analysis::class(c) == Class::Word) {
        return Vec::new();
    }
    let max = max_distance(n);
    let mut near: Vec<(usize, usize, &str)> = vocab
        .words()
        .filter(|w| w.len().abs_diff(t.len()) <= max)
        .filter_map(|w| {
            let d = strsim::damerau_levenshtein(&t, w);
            (d > 0 && d <= max).then_some((d, w.len(), w))
        })
        .collect();
    near.sort();
    near.into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, _, w)| w.to_string())
        .collect()
}

/// Alternatives for a term that matched nothing.
fn suggest(
    term: &str,
    vocab: Option<&Vocabulary>,
    sources: &[String],
    opts: &Options,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(v) = vocab {
        out.extend(near_words(term, v));
    }
    let folded = crate::analysis::normalize(term);
    for s in sources {
        if out.len() >= 2 * MAX_SUGGESTIONS {
            break;
        }
        if crate::analysis::normalize(s).contains(folded.trim()) {
            out.push(format!("--source {s}"));
        }
    }
    let syn = opts
        .synonyms
        .clone()
        .unwrap_or_else(crate::analysis::synonyms::Synonyms::builtin);
    if let Some(others) = syn.expand(term) {
        out.extend(others.iter().take(MAX_SUGGESTIONS).cloned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_allow_one_edit_long_ones_two() {
        assert_eq!(max_distance(3), 1);
        assert_eq!(max_distance(5), 1);
        assert_eq!(max_distance(9), 2);
    }
}
