//! Ranking-side features on real articles: boilerplate kept out, duplicates
//! shown once, facets, traditional/full-width normalization, dictionaries.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

static SAMPLE: OnceLock<common::BuiltIndex> = OnceLock::new();

/// The index of `../shared/corpus/sample` (built once) and the number of
/// article files in it.
fn sample() -> (&'static common::BuiltIndex, usize) {
    let (root, files) = common::shared_folder("sample");
    (common::index_once(&SAMPLE, &root), files)
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn wechat_boilerplate_matches_no_article_and_stays_out_of_snippets() {
    let (idx, files) = sample();
    for phrase in [
        "微信扫一扫可打开此内容",
        "预览时标签不可点",
        "轻点两下取消赞",
        "使用完整服务",
    ] {
        let n = common::count(&idx.path, &[phrase]);
        // Every raw file of the sample ends with this footer; the cleaned
        // text must not: at most a handful that quote it in their prose.
        assert!(
            n < 20,
            "{phrase}: {n} of {files} articles match the footer text"
        );
    }
    let hits = common::search_json(&idx.path, &["安全", "-n", "50"]);
    assert!(hits.len() >= 20);
    for h in &hits {
        let s = h["snippet"].as_str().unwrap_or_default();
        // Bare URLs are visible text and may be shown; how a
        // snippet shortens them is the snippet's business.
        for ui in ["微信扫一扫", "预览时标签不可点", "!["] {
            assert!(!s.contains(ui), "snippet shows {ui:?}: {s}");
        }
    }
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn the_same_article_saved_twice_is_shown_once() {
    let (idx, _) = sample();
    // Find a duplicate group through the JSON output of a broad query.
    let hits = common::search_json(&idx.path, &["的", "-n", "0"]);
    let with_dups: Vec<&serde_json::Value> = hits
        .iter()
        .filter(|h| !common::hit_duplicates(h).is_empty())
        .collect();
    assert!(!with_dups.is_empty(), "sample holds duplicate articles");
    let shown: BTreeSet<String> = hits.iter().map(common::hit_path).collect();
    for h in &with_dups {
        for d in common::hit_duplicates(h) {
            assert!(
                !shown.contains(&d),
                "{d} is listed as a duplicate and also shown as a hit"
            );
        }
    }
    // `-l` lists every matching file, duplicates too, and `-c` counts what
    // `-l` lists; the hits fold the copies, so there are fewer of them.
    let listed = common::search_lines(&idx.path, &["的", "-l"]).len();
    assert_eq!(common::count(&idx.path, &["的"]), listed);
    assert!(listed > hits.len());
    // A group whose copies both hold the title: one hit, two files.
    let mut seen_pair = false;
    for h in &with_dups {
        let title = h["title"].as_str().unwrap();
        let q = format!("title:\"{title}\"");
        let files = common::search_lines(&idx.path, &[&q, "-l"]).len();
        let articles = common::search_json(&idx.path, &[&q, "-n", "0"]).len();
        if files > articles {
            seen_pair = true;
            let o = common::search(&idx.path, &[&q, "--color", "never"]);
            assert!(
                common::stdout(&o).contains("duplicate"),
                "{}",
                common::stdout(&o)
            );
            break;
        }
    }
    assert!(seen_pair, "no duplicate pair where both copies match");
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn facets_count_the_hits_by_source_and_month() {
    let (idx, files) = sample();
    let lines = common::search_json(&idx.path, &["漏洞", "--facets"]);
    let facets = lines
        .iter()
        .find(|v| v.get("facets").is_some())
        .expect("a facets line");
    let total = facets["total"].as_u64().unwrap();
    let sum = |key: &str| -> u64 {
        facets["facets"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[1].as_u64().unwrap())
            .sum()
    };
    // Facets count files (duplicates too), so at least the articles.
    assert!(sum("sources") >= total && sum("months") >= total);
    assert_eq!(sum("sources"), sum("months"));
    // Several --source values.
    let top: Vec<String> = facets["facets"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .map(|p| p[0].as_str().unwrap().to_string())
        .collect();
    let both = common::count(&idx.path, &["漏洞", "--source", &top.join(",")]);
    let one = common::count(&idx.path, &["漏洞", "--source", &top[0]]);
    let two = common::count(&idx.path, &["漏洞", "--source", &top[1]]);
    assert!(both > 0 && both <= one + two && both >= one.max(two));
    // stats shows the same kind of counts for the whole index.
    let v = common::stats_json(&idx.path);
    assert_eq!(v["documents"].as_u64(), Some(files as u64));
    assert!(!v["months"].as_array().unwrap().is_empty());
    assert!(v["index"]
        .as_str()
        .unwrap()
        .contains(idx.path.to_str().unwrap()));
}

#[test]
fn traditional_and_full_width_queries_find_simplified_text() {
    let idx = common::build_index(&common::project_corpus());
    for (query, plain) in [
        ("勒索軟體", "勒索软件"),
        ("數據洩露", "数据泄露"),
        ("遭遇勒索軟體攻擊", "遭遇勒索软件攻击"),
        ("ＣＶＥ－２０２４－３０９４", "CVE-2024-3094"),
        ("ＬＯＧ４Ｊ", "log4j"),
    ] {
        let a = common::count(&idx.path, &[query]);
        let b = common::count(&idx.path, &[plain]);
        assert!(b > 0, "{plain} occurs in corpus/");
        assert_eq!(a, b, "{query} vs {plain}");
    }
    // Highlights point at the original text.
    let o = common::search(
        &idx.path,
        &["ＣＶＥ－２０２４－３０９４", "--color", "never"],
    );
    assert!(
        common::stdout(&o).contains("**CVE-2024-3094**"),
        "{}",
        common::stdout(&o)
    );
}

#[test]
fn a_user_dictionary_is_recorded_and_changes_ask_for_rebuild() {
    let (dir, idx) = common::scratch_index();
    let dict = dir.path().join("words.txt");
    std::fs::write(&dict, "潮汐僵尸网络 50000 n\n").unwrap();
    let corpus = common::project_corpus();
    let run = |args: &[&str]| common::run(&idx, args);
    let plain = run(&["index", corpus.to_str().unwrap()]);
    assert!(plain.status.success());
    let hash = || -> String {
        let v = common::stats_json(&idx);
        v["dict_hash"].as_str().unwrap().to_string()
    };
    let before = hash();
    let with = run(&[
        "index",
        "--rebuild",
        "--user-dict",
        dict.to_str().unwrap(),
        corpus.to_str().unwrap(),
    ]);
    assert!(with.status.success(), "{}", common::stderr(&with));
    let after = hash();
    assert_ne!(before, after);
    // Without the dictionary, an incremental run is refused.
    let o = run(&["index", corpus.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("--rebuild"));
    // The shipped vocabulary keeps security terms whole.
    let o = common::bin()
        .args(["tokenize", "供应链攻击和钓鱼邮件"])
        .output()
        .unwrap();
    let out = common::stdout(&o);
    let words = common::line_starting(&out, "words");
    assert!(
        words.contains("供应链攻击") && words.contains("钓鱼邮件"),
        "{words}"
    );
}
