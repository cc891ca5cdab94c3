//! `secsearch export`, end to end through the binary: an index built from
//! articles the test writes itself (and, ignored without it, from
//! ../shared/corpus/sample), exported for Quickwit and for OpenSearch, and
//! the folder read back: every indexed article exactly once, every line JSON,
//! the YAML a YAML document, fields as the engines' documented examples have
//! them (`tests/export_golden.rs` checks the writers' details), `_id` the
//! hash of the article file, a re-export byte for byte the same, and the
//! refusals and exit codes of the command-line contract.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use secsearch::export::ExportDoc;
use serde_json::Value;

/// (file, header lines, body). Crafted text: an image link and a link
/// target (invisible, so not in the exported body), defanged indicators,
/// an article without date or source, and one file saved twice.
const ARTICLES: &[(&str, &str, &str)] = &[
    (
        "a1.md",
        "title: 样本回连分析\nsource: 甲实验室\ndate: 2024-01-10\nurl: https://example.org/a1",
        "![](https://img.example.net/logo.png)\n\n勒索软件样本回连 evil[.]example[.]com，利用 CVE-2024-3094。\n\n详见[分析报告](https://reports.example.org/r1)。\n",
    ),
    (
        "a2.md",
        "title: 无日期的通告",
        "Payload from 10.1.2.3, nothing else.\n",
    ),
    (
        "sub/a3.md",
        "title: 样本回连分析\nsource: 甲实验室\ndate: 2024-01-10\nurl: https://example.org/a1",
        "![](https://img.example.net/logo.png)\n\n勒索软件样本回连 evil[.]example[.]com，利用 CVE-2024-3094。\n\n详见[分析报告](https://reports.example.org/r1)。\n",
    ),
    (
        "a4.md",
        "title: 纯文本\nsource: 乙中心\ndate: 2023-05-01",
        "没有任何指标。\n",
    ),
];

/// Writes [`ARTICLES`] under `root`.
fn write_articles(root: &Path) {
    for (file, header, body) in ARTICLES {
        let path = root.join(file);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, format!("---\n{header}\n---\n\n{body}")).expect("write article");
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    index: PathBuf,
    root: PathBuf,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

/// `dir/articles` with [`ARTICLES`], indexed into `dir/idx`.
fn indexed(dir: &Path) -> (PathBuf, PathBuf) {
    let root = dir.join("articles");
    write_articles(&root);
    let index = dir.join("idx");
    let o = common::bin()
        .args(["index", "-q", "--index"])
        .arg(&index)
        .arg(&root)
        .output()
        .expect("run index");
    assert!(o.status.success(), "{}", common::stderr(&o));
    (root.canonicalize().expect("root"), index)
}

fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let (root, index) = indexed(dir.path());
        Fixture {
            _dir: dir,
            index,
            root,
        }
    })
}

/// `secsearch export --to TARGET OUT --index INDEX EXTRA...`.
fn export(index: &Path, target: &str, out: &Path, extra: &[&str]) -> Output {
    common::bin()
        .current_dir(common::neutral_cwd())
        .args(["export", "--to", target])
        .arg(out)
        .arg("--index")
        .arg(index)
        .args(extra)
        .output()
        .expect("run secsearch export")
}

/// Every line of an NDJSON file as a JSON object; the file ends with `\n`.
fn ndjson(path: &Path) -> Vec<serde_json::Map<String, Value>> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "{}: last line",
        path.display()
    );
    text.lines()
        .map(|l| match serde_json::from_str(l) {
            Ok(Value::Object(m)) => m,
            other => panic!("not a JSON object line in {}: {other:?}", path.display()),
        })
        .collect()
}

/// One exported document: its id and its fields, whichever the engine.
struct Exported {
    id: String,
    fields: serde_json::Map<String, Value>,
}

impl Exported {
    fn str(&self, key: &str) -> &str {
        self.fields.get(key).and_then(Value::as_str).unwrap_or("")
    }

    fn indicators(&self) -> Vec<&str> {
        self.fields["indicators"]
            .as_array()
            .expect("indicators is an array")
            .iter()
            .map(|v| v.as_str().expect("indicator string"))
            .collect()
    }
}

