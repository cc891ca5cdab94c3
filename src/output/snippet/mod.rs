//! Snippets: the best short window of a body around the query's matches.
//!
//! Matches are found the way recall defines them — the normalized query
//! string occurring in the normalized body — and mapped back to the original
//! text, so highlights point at what the article really says (full-width
//! letters, capitals) and never disagree with why the document matched.

mod cut;
mod flat;
pub mod marks;
mod matches;

pub use cut::{char_width, is_boundary, width};
pub use matches::{find_matches, Snippet};

use crate::analysis;
use crate::article::fsread::Scope;

/// The snippet of the article file at `path`, for a hit about to be
/// printed. The body is read again from the file here, not carried in the
/// hit: the index does not store bodies (they would double its size), the
/// archive itself is the store, and only printed hits need one. A file gone
/// or unreadable since indexing gives an empty snippet, not an error: the
/// hit itself is still right.
pub fn for_file(
    path: &str,
    title: &str,
    needles: &[String],
    max_cols: usize,
    scope: &Scope,
) -> Snippet {
    Prepared::of_file(path, title, scope).snippet(needles, max_cols)
}

/// The snippet `make(cols)` gives, narrowed until it fits `max_cols`
/// columns with `marker_cols` more for each highlight: plain output wraps
/// every match in `**`, which the reader's terminal counts too. At most a
/// few tries, each narrower by what the last one was too wide.
pub fn fitted(make: impl Fn(usize) -> Snippet, max_cols: usize, marker_cols: usize) -> Snippet {
    const MIN_COLS: usize = 20;
    let mut cols = max_cols;
    let mut s = make(cols);
    for _ in 0..4 {
        let width: usize = s
            .text
            .chars()
            .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
            .sum::<usize>()
            + marker_cols * s.highlights.len();
        if width <= max_cols || cols <= MIN_COLS {
            break;
        }
        cols = cols.saturating_sub(width - max_cols).max(MIN_COLS);
        s = make(cols);
    }
    s
}

/// An article body ready for snippets: read from its file, cleaned, the
/// title lines left out, normalized with its offset map. Kept by the web
/// server for recently shown articles (reading, cleaning and normalizing
/// were 35% of a web search's profile, measured), made and dropped at
/// once by the command line.
#[derive(Debug, Default)]
pub struct Prepared {
    body: String,
    norm: String,
    map: Vec<u32>,
}

impl Prepared {
    /// The body of the article file at `path` ("" when unreadable).
    /// Only a file under `scope` is read (see `fsread::read_within`).
    pub fn of_file(path: &str, title: &str, scope: &Scope) -> Prepared {
        let body = without_title_lines(&current_body(path, scope), title);
        let (norm, map) = analysis::normalize_with_map(&body);
        Prepared { body, norm, map }
    }

    /// The memory it holds, for a cache bounded in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.body.capacity() + self.norm.capacity() + self.map.capacity() * 4
    }

    /// The snippet for `needles`, at most `max_cols` columns wide.
    pub fn snippet(&self, needles: &[String], max_cols: usize) -> Snippet {
        let marks = marks::marks_normalized(&self.body, &self.norm, &self.map, needles);
        make_marked(&self.body, &marks, max_cols)
    }
}

/// The largest file a snippet is made from: the indexer's default
/// `--max-filesize`, so every indexed article qualifies.
const SNIPPET_READ_LIMIT: u64 = 32 * 1024 * 1024;

/// The cleaned body of the article file at `path` ("" when unreadable).
fn current_body(path: &str, scope: &Scope) -> String {
    let stem = std::path::Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Checked and capped: the file may now be a FIFO, a device or huge.
    // It must also still lie under the index's roots.
    let bytes = match crate::article::fsread::read_within(
        std::path::Path::new(path),
        SNIPPET_READ_LIMIT,
        scope,
    ) {
        Ok(b) => Some(b),
        Err(crate::error::SkipReason::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            crate::output::messages::no_snippet(path, &e);
            None
        }
    };
    bytes
        .and_then(|b| crate::article::read(&b, &stem).ok())
        .map(|a| a.body)
        .unwrap_or_default()
}

