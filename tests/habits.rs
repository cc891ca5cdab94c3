//! The habits analysts bring from grep, rg and Kibana, end to end through
//! the binary on a few articles written here: grep's flags, whole words,
//! `a|b`, `AND`/`NOT`, nested groups, and the terminal's small promises
//! (stats lists, snippet widths, `show N`, help examples).

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use common::BuiltIndex;

/// (file stem, title, body, date): each body holds `RCE` in one way.
const ARTICLES: &[(&str, &str, &str, &str)] = &[
    (
        "cjk",
        "通告一",
        "Apache 出现 RCE漏洞，请尽快修复。",
        "2023-01-05",
    ),
    (
        "paren",
        "通告二",
        "这是一个远程代码执行（RCE）问题。",
        "2023-02-05",
    ),
    (
        "source",
        "通告三",
        "Open source projects and their resource use.",
        "2023-03-05",
    ),
    (
        "plural",
        "通告四",
        "RCEs are common in old routers.",
        "2023-04-05",
    ),
    (
        "both",
        "通告五",
        "The source says RCE again, then force.",
        "2023-05-05",
    ),
    (
        "alpha",
        "LockBit 攻击医院",
        "alpha 组织 and the hospital; log4j 漏洞",
        "2023-06-05",
    ),
    (
        "beta",
        "勒索软件 周报",
        "beta 团队 or -dash 出现 log4shell 漏洞",
        "2023-07-05",
    ),
];

static INDEX: OnceLock<BuiltIndex> = OnceLock::new();

fn corpus_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().expect("temp dir");
        for (i, (stem, title, body, date)) in ARTICLES.iter().enumerate() {
            let source = if i % 2 == 0 { "源甲" } else { "源乙" };
            let text = format!(
                "---\ntitle: {title}\nsource: {source}\ndate: {date}\n---\n\n# {title}\n\n{body}\n"
            );
            std::fs::write(d.path().join(format!("{stem}.md")), text).expect("write article");
        }
        d
    })
    .path()
}

fn idx() -> &'static Path {
    &INDEX.get_or_init(|| common::build_index(corpus_dir())).path
}

