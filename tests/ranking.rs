//! Ranking, reprint folding, synonyms and zero-hit help, end to end: the
//! binary on small article folders written here (the project's own text).

mod common;

use std::path::Path;

use common::{bin, build_index, hit_path, neutral_cwd, search, search_json, stderr, stdout};

/// Writes `name.md` with a front matter and `body`.
fn article(dir: &Path, name: &str, title: &str, source: &str, date: &str, body: &str) {
    let text = format!("---\ntitle: {title}\nsource: {source}\ndate: {date}\n---\n\n{body}\n");
    std::fs::write(dir.join(format!("{name}.md")), text).expect("write article");
}

/// A body of some substance about `topic` (≈ 600 characters).
fn substance(topic: &str) -> String {
    format!("{topic}。").repeat(3)
        + &"本文介绍了事件经过、影响范围与处置建议，供防守方参考。".repeat(20)
}

fn titles(hits: &[serde_json::Value]) -> Vec<String> {
    hits.iter()
        .map(|h| h["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn related_lists_and_stubs_rank_below_substance_but_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // More mentions in the list than in b's own text: only the list's
    // footer weight puts b above a (with the list in the body, a ranked
    // first of the two).
    let list = "**推荐阅读**\n\n[Log4j 漏洞复盘](http://x/1)\n\n[Log4j 再次告警](http://x/2)\n\n\
                [Log4j 补丁](http://x/3)\n\n[Log4j 利用链](http://x/4)\n\n[Log4j 检测](http://x/5)\n\n\
                [Log4j 修复](http://x/6)\n";
    article(
        d,
        "a",
        "本周行业会议回顾",
        "甲",
        "2024-01-01",
        &format!("{}\n\n{list}", substance("会议")),
    );
    article(
        d,
        "b",
        "组件漏洞处置记录",
        "乙",
        "2024-01-02",
        // Once, against six times in a's list.
        &format!("Log4j 漏洞的处置。{}", substance("处置")),
    );
    article(d, "c", "Log4j", "丙", "2024-01-03", "");
    article(
        d,
        "d",
        "Log4j",
        "丁",
        "2024-01-04",
        &substance("Log4j 的来龙去脉"),
    );
    let idx = build_index(d);
    let hits = search_json(&idx.path, &["log4j", "--no-fold"]);
    assert_eq!(
        hits.len(),
        4,
        "every article is still found: {:?}",
        titles(&hits)
    );
    let order: Vec<String> = hits.iter().map(hit_path).collect();
    let pos = |n: &str| {
        order
            .iter()
            .position(|p| p.ends_with(&format!("/{n}.md")))
            .unwrap()
    };
    assert!(pos("d") < pos("c"), "substance above the stub: {order:?}");
    assert!(
        pos("b") < pos("a"),
        "the body above the related list: {order:?}"
    );
    assert_eq!(
        pos("a"),
        3,
        "the related list scores like a footer: {order:?}"
    );
}

#[test]
fn a_title_with_all_the_words_ranks_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    article(
        d,
        "all",
        "安全大比武开幕",
        "甲",
        "2024-01-01",
        &substance("比赛"),
    );
    article(
        d,
        "some",
        "安全周报",
        "乙",
        "2024-01-02",
        &substance("大比武 大比武 大比武"),
    );
    let idx = build_index(d);
    let hits = search_json(&idx.path, &["安全", "大比武"]);
    assert_eq!(titles(&hits)[0], "安全大比武开幕");
}

#[test]
fn reprints_fold_into_one_hit_naming_the_first_copy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let body = substance("某医院遭勒索软件攻击");
    article(
        d,
        "late",
        "某医院遭勒索软件攻击，门诊暂停",
        "转载号",
        "2024-05-03",
        &body,
    );
    article(
        d,
        "early",
        "【转载】某医院遭勒索软件攻击，门诊暂停",
        "首发号",
        "2024-05-01",
        &format!("{body}\n转载自首发号"),
    );
    article(
        d,
        "other",
        "另一家医院的勒索软件事件",
        "丙",
        "2024-05-02",
        &substance("医院 勒索软件"),
    );
    let idx = build_index(d);

    let hits = search_json(&idx.path, &["医院", "勒索软件"]);
    assert_eq!(hits.len(), 2, "one hit a story: {:?}", titles(&hits));
    let folded = hits
        .iter()
        .find(|h| h["reprints"].as_array().is_some_and(|r| !r.is_empty()))
        .expect("a hit with reprints");
    assert_eq!(folded["reprints"].as_array().unwrap().len(), 1);

    let text = stdout(&search(&idx.path, &["医院", "勒索软件"]));
    assert!(
        text.contains("+1 reprint, first: 首发号 2024-05-01"),
        "{text}"
    );

    assert_eq!(
        search_json(&idx.path, &["医院", "勒索软件", "--no-fold"]).len(),
        3
    );
    let files = stdout(&search(&idx.path, &["医院", "勒索软件", "-l"]));
    assert_eq!(files.lines().count(), 3, "-l lists every file: {files}");
}