/// The documents of an export folder, with the checks that hold for every
/// document of that engine's format.
fn read_export(target: &str, out: &Path) -> Vec<Exported> {
    match target {
        "quickwit" => read_quickwit(out),
        _ => read_opensearch(out),
    }
}

/// `docs.ndjson` against `index-config.yaml`: valid YAML, the fields the
/// issue names, and every document key a mapped field (`mode: strict`).
fn read_quickwit(out: &Path) -> Vec<Exported> {
    let config: Value =
        serde_saphyr::from_str(&fs::read_to_string(out.join("index-config.yaml")).expect("config"))
            .expect("index-config.yaml is YAML");
    let mapping = &config["doc_mapping"];
    assert_eq!(mapping["timestamp_field"].as_str(), Some("date"));
    let mut fields: BTreeMap<String, Value> = BTreeMap::new();
    for f in mapping["field_mappings"].as_array().expect("fields") {
        fields.insert(f["name"].as_str().expect("name").to_string(), f.clone());
    }
    for text in ["title", "body"] {
        assert_eq!(
            fields[text]["tokenizer"].as_str(),
            Some("chinese_compatible")
        );
        assert_eq!(fields[text]["record"].as_str(), Some("position"));
    }
    assert_eq!(fields["source"]["tokenizer"].as_str(), Some("raw"));
    assert_eq!(fields["date"]["type"].as_str(), Some("datetime"));
    assert_eq!(fields["indicators"]["type"].as_str(), Some("array<text>"));
    let names: BTreeSet<&String> = fields.keys().collect();
    ndjson(&out.join("docs.ndjson"))
        .into_iter()
        .map(|doc| {
            assert_eq!(doc.keys().collect::<BTreeSet<_>>(), names, "mapped fields");
            let date = doc["date"].as_str().expect("date");
            date.parse::<jiff::Timestamp>().expect("RFC 3339 date");
            Exported {
                id: doc["id"].as_str().expect("id").to_string(),
                fields: doc,
            }
        })
        .collect()
}

/// `bulk.ndjson` against `mapping.json`: action/source pairs, `_id` on every
/// action, source keys all mapped (`dynamic: strict`).
fn read_opensearch(out: &Path) -> Vec<Exported> {
    let mapping: Value =
        serde_json::from_str(&fs::read_to_string(out.join("mapping.json")).expect("mapping"))
            .expect("mapping.json is JSON");
    let props = mapping["mappings"]["properties"]
        .as_object()
        .expect("properties");
    for text in ["title", "body"] {
        assert_eq!(props[text]["analyzer"], "cjk");
        assert_eq!(props[text]["fields"]["smartcn"]["analyzer"], "smartcn");
    }
    assert_eq!(props["source"]["type"], "keyword");
    assert_eq!(props["date"]["type"], "date");
    let lines = ndjson(&out.join("bulk.ndjson"));
    assert_eq!(lines.len() % 2, 0, "action and source lines pair up");
    lines
        .chunks(2)
        .map(|pair| {
            let meta = &pair[0]["index"];
            assert_eq!(meta["_index"], "secsearch");
            for key in pair[1].keys() {
                assert!(props.contains_key(key), "{key} is not mapped");
            }
            Exported {
                id: meta["_id"].as_str().expect("_id").to_string(),
                fields: pair[1].clone(),
            }
        })
        .collect()
}

/// Every file of an export folder, by name, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .expect("export folder")
        .map(|e| {
            let e = e.expect("entry");
            let name = e.file_name().to_string_lossy().into_owned();
            (name, fs::read(e.path()).expect("read"))
        })
        .collect()
}

