//! Snippets: the best short window of a body around the query's matches.
//!
//! Matches are found the way recall defines them — the normalized query
//! string occurring in the normalized body — and mapped back to the original
//! text, so highlights point at what the article really says (full-width
//! letters, capitals) and never disagree with why the document matched.

use memchr::memmem;

use crate::analyzer;

/// A snippet and the byte ranges of `text` to highlight.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// Display width of a char in a terminal: CJK and full-width take two columns.
fn width(c: char) -> usize {
    if analyzer::class(c) == analyzer::Class::Cjk
        || ('\u{FF00}'..='\u{FFEF}').contains(&c)
        || ('\u{3000}'..='\u{303F}').contains(&c)
    {
        2
    } else {
        1
    }
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '\n' | '；' | ';')
}

/// Finds every occurrence of the (already normalized) needles in the
/// normalized text: (from, to, needle index), sorted, in normalized bytes.
pub fn find_matches(norm: &str, needles: &[String]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (i, n) in needles.iter().enumerate() {
        if n.is_empty() {
            continue;
        }
        for s in memmem::find_iter(norm.as_bytes(), n.as_bytes()).take(2000) {
            out.push((s, s + n.len(), i));
        }
    }
    out.sort_unstable();
    out
}

/// The snippet of the article file at `path`, for a hit about to be
/// printed. The body is read again from the file here, not carried in the
/// hit: the index does not store bodies (they would double its size), the
/// archive itself is the store, and only printed hits need one. A file gone
/// or unreadable since indexing gives an empty snippet, not an error: the
/// hit itself is still right.
pub fn for_file(path: &str, title: &str, needles: &[String], max_cols: usize) -> Snippet {
    make(
        &without_title_lines(&current_body(path), title),
        needles,
        max_cols,
    )
}

/// The largest file a snippet is made from: the indexer's default
/// `--max-filesize`, so every indexed article qualifies.
const SNIPPET_READ_LIMIT: u64 = 32 * 1024 * 1024;

/// The cleaned body of the article file at `path` ("" when unreadable).
fn current_body(path: &str) -> String {
    let stem = std::path::Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Checked and capped: the file may now be a FIFO, a device or huge.
    let bytes = match crate::fsread::read_regular(std::path::Path::new(path), SNIPPET_READ_LIMIT) {
        Ok(b) => Some(b),
        Err(crate::error::SkipReason::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            crate::messages::no_snippet(path, &e);
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
fn without_title_lines(body: &str, title: &str) -> String {
    let t = title.trim();
    body.lines()
        .filter(|l| {
            let l = l.trim().trim_start_matches('#').trim();
            t.is_empty() || l != t
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds a snippet of about `max_cols` terminal columns.
pub fn make(body: &str, needles: &[String], max_cols: usize) -> Snippet {
    let (norm, map) = analyzer::normalize_with_map(body);
    let matches = find_matches(&norm, needles);
    let to_orig = |b: usize| map.get(b).copied().unwrap_or(body.len() as u32) as usize;
    let anchor = best_match(&matches, max_cols * 2).map_or(0, |i| to_orig(matches[i].0));
    let start = window_start(body, anchor, max_cols);
    // Original-text highlight ranges.
    let hl: Vec<(usize, usize)> = matches
        .iter()
        .map(|&(s, e, _)| (to_orig(s), to_orig(e)))
        .collect();
    emit(body, start, &hl, max_cols)
}

/// The best window: the index of the match that has the most distinct
/// needles (then the most matches) within `budget_bytes` after it.
fn best_match(matches: &[(usize, usize, usize)], budget_bytes: usize) -> Option<usize> {
    let mut best: Option<(usize, usize, usize)> = None; // (distinct, count, index)
    for (i, &(s, _, _)) in matches.iter().enumerate() {
        let mut seen = 0u64;
        let mut count = 0;
        // `matches` is sorted by start, so `m.0 >= s`.
        for &(_, _, n) in matches[i..].iter().take_while(|m| m.0 - s <= budget_bytes) {
            seen |= 1 << (n % 64);
            count += 1;
        }
        let cand = (seen.count_ones() as usize, count, i);
        if best.is_none_or(|b| (cand.0, cand.1) > (b.0, b.1)) {
            best = Some(cand);
        }
    }
    best.map(|(_, _, i)| i)
}

/// Window start in the original text: back from `anchor` to the sentence
/// start, but not so far that the match falls off the end.
fn window_start(body: &str, anchor: usize, max_cols: usize) -> usize {
    let mut start = anchor;
    let mut cols = 0;
    for (i, c) in body[..anchor].char_indices().rev() {
        if is_sentence_end(c) || cols + width(c) > max_cols / 3 {
            return i + c.len_utf8();
        }
        cols += width(c);
        start = i;
    }
    start
}

/// Markdown debris left out of a snippet (outside highlights): emphasis,
/// headings, table bars, quotes, code ticks, `__`.
fn is_debris(c: char, next: Option<char>) -> bool {
    matches!(c, '*' | '#' | '|' | '>' | '`') || c == '_' && next == Some('_')
}

/// Emits the snippet from `start`, cleaning Markdown debris and whitespace,
/// until the budget is spent; tracks highlight boundaries in output bytes.
fn emit(body: &str, start: usize, hl: &[(usize, usize)], max_cols: usize) -> Snippet {
    let mut text = String::new();
    let mut highlights = Vec::new();
    let mut cols = 0;
    let mut open: Option<usize> = None;
    let mut hi = hl.iter().peekable();
    let mut last_space = true;
    let mut chars = body[start..].char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        let pos = start + off;
        while hi.peek().is_some_and(|&&(_, e)| e <= pos && open.is_none()) {
            hi.next();
        }
        if open.is_none() && hi.peek().is_some_and(|&&(s, _)| s == pos) {
            open = Some(text.len());
        }
        let skip = open.is_none() && is_debris(c, chars.peek().map(|&(_, d)| d));
        if c.is_whitespace() || skip {
            if !last_space && !text.is_empty() {
                text.push(' ');
                cols += 1;
                last_space = true;
            }
        } else {
            text.push(c);
            cols += width(c);
            last_space = false;
        }
        if let (Some(o), Some(&&(_, e))) = (open, hi.peek()) {
            if pos + c.len_utf8() >= e {
                highlights.push((o, text.len()));
                open = None;
                hi.next();
            }
        }
        if cols >= max_cols && open.is_none() {
            if chars.peek().is_some() {
                text.push('…');
            }
            break;
        }
    }
    if let Some(o) = open {
        highlights.push((o, text.len()));
    }
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    highlights.retain(|&(s, e)| s < e && e <= text.len());
    Snippet { text, highlights }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Needles as `Query::match_terms` makes them.
    fn needles<'a>(terms: impl Iterator<Item = &'a str>) -> Vec<String> {
        terms.map(analyzer::normalize).collect()
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
    fn no_match_gives_the_lead() {
        let s = make("开头的句子。后面", &needles(["不存在"].into_iter()), 80);
        assert!(s.text.starts_with("开头"));
        assert!(s.highlights.is_empty());
    }
}
