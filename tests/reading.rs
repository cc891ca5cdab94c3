//! Reading what a search found (terminal side): `show`, the
//! context view (`-C/-A/-B`), `--open`, width-true snippets, filters alone
//! as a search, `--source` by substring, partial dates — through the binary.
//!
//! The articles here are written by the test (no article text is copied
//! into the project); the last tests read the real articles of
//! `../shared/corpus/sample`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A small archive written by the test and indexed once.
struct Archive {
    _dir: tempfile::TempDir,
    root: PathBuf,
    index: PathBuf,
}

fn article(title: &str, source: &str, date: &str, url: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nurl: {url}\nsource: {source}\ndate: {date}\n---\n\n# {title}\n\n{body}\n")
}

fn archive() -> &'static Archive {
    static A: OnceLock<Archive> = OnceLock::new();
    A.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("articles");
        std::fs::create_dir(&root).expect("mkdir");
        let files = [
            (
                "a.md",
                article(
                    "某医院遭遇勒索软件攻击",
                    "奇安信威胁情报中心",
                    "2024-03-05",
                    "https://example.org/a",
                    "第一段没有关键词。\n\n![](https://img.example.org/cover.png)\n\n第二段：攻击者利用 RemoteIpFilter 组件入侵，回连 evil[.]com 下发勒索软件。\n\n第三段收尾。\n\n预览时标签不可点\n\n微信扫一扫可打开此内容，\n使用完整服务",
                ),
            ),
            (
                "b.md",
                article("漏洞周报第十期", "FreeBuf", "2023-05-20", "https://example.org/b", "本周漏洞汇总，涉及 CVE-2024-3094 等。"),
            ),
            ("c.md", article("只有标题的文章", "FreeBuf", "2024-06-01", "https://example.org/c", "")),
            (
                "d.md",
                article("奇安信年度报告", "奇安信 CERT", "2024-01-15", "https://example.org/d", "年度报告正文，提到勒索软件。"),
            ),
        ];
        for (name, text) in files {
            std::fs::write(root.join(name), text).expect("write article");
        }
        std::fs::write(root.join("binary.txt"), b"\x00\x01\x02\x03 not text").expect("write");
        let root = root.canonicalize().expect("canonical");
        let index = dir.path().join("idx");
        let o = common::bin().arg("index").arg("--index").arg(&index).arg(&root).output().expect("index");
        assert!(o.status.success(), "{}", common::stderr(&o));
        Archive { _dir: dir, root, index }
    })
}

fn show(path: &Path, args: &[&str]) -> std::process::Output {
    common::bin()
        .current_dir(common::neutral_cwd())
        .arg("show")
        .arg(path)
        .args(args)
        .output()
        .expect("run secsearch show")
}

/// Display columns as a terminal counts them, computed here independently
/// of the crate: East Asian wide characters take two, zero-width ones none
/// (VS16, which makes a narrow symbol a two-column emoji, one).
fn columns(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            0x20000..=0x3FFFD => 2,
            // Zero-width spaces and joiners, combining marks, BOM.
            0x200B..=0x200F | 0x0300..=0x036F | 0xFE00..=0xFE0E | 0xFEFF => 0,
            _ => 1,
        })
        .sum()
}

