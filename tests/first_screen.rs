//! What an analyst sees first, end to end: the binary on small article
//! folders written here (the project's own text). Thin pages below
//! articles and marked, words above seams, strict date order, titles as
//! written, expansion said, files gone or changed since indexing.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::{build_index, hit_path, search, search_json, stderr, stdout};

/// Writes `name.md` with a front matter (no date when `date` is empty).
fn article(dir: &Path, name: &str, title: &str, date: &str, body: &str) {
    let date = if date.is_empty() {
        String::new()
    } else {
        format!("date: {date}\n")
    };
    let text = format!("---\ntitle: {title}\nsource: 测试号\n{date}---\n\n{body}\n");
    std::fs::write(dir.join(format!("{name}.md")), text).expect("write article");
}

/// A body of substance (≈ 600 visible characters) mentioning `topic`.
fn substance(topic: &str) -> String {
    format!("{topic}。") + &"本文介绍了事件经过、影响范围与处置建议，供防守方参考。".repeat(20)
}

/// A saved verification page: the title as a heading and page UI text.
const ERROR_PAGE: &str = "## 环境异常\n\n当前环境异常，完成验证后即可继续访问。\n\n去验证\n";

fn name_of(h: &serde_json::Value) -> String {
    let p = hit_path(h);
    let file = p.rsplit('/').next().unwrap_or_default();
    file.trim_end_matches(".md").to_string()
}

fn names(hits: &[serde_json::Value]) -> Vec<String> {
    hits.iter().map(name_of).collect()
}

/// Thin pages with 护网 in their titles, articles with it in their bodies
/// as a word, and one with it only across two words (维护|网络).
fn folder() -> &'static common::BuiltIndex {
    static CELL: OnceLock<(tempfile::TempDir, common::BuiltIndex)> = OnceLock::new();
    &CELL
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            article(d, "thin_title", "护网专题", "2025-09-01", "");
            article(d, "thin_error", "护网期间通知", "2025-08-01", ERROR_PAGE);
            article(d, "thin_short", "护网值守安排", "", "值班表见附件。");
            // Five titles hold the word: a topic, not a title someone
            // remembers (that is four or fewer, see `rank::TITLE_SCREEN`).
            article(d, "thin_old", "护网复盘", "2023-01-01", "");
            article(
                d,
                "word",
                "攻防演练周报",
                "2024-05-01",
                &substance("今年护网行动中，红队使用了新的钓鱼手法"),
            );
            // 护网 only as the seam of 维护|网络, three times.
            article(
                d,
                "seam",
                "网络运维周报",
                "2024-06-01",
                &substance("维护网络安全，维护网络秩序，维护网络环境"),
            );
            let idx = build_index(d);
            (dir, idx)
        })
        .1
}

#[test]
fn thin_pages_are_found_but_rank_below_every_article_and_are_marked() {
    let idx = folder();
    let hits = search_json(&idx.path, &["护网", "--no-fold", "-n", "0"]);
    let order = names(&hits);
    assert_eq!(order.len(), 6, "everything is found: {order:?}");
    let thin: Vec<bool> = hits.iter().map(|h| h["substance"] == false).collect();
    assert_eq!(
        thin,
        [false, false, true, true, true, true],
        "articles first, thin pages after, each marked: {order:?}"
    );
    for h in &hits {
        let name = name_of(h);
        assert_eq!(h["substance"], !name.starts_with("thin"), "{name}");
    }
    // The same set as grep's: nothing filtered.
    let exact = search_json(&idx.path, &["护网", "--exact", "--no-fold", "-n", "0"]);
    assert_eq!(exact.len(), 6);
    // The text output marks them.
    let out = stdout(&search(&idx.path, &["护网", "--no-fold", "-n", "0"]));
    assert_eq!(
        out.matches("(thin: no body of its own)").count(),
        4,
        "{out}"
    );
    assert!(out.contains("(title only)"), "{out}");
}

