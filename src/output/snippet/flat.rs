//! The body as one line for a snippet: whitespace collapsed, Markdown
//! debris dropped, and long URLs shortened — with the marks carried along.

use std::ops::Range;

/// One line of display text and the byte ranges of it to highlight.
#[derive(Debug, Default)]
pub struct Flat {
    pub text: String,
    pub marks: Vec<Range<usize>>,
    /// Where the (shortened) URLs are in `text`.
    pub urls: Vec<Range<usize>>,
}

/// A URL longer than this many characters is shortened: it would push
/// the words of the article out of a 100-column snippet.
const URL_KEEP: usize = 40;
/// Characters kept either side of a match inside a shortened URL.
const URL_CONTEXT: usize = 12;

/// Markdown debris left out of a snippet (outside highlights): emphasis,
/// headings, table bars, quotes, code ticks, `__`.
fn is_debris(c: char, next: Option<char>) -> bool {
    matches!(c, '*' | '#' | '|' | '>' | '`') || c == '_' && next == Some('_')
}

/// `body[from..]` as one line; `marks` are byte ranges of `body` (sorted,
/// merged). Control characters go: they have no width and no meaning here.
pub fn flatten(body: &str, from: usize, marks: &[Range<usize>]) -> Flat {
    let mut text = String::with_capacity(body.len().saturating_sub(from).min(1 << 16));
    let mut out_marks = Vec::new();
    let mut mi = marks.iter().skip_while(|m| m.end <= from).peekable();
    let mut open: Option<(usize, usize)> = None; // (out start, body end)
    let mut last_space = true;
    let mut chars = body[from..].char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        let pos = from + off;
        if let Some((o, end)) = open {
            if pos >= end {
                out_marks.push(o..text.len());
                open = None;
            }
        }
        if open.is_none() {
            if let Some(m) = mi.peek() {
                if pos >= m.start {
                    open = Some((text.len(), m.end));
                    mi.next();
                }
            }
        }
        let skip = open.is_none() && is_debris(c, chars.peek().map(|&(_, d)| d));
        if c.is_whitespace() || skip || c.is_control() {
            if !last_space {
                text.push(' ');
                last_space = true;
            }
        } else {
            text.push(c);
            last_space = false;
        }
    }
    if let Some((o, _)) = open {
        out_marks.push(o..text.len());
    }
    shorten_urls(Flat {
        text,
        marks: out_marks,
        urls: Vec::new(),
    })
}

/// Whether a URL can start at byte `i` of `s`.
fn url_start(s: &str, i: usize) -> bool {
    let rest = &s.as_bytes()[i..];
    let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    let prev_ok = s[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '/' || c == '.'));
    prev_ok
        && (starts(b"http://")
            || starts(b"https://")
            || starts(b"hxxp://")
            || starts(b"hxxps://")
            || starts(b"www."))
}