#[test]
fn show_prints_the_article_as_a_reader_sees_it_with_matches_marked() {
    let a = archive();
    let o = show(&a.root.join("a.md"), &["--query", "勒索软件"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = common::stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "某医院遭遇**勒索软件**攻击");
    assert_eq!(lines[1], "奇安信威胁情报中心 · 2024-03-05");
    assert_eq!(lines[2], "https://example.org/a");
    assert!(out.contains("下发**勒索软件**。"), "{out}");
    assert!(out.contains("第三段收尾。"), "{out}");
    for hidden in [
        "![",
        "cover.png",
        "微信扫一扫",
        "预览时标签不可点",
        "# 某医院",
    ] {
        assert!(!out.contains(hidden), "show prints {hidden:?}:\n{out}");
    }
}

#[test]
fn show_without_a_query_marks_the_words_of_the_last_search() {
    let a = archive();
    let (_d, index) = common::scratch_index();
    let o = common::bin()
        .arg("index")
        .arg("--index")
        .arg(&index)
        .arg(&a.root)
        .output()
        .expect("index");
    assert!(o.status.success());
    assert!(common::search(&index, &["第三段"]).status.success());
    let o = common::bin()
        .args(["show", "--index"])
        .arg(&index)
        .arg(a.root.join("a.md"))
        .output()
        .expect("show");
    assert!(
        common::stdout(&o).contains("**第三段**收尾。"),
        "{}",
        common::stdout(&o)
    );
}

#[test]
fn show_marks_a_refanged_match_on_the_defanged_text() {
    let a = archive();
    let out = common::stdout(&show(&a.root.join("a.md"), &["--query", "evil.com"]));
    assert!(out.contains("回连 **evil[.]com** 下发"), "{out}");
}

#[test]
fn show_links_the_url_with_osc8_where_the_terminal_supports_it() {
    let a = archive();
    let o = common::bin()
        .env("FORCE_HYPERLINK", "1")
        .arg("show")
        .arg(a.root.join("a.md"))
        .args(["--color", "always"])
        .output()
        .expect("show");
    let out = common::stdout(&o);
    assert!(
        out.contains("\u{1b}]8;;https://example.org/a\u{1b}\\"),
        "{out:?}"
    );
    let plain = common::stdout(&show(&a.root.join("a.md"), &["--color", "always"]));
    assert!(
        !plain.contains("\u{1b}]8;;"),
        "no hyperlink unless supported"
    );
}

#[test]
fn show_never_sends_an_escape_sequence_from_an_article() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("esc.md");
    let text = article(
        "标题\u{1b}[2J清屏",
        "来源\u{1b}]0;x\u{7}",
        "2024-01-01",
        "https://a.example/\u{1b}[31m",
        "正文\u{1b}[31m红色\u{9b}2J",
    );
    std::fs::write(&p, text).expect("write");
    let out = common::stdout(&show(&p, &["--query", "正文"]));
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{9b}') && !out.contains('\u{7}'),
        "{out:?}"
    );
    assert!(out.contains("**正文**[31m红色"), "{out:?}");
}

#[test]
fn show_refuses_what_is_not_an_article_in_one_line() {
    let a = archive();
    for (path, says) in [
        (a.root.join("binary.txt"), "not an article (binary"),
        (a.root.clone(), "not an article (a folder)"),
        (a.root.join("missing.md"), "cannot read"),
    ] {
        let o = show(&path, &[]);
        assert_eq!(o.status.code(), Some(2), "{}", path.display());
        let err = common::stderr(&o);
        assert!(err.contains(says) && err.lines().count() == 1, "{err}");
    }
}