#[test]
fn every_indexed_article_is_exported_once_with_its_visible_text() {
    let f = fixture();
    for target in ["quickwit", "opensearch"] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("out");
        let o = export(&f.index, target, &out, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        assert!(o.stdout.is_empty(), "export writes nothing to stdout");
        let err = common::stderr(&o);
        assert!(
            err.contains("exported 4 of 4 indexed articles") && err.contains("load.sh"),
            "{err}"
        );
        let docs = read_export(target, &out);
        let paths: BTreeSet<&str> = docs.iter().map(|d| d.str("path")).collect();
        assert_eq!(docs.len(), ARTICLES.len(), "{target}: one document each");
        for (file, _, _) in ARTICLES {
            let path = f.root.join(file);
            assert!(paths.contains(path.to_str().expect("utf-8")), "{file}");
        }
        for d in &docs {
            let bytes = fs::read(d.str("path")).expect("article");
            assert_eq!(d.id, ExportDoc::content_id(&bytes), "id = hash of the file");
        }
        let a1 = docs.iter().find(|d| d.str("path").ends_with("/a1.md"));
        let a1 = a1.expect("a1");
        assert_eq!(a1.str("title"), "样本回连分析");
        assert_eq!(a1.str("source"), "甲实验室");
        assert_eq!(a1.str("url"), "https://example.org/a1");
        let body = a1.str("body");
        assert!(body.contains("evil[.]example[.]com") && body.contains("分析报告"));
        assert!(
            !body.contains("img.example.net") && !body.contains("reports.example.org"),
            "image links and link targets are not visible text: {body}"
        );
        let iocs = a1.indicators();
        for want in ["CVE-2024-3094", "evil.example.com"] {
            assert!(iocs.contains(&want), "{iocs:?}");
        }
        let a2 = docs.iter().find(|d| d.str("path").ends_with("/a2.md"));
        let a2 = a2.expect("a2");
        assert!(a2.indicators().contains(&"10.1.2.3"));
        match target {
            "quickwit" => {
                assert_eq!(a1.str("date"), "2024-01-10T00:00:00Z");
                assert_eq!(a2.str("date"), secsearch::export::QUICKWIT_UNDATED);
            }
            _ => {
                assert_eq!(a1.str("date"), "2024-01-10");
                assert!(!a2.fields.contains_key("date"), "undated: no date");
            }
        }
        // The same file saved twice: two documents, one id (one in OpenSearch).
        let a3 = docs.iter().find(|d| d.str("path").ends_with("/sub/a3.md"));
        assert_eq!(a3.expect("a3").id, a1.id);
    }
}

#[test]
fn a_reexport_is_byte_for_byte_the_same() {
    let f = fixture();
    for target in ["quickwit", "opensearch"] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        for out in [&a, &b] {
            let o = export(&f.index, target, out, &["-q"]);
            assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
            assert!(o.stderr.is_empty(), "-q: {}", common::stderr(&o));
        }
        let first = snapshot(&a);
        assert_eq!(first, snapshot(&b), "{target}: two exports differ");
        // Into the same folder again: it replaces its own files, identically.
        let o = export(&f.index, target, &a, &["-q"]);
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        assert_eq!(first, snapshot(&a), "{target}: re-export differs");
        assert!(first.contains_key("load.sh") && first.contains_key(".secsearch-export"));
    }
}

/// The one error line of a failed command.
fn one_error_line(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(2), "{}", common::stderr(o));
    let err = common::stderr(o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("secsearch: "), "{err}");
    err
}

