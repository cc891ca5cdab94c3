//! `secsearch serve` as a client sees it: the binary on a free port, every
//! endpoint over real HTTP, and the safety cases (hostile article text,
//! paths outside the index, query limits, foreign Host names, --bind).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::server::{Server, TestCorpus, HOSTILE_TITLE};
use serde_json::Value;

/// GET with query parameters: (status, JSON body).
fn get(s: &Server, path: &str, params: &[(&str, &str)]) -> (u16, Value) {
    let (status, body) = s.get_text(path, params, std::time::Duration::from_secs(60));
    let json = serde_json::from_str(&body).unwrap_or(Value::String(body));
    (status, json)
}

/// The text of `text` at each byte range of `ranges`.
fn marked<'a>(text: &'a str, ranges: &Value) -> Vec<&'a str> {
    ranges
        .as_array()
        .expect("ranges")
        .iter()
        .map(|r| {
            let (a, b) = (
                r[0].as_u64().unwrap() as usize,
                r[1].as_u64().unwrap() as usize,
            );
            &text[a..b]
        })
        .collect()
}

#[test]
fn search_answers_with_the_json_fields_highlights_and_facets() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    assert!(s.base.starts_with("http://127.0.0.1:"), "{}", s.base);
    let (status, r) = get(&s, "/api/search", &[("q", "勒索软件")]);
    assert_eq!(status, 200, "{r}");
    // ransom.md and its copy are one article; hostile.md is the other.
    assert_eq!(r["total"], 2, "{r}");
    // What the query was also searched with, once for the page to say.
    assert!(r["also_searched"].is_array(), "{r}");
    let hits = r["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    for h in hits {
        for field in [
            "path",
            "title",
            "source",
            "date",
            "url",
            "score",
            "snippet",
            "duplicates",
            "substance",
            "via_alias",
            "stale",
        ] {
            assert!(h.get(field).is_some(), "{field} missing in {h}");
        }
        let snip = h["snippet"].as_str().unwrap();
        assert!(marked(snip, &h["highlights"]).contains(&"勒索软件"), "{h}");
    }
    let ransom = hits
        .iter()
        .find(|h| h["title"] == "医院遭勒索软件攻击")
        .unwrap();
    assert_eq!(
        ransom["duplicates"].as_array().unwrap().len(),
        1,
        "{ransom}"
    );
    assert_eq!(
        marked(
            ransom["title"].as_str().unwrap(),
            &ransom["title_highlights"]
        ),
        ["勒索软件"]
    );
    let sources = &r["facets"]["sources"];
    assert!(
        sources
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s[0] == "测试来源甲" && s[1].as_u64() > Some(0)),
        "{r}"
    );
    assert!(
        r["facets"]["months"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m[0] == "2024-03"),
        "{r}"
    );
}

#[test]
fn filters_sort_and_paging_narrow_the_answer() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let (_, r) = get(
        &s,
        "/api/search",
        &[("q", "勒索软件"), ("source", "测试来源乙")],
    );
    assert_eq!(r["total"], 1, "{r}");
    assert_eq!(r["hits"][0]["source"], "测试来源乙");
    let (_, r) = get(&s, "/api/search", &[("q", "CVE"), ("since", "2024-01-01")]);
    assert_eq!(r["total"], 1, "{r}");
    let (_, r) = get(&s, "/api/search", &[("q", "CVE"), ("until", "2023-12-31")]);
    assert_eq!(r["total"], 1, "{r}");
    let (_, r) = get(
        &s,
        "/api/search",
        &[("q", "CVE"), ("sort", "date"), ("limit", "1")],
    );
    assert_eq!(r["hits"].as_array().unwrap().len(), 1);
    assert_eq!(r["hits"][0]["date"], "2024-03-05", "{r}");
    let (_, r) = get(
        &s,
        "/api/search",
        &[
            ("q", "CVE"),
            ("sort", "date"),
            ("limit", "1"),
            ("offset", "1"),
        ],
    );
    assert_eq!(r["hits"][0]["date"], "2023-12-01", "{r}");
    let (_, r) = get(
        &s,
        "/api/search",
        &[("q", "CVE"), ("sort", "date-asc"), ("limit", "1")],
    );
    assert_eq!(r["hits"][0]["date"], "2023-12-01", "oldest first: {r}");
}