/// The file stems `search ARGS -l` lists.
fn stems(args: &[&str]) -> BTreeSet<String> {
    let mut a = args.to_vec();
    a.push("-l");
    common::stdout(&common::search(idx(), &a))
        .lines()
        .filter_map(|l| {
            Path::new(l)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .collect()
}

fn set(s: &[&str]) -> BTreeSet<String> {
    s.iter().map(|x| x.to_string()).collect()
}

fn count(args: &[&str]) -> usize {
    common::count(idx(), args)
}

#[test]
fn whole_words_take_cjk_and_punctuation_as_boundaries() {
    assert_eq!(
        stems(&["RCE", "--exact"]),
        set(&["cjk", "paren", "source", "plural", "both"])
    );
    let whole = set(&["cjk", "paren", "both"]);
    assert_eq!(stems(&["-w", "RCE", "--exact"]), whole);
    assert_eq!(stems(&["--word-regexp", "rce", "--exact"]), whole);
    assert_eq!(count(&["-w", "RCE", "--exact", "-c"]), 3);
    // -w in a cluster, with -c
    assert_eq!(count(&["RCE", "--exact", "-wc"]), 3);
    // a term whose own ends are not letters: -w changes nothing there
    assert_eq!(stems(&["-w", "（RCE）", "--exact"]), set(&["paren"]));
}

#[test]
fn whole_word_highlights_mark_only_whole_words() {
    let hits = common::search_json(idx(), &["-w", "RCE", "--exact"]);
    let both = hits
        .iter()
        .find(|h| common::hit_path(h).ends_with("both.md"))
        .expect("both.md is a hit");
    let snippet = both["snippet"].as_str().unwrap_or_default();
    let marked: Vec<&str> = both["highlights"]
        .as_array()
        .expect("highlights")
        .iter()
        .map(|r| {
            let a = r[0].as_u64().unwrap_or(0) as usize;
            let b = r[1].as_u64().unwrap_or(0) as usize;
            &snippet[a..b]
        })
        .collect();
    assert_eq!(marked, ["RCE"], "{snippet}");
    // without -w, `source` and `force` are marked too
    let hits = common::search_json(idx(), &["RCE", "--exact"]);
    let both = hits
        .iter()
        .find(|h| common::hit_path(h).ends_with("both.md"))
        .expect("both.md is a hit");
    assert_eq!(both["highlights"].as_array().map(Vec::len), Some(3));
}

#[test]
fn grep_flags_that_change_nothing_are_accepted() {
    let plain = count(&["RCE", "--exact", "-c"]);
    for flag in [
        "-i",
        "-F",
        "-S",
        "--ignore-case",
        "--fixed-strings",
        "--smart-case",
    ] {
        assert_eq!(count(&[flag, "RCE", "--exact", "-c"]), plain, "{flag}");
    }
    assert_eq!(count(&["-iF", "RCE", "--exact", "-c"]), plain);
}

#[test]
fn each_e_pattern_is_an_alternative_taken_literally() {
    assert_eq!(
        stems(&["-e", "alpha", "-e", "beta"]),
        set(&["alpha", "beta"])
    );
    assert_eq!(stems(&["-e", "-dash"]), set(&["beta"]));
    // ANDed with the QUERY words
    assert_eq!(
        stems(&["医院", "-e", "alpha", "-e", "beta"]),
        set(&["alpha"])
    );
}

#[test]
fn grep_flags_without_meaning_get_one_line_each() {
    for (flag, says) in [
        ("-v", "NOT word"),
        ("-o", "only-matching"),
        ("-r", "whole index"),
        ("-t", "no file types"),
        ("-E", "fixed strings"),
        ("--invert-match", "NOT word"),
    ] {
        let o = common::search(idx(), &["RCE", flag]);
        assert_eq!(o.status.code(), Some(2), "{flag}");
        let err = common::stderr(&o);
        assert_eq!(err.trim().lines().count(), 1, "{flag}: {err}");
        assert!(err.contains(says), "{flag}: {err}");
        assert!(!err.contains("to exclude the word"), "{flag}: {err}");
    }
}

#[test]
fn bars_and_capital_operators_are_operators_and_lower_case_words_are_words() {
    let either = set(&["alpha", "beta"]);
    assert_eq!(stems(&["log4j|log4shell"]), either);
    assert_eq!(stems(&["log4j | log4shell"]), either);
    assert_eq!(stems(&["log4j", "OR", "log4shell"]), either);
    assert_eq!(stems(&["LockBit", "AND", "医院"]), set(&["alpha"]));
    assert_eq!(stems(&["漏洞", "NOT", "log4shell"]), set(&["alpha", "cjk"]));
    // lower-case `and`/`or` are searched as words
    assert_eq!(stems(&["alpha", "and"]), set(&["alpha"]));
    assert_eq!(stems(&["beta", "or"]), set(&["beta"]));
    assert!(stems(&["alpha", "or", "beta"]).is_empty());
}

#[test]
fn nested_groups_and_field_groups_work() {
    let plain = stems(&["漏洞"]);
    assert!(!plain.is_empty());
    for q in ["(漏洞)", "((漏洞))", "(((漏洞)))"] {
        assert_eq!(stems(&[q]), plain, "{q}");
    }
    assert_eq!(stems(&["title:(医院 OR 勒索)"]), set(&["alpha", "beta"]));
    assert_eq!(stems(&["title:(医院 OR 勒索) -((log4j))"]), set(&["beta"]));
}

#[test]
fn a_term_that_looks_like_a_regex_gets_a_note() {
    let o = common::search(idx(), &["log4.*"]);
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(err.contains("literal") && err.contains("a|b"), "{err}");
    let o = common::search(idx(), &["log4j", "-c"]);
    assert!(!common::stderr(&o).contains("literal"));
}

#[test]
fn stats_lists_every_month_and_says_which_sources_it_shows() {
    let o = common::run(idx(), &["stats"]);
    let out = common::stdout(&o);
    assert!(out.contains("sources (2):"), "{out}");
    assert!(out.contains("months (7):"), "{out}");
    for m in ["2023-01", "2023-07"] {
        assert!(out.contains(m), "{m}: {out}");
    }
}

#[test]
fn plain_snippets_fit_the_width_with_their_markers() {
    for width in ["40", "60"] {
        let o = common::search(
            idx(),
            &["漏洞 OR RCE", "--color", "never", "--width", width],
        );
        let out = common::stdout(&o);
        let max: usize = width.parse().unwrap_or(0);
        assert!(out.contains("**"), "{out}");
        for line in out.lines().filter(|l| l.contains("**")) {
            let w = unicode_width::UnicodeWidthStr::width(line);
            assert!(w <= max, "{w} > {max}: {line}");
        }
    }
}

#[test]
fn show_n_opens_hit_n_of_the_last_search() {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = dir.path().join("idx");
    let o = common::bin()
        .args(["index", "-q", "--index"])
        .arg(&index)
        .arg(corpus_dir())
        .output()
        .expect("index");
    assert!(o.status.success(), "{}", common::stderr(&o));
    let first = common::search_json(&index, &["LockBit"]);
    let shown = common::search(&index, &["LockBit", "--color", "never"]);
    assert_eq!(shown.status.code(), Some(0));
    let o = common::run(&index, &["show", "1", "--no-pager", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let out = common::stdout(&o);
    assert!(out.contains("**LockBit**"), "{out}");
    assert!(out.contains(&common::hit_path(&first[0])), "{out}");
    let o = common::run(&index, &["show", "9", "--no-pager"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("hits 1 to 1"),
        "{}",
        common::stderr(&o)
    );
}

#[test]
fn the_help_example_survives_spaces_in_file_names() {
    let o = common::bin()
        .args(["search", "--help"])
        .output()
        .expect("help");
    let help = common::stdout(&o);
    assert!(help.contains("-l -0 | xargs -0 wc -c"), "{help}");
    assert!(!help.contains("-l | xargs"), "{help}");
    for part in [
        "LockBit|BlackCat",
        "AND, OR and NOT",
        "((漏洞))",
        "title:(",
        "-w",
    ] {
        assert!(help.contains(part), "{part}");
    }
}
