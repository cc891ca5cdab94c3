//! ioc-fanger's and iocextract's defanged cases (`data/fang-cases/cases.tsv`,
//! written by `data/fang-cases/gen.py` from their sdists) run through the
//! extractor: a `fang` case passes when the indicators found in the defanged
//! text are those found in the plain one; a `keep` case (a "must not fang"
//! string) passes when nothing in it is read as defanged.

use std::collections::BTreeSet;

use super::{defanged_spans, extract, extract_as_marked, Kind};

const CASES: &str = include_str!("../../../data/fang-cases/cases.tsv");

/// The cases secsearch leaves out on purpose, each argued in
/// docs/indicators.md ("Defanged forms left out").
const LEFT_OUT: &[&str] = &[
    // Ambiguous with a name: not read as a domain either (see context.rs).
    "fooATbar.com",
    // The expected value is ioc-fanger's text output, where the Markdown
    // link's two URLs run together; secsearch lists the one URL.
    "[https://i.imgur.com/abc.png](https://i.imgur.com/abc.png)",
    // Internationalised names: the extractor reads ASCII hosts only.
    "вирус[.]рф",
    "名がドメイン[.]中国",
    // ` at ` in lower case is English prose (`look at example.com`).
    "me at example.com",
    // Spaces and stray brackets inside the host itself: prose-like.
    "me@} example[.com",
    "http:// example .com /path",
    "hxxp__ example( .com[/]path",
];

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

fn set(text: &str) -> BTreeSet<(Kind, String)> {
    extract(text)
        .into_iter()
        .map(|i| (i.kind, i.value))
        .collect()
}

struct Case {
    defanged: String,
    expected: Option<String>,
}

fn cases() -> Vec<Case> {
    CASES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "bad line: {l}");
            Case {
                defanged: unescape(cols[1]),
                expected: (cols[3] == "fang").then(|| unescape(cols[2])),
            }
        })
        .collect()
}

/// Whether secsearch reads `c` as the peers do.
fn passes(c: &Case) -> bool {
    match &c.expected {
        Some(plain) => {
            // The plain form as an analyst's marked value: `1.2.3.4` alone
            // is read as a version by the context rules, `1[.]2[.]3[.]4` not.
            let want = extract_as_marked(plain);
            !want.is_empty() && set(&c.defanged) == want
        }
        None => defanged_spans(&c.defanged).is_empty(),
    }
}

#[test]
fn peer_suite_is_fanged() {
    let all = cases();
    assert_eq!(all.len(), 213, "cases.tsv changed: update this test");
    let mut failed_fang = Vec::new();
    let mut failed_keep = Vec::new();
    for c in &all {
        if !passes(c) {
            if c.expected.is_some() {
                failed_fang.push(c.defanged.clone());
            } else {
                failed_keep.push(c.defanged.clone());
            }
        }
    }
    let passed = all.len() - failed_fang.len() - failed_keep.len();
    eprintln!(
        "fang cases: {passed}/{} right ({} fang missed, {} keep fanged)",
        all.len(),
        failed_fang.len(),
        failed_keep.len()
    );
    for f in &failed_fang {
        eprintln!("  missed: {f:?} -> {:?}", set(f));
    }
    for f in &failed_keep {
        eprintln!("  keep fanged: {f:?}");
    }
    assert!(
        failed_keep.is_empty(),
        "must-not-fang cases fanged: {failed_keep:?}"
    );
    let unlisted: Vec<_> = failed_fang
        .iter()
        .filter(|f| !LEFT_OUT.contains(&f.as_str()))
        .collect();
    assert!(unlisted.is_empty(), "missed and not argued: {unlisted:?}");
    assert!(passed * 10 >= all.len() * 9, "{passed} of {}", all.len());
    for l in LEFT_OUT {
        assert!(
            failed_fang.iter().any(|f| f == l),
            "left out but passes now: {l:?}"
        );
    }
}