#[test]
fn query_limits_are_refused_with_a_reason() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    // One more than the query limits (`query::LIMITS`, the CLI's too).
    let long = "勒".repeat(1001);
    let many: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
    let many = many.join(" ");
    for (params, why) in [
        (vec![("q", "漏洞"), ("limit", "101")], "limit"),
        (vec![("q", "漏洞"), ("limit", "ten")], "limit"),
        (vec![("q", "漏洞"), ("offset", "-1")], "offset"),
        (vec![("q", "漏洞"), ("since", "2024-02-30")], "date"),
        (vec![("q", "漏洞"), ("sort", "random")], "sort"),
        (vec![("q", long.as_str())], "at most 1000"),
        (vec![("q", many.as_str())], "terms"),
        (vec![("q", "-漏洞")], "excludes"),
    ] {
        let (status, r) = get(&s, "/api/search", &params);
        assert_eq!(status, 400, "{params:?}: {r}");
        let msg = r["error"].as_str().unwrap_or_default();
        assert!(msg.contains(why), "{params:?}: {msg}");
    }
    let (status, r) = get(&s, "/api/search", &[("q", "漏洞"), ("limit", "100")]);
    assert_eq!(status, 200, "{r}");
    // Nothing asked: no search, an empty answer (the page shows the overview).
    let (status, r) = get(&s, "/api/search", &[("q", "  ")]);
    assert_eq!((status, r["total"].as_u64()), (200, Some(0)), "{r}");
}

#[test]
fn filters_alone_are_a_search_newest_first() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let (status, r) = get(&s, "/api/search", &[("source", "测试来源乙")]);
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["total"], 2, "{r}");
    assert_eq!(r["hits"][0]["date"], "2023-12-01", "{r}");
    assert_eq!(r["hits"][1]["date"], "2023-11-20", "{r}");
    let (status, r) = get(&s, "/api/search", &[("source", "没有这个来源")]);
    assert_eq!(status, 400, "{r}");
}

#[test]
fn stats_describe_the_index() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let (status, r) = get(&s, "/api/stats", &[]);
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["documents"], 4, "{r}");
    assert_eq!(r["first_date"], "2023-11-20");
    assert_eq!(r["last_date"], "2024-03-05");
    assert_eq!(r["source_count"], 2);
}

#[test]
fn an_article_of_the_index_is_shown_with_highlights_reprints_and_indicators() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let path = c.indexed_path("ransom.md");
    let (status, a) = get(
        &s,
        "/api/article",
        &[("path", &path), ("q", "勒索软件 医院")],
    );
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["title"], "医院遭勒索软件攻击");
    assert_eq!(a["source"], "测试来源甲");
    assert_eq!(a["date"], "2024-03-05");
    let body = a["body"].as_str().unwrap();
    let marks = marked(body, &a["highlights"]);
    assert!(
        marks.contains(&"勒索软件") && marks.contains(&"医院"),
        "{marks:?}"
    );
    assert_eq!(
        a["duplicates"],
        serde_json::json!([c.indexed_path("ransom-copy.md")])
    );
    let iocs = a["indicators"].as_array().unwrap();
    assert!(
        iocs.iter()
            .any(|i| i["type"] == "cve" && i["value"] == "CVE-2024-3094"),
        "{a}"
    );
    assert!(
        iocs.iter().any(|i| i["value"] == "evil-c2.example.com"),
        "{a}"
    );
}

#[test]
fn no_path_outside_the_index_is_ever_read() {
    let c = TestCorpus::new();
    // A readable file beside the articles that the index does not list.
    let secret = c.dir.path().join("secret.md");
    std::fs::write(&secret, "---\ntitle: secret\n---\nsecret").unwrap();
    let s = Server::start(&c.index, &[]);
    let inside = c.indexed_path("ransom.md");
    let climb = format!("{}/../secret.md", c.articles().display());
    let dotted = format!("{}/./ransom.md", c.articles().display());
    let nul = format!("{inside}\0");
    for path in [
        "../../etc/passwd",
        "/etc/passwd",
        "",
        secret.to_str().unwrap(),
        climb.as_str(),
        dotted.as_str(),
        c.articles().to_str().unwrap(),
        nul.as_str(),
    ] {
        let (status, r) = get(&s, "/api/article", &[("path", path)]);
        assert_eq!(status, 404, "{path:?}: {r}");
        assert!(!r.to_string().contains("root:"), "{path:?}");
    }
    let (status, _) = get(&s, "/api/nothing", &[]);
    assert_eq!(status, 404);
}