#[test]
fn aliases_are_searched_below_the_exact_name_and_exact_turns_them_off() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    article(
        d,
        "zh",
        "海莲花组织新活动",
        "甲",
        "2024-01-01",
        &substance("海莲花"),
    );
    article(
        d,
        "en",
        "东南亚APT报告",
        "乙",
        "2024-01-02",
        &substance("OceanLotus"),
    );
    article(
        d,
        "no",
        "开源代码审计",
        "丙",
        "2024-01-03",
        &substance("source code"),
    );
    let idx = build_index(d);

    let hits = search_json(&idx.path, &["海莲花"]);
    assert_eq!(hits.len(), 2, "{:?}", titles(&hits));
    assert_eq!(titles(&hits)[0], "海莲花组织新活动", "the exact name first");
    let also: Vec<&str> = hits[0]["also_searched"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        also.contains(&"OceanLotus") && also.contains(&"APT32"),
        "{also:?}"
    );

    assert_eq!(search_json(&idx.path, &["海莲花", "--exact"]).len(), 1);
    // `--expand` names the default.
    assert_eq!(search_json(&idx.path, &["海莲花", "--expand"]).len(), 2);

    // A user's group; its Latin alias matches whole words only ("rce" is in "source").
    let syn = d.join("syn.txt");
    std::fs::write(&syn, "代码审计 | RCE\n").unwrap();
    let hits = search_json(
        &idx.path,
        &["代码审计", "--synonyms", syn.to_str().unwrap()],
    );
    assert_eq!(
        titles(&hits),
        ["开源代码审计"],
        "RCE must not match inside 'source'"
    );
}

#[test]
fn zero_hits_name_the_word_and_offer_alternatives() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    article(
        d,
        "a",
        "ransomware 家族分析",
        "奇安信威胁情报中心",
        "2024-01-01",
        &substance("ransomware 勒索"),
    );
    let idx = build_index(d);
    let out = bin()
        .current_dir(neutral_cwd())
        .args(["search", "--index"])
        .arg(&idx.path)
        .args(["勒索", "ransomwre"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("勒索 (1), ransomwre (0)"), "{err}");
    assert!(
        err.contains("'ransomwre' matched nothing; try: ransomware"),
        "{err}"
    );
}

#[test]
fn words_close_together_rank_above_words_far_apart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let filler = "本段与主题无关，只是篇幅。".repeat(30);
    article(
        d,
        "far",
        "周报甲",
        "甲",
        "2024-01-01",
        &format!("供应链。{filler}投毒。"),
    );
    article(
        d,
        "near",
        "周报乙",
        "乙",
        "2024-01-02",
        &format!("{filler}供应链遭投毒。"),
    );
    let idx = build_index(d);
    let hits = search_json(&idx.path, &["供应链", "投毒"]);
    assert_eq!(titles(&hits), ["周报乙", "周报甲"]);
}

#[test]
fn equal_scores_are_ordered_newest_first_whatever_the_file_order() {
    for (first, second) in [("2024-01-08", "2024-03-04"), ("2024-03-04", "2024-01-08")] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Two issues of one series: the same words, the same lengths.
        let body = "本期要闻：漏洞通告与处置建议。";
        article(d, "a", "安全周报第一期", "周报号", first, body);
        article(d, "b", "安全周报第二期", "周报号", second, body);
        let idx = build_index(d);
        let hits = search_json(&idx.path, &["安全周报"]);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0]["score"], hits[1]["score"], "a tie");
        assert_eq!(hits[0]["date"], "2024-03-04", "newest first: {hits:?}");
    }
}
