//! Cutting a line to a number of terminal columns: widths from
//! `unicode-width` (CJK and full-width = 2), cuts only where a reader sees a
//! break — between words or CJK characters, never inside an identifier, a
//! URL or a CVE id.

use std::ops::Range;

use unicode_width::UnicodeWidthChar;

use super::flat::Flat;
use super::matches::Snippet;

/// Display columns of one character (0 for controls, which `flat` drops).
/// Emoji variation selector 16 counts one: it turns a narrow symbol
/// (`🏷`, `☎`) into a two-column emoji, which `unicode-width` per character
/// counts as one column (measured: 2 of 844 wechat-10k snippets went 1–3
/// columns over); after a wide emoji this overcounts, which is the safe side.
pub fn char_width(c: char) -> usize {
    if c == '\u{FE0F}' {
        return 1;
    }
    c.width().unwrap_or(0)
}

/// Display columns of a string.
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Part of a "word" for cutting: a narrow visible character. `Remo|teIp`,
/// `CVE-2024-|3094` and `https://a/|b` are never cut; a space or a CJK
/// character (two columns) is a boundary on either side.
fn glues(c: char) -> bool {
    !c.is_whitespace() && char_width(c) == 1 && c != '…'
}

/// Whether a cut at byte `i` of `s` falls between words or characters.
pub fn is_boundary(s: &str, i: usize) -> bool {
    if i == 0 || i >= s.len() {
        return true;
    }
    let before = s[..i].chars().next_back();
    let after = s[i..].chars().next();
    !matches!((before, after), (Some(a), Some(b)) if glues(a) && glues(b))
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';')
}

/// The mark to build the window around: the one with the most distinct
/// marked strings within one window after it, then outside a URL (a URL
/// never fills a snippet that has a better window), then the most marks.
fn anchor(f: &Flat, cols: usize) -> Option<usize> {
    // Column of each mark's start, accumulated in one pass (not a width
    // of the whole prefix per mark: that was quadratic, measured 18% of a
    // common word's search), and each mark's text normalized once.
    let mut starts = Vec::with_capacity(f.marks.len());
    let (mut at, mut col) = (0, 0);
    for m in &f.marks {
        col += width(&f.text[at..m.start]);
        at = m.start;
        starts.push(col);
    }
    let texts: Vec<String> = f
        .marks
        .iter()
        .map(|m| crate::analysis::normalize(&f.text[m.clone()]))
        .collect();
    let mut best: Option<((usize, bool, usize), usize)> = None;
    for (i, m) in f.marks.iter().enumerate() {
        let mut seen: Vec<&str> = Vec::new();
        let mut count = 0;
        for (j, t) in texts.iter().enumerate().skip(i) {
            if starts[j] - starts[i] > cols {
                break;
            }
            if !seen.contains(&t.as_str()) {
                seen.push(t);
            }
            count += 1;
        }
        let in_url = f.urls.iter().any(|u| u.start <= m.start && m.end <= u.end);
        let key = (seen.len(), !in_url, count);
        if best.as_ref().is_none_or(|(b, _)| key > *b) {
            best = Some((key, i));
        }
    }
    best.map(|(_, i)| i)
}

/// Where the window starts: back from the anchor to its sentence start,
/// at most a third of the width, on a boundary.
fn window_start(s: &str, anchor: usize, cols: usize) -> usize {
    let mut start = anchor;
    let mut used = 0;
    for (i, c) in s[..anchor].char_indices().rev() {
        if is_sentence_end(c) || used + char_width(c) > cols / 3 {
            break;
        }
        used += char_width(c);
        start = i;
    }
    // Inside a word: forward to its end (never past the anchor).
    while start < anchor && !is_boundary(s, start) {
        start += s[start..].chars().next().map_or(1, char::len_utf8);
    }
    // Leading space is not content.
    while s[start..].starts_with(' ') && start < anchor {
        start += 1;
    }
    start
}

/// The end of a window from `start` that fits `cols` columns together with
/// the ellipses it needs, on a boundary unless one word fills it all.
fn window_end(s: &str, start: usize, cols: usize, lead: usize) -> usize {
    let mut used = lead;
    let mut end = start;
    for (i, c) in s[start..].char_indices() {
        let w = char_width(c);
        // Room for the closing `…` when text remains after this char.
        let tail = usize::from(start + i + c.len_utf8() < s.len());
        if used + w + tail > cols {
            break;
        }
        used += w;
        end = start + i + c.len_utf8();
    }
    if end >= s.len() || is_boundary(s, end) {
        return end;
    }
    let mut b = end;
    while b > start && !is_boundary(s, b) {
        b -= s[..b].chars().next_back().map_or(1, char::len_utf8);
    }
    if b > start {
        b
    } else {
        end
    }
}

