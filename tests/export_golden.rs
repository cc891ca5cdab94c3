//! The export writers (`secsearch::export`): golden files, validity of every
//! file as YAML / JSON / NDJSON, `_id` determinism, and the field names and
//! values checked against what Quickwit's and OpenSearch's documentation
//! allow (see the doc comments of `src/export/{quickwit,opensearch}.rs`).
//!
//! Golden files live in `tests/golden/export/<target>/`; they are made from
//! two crafted documents, never from article text. After an intended change,
//! regenerate them with `UPDATE_GOLDEN=1 cargo test --test export_golden`
//! and review the diff.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use secsearch::export::{ExportDoc, ExportError, Exporter, Target};
use serde_json::Value;

const INDEX: &str = "secsearch";

/// Two documents built to stress the writers: JSON escapes (quotes,
/// backslashes, newlines, tabs, U+2028, emoji), a YAML-hostile title, a
/// Windows path and a defanged indicator; the second has no date, no source,
/// no URL, no indicators and an empty body.
fn crafted_docs() -> Vec<ExportDoc> {
    let first_body = "第一段：某组织发布\"勒索软件\"预警。\n\t路径 C:\\Windows\\System32\\evil.dll\n\
                      CVE-2024-3094 影响 xz；见 hxxp://evil.example[.]com/a.php?x=1&y=2\u{2028}结束 🔒";
    vec![
        ExportDoc {
            id: ExportDoc::content_id(b"crafted document one"),
            path: "archive/2024/03/01/示例_勒索软件预警.md".into(),
            title: "示例：勒索软件 \"LockBit\" 预警 - test: one".into(),
            source: "示例来源".into(),
            date: Some(jiff::civil::date(2024, 3, 1)),
            url: "https://example.com/s?__biz=MzA&mid=1&idx=2".into(),
            body: first_body.into(),
            indicators: vec!["CVE-2024-3094".into(), "evil.example.com".into()],
        },
        ExportDoc {
            id: ExportDoc::content_id(b"crafted document two"),
            path: ".NET 示例：无日期.md".into(),
            title: "[公告] @all: 无日期".into(),
            source: String::new(),
            date: None,
            url: String::new(),
            body: String::new(),
            indicators: vec![],
        },
    ]
}

fn export(target: Target, dir: &Path, docs: &[ExportDoc]) -> Vec<PathBuf> {
    let mut exporter = Exporter::create(target, dir, INDEX).expect("create export");
    for doc in docs {
        exporter.write(doc).expect("write doc");
    }
    let summary = exporter.finish().expect("finish export");
    assert_eq!(summary.documents, docs.len() as u64);
    assert_eq!(summary.target, target);
    for f in &summary.files {
        assert!(f.is_file(), "{} missing", f.display());
    }
    let data = &summary.files[1];
    assert_eq!(summary.data_bytes, fs::metadata(data).expect("data").len());
    summary.files
}

fn golden_dir(target: Target) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/export")
        .join(target.name())
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compare every file of a fresh export with its golden copy (or rewrite the
/// golden copies when UPDATE_GOLDEN is set).
fn check_golden(target: Target) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let files = export(target, &tmp.path().join("out"), &crafted_docs());
    let golden = golden_dir(target);
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for file in files {
        let name = file.file_name().expect("file name");
        let want_path = golden.join(name);
        let got = read(&file);
        if update {
            fs::create_dir_all(&golden).expect("golden dir");
            fs::write(&want_path, &got).expect("write golden");
            continue;
        }
        let want = read(&want_path);
        if name == "mapping.json" {
            // Key order of a JSON object is not part of its meaning.
            let parse = |s: &str| serde_json::from_str::<Value>(s).expect("mapping.json is JSON");
            assert_eq!(parse(&got), parse(&want), "{}", want_path.display());
        } else {
            assert_eq!(
                got,
                want,
                "{} differs from a fresh export",
                want_path.display()
            );
        }
    }
}

#[test]
fn quickwit_matches_golden_files() {
    check_golden(Target::Quickwit);
}

#[test]
fn opensearch_matches_golden_files() {
    check_golden(Target::OpenSearch);
}

