//! The query string of `/api/search`, checked and turned into search
//! options. The web page is reachable by anything on the machine, so every
//! request is bounded: the page size is capped here, the query by the
//! same [`crate::query::LIMITS`] as on the command line, before any
//! search runs.

use crate::error::Error;
use crate::query;
use crate::search::{Options, Sort};

/// The most hits one page may ask for.
pub const MAX_LIMIT: usize = 100;
/// Hits a page when `limit` is not given: the CLI's default.
pub const DEFAULT_LIMIT: usize = 10;
/// The deepest hit a page may reach: paging goes through the ranking, so
/// an unbounded offset would make one request rank every match.
pub const MAX_OFFSET: usize = 10_000;

/// `GET /api/search?q=&source=&since=&until=&sort=&limit=&offset=`, as
/// sent. Every field is text so that a bad value is reported by name
/// instead of being a bare 400 from the extractor.
#[derive(Debug, Default, Clone, PartialEq, Eq, Hash, serde::Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    /// One source, or several separated by commas.
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub limit: String,
    #[serde(default)]
    pub offset: String,
    /// Exact publisher names, as a JSON array (`["a","b, c"]`): what the
    /// page's source ticks send, so that a name holding a comma, or one
    /// that is part of another's name, selects that publisher alone.
    #[serde(default)]
    pub sources: String,
    /// `1`/`true`: whole words, as the CLI's `-w`.
    #[serde(default)]
    pub word: String,
    /// `1`/`true`: exactly grep's set, as the CLI's `--exact`.
    #[serde(default)]
    pub exact: String,
}

fn bad(msg: String) -> Error {
    Error::BadQuery(msg)
}

fn number(name: &str, s: &str, default: usize, max: usize) -> Result<usize, Error> {
    if s.trim().is_empty() {
        return Ok(default);
    }
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| bad(format!("{name} must be a number, not '{s}'")))?;
    if n > max {
        return Err(bad(format!("{name} is at most {max}")));
    }
    Ok(n)
}

/// A date filter: `YYYY-MM-DD` (the date input of a browser sends that).
/// An optional date parameter, read as the CLI reads `--since/--until`
/// (`2023`, `2023-05`, `2023-05-04`); empty means none.
fn date(
    s: &str,
    read: fn(&str) -> Result<jiff::civil::Date, Error>,
) -> Result<Option<jiff::civil::Date>, Error> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    read(s).map(Some)
}

/// A yes/no parameter: `1`/`true` or `0`/`false`/empty.
fn flag(name: &str, s: &str) -> Result<bool, Error> {
    match s {
        "" | "0" | "false" => Ok(false),
        "1" | "true" => Ok(true),
        other => Err(bad(format!("{name} must be 1 or 0, not '{other}'"))),
    }
}

/// The most exact source names one request may tick.
const MAX_SOURCES: usize = 100;

impl SearchParams {
    /// The source filter and whether its names are exact: `sources` (a
    /// JSON array of exact names) when given, else `source` (parts of
    /// names, comma-separated, as `--source`).
    fn sources(&self) -> Result<(Vec<String>, bool), Error> {
        if !self.sources.trim().is_empty() {
            let names: Vec<String> = serde_json::from_str(&self.sources).map_err(|_| {
                bad("sources must be a JSON array of source names, e.g. [\"a\",\"b\"]".into())
            })?;
            if names.len() > MAX_SOURCES {
                return Err(bad(format!("at most {MAX_SOURCES} sources")));
            }
            return Ok((names, true));
        }
        let parts = self
            .source
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        Ok((parts, false))
    }

    /// Every parameter trimmed, as the search reads them: the cache key.
    /// Listed field by field (no `..`), so a parameter added later cannot
    /// be left out of the key without a compile error.
    pub fn key(&self) -> SearchParams {
        let t = |s: &String| s.trim().to_string();
        let SearchParams {
            q,
            source,
            since,
            until,
            sort,
            limit,
            offset,
            sources,
            word,
            exact,
        } = self;
        SearchParams {
            q: t(q),
            source: t(source),
            since: t(since),
            until: t(until),
            sort: t(sort),
            limit: t(limit),
            offset: t(offset),
            sources: t(sources),
            word: t(word),
            exact: t(exact),
        }
    }