#[test]
fn a_word_ranks_above_a_seam_of_two_words_and_both_are_found() {
    let idx = folder();
    let hits = search_json(&idx.path, &["护网", "--no-fold", "-n", "0"]);
    let order = names(&hits);
    let pos = |n: &str| order.iter().position(|x| x == n).unwrap();
    assert!(pos("word") < pos("seam"), "{order:?}");
    // Without the word bonus the seam article would be first: it holds the
    // string three times to the other's once.
    let seam_count = std::fs::read_to_string(idx.root.join("seam.md"))
        .unwrap()
        .matches("护网")
        .count();
    assert_eq!(seam_count, 3);
}

#[test]
fn a_term_inside_a_word_ranks_above_a_seam() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // jieba: 攻|防护网 — 护网 is inside a word, not at its start.
    article(
        d,
        "inside",
        "演练纪要",
        "2024-05-01",
        &substance("攻防护网演练"),
    );
    article(
        d,
        "seam",
        "运维周报",
        "2024-06-01",
        &substance("维护网络安全，维护网络秩序，维护网络环境"),
    );
    let idx = build_index(d);
    let order = names(&search_json(&idx.path, &["护网", "--no-fold"]));
    assert_eq!(order, ["inside", "seam"], "both found, the word first");
}

#[test]
fn a_seam_in_a_title_ranks_below_a_word_in_a_body() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The title's seam (维护|网络) scores the title boosts; the other article
    // only says 护网 once, in its body, as a word.
    article(
        d,
        "title_seam",
        "弘扬宪法精神 维护网络安全",
        "2024-12-05",
        &substance("维护网络安全，人人有责"),
    );
    article(
        d,
        "word",
        "攻防周报",
        "2024-05-01",
        &substance("今年护网行动期间"),
    );
    let idx = build_index(d);
    let order = names(&search_json(&idx.path, &["护网", "--no-fold"]));
    assert_eq!(
        order,
        ["word", "title_seam"],
        "both found, the mention first"
    );
}

#[test]
fn issues_of_a_series_do_not_repeat_on_the_first_screen() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Five issues of one account's series, weeks apart: distinct articles
    // under one title (more titles than a query names, see
    // `rank::TITLE_SCREEN`), each mentioning the word more often than the
    // other articles do.
    let fillers = [
        "本期收录红队工具更新、蓝队检测规则与应急处置复盘。",
        "本期介绍域控加固、日志审计与横向移动的检测思路。",
        "本期汇总隧道流量特征、代理工具指纹与告警研判方法。",
        "本期讲解凭据窃取、票据伪造与权限维持的排查要点。",
        "本期梳理钓鱼投递、邮件网关绕过与终端告警的关联分析。",
    ];
    let issues = [
        ("s1", "2025-01-01"),
        ("s2", "2025-01-15"),
        ("s3", "2025-02-01"),
        ("s4", "2025-02-15"),
        ("s5", "2025-03-01"),
    ];
    for (i, (name, date)) in issues.into_iter().enumerate() {
        let body = format!(
            "内网渗透、内网横向、内网隧道与内网提权。{}",
            fillers[i].repeat(20)
        );
        article(d, name, "内网攻防电子报刊", date, &body);
    }
    article(
        d,
        "a",
        "横向移动手法",
        "2024-06-01",
        &substance("一次内网渗透"),
    );
    article(
        d,
        "b",
        "隧道检测",
        "2024-07-01",
        &substance("内网隧道的检测"),
    );
    let idx = build_index(d);
    let all = names(&search_json(&idx.path, &["内网", "-n", "6"]));
    assert_eq!(all.len(), 7, "every issue is still a hit: {all:?}");
    let first = all.iter().position(|n| n.starts_with('s')).unwrap();
    let repeats: Vec<usize> = (0..7)
        .filter(|&i| i != first && all[i].starts_with('s'))
        .collect();
    assert_eq!(
        repeats,
        [3, 4, 5, 6],
        "other titles before the repeats: {all:?}"
    );
    // Pages continue each other.
    let page = |args: &[&str], n| names(&common::try_search_json_n(&idx.path, args, n).unwrap());
    let (page1, page2) = (page(&["内网"], 2), page(&["内网", "--offset", "2"], 5));
    assert_eq!([page1, page2].concat(), all);
}