/// NDJSON as both engines read it: every line one JSON object, the file ends
/// with a newline (the Bulk API requires it of the last line too).
fn ndjson(path: &Path) -> Vec<serde_json::Map<String, Value>> {
    let text = read(path);
    assert!(
        text.ends_with('\n'),
        "{} must end with a newline",
        path.display()
    );
    assert!(
        !text.contains(['\u{2028}', '\u{2029}']),
        "raw U+2028/U+2029 would split the line for some readers"
    );
    text.lines()
        .map(|l| match serde_json::from_str(l) {
            Ok(Value::Object(m)) => m,
            other => panic!("not a JSON object line in {}: {other:?}", path.display()),
        })
        .collect()
}

/// The YAML file, parsed (by serde-saphyr, into the JSON data model: the
/// config has string keys only, and duplicate keys are an error).
fn yaml(path: &Path) -> Value {
    serde_saphyr::from_str(&read(path))
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

fn yaml_str<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(|x| x.as_str())
        .unwrap_or_else(|| panic!("no string {key} in {v:?}"))
}

#[test]
fn quickwit_config_is_valid_yaml_with_documented_fields() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let docs = crafted_docs();
    export(Target::Quickwit, tmp.path(), &docs);
    let config = yaml(&tmp.path().join("index-config.yaml"));

    // Top level and doc_mapping keys as on Quickwit's index-config page.
    assert_eq!(config.get("version").and_then(|v| v.as_f64()), Some(0.8));
    assert_eq!(yaml_str(&config, "index_id"), INDEX);
    let mapping = config.get("doc_mapping").expect("doc_mapping");
    assert!(["lenient", "strict", "dynamic"].contains(&yaml_str(mapping, "mode")));
    assert_eq!(yaml_str(mapping, "timestamp_field"), "date");
    let search_fields = config["search_settings"]["default_search_fields"].as_array();
    let search_fields: Vec<&str> = search_fields
        .expect("default_search_fields")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(search_fields, ["title", "body"]);

    let documented_keys: BTreeSet<&str> = [
        "name",
        "description",
        "type",
        "stored",
        "indexed",
        "tokenizer",
        "record",
        "fieldnorms",
        "fast",
        "input_formats",
        "output_format",
        "fast_precision",
    ]
    .into();
    let tokenizers = [
        "raw",
        "raw_lowercase",
        "default",
        "en_stem",
        "whitespace",
        "chinese_compatible",
        "lowercase",
    ];
    let mut names = BTreeSet::new();
    for field in mapping["field_mappings"]
        .as_array()
        .expect("field_mappings")
    {
        let fm = field.as_object().expect("a field mapping is a map");
        for key in fm.keys() {
            let key = key.as_str();
            assert!(
                documented_keys.contains(key),
                "undocumented field mapping key {key}"
            );
        }
        let name = yaml_str(field, "name");
        if let Some(t) = field.get("tokenizer") {
            assert!(
                tokenizers.contains(&t.as_str().expect("tokenizer")),
                "{name}"
            );
        }
        if let Some(r) = field.get("record") {
            assert!(["basic", "freq", "position"].contains(&r.as_str().expect("record")));
        }
        match name {
            "title" | "body" => {
                assert_eq!(yaml_str(field, "tokenizer"), "chinese_compatible");
                assert_eq!(
                    yaml_str(field, "record"),
                    "position",
                    "phrases need positions"
                );
            }
            "source" => assert_eq!(yaml_str(field, "tokenizer"), "raw"),
            "date" => {
                assert_eq!(yaml_str(field, "type"), "datetime");
                assert_eq!(
                    field["fast"].as_bool(),
                    Some(true),
                    "timestamp field must be fast"
                );
            }
            "indicators" => assert_eq!(yaml_str(field, "type"), "array<text>"),
            _ => {}
        }
        names.insert(name.to_string());
    }

    // mode: strict — every document key must be a mapped field, and the
    // date must parse as the RFC 3339 the field declares.
    let lines = ndjson(&tmp.path().join("docs.ndjson"));
    assert_eq!(lines.len(), docs.len());
    for (line, doc) in lines.iter().zip(&docs) {
        let keys: BTreeSet<String> = line.keys().cloned().collect();
        assert_eq!(keys, names, "document fields = mapped fields");
        assert_eq!(line["id"], doc.id.as_str());
        assert_eq!(line["body"], doc.body.as_str(), "body round-trips");
        let date = line["date"].as_str().expect("date string");
        let ts: jiff::Timestamp = date.parse().expect("RFC 3339 date");
        match doc.date {
            Some(d) => assert_eq!(ts.to_zoned(jiff::tz::TimeZone::UTC).date(), d),
            None => assert_eq!(date, secsearch::export::QUICKWIT_UNDATED),
        }
    }
}