#[test]
fn context_view_shows_numbered_matching_lines_with_context_and_separators() {
    let a = archive();
    let o = common::search(&a.index, &["RemoteIpFilter", "-C", "1"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = common::stdout(&o);
    // Line 14 of a.md holds the match (6 lines of front matter, a blank,
    // the heading, …); 13 and 15 are its context.
    assert!(
        out.contains("\n13-\n14:第二段：攻击者利用 **RemoteIpFilter** 组件入侵"),
        "{out}"
    );
    assert!(out.contains("\n15-\n"), "{out}");
    let o = common::search(
        &a.index,
        &[
            "勒索软件",
            "-A",
            "0",
            "-B",
            "0",
            "--source",
            "奇安信威胁情报中心",
        ],
    );
    let out = common::stdout(&o);
    let nums: Vec<&str> = out
        .lines()
        .filter(|l| {
            l.contains(':')
                && l.split(':')
                    .next()
                    .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .collect();
    assert!(nums.len() >= 3, "title line, heading, body line: {out}");
    assert!(
        out.lines().any(|l| l == "--"),
        "groups apart are separated: {out}"
    );
}

#[test]
fn open_starts_the_editor_at_the_line_of_the_first_match() {
    let a = archive();
    let o = common::bin()
        .current_dir(common::neutral_cwd())
        .env("EDITOR", "echo")
        .env_remove("VISUAL")
        .args(["search", "--index"])
        .arg(&a.index)
        .args(["RemoteIpFilter", "--open", "1"])
        .output()
        .expect("search --open");
    assert!(o.status.success(), "{}", common::stderr(&o));
    let want = format!("+14 {}\n", a.root.join("a.md").display());
    assert_eq!(common::stdout(&o), want);
}

#[test]
fn snippets_fit_the_width_and_say_title_only() {
    let a = archive();
    let out = common::stdout(&common::search(&a.index, &["勒索软件", "--width", "30"]));
    for l in out
        .lines()
        .filter(|l| l.starts_with("  ") && !l.contains('/'))
    {
        let shown = l.replace("**", "");
        assert!(
            columns(&shown) <= 30,
            "{} columns: {shown}",
            columns(&shown)
        );
    }
    let out = common::stdout(&common::search(&a.index, &["只有标题"]));
    assert!(out.contains("\n  (title only)\n"), "{out}");
}

#[test]
fn filters_alone_list_articles_by_date_and_sources_match_by_substring() {
    let a = archive();
    let lines = |args: &[&str]| common::search_lines(&a.index, args);
    let by_date = common::search_json(&a.index, &["--source", "奇安信"]);
    let dates: Vec<&str> = by_date
        .iter()
        .map(|h| h["date"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        dates,
        vec!["2024-03-05", "2024-01-15"],
        "both 奇安信 sources, newest first"
    );
    assert_eq!(
        lines(&["--source", "freebuf", "-l"]).len(),
        2,
        "case ignored"
    );
    assert_eq!(
        lines(&["--source", "奇安信", "--since", "2024-02", "-l"]).len(),
        1
    );
    assert_eq!(common::count(&a.index, &["--since", "2024"]), 3);
    assert_eq!(common::count(&a.index, &["--until", "2023-05"]), 1);
    let o = common::search(&a.index, &["--source", "奇安心"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("did you mean '奇安信"),
        "{}",
        common::stderr(&o)
    );
    let o = common::search(&a.index, &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "no words and no filter is an error"
    );
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn real_snippets_are_never_wider_than_100_columns_when_piped() {
    static SAMPLE: OnceLock<common::BuiltIndex> = OnceLock::new();
    let (root, _) = common::shared_folder("sample");
    let idx = common::index_once(&SAMPLE, &root);
    let mut checked = 0;
    for q in [
        "勒索软件",
        "漏洞",
        "CVE",
        "APT",
        "log4j",
        "微软 补丁",
        "数据泄露",
    ] {
        let out = common::stdout(&common::search(&idx.path, &[q, "-n", "30"]));
        let hits: Vec<&str> = out.split("\n\n").filter(|h| !h.trim().is_empty()).collect();
        for h in hits {
            let lines: Vec<&str> = h.lines().collect();
            assert!(lines.len() >= 3, "a hit is title, meta, snippet: {h}");
            let snip = lines[2].replace("**", "");
            assert!(
                columns(&snip) <= 100,
                "{q}: {} columns: {snip}",
                columns(&snip)
            );
            assert!(
                columns(&lines[0].replace("**", "")) <= 100,
                "{q}: title {}",
                lines[0]
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} hits checked");
}

/// Refanging in snippets, end to end: a refanged match highlights the
/// defanged text the article shows, and a match inside a long URL shows the
/// URL cut around it, not whole.
#[test]
fn snippets_mark_defanged_text_and_cut_long_urls() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("articles");
    std::fs::create_dir(&root).expect("mkdir");
    let url = "https://downloads.example-cdn.net/static/assets/2024/payloads/stage2/loader_x64_final_build.bin";
    let body = format!("攻击者的回连地址为 evil[.]com，并从 {url} 下载载荷。\n\n其他正文内容。");
    std::fs::write(
        root.join("a.md"),
        article(
            "回连样本分析",
            "测试",
            "2024-01-01",
            "https://example.org/a",
            &body,
        ),
    )
    .expect("write");
    let built = common::build_index(&root);
    let index = &built.path;

    let out = common::stdout(&common::search(index, &["evil.com"]));
    assert!(out.contains("**evil[.]com**"), "{out}");
    let exact = common::stdout(&common::search(index, &["evil.com", "--exact", "-c"]));
    assert_eq!(exact.trim(), "0", "grep finds no `evil.com` in the text");

    let out = common::stdout(&common::search(index, &["stage2", "--width", "80"]));
    assert!(out.contains("**stage2**"), "{out}");
    assert!(
        !out.contains(url),
        "the URL is cut around the match:\n{out}"
    );
    assert!(out.lines().all(|l| columns(l) <= 80), "{out}");
}