#[test]
fn refuses_folders_it_did_not_write_and_bad_arguments() {
    let f = fixture();
    let tmp = tempfile::tempdir().expect("tempdir");

    let mine = tmp.path().join("mine");
    fs::create_dir(&mine).expect("mkdir");
    fs::write(mine.join("notes.txt"), "mine").expect("write");
    let err = one_error_line(&export(&f.index, "quickwit", &mine, &[]));
    assert!(
        err.contains("refusing") && err.contains("notes.txt"),
        "{err}"
    );
    assert_eq!(
        snapshot(&mine).len(),
        1,
        "nothing written next to notes.txt"
    );
    assert_eq!(
        fs::read_to_string(mine.join("notes.txt")).ok().as_deref(),
        Some("mine")
    );

    let os = tmp.path().join("os");
    let o = export(&f.index, "opensearch", &os, &["-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let before = snapshot(&os);
    let err = one_error_line(&export(&f.index, "quickwit", &os, &[]));
    assert!(err.contains("an export for opensearch"), "{err}");
    assert_eq!(snapshot(&os), before, "the other engine's export is kept");

    let nowhere = tmp.path().join("no-index");
    let out = tmp.path().join("never");
    let err = one_error_line(&export(&nowhere, "quickwit", &out, &[]));
    assert!(err.contains("no index"), "{err}");
    assert!(!out.exists(), "no folder made for a failed export");

    let err = one_error_line(&export(
        &f.index,
        "quickwit",
        &out,
        &["--index-name", "Bad"],
    ));
    assert!(err.contains("bad index name 'Bad'"), "{err}");
    assert!(!out.exists());

    let o = export(&f.index, "elastic", &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown engine is a usage error"
    );
    assert!(common::stderr(&o).contains("quickwit, opensearch"));
}

#[test]
fn changed_and_missing_files_are_said_and_counted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (root, index) = indexed(tmp.path());
    // After indexing: one article gains an indicator, one goes away.
    let changed = root.join("a4.md");
    let mut text = fs::read_to_string(&changed).expect("a4");
    text.push_str("新增 CVE-2099-12345。\n");
    fs::write(&changed, &text).expect("rewrite a4");
    fs::remove_file(root.join("a2.md")).expect("remove a2");

    let out = tmp.path().join("out");
    let o = export(&index, "opensearch", &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let err = common::stderr(&o);
    assert!(err.contains("skipped") && err.contains("a2.md"), "{err}");
    assert!(
        err.contains("exported 3 of 4") && err.contains("1 skipped"),
        "{err}"
    );
    assert!(
        err.contains("1 articles changed since they were indexed"),
        "{err}"
    );
    let docs = read_export("opensearch", &out);
    let a4 = docs.iter().find(|d| d.str("path").ends_with("/a4.md"));
    let a4 = a4.expect("a4 exported as it is now");
    assert!(a4.str("body").contains("CVE-2099-12345"));
    assert_eq!(a4.indicators(), ["CVE-2099-12345"]);
    assert_eq!(a4.id, ExportDoc::content_id(text.as_bytes()));

    let o = export(&index, "opensearch", &out, &["--strict", "-q"]);
    assert_eq!(o.status.code(), Some(2), "--strict: a skip fails");

    // Nothing readable (the archive moved): a failure, not an empty success.
    fs::remove_dir_all(&root).expect("remove archive");
    let o = export(&index, "opensearch", &out, &["-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("none could be read"));
}

#[test]
fn an_empty_index_exports_an_empty_loadable_folder_with_exit_1() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).expect("mkdir");
    let index = tmp.path().join("idx");
    let o = common::bin()
        .args(["index", "-q", "--index"])
        .arg(&index)
        .arg(&empty)
        .output()
        .expect("index");
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = tmp.path().join("out");
    let o = export(&index, "quickwit", &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    assert_eq!(fs::read(out.join("docs.ndjson")).expect("data"), b"");
    assert!(out.join("index-config.yaml").is_file() && out.join("load.sh").is_file());
}

/// The real sample: every indexed article once, valid lines, ids and
/// bodies exactly as the reader gives them for each file.
#[test]
#[ignore = "needs ../shared/corpus"]
fn the_sample_corpus_exports_every_article_once() {
    let (root, files) = common::shared_folder("sample");
    let built = common::build_index(&root);
    let stats = common::run(&built.path, &["stats", "--json"]);
    let stats: Value = serde_json::from_slice(&stats.stdout).expect("stats --json");
    let indexed = stats["documents"].as_u64().expect("documents") as usize;
    assert_eq!(indexed, files, "the sample indexes whole");
    for target in ["quickwit", "opensearch"] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("out");
        let o = export(&built.path, target, &out, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        let docs = read_export(target, &out);
        assert_eq!(docs.len(), indexed, "{target}");
        let paths: BTreeSet<&str> = docs.iter().map(|d| d.str("path")).collect();
        assert_eq!(paths.len(), indexed, "{target}: each path once");
        let expected: BTreeSet<String> = common::article_files(&root)
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let got: BTreeSet<String> = paths.iter().map(|p| p.to_string()).collect();
        assert_eq!(got, expected, "{target}: the indexed articles");
        let mut with_indicators = 0;
        for d in &docs {
            let path = Path::new(d.str("path"));
            let bytes = fs::read(path).expect("article");
            assert_eq!(d.id, ExportDoc::content_id(&bytes), "{}", path.display());
            let stem = path.file_stem().expect("stem").to_string_lossy();
            let a = secsearch::article::read(&bytes, &stem).expect("an article");
            assert_eq!(d.str("body"), a.body, "{}: visible text", path.display());
            assert_eq!(d.str("title"), a.title, "{}", path.display());
            with_indicators += usize::from(!d.indicators().is_empty());
        }
        assert!(
            with_indicators > indexed / 10,
            "{with_indicators} with indicators"
        );
    }
}
