//! Where the query's matches are in a text, as byte ranges of the original
//! text: what a snippet, a context line or the article view highlights.

use std::ops::Range;

use crate::analysis;
use crate::ioc::extract;

/// Every match of the (normalized) needles in `text`, as merged byte ranges
/// of `text`, sorted. A match through refanging (`evil.com` found in
/// `evil[.]com`, which the index makes findable) marks the original defanged
/// text, so the reader sees what matched as the article wrote it.
pub fn marks(text: &str, needles: &[String]) -> Vec<Range<usize>> {
    let (norm, map) = analysis::normalize_with_map(text);
    marks_normalized(text, &norm, &map, needles)
}

/// [`marks`] for a text already normalized (`norm`, with `map` from
/// `analysis::normalize_with_map`): normalizing is most of the cost of a
/// snippet, and a text highlighted again (the web page's recent articles)
/// need not pay it twice.
pub fn marks_normalized(
    text: &str,
    norm: &str,
    map: &[u32],
    needles: &[String],
) -> Vec<Range<usize>> {
    let to_orig = |b: usize| map.get(b).copied().unwrap_or(text.len() as u32) as usize;
    let mut out: Vec<Range<usize>> = super::matches::find_matches(norm, needles)
        .into_iter()
        .map(|(s, e, _)| to_orig(s)..to_orig(e))
        .collect();
    if needles.iter().any(|n| n.is_ascii()) && may_be_defanged(text) {
        out.extend(defanged_marks(text, needles));
    }
    join_across_spaces(text, merge(out))
}

/// Marks with only spaces between them (`XZ` `Utils`) become one: the
/// reader sees one marked phrase, not two marks and a gap.
fn join_across_spaces(text: &str, marks: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(marks.len());
    for m in marks {
        match out.last_mut() {
            Some(last)
                if text[last.end..m.start].bytes().all(|b| b == b' ')
                    && m.start - last.end <= 3 =>
            {
                last.end = m.end
            }
            _ => out.push(m),
        }
    }
    out
}

/// A cheap test before the indicator scan (which costs ~0.1 ms a body,
/// measured, where this costs microseconds): a defang marker is present —
/// `[.]`, `(dot)`, `{at}`, `[:]`…, `hxxp`/`hxtp`/`fxp`, or `。`/`．`
/// between ASCII letters or digits.
fn may_be_defanged(text: &str) -> bool {
    let b = text.as_bytes();
    let at =
        |i: usize, p: &[u8]| b.len() >= i + p.len() && b[i..i + p.len()].eq_ignore_ascii_case(p);
    for (i, &c) in b.iter().enumerate() {
        let hit = match c {
            b'[' | b'(' | b'{' => [".", "dot", "@", "at", ":", "。"]
                .iter()
                .any(|m| at(i + 1, m.as_bytes())),
            b'h' | b'H' => at(i, b"hxxp") || at(i, b"hxtp"),
            b'f' | b'F' => at(i, b"fxp"),
            _ => false,
        };
        if hit {
            return true;
        }
    }
    ["。", "．"].iter().any(|dot| {
        text.match_indices(dot).any(|(i, d)| {
            let before = text[..i].chars().next_back();
            let after = text[i + d.len()..].chars().next();
            before.is_some_and(|c| c.is_ascii_alphanumeric())
                && after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
    })
}

/// Matches inside defanged indicators, mapped back through the refang map
/// of each indicator (exact: a marker is one byte of the refanged text).
fn defanged_marks(text: &str, needles: &[String]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (span, _) in extract::defanged_spans(text) {
        let Some(orig) = text.get(span.clone()) else {
            continue;
        };
        let r = extract::refang_mapped(orig);
        let (norm, map) = analysis::normalize_with_map(&r.text);
        let to_plain = |b: usize| map.get(b).copied().unwrap_or(r.text.len() as u32) as usize;
        for (s, e, _) in super::matches::find_matches(&norm, needles) {
            let o = r.original(to_plain(s)..to_plain(e));
            out.push(span.start + o.start..span.start + o.end);
        }
    }
    out
}

/// Sorted ranges with overlapping and touching ones joined: two needles
/// that meet (`勒索` + `软件`) are one highlight, not two.
pub fn merge(mut v: Vec<Range<usize>>) -> Vec<Range<usize>> {
    v.retain(|r| r.start < r.end);
    v.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(v.len());
    for r in v {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| analysis::normalize(s)).collect()
    }

    #[test]
    fn touching_and_overlapping_matches_are_one_mark() {
        let t = "勒索软件攻击";
        let m = marks(t, &n(&["勒索", "软件", "索软"]));
        assert_eq!(m.len(), 1);
        assert_eq!(&t[m[0].clone()], "勒索软件");
    }

    #[test]
    fn marks_a_space_apart_are_one() {
        let t = "在 XZ Utils 中，XZ\nUtils";
        let m = marks(t, &n(&["xz", "utils"]));
        let got: Vec<&str> = m.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(
            got,
            vec!["XZ Utils", "XZ", "Utils"],
            "a line break keeps them apart"
        );
    }

    #[test]
    fn a_refanged_match_marks_the_defanged_text() {
        let t = "回连地址为 evil[.]com/a.php 和 hxxp://bad[.]example[.]org/x";
        let m = marks(t, &n(&["evil.com"]));
        let got: Vec<&str> = m.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(got, vec!["evil[.]com"]);
        let m = marks(t, &n(&["http://bad.example.org"]));
        let got: Vec<&str> = m.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(got, vec!["hxxp://bad[.]example[.]org"]);
    }

    #[test]
    fn the_defang_test_sees_every_marker_and_ignores_prose() {
        for t in [
            "a[.]b",
            "a(DOT)b",
            "x{at}y",
            "hXXps://a",
            "fxp://a",
            "evil。com",
            "a[:]8080",
        ] {
            assert!(may_be_defanged(t), "{t}");
        }
        for t in ["普通的句子。下一句", "call(x) and [1] {y}", "http://a.com"] {
            assert!(!may_be_defanged(t), "{t}");
        }
    }

    #[test]
    fn case_and_width_are_ignored_but_the_original_is_marked() {
        let t = "关于ＬＯＧ4J的分析";
        let m = marks(t, &n(&["log4j"]));
        assert_eq!(&t[m[0].clone()], "ＬＯＧ4J");
    }
}
