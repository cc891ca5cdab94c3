//! Recall: for every query, the files `secsearch search --exact` makes
//! reachable must be exactly the files in which the query string occurs (in
//! the title or in the body), as `grep -F -i` would find it — computed here
//! independently over `../shared/corpus/sample` (about a thousand real
//! articles); without `--exact` (refanged matching) a superset of them.
//! And on a folder written here: refanged matching both ways, `--exact`,
//! `link:`/`url:`, dot-named articles and hidden folders.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use common::{normalize, BuiltIndex, Doc, IndexedCorpus};

static CORPUS: OnceLock<IndexedCorpus> = OnceLock::new();

/// The index of `sample/` (built once) and its articles, read by the test.
fn sample() -> (&'static BuiltIndex, &'static [Doc]) {
    let c = common::indexed_once(&CORPUS, &common::shared_folder("sample").0);
    (&c.index, &c.docs)
}

/// What a query means, evaluated against one article.
#[derive(Debug, Clone)]
enum E {
    /// The string occurs in the title or in the body.
    Any(&'static str),
    Title(&'static str),
    Body(&'static str),
    And(Vec<E>),
    Or(Vec<E>),
    Not(Box<E>),
}

impl E {
    fn eval(&self, d: &Doc) -> bool {
        match self {
            E::Any(s) => d.has(&normalize(s)),
            E::Title(s) => d.title_has(&normalize(s)),
            E::Body(s) => d.body_has(&normalize(s)),
            E::And(v) => v.iter().all(|e| e.eval(d)),
            E::Or(v) => v.iter().any(|e| e.eval(d)),
            E::Not(e) => !e.eval(d),
        }
    }
}

struct Case {
    kind: &'static str,
    /// The query as argv elements after `search`.
    args: Vec<String>,
    expr: E,
}

/// One term, one argv element (no spaces).
fn term(kind: &'static str, s: &'static str) -> Case {
    assert!(!s.contains(' '), "{s:?}: use phrase()");
    Case {
        kind,
        args: vec![s.to_string()],
        expr: E::Any(s),
    }
}

/// A quoted phrase, one argv element: `"a b"`.
fn phrase(kind: &'static str, s: &'static str) -> Case {
    Case {
        kind,
        args: vec![format!("\"{s}\"")],
        expr: E::Any(s),
    }
}

/// Words that must all occur, as one argv element with spaces (unquoted).
fn and_str(kind: &'static str, s: &'static str) -> Case {
    Case {
        kind,
        args: vec![s.to_string()],
        expr: E::And(s.split(' ').map(E::Any).collect()),
    }
}

/// Words that must all occur, as separate argv elements.
fn and_args(kind: &'static str, words: &[&'static str]) -> Case {
    Case {
        kind,
        args: words.iter().map(|w| w.to_string()).collect(),
        expr: E::And(words.iter().map(|w| E::Any(w)).collect()),
    }
}

/// Any query string with its meaning spelled out.
fn raw(kind: &'static str, args: &[&str], expr: E) -> Case {
    Case {
        kind,
        args: args.iter().map(|a| a.to_string()).collect(),
        expr,
    }
}

fn cases() -> Vec<Case> {
    use E::*;
    vec![
        // Two-character Chinese.
        term("zh2", "漏洞"),
        term("zh2", "勒索"),
        term("zh2", "攻击"),
        term("zh2", "数据"),
        term("zh2", "木马"),
        term("zh2", "暗网"),
        term("zh2", "护网"),
        // Three or more characters, across jieba word boundaries.
        term("zh3+", "应急大"),
        term("zh3+", "全漏洞利"),
        term("zh3+", "安全漏洞"),
        term("zh3+", "工业和信息化部"),
        term("zh3+", "网络安全法"),
        term("zh3+", "勒索软件"),
        term("zh3+", "零日漏洞"),
        term("zh3+", "远程代码执行漏洞"),
        term("zh3+", "个人信息保护法"),
        term("zh3+", "供应链攻击"),
        term("zh3+", "息安"),
        term("zh3+", "络安全"),
        term("zh3+", "据安全法"),
        term("zh3+", "洞利用"),
        term("zh3+", "件攻击"),
        // One character.
        term("zh1", "洞"),
        term("zh1", "黑"),
        term("zh1", "的"),
        term("zh1", "龘"),
        // Long names.
        term("zh-long", "国家互联网信息办公室"),
        term("zh-long", "中华人民共和国网络安全法"),
        term("zh-long", "关键信息基础设施"),
        // CVE ids, whole and partial, any case.
        term("cve", "CVE-2024-3094"),
        term("cve", "CVE-2024-38077"),
        term("cve", "cve-2025-0108"),
        term("cve", "CVE-2022-39947"),
        term("cve", "cve-2023-"),
        term("cve", "CVE-2024-"),
        term("cve", "2024-38077"),
        term("cve", "VE-2023-2"),
        // Versions, whole and partial: identifier runs (see
        // analyzer::ident_runs), a run lookup instead of a phrase.
        term("version", "8.0.0"),
        term("version", ".0.0"),
        term("version", "1.0"),
        term("version", "0.0."),
        term("version", "v2."),
        term("cve", "e-2024-3"),
        // Words inside words.
        term("infix", "Log4j"),
        term("infix", "log4j2"),
        term("infix", "ransom"),
        term("infix", "soft"),
        term("infix", "icro"),
        term("infix", "Ware"),
        // Addresses.
        term("ip", "192.168.1.1"),
        term("ip", "168.1"),
        term("ip", "127.0.0.1"),
        term("ip", "8.8.8.8"),
        term("ip", "192.168."),
        term("ip", ".0.1"),
        // Indicators: visible text, found as grep finds it.
        term("url", "https://github.com/"),
        term("url", "https://www."),
        term("url", "http://"),
        term("domain", "www."),
        term("domain", "12377.cn"),
        term("domain", "qq.com"),
        term("ip-port", "154.197.17.80:80"),
        term("ip-port", "45.207.10.28:19001"),
        term("ip-port", "127.0.0.1:"),
        term(
            "hash",
            "66d9d837015f3f840418f5b61ce78c7fa8648e9b1b3f949c3c6a0c7d3b28ad75",
        ),
        term("hash", "66d9d837015f3f840418f5b61ce78c7f"),
        term("hash", "c7fa8648e9b1b3f949c3c6a0c7d3b28a"),
        term("email", "@qq.com"),
        term("email", "@gmail.com"),
        term("path", "/etc/passwd"),
        term("path", "C:\\"),
        term("file", ".exe"),
        term("defanged", "[.]"),
        term("defanged", "hxxp"),
        // Latin and CJK mixed.
        term("mixed", "APT34组织"),
        term("mixed", "APT组织"),
        term("mixed", "apt3"),
        term("mixed", "APT28"),
        term("mixed", "AI大模型"),
        term("mixed", "GPT-4"),
        term("mixed", "等保2.0"),
        term("mixed", "2024年"),
        term("mixed", "T28的"),
        // English words and phrases.
        term("en", "security"),
        term("en", "vulnerability"),
        term("en", "exploit"),
        phrase("en-phrase", "remote code execution"),
        phrase("en-phrase", "open source"),
        phrase("en-phrase", "of the"),
        phrase("en-phrase", "supply chain"),
        phrase("en-phrase", "Cyber Security"),
        phrase("en-phrase", "Windows Server"),
        phrase("en-phrase", "Palo Alto"),
        phrase("en-phrase", "iPhone 14"),
        phrase("phrase", "SQL 注入"),
        phrase("phrase", "勒索 软件"),
        phrase("phrase", "漏洞 利用"),
        term("en", "zero-day"),
        // Punctuation.
        term("punct", "《网络安全法》"),
        term("punct", "【安全圈】"),
        term("punct", "【漏洞通告】"),
        term("punct", "(CVE-"),
        term("punct", "（CVE-"),
        term("punct", "“"),
        term("punct", "！"),
        term("punct", "..."),
        term("punct", "mp.weixin.qq.com"),
        term("punct", "https://mp.weixin"),
        term("punct", "「aaronp613」"),
        term("punct", "“aaronp613”"),
        term("zh-hant", "郭明錤"),
        term("punct", "C++"),
        term("punct", ".NET"),
        term("punct", "100%"),
        term("punct", "github.com"),
        term("punct", "·"),
        term("punct", "……"),
        term("punct", "&"),
        term("punct", "v1."),
        term("punct", "_"),
        // Case variants.
        term("case", "LockBit"),
        term("case", "LOCKBIT"),
        term("case", "lockbit"),
        term("case", "ChatGPT"),
        term("case", "chatgpt"),
        term("case", "DEEPSEEK"),
        term("case", "DeepSeek"),
        // Full-width input folds to ASCII.
        term("fullwidth", "ＣＶＥ－２０２４"),
        term("fullwidth", "Ｌｏｇ４ｊ"),
        // No hit at all.
        term("none", "zzqxjv"),
        term("none", "龘靐齉"),
        term("none", "CVE-1999-99999"),
        // AND, as one argument with spaces and as separate arguments.
        and_str("and", "勒索 医院"),
        and_str("and", "漏洞 CVE-2024-"),
        and_str("and", "数据泄露 暗网"),
        and_args("and", &["LockBit", "勒索软件"]),
        and_args("and", &["漏洞", "黑"]),
        and_args("and", &["Microsoft", "漏洞", "2024"]),
        // OR, NOT, fields.
        raw(
            "or",
            &["Kimsuky OR Mirai"],
            Or(vec![Any("Kimsuky"), Any("Mirai")]),
        ),
        raw(
            "or",
            &["勒索软件", "OR", "挖矿"],
            Or(vec![Any("勒索软件"), Any("挖矿")]),
        ),
        raw(
            "not",
            &["漏洞", "-勒索"],
            And(vec![Any("漏洞"), Not(Box::new(Any("勒索")))]),
        ),
        raw(
            "not",
            &["勒索 -LockBit"],
            And(vec![Any("勒索"), Not(Box::new(Any("LockBit")))]),
        ),
        raw("field", &["title:漏洞"], Title("漏洞")),
        raw("field", &["body:勒索软件"], Body("勒索软件")),
        raw("field", &["title:CVE-"], Title("CVE-")),
        raw("field", &["title:\"Palo Alto\""], Title("Palo Alto")),
        raw(
            "field",
            &["title:安全", "body:漏洞"],
            And(vec![Title("安全"), Body("漏洞")]),
        ),
    ]
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn search_finds_exactly_the_files_containing_the_query() {
    let (idx, docs) = sample();
    assert!(docs.len() > 1000, "sample has {} articles", docs.len());
    let cases = cases();
    let mut failures = Vec::new();
    let mut total_expected = 0usize;
    let mut with_hits = 0usize;
    let mut foreign_duplicates = 0usize;
    // The searches run in parallel; the comparison below is sequential.
    // `--exact`: no synonym/alias expansion, the grep set (see ranking.rs
    // for the expansion).
    let answers = common::par_map(&cases, |c| {
        let mut args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        args.push("--exact");
        common::try_search_json(&idx.path, &args)
    });
    for (c, answer) in cases.iter().zip(answers) {
        let expected: BTreeSet<String> = docs
            .iter()
            .filter(|d| c.expr.eval(d))
            .map(|d| d.path.clone())
            .collect();
        let hits = match answer {
            Ok(h) => h,
            Err(e) => {
                eprintln!("{:<10} {:<34} ERROR", c.kind, format!("{:?}", c.args));
                total_expected += expected.len();
                with_hits += usize::from(!expected.is_empty());
                failures.push(format!(
                    "query {:?} ({}): expected {} files, the search failed: {e}",
                    c.args,
                    c.kind,
                    expected.len()
                ));
                continue;
            }
        };
        let shown: BTreeSet<String> = hits.iter().map(common::hit_path).collect();
        // `-l` lists every matching file, duplicates included: it must be
        // exactly grep's set.
        // With `--exact` (no refang expansion) it is grep's set to the file.
        let mut l_args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        l_args.extend(["-l", "-n", "0", "--exact"]);
        let listed: BTreeSet<String> = match common::try_search_lines(&idx.path, &l_args) {
            Ok(lines) => lines.into_iter().collect(),
            Err(e) => {
                failures.push(format!("query {:?} ({}): {e}", c.args, c.kind));
                continue;
            }
        };
        // Without `--exact`, refanged matching may add files, never lose one.
        let mut wide_args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        wide_args.extend(["-l", "-n", "0"]);
        match common::try_search_lines(&idx.path, &wide_args) {
            Ok(lines) => {
                let wide: BTreeSet<String> = lines.into_iter().collect();
                if !wide.is_superset(&listed) {
                    failures.push(format!(
                        "query {:?} ({}): without --exact {} files are lost",
                        c.args,
                        c.kind,
                        listed.difference(&wide).count()
                    ));
                }
            }
            Err(e) => failures.push(format!("query {:?} ({}): {e}", c.args, c.kind)),
        }
        if listed != expected {
            failures.push(format!(
                "query {:?} ({}): -l lists {} files, expected {}\n  missing:\n{}\n  extra:\n{}",
                c.args,
                c.kind,
                listed.len(),
                expected.len(),
                common::some(expected.difference(&listed), 5),
                common::some(listed.difference(&expected), 5),
            ));
        }
        let reachable = common::reachable(&hits);
        // Each hit is itself a match; every match is a hit or a hit's
        // duplicate. (A duplicate that does not itself match is only counted.)
        let extra: Vec<&String> = shown.difference(&expected).collect();
        let missing: Vec<&String> = expected.difference(&reachable).collect();
        foreign_duplicates += reachable.difference(&expected).count();
        eprintln!(
            "{:<10} {:<34} expected {:>4}  hits {:>4}  reachable {:>4}{}",
            c.kind,
            format!("{:?}", c.args),
            expected.len(),
            shown.len(),
            reachable.len(),
            if extra.is_empty() && missing.is_empty() {
                ""
            } else {
                "  MISMATCH"
            }
        );
        total_expected += expected.len();
        with_hits += usize::from(!expected.is_empty());
        if !extra.is_empty() || !missing.is_empty() {
            failures.push(format!(
                "query {:?} ({}): expected {} files, search reached {} ({} hits)\n  missing ({}):\n{}\n  extra ({}):\n{}",
                c.args,
                c.kind,
                expected.len(),
                reachable.len(),
                shown.len(),
                missing.len(),
                common::some(missing.iter().copied(), 5),
                extra.len(),
                common::some(extra.iter().copied(), 5),
            ));
        }
    }
    eprintln!(
        "recall: {} queries ({} with hits), {} expected file matches in total, {} failing; {} reachable duplicates not matching themselves",
        cases.len(),
        with_hits,
        total_expected,
        failures.len(),
        foreign_duplicates
    );
    assert!(cases.len() >= 60);
    assert!(
        with_hits * 4 >= cases.len() * 3,
        "too few queries with hits: {with_hits} of {}",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} queries differ from substring matching:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// `-l` prints the hits' paths (at least those `--json` shows, at most those
/// and their duplicates) and `-c` the number of distinct matching articles
/// (= the number of `--json -n 0` hits).
#[test]
#[ignore = "needs ../shared/corpus"]
fn files_and_count_agree_with_json() {
    let (idx, _) = sample();
    for q in ["漏洞", "勒索软件", "CVE-2024-", "Log4j", "的"] {
        let hits = common::search_json(&idx.path, &[q]);
        let json_paths: Vec<String> = hits.iter().map(common::hit_path).collect();
        let o = common::search(&idx.path, &[q, "-l"]);
        assert_eq!(o.status.code(), Some(0), "search {q} -l");
        let out = common::stdout(&o);
        let listed: BTreeSet<String> = out.lines().map(str::to_string).collect();
        assert_eq!(
            listed.len(),
            out.lines().count(),
            "search {q} -l repeats a path"
        );
        // Every hit is listed; duplicates of a hit may or may not be.
        let json_set: BTreeSet<String> = json_paths.iter().cloned().collect();
        let reachable = common::reachable(&hits);
        assert!(
            json_set.is_subset(&listed) && listed.is_subset(&reachable),
            "search {q} -l vs --json -n 0:\n  hits not listed:\n{}\n  listed, not reachable:\n{}",
            common::some(json_set.difference(&listed), 5),
            common::some(listed.difference(&reachable), 5)
        );
        let o = common::search(&idx.path, &[q, "-c"]);
        assert_eq!(o.status.code(), Some(0), "search {q} -c");
        let n = common::parse_count(&o);
        assert_eq!(n, listed.len(), "search {q} -c counts the files -l lists");
    }
}

/// A folder of small articles for the indicator cases, written here.
fn indicator_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write(
        "defanged.md",
        "---\ntitle: 样本分析\n---\n回连 evil[.]com 与 hxxp://1.2.3[.]4:8080/a.php 的样本",
    );
    write(
        "plain.md",
        "---\ntitle: 主机清单\n---\n访问 evil.com 与 1.2.3.4 主机，见 www.12377.cn",
    );
    write(
        "other-forms.md",
        "---\ntitle: 其他写法\n---\n域名 evil(.)com，备用 evil[dot]com 与 evil。com",
    );
    write(
        "scheme.md",
        "---\ntitle: 下载地址\n---\n下载 hxxps://malware.example.org/p.exe 后执行",
    );
    write(
        "linked.md",
        "---\ntitle: 链接\nurl: https://mp.weixin.qq.com/s?__biz=QQ==&mid=1\n---\n见[项目主页](https://github.com/x/y)说明",
    );
    write(
        ".NET 内网实战.md",
        "---\ntitle: .NET 内网实战\n---\n独有词 zqxdotfile",
    );
    write(".git/notes.md", "独有词 zqxdotfile 在隐藏文件夹");
    dir
}

/// File names (not paths) of `search -l` for `args`.
fn names(index: &std::path::Path, args: &[&str]) -> Vec<String> {
    let mut args = args.to_vec();
    args.extend(["-l", "-n", "0"]);
    let mut v: Vec<String> = common::search_lines(index, &args)
        .iter()
        .map(|p| {
            std::path::Path::new(p)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn indicators_refang_both_ways_and_exact_is_the_grep_set() {
    let dir = indicator_folder();
    let (_tmp, index) = common::scratch_index();
    let root = dir.path().to_str().expect("UTF-8");
    let o = common::run(&index, &["index", root]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let (d, p, f) = ("defanged.md", "plain.md", "other-forms.md");
    // The plain form finds every spelling; --exact only what grep finds.
    assert_eq!(names(&index, &["evil.com"]), [d, f, p]);
    assert_eq!(names(&index, &["evil.com", "--exact"]), [p]);
    // A defanged query finds the plain spelling too, and itself.
    assert_eq!(names(&index, &["evil[.]com"]), [d, f, p]);
    assert_eq!(names(&index, &["evil[.]com", "--exact"]), [d]);
    assert_eq!(names(&index, &["1.2.3.4"]), [d, p]);
    assert_eq!(names(&index, &["1.2.3[.]4", "--exact"]), [d]);
    assert_eq!(names(&index, &["1.2.3[.]4"]), [d, p]);
    assert_eq!(names(&index, &["http://1.2.3.4:8080/a.php"]), [d]);
    assert_eq!(names(&index, &["hxxp://1.2.3[.]4:8080/a"]), [d]);
    assert!(names(&index, &["http://1.2.3.4:8080", "--exact"]).is_empty());
    assert_eq!(names(&index, &["evil。com", "--exact"]), [f]);
    assert_eq!(
        names(&index, &["https://malware.example.org/p.exe"]),
        ["scheme.md"]
    );
    assert!(names(&index, &["https://malware.example.org", "--exact"]).is_empty());
    assert_eq!(
        names(&index, &["hxxps://malware", "--exact"]),
        ["scheme.md"]
    );
    // Visible URLs and domains are text; link targets and the own URL are
    // fields of their own.
    assert_eq!(names(&index, &["12377.cn"]), [p]);
    assert!(names(&index, &["github.com"]).is_empty());
    assert_eq!(names(&index, &["link:github.com/x"]), ["linked.md"]);
    assert_eq!(names(&index, &["url:mp.weixin.qq.com"]), ["linked.md"]);
    assert!(names(&index, &["url:github.com"]).is_empty());
}

/// Identifier-like strings whole and in part — versions, CVE ids, domains,
/// e-mail addresses, URLs, and a run longer than one index window — in
/// articles written here: `-l --exact` must list exactly the files whose
/// title or body contains the string, as a substring scan finds them.
#[test]
fn whole_and_partial_identifiers_find_what_a_substring_scan_finds() {
    let long = format!(
        "https://example.org/{}.{}/end",
        "a".repeat(900),
        "b1-c".repeat(350)
    );
    let articles: Vec<(&str, String, String)> = vec![
        ("v8.md", "发布 8.0.0".into(), "升级到 8.0.0 后重启".into()),
        ("v18.md", "版本".into(), "内核 18.0.0.1 与 v8.0.01".into()),
        (
            "cve.md",
            "CVE-2023-5631 分析".into(),
            "补丁见 xCVE-2023-56310。".into(),
        ),
        (
            "mail.md",
            "联系".into(),
            "Security@Tencent.com 或 xsecurity@tencent.com.cn".into(),
        ),
        (
            "url.md",
            "链接".into(),
            format!("访问 https://www.youtube.com/watch?v=0ZKl70Ka5sg 与 {long}"),
        ),
        (
            "spaced.md",
            "空格".into(),
            "8. 0.0 与 cve - 2023 与 tencent .com".into(),
        ),
        (
            "lines.md",
            "换行".into(),
            "8.0\n.0 与 www.\nyoutube.com".into(),
        ),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, title, body) in &articles {
        let text = format!("---\ntitle: {title}\n---\n{body}\n");
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let (_tmp, index) = common::scratch_index();
    let root = dir.path().to_str().expect("UTF-8");
    let o = common::run(&index, &["index", root]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let cut = |a: usize, b: usize| long[a..b].to_string();
    let queries: Vec<String> = [
        "8.0.0",
        "8.0",
        ".0.0",
        "18.0.0.1",
        "0.0.1",
        "8.0.01",
        "0.0",
        "CVE-2023-5631",
        "cve-2023-563",
        "VE-2023-5631",
        "e-2023-",
        "2023-5631",
        "security@tencent.com",
        "@tencent.com",
        "y@t",
        "tencent.com.cn",
        "youtube.com",
        "https://www.youtube.com/watch?v=0zkl70ka5sg",
        "watch?v=",
        "www.youtube",
        ".com",
        "8. 0.0",
        "zz.9",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([
        cut(1000, 1190),
        cut(1500, 1700),
        cut(15, 200),
        cut(2000, 2190),
    ])
    .collect();
    for q in &queries {
        let nq = normalize(q);
        let mut want: Vec<String> = articles
            .iter()
            .filter(|(_, t, b)| normalize(t).contains(&nq) || normalize(b).contains(&nq))
            .map(|(n, _, _)| n.to_string())
            .collect();
        want.sort();
        // A string with a space is a phrase ("…"), else two terms.
        let arg = if q.contains(' ') {
            format!("\"{q}\"")
        } else {
            q.clone()
        };
        assert_eq!(
            names(&index, &[arg.as_str(), "--exact"]),
            want,
            "query {q:?}"
        );
    }
}

#[test]
fn dot_named_articles_are_indexed_hidden_folders_only_with_hidden() {
    let dir = indicator_folder();
    let root = dir.path().to_str().expect("UTF-8");
    let (_tmp, index) = common::scratch_index();
    let o = common::run(&index, &["index", root]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert!(
        common::stderr(&o).contains("1 hidden folders"),
        "summary: {}",
        common::stderr(&o)
    );
    assert_eq!(names(&index, &["zqxdotfile"]), [".NET 内网实战.md"]);
    assert_eq!(names(&index, &["title:.NET"]), [".NET 内网实战.md"]);

    let (_tmp2, all) = common::scratch_index();
    let o = common::run(&all, &["index", root, "--hidden"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert_eq!(
        names(&all, &["zqxdotfile"]),
        [".NET 内网实战.md", "notes.md"]
    );
}