/// A window of `f` at most `cols` columns wide around its best marks.
pub fn window(f: &Flat, cols: usize) -> Snippet {
    let s = f.text.as_str();
    let start = anchor(f, cols).map_or(0, |i| window_start(s, f.marks[i].start, cols));
    // Never inside an earlier mark: `**件**攻击…` shows half a match (seen
    // on wechat-10k: `勒索软件 医院`, rank 2); start with the whole of it.
    let start = f
        .marks
        .iter()
        .find(|m| m.start < start && start < m.end)
        .map_or(start, |m| m.start);
    // `…` in front only when the window starts inside a sentence.
    let lead = usize::from(start > 0 && !s[..start].trim_end().ends_with(is_sentence_end));
    let end = window_end(s, start, cols, lead);
    // Nor ending inside one: a mark that does not fit is left out whole.
    let end = f
        .marks
        .iter()
        .find(|m| m.start < end && end < m.end && m.start > start)
        .map_or(end, |m| m.start);
    let body = s[start..end].trim_end();
    let end = start + body.len();
    let mut text = String::with_capacity(body.len() + 6);
    if lead == 1 {
        text.push('…');
    }
    let shift = text.len();
    text.push_str(body);
    if end < s.trim_end().len() {
        text.push('…');
    }
    let highlights = f
        .marks
        .iter()
        .filter(|m| m.end > start && m.start < end)
        .map(|m| clip(m, start, end, shift))
        .collect();
    Snippet { text, highlights }
}

fn clip(m: &Range<usize>, start: usize, end: usize, shift: usize) -> (usize, usize) {
    (
        m.start.max(start) - start + shift,
        m.end.min(end) - start + shift,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(text: &str, marks: &[&str]) -> Flat {
        let marks = marks
            .iter()
            .map(|m| {
                let i = text.find(m).expect("mark in text");
                i..i + m.len()
            })
            .collect();
        Flat {
            text: text.to_string(),
            marks,
            urls: Vec::new(),
        }
    }

    #[test]
    fn a_window_never_starts_inside_a_mark() {
        // The best group (two distinct marks) lies after an earlier mark
        // that ends just where the window would start.
        let text = format!(
            "{}勒索软件攻击的快速发展，探讨勒索软件与医院的关系。",
            "前文".repeat(40)
        );
        let mut f = flat(&text, &[]);
        let first = text.find("勒索软件").unwrap();
        let second = text.rfind("勒索软件").unwrap();
        let hospital = text.find("医院").unwrap();
        f.marks = vec![
            first..first + 12,
            second..second + 12,
            hospital..hospital + 6,
        ];
        for cols in 20..60 {
            let sn = window(&f, cols);
            for &(a, b) in &sn.highlights {
                let h = &sn.text[a..b];
                assert!(
                    h == "勒索软件" || h == "医院",
                    "cols {cols}: {h:?} in {}",
                    sn.text
                );
            }
        }
    }

    #[test]
    fn cjk_counts_two_columns() {
        assert_eq!(width("漏洞ab"), 6);
        assert_eq!(width("ＡＢ"), 4);
        assert_eq!(width("🏷\u{FE0F}"), 2, "an emoji by variation selector");
        assert_eq!(width("a\u{200B}b"), 2, "zero-width space");
    }

    #[test]
    fn never_wider_than_asked_and_never_inside_an_identifier() {
        let text = "某厂商修复了多个漏洞，其中 CVE-2024-3094 与 RemoteIpFilter 组件相关，影响范围广泛，建议尽快升级到最新版本并检查日志";
        for cols in 10..80 {
            let s = window(&flat(text, &["CVE-2024-3094"]), cols);
            assert!(
                width(&s.text) <= cols,
                "{cols}: {} ({})",
                s.text,
                width(&s.text)
            );
            for id in ["CVE-2024-3094", "RemoteIpFilter"] {
                for k in 1..id.len() {
                    let (a, b) = id.split_at(k);
                    assert!(
                        !s.text.ends_with(&format!("{a}…"))
                            && !s.text.starts_with(&format!("…{b}")),
                        "{cols}: cut inside {id}: {}",
                        s.text
                    );
                }
            }
        }
    }

    #[test]
    fn the_window_holds_the_mark_and_starts_at_the_sentence() {
        let text = format!("{}。攻击者利用 Log4j2 漏洞入侵。", "无关".repeat(60));
        let s = window(&flat(&text, &["Log4j2"]), 40);
        let (a, b) = s.highlights[0];
        assert_eq!(&s.text[a..b], "Log4j2");
        assert!(s.text.starts_with("攻击者"), "{}", s.text);
    }

    #[test]
    fn a_mark_in_a_url_loses_to_one_in_prose() {
        let mut f = flat("https://a.com/log4j 后面很远的地方才说到 log4j 漏洞", &[]);
        let u = 0.."https://a.com/log4j".len();
        f.marks = vec![
            14..19,
            f.text.rfind("log4j").unwrap()..f.text.rfind("log4j").unwrap() + 5,
        ];
        f.urls = vec![u];
        let s = window(&f, 20);
        assert!(!s.text.contains("https"), "{}", s.text);
    }
}