/// The URLs of a line: from a scheme or `www.` to a space, a non-ASCII
/// character or a bracket/quote, as the article cleaner ends them.
fn find_urls(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s.is_char_boundary(i) && url_start(s, i) {
            let end = s[i..]
                .char_indices()
                .find(|&(_, c)| !c.is_ascii() || c.is_ascii_whitespace() || "<>\"'`|)]".contains(c))
                .map_or(s.len(), |(j, _)| i + j);
            out.push(i..end);
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The parts of a long URL to keep: scheme and host, and the stretch
/// around its marks; `…` goes between parts.
fn url_keep(s: &str, url: &Range<usize>, marks: &[Range<usize>]) -> Vec<Range<usize>> {
    let u = &s[url.clone()];
    let host_end = u.find("://").map_or(0, |p| p + 3);
    let host_end = u[host_end..]
        .find('/')
        .map_or(u.len(), |p| host_end + p + 1)
        .min(URL_KEEP);
    let mut keep = Vec::with_capacity(4);
    keep.push(url.start..url.start + host_end);
    let inside: Vec<&Range<usize>> = marks
        .iter()
        .filter(|m| m.start < url.end && m.end > url.start)
        .collect();
    if let (Some(first), Some(last)) = (inside.first(), inside.last()) {
        let a = first.start.saturating_sub(URL_CONTEXT).max(url.start);
        let b = (last.end + URL_CONTEXT).min(url.end);
        keep.push(a..b);
    }
    // Marks that begin before the URL or run past it are kept whole.
    for m in inside {
        keep.push(m.start.max(url.start)..m.end.min(url.end));
    }
    let mut keep = super::marks::merge(keep);
    for r in &mut keep {
        while !s.is_char_boundary(r.start) {
            r.start -= 1;
        }
        while !s.is_char_boundary(r.end) {
            r.end += 1;
        }
    }
    keep
}

/// Rebuilds the line with long URLs cut down to what `url_keep` keeps.
fn shorten_urls(f: Flat) -> Flat {
    let urls = find_urls(&f.text);
    if urls
        .iter()
        .all(|u| f.text[u.clone()].chars().count() <= URL_KEEP)
    {
        return Flat { urls, ..f };
    }
    // Kept stretches of the old text, each with where it lands in the new.
    let mut segs: Vec<(Range<usize>, usize)> = Vec::new();
    let mut text = String::with_capacity(f.text.len());
    let mut new_urls = Vec::new();
    let mut at = 0;
    for u in &urls {
        segs.push((at..u.start, text.len()));
        text.push_str(&f.text[at..u.start]);
        let u_start = text.len();
        if f.text[u.clone()].chars().count() <= URL_KEEP {
            segs.push((u.clone(), text.len()));
            text.push_str(&f.text[u.clone()]);
        } else {
            let keep = url_keep(&f.text, u, &f.marks);
            for k in &keep {
                if k.start > u.start && !text.ends_with('…') {
                    text.push('…');
                }
                segs.push((k.clone(), text.len()));
                text.push_str(&f.text[k.clone()]);
            }
            if keep.last().is_some_and(|k| k.end < u.end) {
                text.push('…');
            }
        }
        new_urls.push(u_start..text.len());
        at = u.end;
    }
    segs.push((at..f.text.len(), text.len()));
    text.push_str(&f.text[at..]);
    let map = |p: usize| {
        segs.iter()
            .find(|(r, _)| r.start <= p && p <= r.end)
            .map(|(r, o)| o + (p - r.start))
    };
    let marks = f
        .marks
        .iter()
        .filter_map(|m| Some(map(m.start)?..map(m.end)?))
        .collect();
    Flat {
        text,
        marks,
        urls: new_urls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_match_inside_a_long_url_keeps_the_host_and_the_match() {
        let body = "见 https://github.com/someone/some-project/blob/master/src/main/java/org/evil/RemoteIpFilter.java 一文";
        let m = body.find("RemoteIpFilter").unwrap();
        let f = flatten(
            body,
            0,
            std::slice::from_ref(&(m..m + "RemoteIpFilter".len())),
        );
        assert!(f.text.starts_with("见 https://github.com/…"), "{}", f.text);
        let mk = &f.text[f.marks[0].clone()];
        assert_eq!(mk, "RemoteIpFilter");
        assert!(f.text.chars().count() < 70, "{}", f.text);
        assert!(f.text.ends_with("一文"));
    }

    #[test]
    fn a_long_url_without_a_match_becomes_its_host() {
        let body =
            "链接 https://example.com/a/very/long/path/that/goes/on/and/on/forever.html 后文";
        let f = flatten(body, 0, &[]);
        assert_eq!(f.text, "链接 https://example.com/… 后文");
        assert_eq!(f.urls.len(), 1);
    }

    #[test]
    fn debris_goes_but_not_inside_a_mark() {
        let body = "**重要** | a*b";
        let m = body.find("a*b").unwrap();
        let f = flatten(body, 0, std::slice::from_ref(&(m..m + 3)));
        assert_eq!(f.text, "重要 a*b");
        assert_eq!(&f.text[f.marks[0].clone()], "a*b");
    }
}