#[test]
fn hostile_article_text_is_data_never_markup() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let (_, r) = get(&s, "/api/search", &[("q", "勒索警报")]);
    assert_eq!(r["total"], 1, "{r}");
    // The API returns the text as it is (JSON is data); the page is what
    // must never turn it into markup: it is static and carries a CSP that
    // forbids inline scripts and foreign sources.
    assert_eq!(r["hits"][0]["title"], HOSTILE_TITLE);
    let resp = ureq::get(&s.url("/")).call().expect("GET /");
    let csp = resp
        .header("content-security-policy")
        .unwrap_or_default()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(resp.header("x-content-type-options"), Some("nosniff"));
    let page = resp.into_string().unwrap();
    assert!(page.contains(r#"<script src="/app.js" defer></script>"#));
    assert!(!page.contains("alert("));
    let js = ureq::get(&s.url("/app.js"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(
        !js.contains("innerHTML") && !js.contains("insertAdjacentHTML"),
        "the page must build DOM from text"
    );
    let api = ureq::get(&s.url("/api/search"))
        .query("q", "勒索警报")
        .call()
        .unwrap();
    assert_eq!(api.content_type(), "application/json");
}

/// Raw HTTP, to send a Host header a browser on a rebinding site would.
fn status_with_host(s: &Server, host: &str) -> u16 {
    let addr = s.base.trim_start_matches("http://");
    let mut conn = TcpStream::connect(addr).expect("connect");
    write!(
        conn,
        "GET /api/stats HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    conn.read_to_string(&mut resp).unwrap();
    resp.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn on_loopback_only_local_host_names_are_answered() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let port = s.base.rsplit(':').next().unwrap().to_string();
    assert_eq!(status_with_host(&s, &format!("127.0.0.1:{port}")), 200);
    assert_eq!(status_with_host(&s, &format!("localhost:{port}")), 200);
    assert_eq!(
        status_with_host(&s, &format!("attacker.example:{port}")),
        403
    );
}

#[test]
fn binding_beyond_loopback_is_said_loudly() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &["--bind", "0.0.0.0"]);
    assert!(
        s.banner.contains("WARNING") && s.banner.contains("other machines"),
        "{}",
        s.banner
    );
    let quiet = Server::start(&c.index, &[]);
    assert!(!quiet.banner.contains("WARNING"), "{}", quiet.banner);
}

#[test]
fn a_new_commit_is_answered_without_restart() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let (_, r) = get(&s, "/api/search", &[("q", "供应链投毒")]);
    assert_eq!(r["total"], 0, "{r}");
    std::fs::write(
        c.articles().join("new.md"),
        "---\ntitle: 新的供应链投毒事件\nsource: 测试来源甲\ndate: 2024-06-01\n---\n\n供应链投毒。\n",
    )
    .unwrap();
    c.reindex();
    let (_, r) = get(&s, "/api/search", &[("q", "供应链投毒")]);
    assert_eq!(r["total"], 1, "{r}");
    let (_, r) = get(&s, "/api/stats", &[]);
    assert_eq!(r["documents"], 5, "{r}");
}

#[test]
fn concurrent_readers_are_all_answered() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let base = s.base.clone();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let base = base.clone();
            std::thread::spawn(move || {
                (0..10)
                    .filter(|j| {
                        let q = if (i + j) % 2 == 0 {
                            "勒索软件"
                        } else {
                            "CVE"
                        };
                        ureq::get(&format!("{base}/api/search"))
                            .query("q", q)
                            .call()
                            .is_ok_and(|r| r.status() == 200)
                    })
                    .count()
            })
        })
        .collect();
    let ok: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(ok, 80);
}