/// The body without the lines that only repeat the title (WeChat pages
/// open with it once or twice): the title is shown already, and a snippet
/// should show the article.
pub(crate) fn without_title_lines(body: &str, title: &str) -> String {
    let t = title.trim();
    body.lines()
        .filter(|l| {
            let l = l.trim().trim_start_matches('#').trim();
            t.is_empty() || l != t
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds a snippet at most `max_cols` terminal columns wide: the body
/// flattened to one line (long URLs shortened around their matches), then
/// the best window cut between words (see `cut`).
pub fn make(body: &str, needles: &[String], max_cols: usize) -> Snippet {
    make_marked(body, &marks::marks(body, needles), max_cols)
}

/// [`make`] with the marks already found.
fn make_marked(body: &str, marks: &[std::ops::Range<usize>], max_cols: usize) -> Snippet {
    let cols = max_cols.max(MIN_COLS);
    let r = region(body, marks, cols);
    cut::window(&flat::flatten(&body[..r.end], r.start, marks), cols)
}

/// The stretch of a long body worth flattening: around the mark with the
/// most distinct marked strings near it (one outside a URL first), wide
/// enough for every window the fine choice (`cut::window`) may take there.
/// Flattening a whole 50 KB body for 100 columns was the largest cost of a
/// snippet (measured: 2.4% of a 10-hit search's profile, the most of ours).
fn region(body: &str, marks: &[std::ops::Range<usize>], cols: usize) -> std::ops::Range<usize> {
    let (back, ahead) = (cols * 8, cols * 16);
    if body.len() <= back + ahead || marks.is_empty() {
        return 0..body.len();
    }
    let texts: Vec<String> = marks
        .iter()
        .map(|m| analysis::normalize(&body[m.clone()]))
        .collect();
    let mut best = (0, false, 0);
    let mut anchor = marks[0].start;
    for (i, m) in marks.iter().enumerate() {
        let mut seen: Vec<&str> = Vec::new();
        for (n, t) in marks[i..].iter().zip(&texts[i..]) {
            if n.start - m.start > cols * 3 {
                break;
            }
            if !seen.contains(&t.as_str()) {
                seen.push(t);
            }
        }
        let key = (seen.len(), !in_url(body, m.start), usize::MAX - i);
        if key > best {
            (best, anchor) = (key, m.start);
        }
    }
    let mut from = anchor.saturating_sub(back);
    while !body.is_char_boundary(from) {
        from -= 1;
    }
    // Start between words, so the first word is whole.
    while from > 0 && !cut::is_boundary(body, from) {
        from -= body[..from].chars().next_back().map_or(1, char::len_utf8);
    }
    let mut to = (anchor + ahead).min(body.len());
    while !body.is_char_boundary(to) {
        to += 1;
    }
    // Whole marks only: CJK has a boundary between any two characters, so
    // the stretch could start in the middle of a matched word and the
    // snippet open with half a highlight (`**件**攻击…`).
    for m in marks {
        if m.start < from && from < m.end {
            from = m.start;
        }
        if m.start < to && to < m.end {
            to = m.end;
        }
    }
    from..to
}

/// Whether byte `at` of `body` is inside a URL: the run of ASCII
/// non-space characters around it starts with a scheme or `www.`.
fn in_url(body: &str, at: usize) -> bool {
    let start = body[..at]
        .rfind(|c: char| !c.is_ascii() || c.is_ascii_whitespace())
        .map_or(0, |i| {
            i + body[i..].chars().next().map_or(1, char::len_utf8)
        });
    let t = &body.as_bytes()[start..];
    let has = |p: &[u8]| t.len() >= p.len() && t[..p.len()].eq_ignore_ascii_case(p);
    has(b"http://") || has(b"https://") || has(b"hxxp") || has(b"www.")
}

/// Narrower than this, a snippet says nothing; a tiny `--width` gets this.
const MIN_COLS: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;

    /// Needles as `Query::match_terms` makes them.
    fn needles<'a>(terms: impl Iterator<Item = &'a str>) -> Vec<String> {
        terms.map(analysis::normalize).collect()
    }

    #[test]
    fn title_lines_are_left_out() {
        let body = "# 标题\n标题\n正文第一句。";
        assert_eq!(without_title_lines(body, "标题"), "正文第一句。");
        assert_eq!(without_title_lines(body, ""), body);
    }

    #[test]
    fn a_missing_file_gives_an_empty_snippet() {
        let s = for_file(
            "/nonexistent/secsearch/a.md",
            "t",
            &needles(["a"].into_iter()),
            80,
            &Scope::anywhere(),
        );
        assert_eq!(s, Snippet::default());
    }

    #[test]
    fn highlights_the_original_text() {
        let body = "第一句。这是关于ＬＯＧ4J漏洞的分析，影响广泛。";
        let s = make(body, &needles(["log4j"].into_iter()), 80);
        assert_eq!(s.highlights.len(), 1, "{s:?}");
        let (a, b) = s.highlights[0];
        assert_eq!(&s.text[a..b], "ＬＯＧ4J");
        assert!(s.text.starts_with("这是"), "{s:?}");
    }

    #[test]
    fn strips_markdown_debris_and_picks_the_dense_window() {
        let body = format!(
            "**重要** | 勒索\n\n{}勒索软件攻击医院，医院停摆。",
            "无关内容。".repeat(40)
        );
        let s = make(&body, &needles(["勒索软件", "医院"].into_iter()), 60);
        assert!(!s.text.contains("**"));
        let found: Vec<&str> = s.highlights.iter().map(|&(a, b)| &s.text[a..b]).collect();
        assert!(
            found.contains(&"勒索软件") && found.contains(&"医院"),
            "{s:?}"
        );
    }

    #[test]
    fn a_long_body_gives_the_same_snippet_as_a_whole_flatten() {
        let body = format!(
            "{}攻击者利用 RemoteIpFilter 绕过。{}https://x.example/RemoteIpFilter 与 RemoteIpFilter 组件。{}",
            "前文很长。".repeat(400),
            "中间。".repeat(300),
            "后文。".repeat(400)
        );
        let n = needles(["remoteipfilter"].into_iter());
        let s = make(&body, &n, 60);
        let m = marks::marks(&body, &n);
        let whole = cut::window(&flat::flatten(&body, 0, &m), 60);
        assert_eq!(s, whole);
        assert!(in_url("see https://a.b/x", 12) && !in_url("see a.b/x", 6));
    }

    #[test]
    fn a_long_body_never_shows_half_a_match() {
        // Long enough for `region` to cut a stretch out of it, with the
        // matched word everywhere, so any cut may fall inside one.
        let body = format!("{}医院。", "勒索软件攻击的快速发展与".repeat(120));
        let n = needles(["勒索软件", "医院"].into_iter());
        for cols in 20..110 {
            let sn = make(&body, &n, cols);
            for &(a, b) in &sn.highlights {
                let h = &sn.text[a..b];
                assert!(h == "勒索软件" || h == "医院", "cols {cols}: {h:?}");
            }
        }
    }

    #[test]
    fn no_match_gives_the_lead() {
        let s = make("开头的句子。后面", &needles(["不存在"].into_iter()), 80);
        assert!(s.text.starts_with("开头"));
        assert!(s.highlights.is_empty());
    }
}

/// A title as written, its matches marked: whole when it fits in
/// `max_cols` columns, else cut at the end (a character boundary) with `…`.
/// Never a window around the match: the reader must see the title the
/// article has (`勒索软件凶猛！法国巴黎…`), the one `--json` gives.
pub fn title(title: &str, needles: &[String], max_cols: usize) -> Snippet {
    // Line breaks of a multi-line title become spaces (one byte for one,
    // so the marks stay where they are).
    let text: String = title
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let marks = marks::marks(&text, needles);
    let cols = max_cols.max(MIN_COLS);
    if cut::width(&text) <= cols {
        let highlights = marks.iter().map(|m| (m.start, m.end)).collect();
        return Snippet { text, highlights };
    }
    let mut used = 1; // the `…`
    let mut end = 0;
    for (i, c) in text.char_indices() {
        used += cut::char_width(c);
        if used > cols {
            break;
        }
        end = i + c.len_utf8();
    }
    let highlights = marks
        .iter()
        .filter(|m| m.start < end)
        .map(|m| (m.start, m.end.min(end)))
        .collect();
    let mut text = text[..end].to_string();
    text.push('…');
    Snippet { text, highlights }
}

#[cfg(test)]
mod title_tests {
    use super::*;

    #[test]
    fn a_title_is_whole_when_it_fits_and_cut_with_an_ellipsis_when_not() {
        let t = "勒索软件凶猛！法国巴黎又一医院暂停运营并转移患者";
        let s = title(t, &["医院".to_string()], 160);
        assert_eq!(s.text, t);
        assert_eq!(s.highlights.len(), 1);
        let (a, b) = s.highlights[0];
        assert_eq!(&s.text[a..b], "医院");
        let cut = title(t, &["勒索".to_string()], 20);
        assert!(cut.text.starts_with("勒索软件凶猛"), "{}", cut.text);
        assert!(cut.text.ends_with('…'));
        assert!(cut::width(&cut.text) <= 20);
    }
}