#[test]
fn opensearch_mapping_and_bulk_follow_the_documented_format() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let docs = crafted_docs();
    export(Target::OpenSearch, tmp.path(), &docs);
    let mapping: Value =
        serde_json::from_str(&read(&tmp.path().join("mapping.json"))).expect("mapping is JSON");
    let props = mapping["mappings"]["properties"]
        .as_object()
        .expect("properties");
    assert_eq!(mapping["mappings"]["dynamic"], "strict");
    for text in ["title", "body"] {
        assert_eq!(props[text]["type"], "text");
        assert_eq!(
            props[text]["analyzer"], "cjk",
            "built-in bigram analyzer for recall"
        );
        assert_eq!(props[text]["fields"]["smartcn"]["analyzer"], "smartcn");
    }
    for kw in ["source", "path", "url", "indicators"] {
        assert_eq!(props[kw]["type"], "keyword", "{kw}");
    }
    assert_eq!(props["date"]["type"], "date");
    assert_eq!(props["date"]["format"], "strict_date");

    let lines = ndjson(&tmp.path().join("bulk.ndjson"));
    assert_eq!(
        lines.len(),
        2 * docs.len(),
        "one action and one source a document"
    );
    for (pair, doc) in lines.chunks(2).zip(&docs) {
        let action = &pair[0];
        assert_eq!(action.keys().collect::<Vec<_>>(), ["index"]);
        assert_eq!(action["index"]["_index"], INDEX);
        assert_eq!(action["index"]["_id"], doc.id.as_str());
        let source = &pair[1];
        for key in source.keys() {
            assert!(
                props.contains_key(key),
                "{key} is not mapped (dynamic: strict)"
            );
        }
        assert_eq!(source["title"], doc.title.as_str());
        assert_eq!(source["body"], doc.body.as_str());
        match doc.date {
            Some(d) => assert_eq!(source["date"], d.to_string().as_str()),
            None => assert!(!source.contains_key("date")),
        }
    }
}

#[test]
fn reexport_is_identical_and_ids_are_deterministic() {
    for target in [Target::Quickwit, Target::OpenSearch] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        let first = export(target, &a, &crafted_docs());
        export(target, &b, &crafted_docs());
        let snapshot = |files: &[PathBuf]| files.iter().map(|f| read(f)).collect::<Vec<_>>();
        let before = snapshot(&first);
        for f in &first {
            let other = b.join(f.file_name().expect("name"));
            assert_eq!(read(f), read(&other), "{}", f.display());
        }
        // Exporting again into the same folder replaces its own files.
        let again = export(target, &a, &crafted_docs());
        assert_eq!(snapshot(&again), before);
    }
    let docs = crafted_docs();
    assert_ne!(docs[0].id, docs[1].id);
    assert_eq!(docs[0].id, ExportDoc::content_id(b"crafted document one"));
}

#[test]
fn refuses_folders_holding_files_it_did_not_write() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    fs::write(dir.join("notes.txt"), "mine").expect("write");
    let err = Exporter::create(Target::Quickwit, dir, INDEX)
        .err()
        .expect("refused");
    assert!(matches!(err, ExportError::ForeignFile { .. }), "{err}");
    assert!(err.to_string().contains("notes.txt"), "{err}");
    assert_eq!(read(&dir.join("notes.txt")), "mine");
    assert_eq!(
        fs::read_dir(dir).expect("dir").count(),
        1,
        "nothing written"
    );

    // A file with an export's name but no marker is not ours either.
    let bare = dir.join("bare");
    fs::create_dir(&bare).expect("mkdir");
    fs::write(bare.join("docs.ndjson"), "{}\n").expect("write");
    assert!(Exporter::create(Target::Quickwit, &bare, INDEX).is_err());
    assert_eq!(read(&bare.join("docs.ndjson")), "{}\n");

    // An OpenSearch export is not overwritten by a Quickwit one.
    let os = dir.join("os");
    export(Target::OpenSearch, &os, &crafted_docs());
    let err = Exporter::create(Target::Quickwit, &os, INDEX)
        .err()
        .expect("refused");
    assert!(
        matches!(err, ExportError::OtherTarget { .. }),
        "says it is the other engine's export: {err}"
    );

    assert!(matches!(
        Exporter::create(Target::Quickwit, &dir.join("new"), "Bad Name"),
        Err(ExportError::BadIndexName(_))
    ));
}

