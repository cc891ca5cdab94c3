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
#[derive(Debug, Default, serde::Deserialize)]
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

impl SearchParams {
    /// Whether the request asks for anything: words or a filter. Without
    /// either the page shows the index overview instead of searching.
    pub fn is_empty(&self) -> bool {
        [&self.q, &self.source, &self.since, &self.until]
            .iter()
            .all(|s| s.trim().is_empty())
    }

    /// The search options, or why the request is refused. Filters without
    /// words are a search, as on the command line: newest first.
    pub fn to_options(&self) -> Result<Options, Error> {
        let text = self.q.trim();
        let query = if text.is_empty() {
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
        let exact = match self.exact.as_str() {
            "" | "0" | "false" => false,
            "1" | "true" => true,
            other => return Err(bad(format!("exact must be 1 or 0, not '{other}'"))),
        };
        Ok(Options {
            query,
            limit: Some(limit),
            offset: number("offset", &self.offset, 0, MAX_OFFSET)?,
            sources: self
                .source
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
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
