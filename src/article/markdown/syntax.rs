//! The pieces of Markdown and HTML syntax the cleaner recognises: link
//! destinations, backtick runs, layout tags and reference definitions.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Bound on every look-ahead (link destinations, tags, comments), so that no
/// input can make the pass quadratic.
pub(super) const LOOKAHEAD: usize = 4096;

/// `![alt](dest)` at `i` in a code line (alt without brackets): its end.
pub(super) fn code_image_end(b: &[u8], i: usize) -> Option<usize> {
    let from = i + 2;
    let limit = b.len().min(from + LOOKAHEAD);
    let close = from + memchr::memchr2(b']', b'[', &b[from..limit])?;
    if b[close] != b']' || b.get(close + 1) != Some(&b'(') {
        return None;
    }
    link_destination_end(b, close + 2, b.len())
}

/// Start of the next run of exactly `k` backticks in `b[from..hi]`.
pub(super) fn find_backtick_run(b: &[u8], from: usize, hi: usize, k: usize) -> Option<usize> {
    let mut j = from;
    while j < hi {
        let off = memchr::memchr(b'`', &b[j..hi])?;
        let start = j + off;
        let run = b[start..hi].iter().take_while(|&&c| c == b'`').count();
        if run == k {
            return Some(start);
        }
        j = start + run;
    }
    None
}

/// After `](` at `p`: the index after the closing `)` of
/// `dest "optional title")`, or `None` when the line ends first (truncated:
/// not a link, literal text).
pub(super) fn link_destination_end(b: &[u8], p: usize, hi: usize) -> Option<usize> {
    let limit = hi.min(p + LOOKAHEAD);
    let mut q = p;
    while q < limit && (b[q] == b' ' || b[q] == b'\t') {
        q += 1;
    }
    if q < limit && b[q] == b'<' {
        q += memchr::memchr(b'>', &b[q..limit])? + 1;
    } else {
        let mut depth = 0usize;
        while q < limit {
            match b[q] {
                b'\\' => q += 1,
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b' ' | b'\t' => break,
                _ => {}
            }
            q += 1;
        }
    }
    if q >= hi {
        return None;
    }
    while q < limit && (b[q] == b' ' || b[q] == b'\t') {
        q += 1;
    }
    if q < limit && matches!(b[q], b'"' | b'\'' | b'(') {
        let closer = if b[q] == b'(' { b')' } else { b[q] };
        q += 1;
        while q < limit && b[q] != closer {
            if b[q] == b'\\' {
                q += 1;
            }
            q += 1;
        }
        if q >= hi {
            return None;
        }
        q += 1;
        while q < limit && (b[q] == b' ' || b[q] == b'\t') {
            q += 1;
        }
    }
    if q >= hi {
        return None;
    }
    if q < limit && b[q] == b')' {
        return Some(q + 1);
    }
    // Not CommonMark, but what converters write: a destination with blanks
    // (`![logo](img/a b.png)`). Accept it if a `)` comes before any bracket.
    let k = b[p..limit]
        .iter()
        .position(|&c| matches!(c, b')' | b'(' | b'[' | b']'))?;
    (b[p + k] == b')').then_some(p + k + 1)
}

/// ASCII case-insensitive prefix test on bytes (`HTTPS://` is a URL too).
pub(super) fn starts_with_ignore_case(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The `>` ending a tag whose name ended at `from` (quotes respected).
pub(super) fn tag_end(b: &[u8], from: usize, limit: usize) -> Option<usize> {
    let mut quote = 0u8;
    for (k, &c) in b[from..limit].iter().enumerate() {
        match c {
            b'"' | b'\'' if quote == 0 => quote = c,
            c if c == quote => quote = 0,
            b'>' if quote == 0 => return Some(from + k + 1),
            _ => {}
        }
    }
    None
}

/// The layout tags, as data: see the comments in the file.
pub(super) const LAYOUT_TAGS_FILE: &str = include_str!("../layout-tags.txt");

/// [`LAYOUT_TAGS_FILE`] parsed once: tag name → what the stripped tag leaves.
pub(super) static LAYOUT_TAGS: LazyLock<HashMap<&'static [u8], &'static str>> =
    LazyLock::new(|| {
        let mut tags = HashMap::new();
        let mut leaves = None;
        for line in LAYOUT_TAGS_FILE.lines().map(str::trim) {
            match line {
                "" => {}
                _ if line.starts_with('#') => {}
                "inline:" => leaves = Some(""),
                "block:" => leaves = Some(" "),
                _ => {
                    for name in line.split_whitespace() {
                        if let Some(leaves) = leaves {
                            tags.insert(name.as_bytes(), leaves);
                        }
                    }
                }
            }
        }
        tags
    });

/// What a stripped tag (`name` lowercased) leaves: nothing for inline
/// formatting, a space for tags that break a line or a cell (so
/// `a</td><td>b` stays two words). `None`: not a layout tag, keep it as
/// text.
pub(super) fn tag_replacement(name: &[u8]) -> Option<&'static str> {
    LAYOUT_TAGS.get(name).copied()
}

/// The destination of a link whose `(` ends at `p` and whose construct ends
/// at `end` (see [`link_destination_end`]): `<…>` without its brackets, else
/// up to the first blank or the closing `)`.
pub(super) fn link_target(line: &str, p: usize, end: usize) -> &str {
    let s = line
        .get(p..end)
        .unwrap_or("")
        .trim_start_matches([' ', '\t']);
    if let Some(inner) = s.strip_prefix('<') {
        return inner.split('>').next().unwrap_or("");
    }
    match s.find([' ', '\t']) {
        Some(blank) => &s[..blank],
        // Up to the construct's closing `)` (absent when the line was cut).
        None => s.strip_suffix(')').unwrap_or(s),
    }
}

/// The destination of a reference definition line `[label]: target "title"`.
pub(super) fn reference_target(line: &str) -> Option<&str> {
    let (_, rest) = line.split_once("]:")?;
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix('<')
        .map_or(rest, |r| r.split('>').next().unwrap_or(""));
    rest.split_whitespace().next()
}

/// `[label]: destination` on a line of its own (footnotes `[^1]: …` are text
/// and stay).
pub(super) fn is_reference_definition(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 || !t.starts_with('[') || t.starts_with("[^") {
        return false;
    }
    let Some(close) = t.find("]:") else {
        return false;
    };
    let label = &t[1..close];
    !label.trim().is_empty() && !label.contains(['[', ']']) && !t[close + 2..].trim().is_empty()
}