#[test]
fn unfinished_export_leaves_no_complete_looking_data_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut exporter = Exporter::create(Target::OpenSearch, tmp.path(), INDEX).expect("create");
    exporter.write(&crafted_docs()[0]).expect("write");
    drop(exporter);
    assert!(!tmp.path().join("bulk.ndjson").exists());
    assert!(!tmp.path().join("mapping.json").exists());
    // ...and the next export into the folder may clean up after it.
    export(Target::OpenSearch, tmp.path(), &crafted_docs());
    assert!(!tmp.path().join("bulk.ndjson.partial").exists());
}

#[test]
fn load_scripts_are_valid_shell() {
    for target in [Target::Quickwit, Target::OpenSearch] {
        let tmp = tempfile::tempdir().expect("tempdir");
        export(target, tmp.path(), &crafted_docs());
        let script = tmp.path().join("load.sh");
        let status = std::process::Command::new("sh")
            .arg("-n")
            .arg(&script)
            .status()
            .expect("sh (the load scripts are sh scripts)");
        assert!(status.success(), "sh -n {}", script.display());
        assert!(read(&script).contains(INDEX));
    }
}

/// Real article text (read at test time, never copied here) survives the
/// NDJSON round trip byte for byte, for both targets.
#[test]
#[ignore = "needs ../shared/corpus"]
fn real_articles_round_trip_through_ndjson() {
    let sample = common::corpus("sample");
    let texts: Vec<(String, String)> = walkdir::WalkDir::new(&sample)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .take(200)
        .filter_map(|e| {
            let text = fs::read_to_string(e.path()).ok()?;
            Some((e.path().display().to_string(), text))
        })
        .collect();
    assert!(
        texts.len() > 100,
        "sample corpus too small: {}",
        texts.len()
    );
    let docs: Vec<ExportDoc> = texts
        .iter()
        .map(|(path, text)| ExportDoc {
            id: ExportDoc::content_id(text.as_bytes()),
            path: path.clone(),
            title: text.lines().next().unwrap_or_default().to_string(),
            source: "sample".into(),
            date: None,
            url: String::new(),
            body: text.clone(),
            indicators: vec![],
        })
        .collect();
    let tmp = tempfile::tempdir().expect("tempdir");
    export(Target::Quickwit, &tmp.path().join("qw"), &docs);
    export(Target::OpenSearch, &tmp.path().join("os"), &docs);
    let qw = ndjson(&tmp.path().join("qw/docs.ndjson"));
    let os = ndjson(&tmp.path().join("os/bulk.ndjson"));
    for (i, doc) in docs.iter().enumerate() {
        assert_eq!(qw[i]["body"], doc.body.as_str(), "{}", doc.path);
        assert_eq!(os[2 * i + 1]["body"], doc.body.as_str(), "{}", doc.path);
        assert_eq!(os[2 * i]["index"]["_id"], qw[i]["id"]);
    }
}

/// A stand-in for `curl` / `quickwit` that logs its arguments (and, for
/// `_bulk` calls, the body it was given) and answers like the engine would.
#[cfg(unix)]
fn fake_tool(bin: &Path, name: &str) {
    use std::os::unix::fs::PermissionsExt;
    let script = r#"#!/bin/sh
echo "$0 $*" >> "$FAKE_LOG/calls"
out=""; data=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift ;;
    --data-binary) data="${2#@}"; shift ;;
  esac
  shift