#[test]
fn sort_by_date_is_strict_date_order_with_undated_last_and_said() {
    let idx = folder();
    let o = search(
        &idx.path,
        &["护网", "--no-fold", "--sort", "date", "--json", "-n", "0"],
    );
    let hits: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        names(&hits),
        [
            "thin_title",
            "thin_error",
            "seam",
            "word",
            "thin_old",
            "thin_short"
        ],
        "newest first, thin pages in their place, undated last"
    );
    assert!(
        stderr(&o).contains("1 undated article listed last"),
        "{}",
        stderr(&o)
    );
    let hits = search_json(
        &idx.path,
        &["护网", "--no-fold", "--sort", "date-asc", "-n", "0"],
    );
    assert_eq!(
        names(&hits),
        [
            "thin_old",
            "word",
            "seam",
            "thin_error",
            "thin_title",
            "thin_short"
        ],
        "oldest first, undated last"
    );
}

#[test]
fn titles_are_shown_whole_and_cut_only_by_the_width_with_an_ellipsis() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let title = "勒索攻击猛烈！某市又一医院暂停门诊并转移病人";
    article(d, "t", title, "2024-01-01", &substance("医院的勒索事件"));
    let idx = build_index(d);
    let wide = stdout(&search(
        &idx.path,
        &["医院", "--width", "160", "--color", "never"],
    ));
    let first = wide.lines().next().unwrap();
    assert_eq!(first.replace("**", ""), title, "{wide}");
    let json = search_json(&idx.path, &["医院"]);
    assert_eq!(json[0]["title"], title);
    let narrow = stdout(&search(
        &idx.path,
        &["医院", "--width", "20", "--color", "never"],
    ));
    let first = narrow.lines().next().unwrap().replace("**", "");
    assert!(first.starts_with("勒索攻击猛烈"), "{first}");
    assert!(first.ends_with('…'), "{first}");
}

#[test]
fn expansion_is_said_once_in_every_mode_and_count_counts_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    article(
        d,
        "zh",
        "海莲花组织新活动",
        "2024-01-01",
        &substance("海莲花"),
    );
    article(
        d,
        "en",
        "东南亚APT报告",
        "2024-01-02",
        &substance("OceanLotus"),
    );
    // The same article saved twice: one story, two files.
    let body = substance("海莲花的另一次活动，细节如下");
    article(d, "copy1", "海莲花再现", "2024-02-01", &body);
    article(d, "copy2", "海莲花再现", "2024-02-01", &body);
    let idx = build_index(d);
    for mode in [&["--json"][..], &["-l"], &["-c"], &[]] {
        let mut args = vec!["海莲花"];
        args.extend_from_slice(mode);
        let o = search(&idx.path, &args);
        let err = stderr(&o);
        assert_eq!(err.matches("also searched:").count(), 1, "{mode:?}: {err}");
        assert!(err.contains("OceanLotus"), "{mode:?}: {err}");
    }
    let listed = stdout(&search(&idx.path, &["海莲花", "-l"]))
        .lines()
        .count();
    let counted: usize = stdout(&search(&idx.path, &["海莲花", "-c"]))
        .trim()
        .parse()
        .unwrap();
    assert_eq!(listed, 4);
    assert_eq!(counted, listed, "-c counts the files -l lists");
    let hits = search_json(&idx.path, &["海莲花"]);
    for h in &hits {
        let alias_only = name_of(h) == "en";
        assert_eq!(h["via_alias"], alias_only, "{h}");
    }
    let text = stdout(&search(&idx.path, &["海莲花"]));
    assert_eq!(text.matches("(via alias)").count(), 1, "{text}");
}

