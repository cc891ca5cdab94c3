//! The command-line contract, end to end through the binary, on
//! the project's own `corpus/` (a few example articles; always present).

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

use common::{normalize, BuiltIndex, Doc, IndexedCorpus};

static CORPUS: OnceLock<IndexedCorpus> = OnceLock::new();

fn idx() -> &'static BuiltIndex {
    &common::indexed_once(&CORPUS, &common::project_corpus()).index
}

fn docs() -> &'static [Doc] {
    &common::indexed_once(&CORPUS, &common::project_corpus()).docs
}

/// `secsearch search --index IDX ARGS...`
fn search(args: &[&str]) -> Output {
    common::search(&idx().path, args)
}

fn json(args: &[&str]) -> Vec<Value> {
    common::search_json(&idx().path, args)
}

fn paths(hits: &[Value]) -> BTreeSet<String> {
    hits.iter().map(common::hit_path).collect()
}

/// Paths of the articles satisfying `f`.
fn expected(f: impl Fn(&Doc) -> bool) -> BTreeSet<String> {
    docs()
        .iter()
        .filter(|d| f(d))
        .map(|d| d.path.clone())
        .collect()
}

/// The hits are matches, and every match is a hit or a hit's duplicate.
fn assert_files(what: &str, hits: &[Value], expected: &BTreeSet<String>) {
    let shown = paths(hits);
    let reachable = common::reachable(hits);
    let extra: Vec<&String> = shown.difference(expected).collect();
    let missing: Vec<&String> = expected.difference(&reachable).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{what}: expected {} files, got {} hits\n  missing:\n{}\n  extra:\n{}",
        expected.len(),
        shown.len(),
        common::some(missing.iter().copied(), 5),
        common::some(extra.iter().copied(), 5)
    );
}

fn doc_by_path(p: &str) -> &'static Doc {
    docs()
        .iter()
        .find(|d| d.path == p)
        .unwrap_or_else(|| panic!("hit {p} is not an article of corpus/"))
}

fn has(d: &Doc, s: &str) -> bool {
    d.has(&normalize(s))
}

fn one_line_error(o: &Output, what: &str) -> String {
    assert_eq!(o.status.code(), Some(2), "{what}: exit code");
    assert!(
        o.stdout.is_empty(),
        "{what}: stdout {:?}",
        common::stdout(o)
    );
    let err = common::stderr(o);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{what}: one stderr line: {err:?}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{what}: {err}"
    );
    err
}

#[test]
fn index_exits_0_with_a_summary_on_stderr() {
    let i = idx();
    let n = common::article_files(&i.root).len();
    assert!(n > 0, "no article file under {}", i.root.display());
    assert!(i.output.status.success());
    assert!(i.output.stdout.is_empty(), "index prints nothing on stdout");
    let err = common::stderr(&i.output);
    let summary = err
        .lines()
        .find(|l| l.contains("documents"))
        .unwrap_or_else(|| panic!("no summary line on stderr: {err:?}"));
    assert!(summary.contains(&format!("{n} documents")), "{summary}");
    assert!(summary.contains("0 skipped"), "{summary}");
}

#[test]
fn index_is_incremental() {
    let (_dir, index) = common::scratch_index();
    let run = || {
        common::bin()
            .arg("index")
            .arg("--index")
            .arg(&index)
            .arg(common::project_corpus())
            .output()
            .expect("run index")
    };
    let first = run();
    assert!(first.status.success(), "{}", common::stderr(&first));
    let again = run();
    assert!(again.status.success(), "{}", common::stderr(&again));
    let err = common::stderr(&again);
    let n = common::article_files(&common::project_corpus()).len();
    assert!(
        err.contains("0 added") && err.contains(&format!("{n} unchanged")),
        "second run should change nothing: {err}"
    );
}