    /// Whether the request asks for anything: words or a filter. Without
    /// either the page shows the index overview instead of searching.
    pub fn is_empty(&self) -> bool {
        [
            &self.q,
            &self.source,
            &self.sources,
            &self.since,
            &self.until,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }

    /// The search options, or why the request is refused. Filters without
    /// words are a search, as on the command line: newest first.
    pub fn to_options(&self) -> Result<Options, Error> {
        let text = self.q.trim();
        let mut query = if text.is_empty() {
            query::Query::default()
        } else {
            query::parse(text)?
        };
        let sort = match self.sort.trim() {
            _ if query.clauses.is_empty() => Sort::Date,
            "" | "relevance" => Sort::Relevance,
            "date" => Sort::Date,
            "date-asc" => Sort::DateAsc,
            other => {
                return Err(bad(format!(
                    "sort is relevance, date or date-asc, not '{other}'"
                )))
            }
        };
        let limit = number("limit", &self.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
        let exact = flag("exact", &self.exact)?;
        query.whole_words = flag("word", &self.word)?;
        let (sources, sources_exact) = self.sources()?;
        Ok(Options {
            query,
            limit: Some(limit),
            offset: number("offset", &self.offset, 0, MAX_OFFSET)?,
            sources,
            sources_exact,
            since: date(&self.since, crate::query::dates::since_date)?,
            until: date(&self.until, crate::query::dates::until_date)?,
            sort,
            facets: true,
            fold_duplicates: true,
            paths_only: false,
            // The CLI's default: synonyms and aliases searched, below the
            // name typed; `exact=1` turns them off as `--exact` does.
            synonyms: (!exact).then(crate::analysis::synonyms::Synonyms::builtin),
            exact,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> SearchParams {
        SearchParams {
            q: q.into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_are_the_clis() {
        let o = p("漏洞").to_options().unwrap();
        assert_eq!(o.limit, Some(DEFAULT_LIMIT));
        assert_eq!(o.offset, 0);
        assert_eq!(o.sort, Sort::Relevance);
        assert!(o.sources.is_empty() && o.facets && o.fold_duplicates);
    }

    #[test]
    fn limits_are_capped_and_bad_values_named() {
        let mut r = p("漏洞");
        r.limit = "101".into();
        assert!(r.to_options().is_err());
        r.limit = "100".into();
        assert_eq!(r.to_options().unwrap().limit, Some(100));
        r.offset = "x".into();
        let e = r.to_options().err().unwrap().to_string();
        assert!(e.contains("offset"), "{e}");
        // The query's own bounds are the command line's (`query::LIMITS`).
        let limits = crate::query::LIMITS;
        let words = |n: usize| {
            (0..n)
                .map(|i| format!("w{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert!(p(&words(limits.terms)).to_options().is_ok());
        assert!(p(&words(limits.terms + 1)).to_options().is_err());
        let at = "字".repeat(limits.query_chars);
        assert!(p(&format!("{at}字")).to_options().is_err());
    }

    #[test]
    fn filters_sort_and_dates_are_read() {
        let mut r = p("漏洞");
        r.source = "奇安信, CNCERT ,".into();
        r.since = "2024-01-01".into();
        r.sort = "date".into();
        let o = r.to_options().unwrap();
        assert_eq!(o.sources, vec!["奇安信", "CNCERT"]);
        assert_eq!(
            o.since.map(|d| d.to_string()).as_deref(),
            Some("2024-01-01")
        );
        assert_eq!(o.sort, Sort::Date);
        r.until = "2024-13-01".into();
        assert!(r.to_options().is_err());
        r.until = String::new();
        r.sort = "random".into();
        assert!(r.to_options().is_err());
    }
}