#[test]
fn a_hit_whose_file_is_gone_or_changed_says_so_and_how_to_reindex() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    article(d, "kept", "蓝队值守手册", "2024-01-01", &substance("值守"));
    article(d, "gone", "蓝队值守总结", "2024-01-02", &substance("值守"));
    article(
        d,
        "edited",
        "蓝队值守复盘",
        "2024-01-03",
        &substance("值守"),
    );
    let idx = build_index(d);
    std::fs::remove_file(d.join("gone.md")).unwrap();
    let edited = d.join("edited.md");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("\n补记：新增一段内容。\n");
    std::fs::write(&edited, text).unwrap();
    // Near-identical bodies of one account fold: each file is asked for.
    let hits = search_json(&idx.path, &["值守", "--no-fold"]);
    assert_eq!(hits.len(), 3);
    for h in &hits {
        let want = match name_of(h).as_str() {
            "gone" => serde_json::json!("gone"),
            "edited" => serde_json::json!("changed"),
            _ => serde_json::Value::Null,
        };
        assert_eq!(h["stale"], want, "{h}");
    }
    let out = stdout(&search(&idx.path, &["值守", "--no-fold"]));
    assert!(
        out.contains("(file gone since indexing; re-index: secsearch index DIR)"),
        "{out}"
    );
    assert!(
        out.contains("(file changed since indexing; re-index: secsearch index DIR)"),
        "{out}"
    );
    assert!(
        !out.contains("(title only)"),
        "a gone file is not an empty article: {out}"
    );
}

/// The Taiwan / Hong Kong security terms the regional data must meet, each
/// with its mainland term.
const REGIONAL: [(&str, &str); 10] = [
    ("資安", "信息安全"),
    ("駭客", "黑客"),
    ("資料外洩", "数据泄露"),
    ("零時差", "零日"),
    ("伺服器", "服务器"),
    ("記憶體", "内存"),
    ("網域", "域名"),
    ("程式", "程序"),
    ("社交工程", "社会工程"),
    ("進階持續性威脅", "高级持续性威胁"),
];

#[test]
fn taiwan_and_hong_kong_terms_meet_the_mainland_terms() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (i, (tw, cn)) in REGIONAL.iter().enumerate() {
        let body = |t: &str| substance(&format!("关于{t}的报道"));
        article(
            d,
            &format!("tw{i}"),
            &format!("文章{i}"),
            "2024-01-01",
            &body(tw),
        );
        article(
            d,
            &format!("cn{i}"),
            &format!("文章{i}"),
            "2024-01-02",
            &body(cn),
        );
    }
    let idx = build_index(d);
    for (i, (tw, cn)) in REGIONAL.iter().enumerate() {
        let found = |q: &str| names(&search_json(&idx.path, &[q, "--no-fold"]));
        let exact = |q: &str| names(&search_json(&idx.path, &[q, "--exact", "--no-fold"]));
        let (tw_doc, cn_doc) = (format!("tw{i}"), format!("cn{i}"));
        // 程式 is a mainland word too (方程式): not a synonym (see
        // src/analysis/regional.rs), so neither finds the other.
        let meets = *tw != "程式";
        assert_eq!(found(tw).contains(&cn_doc), meets, "{tw} finds {cn}");
        assert!(!exact(tw).contains(&cn_doc), "{tw} --exact is grep's set");
        assert_eq!(found(cn).contains(&tw_doc), meets, "{cn} finds {tw}");
    }
}

#[test]
fn exact_finds_a_word_written_with_markdown_escapes_as_grep_does() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The file says `notice\_only\_key`; a reader sees notice_only_key.
    article(
        d,
        "escaped",
        "公告",
        "2024-01-01",
        &substance("详情见 https://example.com/a?notice\\_only\\_key=1"),
    );
    let idx = build_index(d);
    for q in ["notice\\_only\\_key", "notice_only_key"] {
        let found = names(&search_json(&idx.path, &[q, "--exact"]));
        assert_eq!(found, ["escaped"], "{q} --exact");
    }
}

#[test]
fn a_thin_page_whose_title_alone_holds_the_words_is_still_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A person remembers the title of a page that saved no body.
    article(d, "named", "蓝牙耳机固件漏洞通告", "2024-01-01", "");
    article(
        d,
        "a",
        "外设安全周报",
        "2024-01-02",
        &substance("蓝牙耳机与固件漏洞的通告汇总"),
    );
    article(
        d,
        "b",
        "无线安全月报",
        "2024-01-03",
        &substance("蓝牙耳机固件漏洞的通告"),
    );
    let idx = build_index(d);
    let hits = search_json(&idx.path, &["蓝牙耳机", "固件", "通告", "--exact"]);
    assert_eq!(names(&hits)[0], "named", "{:?}", names(&hits));
    assert_eq!(hits[0]["substance"], false);
}