#[test]
fn search_prints_text_with_markers_and_no_colour_when_piped() {
    let o = search(&["漏洞"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let out = common::stdout(&o);
    assert!(!out.contains('\x1b'), "ANSI escape in piped output:\n{out}");
    assert!(out.contains("**漏洞**"), "matches marked with **:\n{out}");
    let top = &json(&["漏洞"])[0];
    let title = top["title"].as_str().expect("title");
    assert!(
        out.replace("**", "").contains(title),
        "text output shows the top hit's title {title:?}:\n{out}"
    );
    // NO_COLOR, and an explicit --color never, also give plain output.
    let o = common::bin()
        .current_dir(common::neutral_cwd())
        .env("NO_COLOR", "1")
        .args(["search", "漏洞", "--index"])
        .arg(&idx().path)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let plain = common::stdout(&o);
    assert!(
        !plain.contains('\x1b') && plain.contains("**漏洞**"),
        "{plain}"
    );
    let o = search(&["漏洞", "--color", "never"]);
    assert_eq!(common::stdout(&o), plain);
    // --color always does colour (and then needs no ** markers).
    let o = search(&["漏洞", "--color", "always"]);
    assert!(common::stdout(&o).contains('\x1b'));
}

#[test]
fn json_lines_have_the_contract_keys() {
    let hits = json(&["漏洞"]);
    assert!(hits.len() >= 2);
    for h in &hits {
        for k in ["path", "title", "source", "date", "url", "score", "snippet"] {
            assert!(h.get(k).is_some(), "key {k} missing in {h}");
        }
        let p = common::hit_path(h);
        assert!(
            Path::new(&p).is_absolute() && Path::new(&p).is_file(),
            "{p}"
        );
        assert!(h["score"].is_number(), "{h}");
        assert!(h["title"].as_str().is_some_and(|t| !t.is_empty()), "{h}");
        assert!(h["date"].is_null() || h["date"].is_string(), "{h}");
        let d = doc_by_path(&p);
        assert!(has(d, "漏洞"), "{p} does not contain 漏洞");
        assert_eq!(h["source"].as_str(), Some(d.source.as_str()), "{p}");
        assert_eq!(h["date"].as_str(), d.date.as_deref(), "{p}");
    }
    assert_files("search 漏洞", &hits, &expected(|d| has(d, "漏洞")));
}

#[test]
fn files_with_matches_prints_existing_paths() {
    let all = json(&["漏洞"]);
    // From the project root, paths below it are relative to it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = common::bin()
        .current_dir(root)
        .args(["search", "漏洞", "-l", "--index"])
        .arg(&idx().path)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let out = common::stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), all.len(), "-l prints every hit:\n{out}");
    for l in &lines {
        assert!(root.join(l).is_file(), "-l printed {l:?}, not a file");
        assert!(!l.contains("**") && !l.contains('\t'), "{l:?}");
    }
    let listed: BTreeSet<String> = lines
        .iter()
        .map(|l| {
            root.join(l)
                .canonicalize()
                .expect("path")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(listed, paths(&all));
    // Elsewhere, absolute paths.
    let o = search(&["漏洞", "-l"]);
    let abs: BTreeSet<String> = common::stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(abs, paths(&all));
}

#[test]
fn count_equals_the_number_of_hits() {
    for q in ["漏洞", "勒索", "CVE-", "the"] {
        let o = search(&[q, "-c"]);
        assert_eq!(o.status.code(), Some(0), "search {q} -c");
        assert_eq!(common::parse_count(&o), json(&[q]).len(), "search {q} -c");
    }
    let o = search(&["zzqxjv", "-c"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(common::parse_count(&o), 0);
}

#[test]
fn limit_and_offset_page_through_the_hits() {
    let all: Vec<String> = json(&["漏洞"]).iter().map(common::hit_path).collect();
    assert!(all.len() >= 4, "{all:?}");
    let page = |args: &[&str]| -> Vec<String> {
        let o = search(args);
        assert_eq!(o.status.code(), Some(0), "search {args:?}");
        common::stdout(&o)
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("JSON");
                common::hit_path(&v)
            })
            .collect()
    };
    assert_eq!(page(&["漏洞", "--json", "-n", "2"]), all[..2]);
    assert_eq!(
        page(&["漏洞", "--json", "--limit", "2", "--offset", "1"]),
        all[1..3]
    );
    assert_eq!(
        page(&["漏洞", "--json", "-n", "0", "--offset", "2"]),
        all[2..]
    );
    let o = search(&["漏洞", "-l", "-n", "2"]);
    assert_eq!(common::stdout(&o).lines().count(), 2);
    // Default: 10 hits at most.
    let o = search(&["的", "--json"]);
    let n = common::stdout(&o).lines().count();
    assert_eq!(n, json(&["的"]).len().min(10));
}

#[test]
fn no_hit_exits_1_with_nothing_on_stdout() {
    for extra in [&[][..], &["--json"], &["-l"]] {
        let mut args = vec!["zzqxjv不存在的词"];
        args.extend_from_slice(extra);
        let o = search(&args);
        assert_eq!(o.status.code(), Some(1), "search {args:?}");
        assert!(
            o.stdout.is_empty(),
            "search {args:?}: {}",
            common::stdout(&o)
        );
        assert!(!common::stderr(&o).contains("panicked"));
    }
}

#[test]
fn a_missing_index_is_a_one_line_error_naming_the_index_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    for p in [dir.path().to_path_buf(), dir.path().join("no/such/dir")] {
        let o = common::bin()
            .current_dir(common::neutral_cwd())
            .args(["search", "漏洞", "--index"])
            .arg(&p)
            .output()
            .expect("run");
        let err = one_line_error(&o, &format!("search --index {}", p.display()));
        assert!(err.contains("secsearch index"), "{err}");
        let o = common::bin()
            .args(["stats", "--index"])
            .arg(&p)
            .output()
            .expect("run");
        let err = one_line_error(&o, &format!("stats --index {}", p.display()));
        assert!(err.contains("secsearch index"), "{err}");
    }
}

#[test]
fn a_bad_date_is_a_one_line_error() {
    for args in [
        &["漏洞", "--since", "2024-13-45"][..],
        &["漏洞", "--until", "2024/01/01"],
        &["漏洞", "--since", "yesterday"],
    ] {
        let o = search(args);
        let err = one_line_error(&o, &format!("search {args:?}"));
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }
}

#[test]
fn since_and_until_filter_by_date() {
    let (since, until) = ("2023-01-01", "2024-12-31");
    let hits = json(&["漏洞", "--since", since, "--until", until]);
    for h in &hits {
        let d = h["date"]
            .as_str()
            .unwrap_or_else(|| panic!("undated hit {h}"));
        assert!(since <= d && d <= until, "{d} out of range: {h}");
    }
    let want =
        expected(|d| has(d, "漏洞") && d.date.as_deref().is_some_and(|x| since <= x && x <= until));
    assert!(!want.is_empty());
    assert_files("漏洞 --since --until", &hits, &want);
    // Bounds are inclusive.
    let day = "2024-03-30";
    let hits = json(&["CVE-2024-3094", "--since", day, "--until", day]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    let hits = json(&["漏洞", "--since", "2025-01-01"]);
    assert_files(
        "漏洞 --since 2025-01-01",
        &hits,
        &expected(|d| has(d, "漏洞") && d.date.as_deref().is_some_and(|x| x >= "2025-01-01")),
    );
}

#[test]
fn source_filters_one_or_several_sources() {
    let hits = json(&["的", "--source", "CNCERT"]);
    assert!(!hits.is_empty());
    for h in &hits {
        assert_eq!(h["source"], "CNCERT", "{h}");
    }
    assert_files(
        "的 --source CNCERT",
        &hits,
        &expected(|d| has(d, "的") && d.source == "CNCERT"),
    );
    let two = ["CNCERT", "FreeBuf"];
    let want = expected(|d| has(d, "的") && two.contains(&d.source.as_str()));
    let hits = json(&["的", "--source", "CNCERT,FreeBuf"]);
    assert_files("的 --source CNCERT,FreeBuf", &hits, &want);
    let sources: BTreeSet<&str> = hits.iter().filter_map(|h| h["source"].as_str()).collect();
    assert_eq!(sources, two.into_iter().collect(), "both sources present");
    let hits = json(&["的", "--source", "CNCERT", "--source", "FreeBuf"]);
    assert_files("的 --source CNCERT --source FreeBuf", &hits, &want);
}

#[test]
fn sort_by_date_is_newest_first() {
    let hits = json(&["的", "--sort", "date"]);
    assert!(hits.len() >= 5);
    let dates: Vec<&str> = hits.iter().filter_map(|h| h["date"].as_str()).collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "dates not newest first: {dates:?}"
    );
    assert_files("的 --sort date", &hits, &expected(|d| has(d, "的")));
}

#[test]
fn minus_term_excludes_without_double_dash() {
    let hits = json(&["漏洞", "-勒索"]);
    assert!(!hits.is_empty());
    for h in &hits {
        let d = doc_by_path(&common::hit_path(h));
        assert!(has(d, "漏洞"), "{}", d.path);
        assert!(!has(d, "勒索"), "{} contains 勒索", d.path);
    }
    let want = expected(|d| has(d, "漏洞") && !has(d, "勒索"));
    assert_files("漏洞 -勒索", &hits, &want);
    // Something was excluded: the REvil/Kaseya article has both words.
    assert!(!expected(|d| has(d, "漏洞") && has(d, "勒索")).is_empty());
    assert!(!paths(&hits).iter().any(|p| p.contains("Kaseya")));
    // Also with other options after the excluded term.
    let o = search(&["漏洞", "-勒索", "-c"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert_eq!(common::parse_count(&o), hits.len());
}

#[test]
fn or_and_and_combine_terms() {
    let hits = json(&["LockBit", "OR", "Kaseya"]);
    assert_files(
        "LockBit OR Kaseya",
        &hits,
        &expected(|d| has(d, "LockBit") || has(d, "Kaseya")),
    );
    assert!(hits.len() >= 2, "one article each");
    let hits = json(&["LockBit Kaseya"]);
    assert_files(
        "LockBit Kaseya",
        &hits,
        &expected(|d| has(d, "LockBit") && has(d, "Kaseya")),
    );
    let hits = json(&["勒索", "医院"]);
    let want = expected(|d| has(d, "勒索") && has(d, "医院"));
    assert!(!want.is_empty());
    assert_files("勒索 医院", &hits, &want);
}

#[test]
fn title_restricts_a_term_to_the_title() {
    let hits = json(&["title:漏洞"]);
    for h in &hits {
        assert!(
            normalize(h["title"].as_str().unwrap_or("")).contains("漏洞"),
            "{h}"
        );
    }
    let want = expected(|d| d.title_has("漏洞"));
    assert_files("title:漏洞", &hits, &want);
    // Some article has 漏洞 in its body only, and is left out.
    let body_only = expected(|d| d.body_has("漏洞") && !d.title_has("漏洞"));
    assert!(!body_only.is_empty());
    let hits = json(&["body:漏洞"]);
    assert_files("body:漏洞", &hits, &expected(|d| d.body_has("漏洞")));
}

#[test]
fn a_phrase_is_an_exact_string() {
    // In the Ivanti article: "an unauthenticated remote attacker".
    let hits = json(&["\"remote attacker\""]);
    let want = expected(|d| has(d, "remote attacker"));
    assert!(!want.is_empty());
    assert_files("\"remote attacker\"", &hits, &want);
    // The same words in another order: found as AND, not as a phrase.
    let and = json(&["attacker remote"]);
    assert!(!and.is_empty());
    assert_files(
        "attacker remote",
        &and,
        &expected(|d| has(d, "attacker") && has(d, "remote")),
    );
    let o = search(&["\"attacker remote\""]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stdout(&o));
}

#[test]
fn known_facts_of_the_example_corpus() {
    // The XZ Utils article names CVE-2024-3094; any case finds it.
    for q in [
        "CVE-2024-3094",
        "cve-2024-3094",
        "ＣＶＥ－２０２４－３０９４",
    ] {
        let hits = json(&[q]);
        assert_eq!(hits.len(), 1, "search {q}");
        let p = common::hit_path(&hits[0]);
        assert!(p.contains("XZ Utils"), "search {q}: {p}");
    }
    // A string across jieba words, in the title of the emergency drill article.
    let hits = json(&["应急大"]);
    assert!(paths(&hits).iter().any(|p| p.contains("应急大会")));
    assert_files("应急大", &hits, &expected(|d| has(d, "应急大")));
    // Word inside a word: Log4j finds Log4j2.
    let hits = json(&["log4j"]);
    assert!(paths(&hits).iter().any(|p| p.contains("Log4j2")));
}

#[test]
fn q_is_an_alias_of_search() {
    let a = search(&["漏洞", "-c"]);
    let b = common::bin()
        .args(["q", "漏洞", "-c", "--index"])
        .arg(&idx().path)
        .output()
        .expect("run");
    assert_eq!(b.status.code(), Some(0));
    assert_eq!(common::stdout(&a), common::stdout(&b));
}

#[test]
fn index_path_from_the_environment() {
    let o = common::bin()
        .env("SECSEARCH_INDEX", &idx().path)
        .args(["search", "漏洞", "-c"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert_eq!(common::parse_count(&o), json(&["漏洞"]).len());
}

#[test]
fn tokenize_shows_both_representations() {
    let o = common::bin()
        .args(["tokenize", "勒索软件攻击"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let out = common::stdout(&o);
    let recall = common::line_starting(&out, "recall");
    for bigram in ["勒索", "索软", "软件", "件攻", "攻击"] {
        assert!(recall.contains(bigram), "{bigram} not in {recall:?}");
    }
    let words = common::line_starting(&out, "words");
    let list: Vec<&str> = words
        .split_once(": ")
        .map_or("", |(_, w)| w)
        .split(" | ")
        .map(str::trim)
        .collect();
    assert!(list.contains(&"勒索软件"), "{words:?}");
    assert!(!list.contains(&"索软"), "{words:?}");
}

#[test]
fn stats_text_and_json() {
    let n = docs().len();
    let o = common::bin()
        .args(["stats", "--index"])
        .arg(&idx().path)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let out = common::stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("documents"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains(&n.to_string()), "{line}");
    let v = common::stats_json(&idx().path);
    assert_eq!(v["documents"], serde_json::json!(n), "{v}");
}

#[test]
fn help_completions_and_man_page() {
    for args in [&["--help"][..], &["search", "--help"], &["index", "--help"]] {
        let o = common::bin().args(args).output().expect("run");
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(common::stdout(&o).contains("Examples"), "{args:?}");
    }
    let o = common::bin()
        .args(["completions", "bash"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    assert!(common::stdout(&o).contains("secsearch"));
    let o = common::bin().arg("man").output().expect("run");
    assert_eq!(o.status.code(), Some(0));
    assert!(common::stdout(&o).contains(".TH"));
}

/// A throw-away corpus with enough matching articles that every output mode
/// overflows a pipe buffer (64 KiB).
fn big_corpus(dir: &Path) -> PathBuf {
    let root = dir.join("articles");
    std::fs::create_dir_all(&root).expect("mkdir");
    for i in 0..400 {
        let body =
            format!("第{i}号通告：某系统存在远程代码执行漏洞，攻击者可利用该漏洞执行任意命令。")
                .repeat(8);
        let text = format!(
            "---\ntitle: 漏洞通告第{i}号\nurl: https://example.org/{i}\nsource: 测试\ndate: 2024-01-01\n---\n\n{body}\n"
        );
        std::fs::write(
            root.join(format!("通告-{i:04}-{}.md", "长文件名".repeat(16))),
            text,
        )
        .expect("write");
    }
    root
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = big_corpus(dir.path());
    let index = dir.path().join("idx");
    let o = common::bin()
        .arg("index")
        .arg("--index")
        .arg(&index)
        .arg(&root)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", common::stderr(&o));
    for mode in [&["-n", "0"][..], &["--json", "-n", "0"], &["-l"]] {
        let mut args = vec!["漏洞"];
        args.extend_from_slice(mode);
        let o = common::search(&index, &args);
        assert!(
            o.stdout.len() > 64 * 1024,
            "search {args:?} prints only {} bytes: too little to fill a pipe",
            o.stdout.len()
        );
    }
    let exe = assert_cmd::cargo::cargo_bin("secsearch");
    for mode in [&["-n", "0"][..], &["--json", "-n", "0"], &["-l"]] {
        for read_first_line in [false, true] {
            let mut child = std::process::Command::new(&exe)
                .args(["search", "漏洞", "--index"])
                .arg(&index)
                .args(mode)
                .env_remove("NO_COLOR")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn");
            let out = child.stdout.take().expect("stdout");
            if read_first_line {
                // like `| head -1`
                let mut line = String::new();
                BufReader::new(out).read_line(&mut line).expect("read");
                assert!(!line.is_empty());
            } else {
                drop(out);
            }
            let mut err = String::new();
            child
                .stderr
                .take()
                .expect("stderr")
                .read_to_string(&mut err)
                .expect("read stderr");
            let status = child.wait().expect("wait");
            let what =
                format!("search 漏洞 {mode:?} with stdout closed (read a line: {read_first_line})");
            assert!(
                !err.contains("panicked") && !err.to_lowercase().contains("broken pipe"),
                "{what}: stderr {err:?}"
            );
            assert!(err.trim().is_empty(), "{what}: stderr {err:?}");
            assert!(
                matches!(status.code(), Some(0) | None),
                "{what}: {status:?}"
            );
        }
    }
}

/// The query limits (`query::LIMITS`: 1,000 characters, 16 terms, 200
/// characters a term) hold at their bound and refuse one more, in one line.
#[test]
fn query_limits_hold_at_the_bound_and_refuse_one_more() {
    let words = |n: usize| (0..n).map(|i| format!("w{i}")).collect::<Vec<_>>();
    let at = words(16);
    let at: Vec<&str> = at.iter().map(String::as_str).collect();
    assert_eq!(search(&at).status.code(), Some(1), "16 terms: searched");
    let over = words(17);
    let over: Vec<&str> = over.iter().map(String::as_str).collect();
    let err = one_line_error(&search(&over), "17 terms");
    assert!(err.contains("at most 16"), "{err}");
    let long = "漏".repeat(1000);
    let err = one_line_error(&search(&[&format!("{long}洞")]), "1,001 characters");
    assert!(err.contains("at most 1000"), "{err}");
    let term = "a".repeat(201);
    let err = one_line_error(&search(&[&term]), "a term of 201 characters");
    assert!(err.contains("at most 200"), "{err}");
}