#[test]
fn kept_answers_equal_fresh_ones_and_follow_an_edited_article() {
    let c = TestCorpus::new();
    let cached = Server::start(&c.index, &[]);
    let fresh = Server::start(&c.index, &["--cache", "0"]);
    let queries: [&[(&str, &str)]; 3] = [
        &[("q", "勒索软件")],
        &[("q", "CVE"), ("sort", "date")],
        &[("q", "医院"), ("limit", "1"), ("offset", "1")],
    ];
    for q in queries {
        let first = get(&cached, "/api/search", q);
        assert_eq!(first.0, 200, "{}", first.1);
        // The second time is answered from the cache: the same answer as
        // a server that keeps nothing.
        assert_eq!(get(&cached, "/api/search", q), first);
        assert_eq!(get(&fresh, "/api/search", q), first);
    }
    // An article rewritten in place (same path) and indexed again: the
    // kept answer and the kept body are both dropped.
    let hit = |s: &Server| get(s, "/api/search", &[("q", "本周漏洞")]).1["hits"][0].clone();
    let before = hit(&cached);
    assert!(
        !before["snippet"].as_str().unwrap().contains("新增"),
        "{before}"
    );
    let path = c.articles().join("other.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("本周漏洞", "本周漏洞新增一条")).unwrap();
    c.reindex();
    let after = hit(&cached);
    assert!(
        after["snippet"].as_str().unwrap().contains("新增"),
        "{after}"
    );
    assert_eq!(after, hit(&fresh));
}

#[test]
fn ticked_sources_are_exact_names_and_may_hold_commas() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let total = |params: &[(&str, &str)]| {
        let (code, v) = get(&s, "/api/search", params);
        assert_eq!(code, 200, "{params:?}: {v}");
        v["total"].as_u64().unwrap_or(u64::MAX)
    };
    // `source` takes part of a name, as --source does; `sources` exact names.
    assert_eq!(
        total(&[("q", "漏洞 OR 勒索软件"), ("source", "测试来源")]),
        3
    );
    assert_eq!(
        total(&[("q", "漏洞 OR 勒索软件"), ("sources", r#"["测试来源"]"#)]),
        0
    );
    assert_eq!(
        total(&[("q", "漏洞 OR 勒索软件"), ("sources", r#"["测试来源乙"]"#)]),
        2
    );
    assert_eq!(
        total(&[
            ("q", "漏洞 OR 勒索软件"),
            ("sources", r#"["测试来源甲","a, b"]"#)
        ]),
        1
    );
    let (code, v) = get(
        &s,
        "/api/search",
        &[("q", "漏洞"), ("sources", "测试来源乙")],
    );
    assert_eq!(code, 400, "{v}");
    assert!(v.to_string().contains("JSON array"), "{v}");
}

#[test]
fn zero_hits_carry_each_terms_count_and_whole_words_narrow() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let (code, v) = get(&s, "/api/search", &[("q", "勒索软件 漏洞周报")]);
    assert_eq!(code, 200);
    assert_eq!(v["total"], 0);
    let zero = v["zero_hits"].as_array().expect("zero_hits");
    let counts: Vec<(String, u64)> = zero
        .iter()
        .map(|z| {
            (
                z["term"].as_str().unwrap_or("").to_string(),
                z["hits"].as_u64().unwrap_or(9),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [("勒索软件".to_string(), 2), ("漏洞周报".to_string(), 1)]
    );
    let (_, v) = get(&s, "/api/search", &[("q", "勒索软件")]);
    assert_eq!(v["zero_hits"].as_array().map(Vec::len), Some(0));
    assert!(v["also_searched"].is_array(), "{v}");
    // `word=1` is -w: `CVE-2024-000` is inside a longer number, not a word.
    let (_, v) = get(&s, "/api/search", &[("q", "CVE-2024-000"), ("exact", "1")]);
    assert_eq!(v["total"], 1);
    let (_, v) = get(
        &s,
        "/api/search",
        &[("q", "CVE-2024-000"), ("exact", "1"), ("word", "1")],
    );
    assert_eq!(v["total"], 0);
    let (_, v) = get(
        &s,
        "/api/search",
        &[("q", "CVE-2024-0001"), ("exact", "1"), ("word", "1")],
    );
    assert_eq!(v["total"], 1);
}

#[test]
fn the_article_comes_as_blocks_of_text_with_marks() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let path = c.indexed_path("hostile.md");
    let (code, v) = get(&s, "/api/article", &[("path", &path), ("q", "勒索软件")]);
    assert_eq!(code, 200, "{v}");
    let blocks = v["blocks"].as_array().expect("blocks");
    assert!(!blocks.is_empty());
    let text: String = blocks
        .iter()
        .flat_map(|b| b["spans"].as_array().cloned().unwrap_or_default())
        .map(|s| s["text"].as_str().unwrap_or("").to_string())
        .collect();
    // Raw HTML is reduced to its text: no tag reaches the page.
    assert!(!text.contains('<') && text.contains("粗体"), "{text}");
    let marked = blocks
        .iter()
        .flat_map(|b| b["spans"].as_array().cloned().unwrap_or_default())
        .any(|s| s["marks"].as_array().is_some_and(|m| !m.is_empty()));
    assert!(marked, "{v}");
}

/// The API reads a query within the command line's limits
/// (`query::LIMITS`): 16 terms are searched, 17 are a 400 naming the cap.
#[test]
fn api_query_limits_are_the_command_lines() {
    let c = TestCorpus::new();
    let s = Server::start(&c.index, &[]);
    let words = |n: usize| {
        (0..n)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (status, r) = get(&s, "/api/search", &[("q", &words(16))]);
    assert_eq!(status, 200, "{r}");
    let (status, r) = get(&s, "/api/search", &[("q", &words(17))]);
    assert_eq!(status, 400, "{r}");
    assert!(
        r["error"].as_str().unwrap_or("").contains("at most 16"),
        "{r}"
    );
    let long = format!("{}洞", "漏".repeat(1000));
    let (status, r) = get(&s, "/api/search", &[("q", &long)]);
    assert_eq!(status, 400, "{r}");
    assert!(
        r["error"].as_str().unwrap_or("").contains("at most 1000"),
        "{r}"
    );
}