done
case "$data" in *bulk.*) cat "$data" >> "$FAKE_LOG/bulk_sent" ;; esac
if [ -n "$out" ]; then echo "{\"took\":1,\"errors\":${FAKE_ERRORS:-false},\"items\":[]}" > "$out"; fi
exit 0
"#;
    let path = bin.join(name);
    fs::write(&path, script).expect("fake tool");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(unix)]
fn run_load_script(dir: &Path, bin: &Path, log: &Path, errors: bool) -> bool {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = std::process::Command::new("sh")
        .arg(dir.join("load.sh"))
        .env("PATH", path)
        .env("FAKE_LOG", log)
        .env("FAKE_ERRORS", if errors { "true" } else { "false" })
        .env_remove("OPENSEARCH_URL")
        .env_remove("QW_ENDPOINT")
        .env_remove("CURL_OPTS")
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run load.sh");
    status.success()
}

/// The OpenSearch load script sends the mapping, then every bulk line exactly
/// once in pieces under the size cap, each action still with its source,
/// and stops when a piece reports errors.
#[cfg(unix)]
#[test]
fn opensearch_load_script_sends_everything_in_pieces() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (bin, log, out) = (
        tmp.path().join("bin"),
        tmp.path().join("log"),
        tmp.path().join("out"),
    );
    fs::create_dir(&bin).expect("bin");
    fs::create_dir(&log).expect("log");
    fake_tool(&bin, "curl");
    let template = crafted_docs();
    let docs: Vec<ExportDoc> = (0..12_000)
        .map(|i| ExportDoc {
            id: ExportDoc::content_id(format!("doc {i}").as_bytes()),
            ..template[i % 2].clone()
        })
        .collect();
    export(Target::OpenSearch, &out, &docs);
    assert!(run_load_script(&out, &bin, &log, false), "load.sh failed");
    let calls = read(&log.join("calls"));
    let calls: Vec<&str> = calls.lines().collect();
    assert!(
        calls[0].contains("-X PUT http://localhost:9200/secsearch"),
        "{}",
        calls[0]
    );
    assert!(calls[0].ends_with("@mapping.json"), "{}", calls[0]);
    let bulk_calls = calls.iter().filter(|c| c.contains("/_bulk")).count();
    assert_eq!(bulk_calls, 3, "24,000 lines in pieces of 10,000");
    assert!(calls.last().expect("calls").contains("/secsearch/_refresh"));
    assert_eq!(read(&log.join("bulk_sent")), read(&out.join("bulk.ndjson")));

    fs::remove_file(log.join("calls")).expect("reset log");
    assert!(
        !run_load_script(&out, &bin, &log, true),
        "errors must fail the load"
    );
    let calls = read(&log.join("calls"));
    assert_eq!(
        calls.lines().filter(|c| c.contains("/_bulk")).count(),
        1,
        "stops at once"
    );

    // An empty export creates the index and sends no bulk request.
    let empty = tmp.path().join("empty");
    export(Target::OpenSearch, &empty, &[]);
    fs::remove_file(log.join("calls")).expect("reset log");
    assert!(
        run_load_script(&empty, &bin, &log, false),
        "empty load.sh failed"
    );
    let calls = read(&log.join("calls"));
    assert!(!calls.contains("/_bulk"), "{calls}");
    assert!(calls.contains("@mapping.json"), "{calls}");
}

#[cfg(unix)]
#[test]
fn quickwit_load_script_creates_then_ingests() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (bin, log, out) = (
        tmp.path().join("bin"),
        tmp.path().join("log"),
        tmp.path().join("out"),
    );
    fs::create_dir(&bin).expect("bin");
    fs::create_dir(&log).expect("log");
    fake_tool(&bin, "quickwit");
    export(Target::Quickwit, &out, &[]);
    assert!(run_load_script(&out, &bin, &log, false), "load.sh failed");
    let calls = read(&log.join("calls"));
    let calls: Vec<&str> = calls.lines().collect();
    assert_eq!(calls.len(), 2);
    assert!(calls[0].contains(
        "index create --endpoint http://127.0.0.1:7280 --index-config index-config.yaml"
    ));
    assert!(calls[1].contains("index ingest --endpoint http://127.0.0.1:7280 --index secsearch --input-path docs.ndjson --force"));
}
