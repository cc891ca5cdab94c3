//! Helpers shared by the integration tests: locating test data, running the
//! binary, building an index once per test binary, and an independent
//! reference normalization for computing expected results.

#![allow(dead_code)]

pub mod server;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::Value;

/// A folder or file of the real-article corpus shared between projects:
/// `../shared/corpus/NAME` beside the clone (`sample`, `edge`,
/// `wechat-10k.tar.zst`), or `$SHARED_CORPUS/NAME` when that is set.
///
/// The one policy for tests that read it:
///
/// * every such test is marked `#[ignore = "needs ../shared/corpus"]`, so a
///   plain `cargo test` (a bare clone) runs none of them and cargo's summary
///   counts them as ignored, never as passed;
/// * `cargo test -- --include-ignored` (what `.ci/run` runs, with `CI` set)
///   runs them, and then missing data is a failure, with or without `CI`:
///   the test was asked for, and a test that cannot see its data must never
///   report success. `CI` only changes the message.
///
/// Nothing else decides whether a corpus test runs: no early `return`, no
/// skip on a missing folder.
pub fn corpus(name: &str) -> PathBuf {
    let (base, from) = match std::env::var_os("SHARED_CORPUS") {
        Some(d) => (PathBuf::from(d), "$SHARED_CORPUS"),
        None => (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
            "../shared/corpus beside the clone",
        ),
    };
    let p = base.join(name);
    if !p.exists() {
        let why = if std::env::var_os("CI").is_some() {
            "CI is set: the corpus tests must run there"
        } else {
            "this test is marked \"needs ../shared/corpus\" and was asked for \
             (--include-ignored / --ignored); run plain `cargo test` to leave it out"
        };
        panic!(
            "shared corpus data missing: {} not found ({from}); {why}",
            p.display()
        );
    }
    p
}

/// A folder of `../shared/corpus`, canonical (the form the index stores
/// paths in), with the number of article files in it, counted here by the
/// test itself rather than taken from a constant.
pub fn shared_folder(name: &str) -> (PathBuf, usize) {
    let p = corpus(name);
    let root = p
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let n = article_files(&root).len();
    assert!(n > 0, "no article file under {}", root.display());
    (root, n)
}

/// `copies` copies of a folder of the shared corpus under `to` (one
/// sub-folder a copy; already there: kept), canonical, with the number of
/// article files in all of them: a larger input, for tests that must catch a
/// run in the middle and find it finished too soon on a fast machine.
pub fn shared_folder_times(name: &str, copies: usize, to: &Path) -> (PathBuf, usize) {
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
        let rd = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        for e in rd {
            let e = e.expect("dir entry");
            let (src, dst) = (e.path(), to.join(e.file_name()));
            if src.is_dir() {
                copy_dir(&src, &dst);
            } else {
                std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
            }
        }
    }
    let (src, n) = shared_folder(name);
    for i in 0..copies {
        let dst = to.join(format!("copy{i}"));
        if !dst.exists() {
            copy_dir(&src, &dst);
        }
    }
    let root = to
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    let total = article_files(&root).len();
    assert!(
        total >= n * copies,
        "{total} files for {copies} copies of {n}"
    );
    (root, total)
}

/// The project's own example corpus (`corpus/`), always present.
pub fn project_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The binary under test, with a clean environment for what it reads.
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("secsearch").expect("secsearch binary");
    c.env_remove("SECSEARCH_INDEX")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    c
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An index built once for a test binary. Kept in a `static`, so it lives
/// for the whole process; it is created under cargo's per-target temporary
/// folder so that nothing outside `target/` is left behind.
pub struct BuiltIndex {
    _dir: tempfile::TempDir,
    /// The index directory (pass to `--index`).
    pub path: PathBuf,
    /// The canonical corpus root that was indexed.
    pub root: PathBuf,
    /// The `index` run's output.
    pub output: Output,
}

const TMP_PREFIX: &str = "secsearch-test-";

/// Removes the indexes of earlier test runs (a `static` is never dropped, so
/// each run leaves its index behind); only those older than an hour, so that
/// a concurrent run keeps its own.
fn sweep_old_indexes() {
    let Ok(rd) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    for e in rd.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if old && e.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

pub fn build_index(corpus: &Path) -> BuiltIndex {
    sweep_old_indexes();
    let dir = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir");
    let path = dir.path().join("index");
    let root = corpus.canonicalize().expect("corpus path");
    let output = bin()
        .arg("index")
        .arg("--index")
        .arg(&path)
        .arg(&root)
        .output()
        .expect("run secsearch index");
    assert!(
        output.status.success(),
        "secsearch index --index {} {} failed ({:?}):\n{}",
        path.display(),
        root.display(),
        output.status,
        stderr(&output)
    );
    BuiltIndex {
        _dir: dir,
        path,
        root,
        output,
    }
}

/// The index of `corpus` held in `cell`, built on first use.
pub fn index_once(cell: &'static OnceLock<BuiltIndex>, corpus: &Path) -> &'static BuiltIndex {
    cell.get_or_init(|| build_index(corpus))
}

/// A corpus indexed once for a test binary, with its articles as the tests
/// read them (the expected results are computed from these).
pub struct IndexedCorpus {
    pub index: BuiltIndex,
    pub docs: Vec<Doc>,
}

/// The [`IndexedCorpus`] of `corpus` held in `cell`, built on first use.
pub fn indexed_once(
    cell: &'static OnceLock<IndexedCorpus>,
    corpus: &Path,
) -> &'static IndexedCorpus {
    cell.get_or_init(|| {
        let index = build_index(corpus);
        let docs = read_corpus(&index.root);
        IndexedCorpus { index, docs }
    })
}

/// A temporary folder and the path of a (not yet created) index inside it;
/// the folder goes when the guard is dropped.
pub fn scratch_index() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = dir.path().join("idx");
    (dir, index)
}

/// A working directory that is no ancestor of any corpus, so that `-l`
/// prints absolute paths (paths below the working directory are shown
/// relative to it).
pub fn neutral_cwd() -> &'static Path {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
}

/// `secsearch search --index IDX ARGS...`, run from [`neutral_cwd`].
pub fn search(index: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(neutral_cwd())
        .arg("search")
        .arg("--index")
        .arg(index)
        .args(args)
        .output()
        .expect("run secsearch search")
}

/// `secsearch ARGS... --index IDX` (any command), from [`neutral_cwd`].
pub fn run(index: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(neutral_cwd())
        .args(args)
        .arg("--index")
        .arg(index)
        .output()
        .expect("run secsearch")
}

/// Checks a finished search the way ripgrep's exit codes define it: 0 with
/// output, 1 without. Anything else (exit 2, a panic's 101, a signal) is an
/// error carrying the command, status and stderr — a crashed search must
/// fail the test, never read as "no hit".
fn check_search_exit(cmd: &str, o: &Output, produced: usize) -> Result<(), String> {
    match o.status.code() {
        Some(0) if produced > 0 => Ok(()),
        Some(1) if produced == 0 => Ok(()),
        _ => Err(format!(
            "{cmd}: {} with {produced} results, stderr: {}",
            o.status,
            stderr(o).trim()
        )),
    }
}

fn search_cmd(index: &Path, args: &[&str]) -> String {
    format!("secsearch search --index {} {args:?}", index.display())
}

/// Runs a search with `--json -n LIMIT` (0: every hit) and parses every
/// line; the exit code must be 0 or 1 and agree with the output (see
/// `check_search_exit`).
pub fn try_search_json_n(index: &Path, args: &[&str], limit: usize) -> Result<Vec<Value>, String> {
    let limit = limit.to_string();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--json", "-n", &limit]);
    let o = search(index, &all);
    let cmd = search_cmd(index, &all);
    let mut hits = Vec::new();
    for l in stdout(&o).lines() {
        hits.push(
            serde_json::from_str::<Value>(l)
                .map_err(|e| format!("{cmd}: bad JSON line {l:?}: {e}"))?,
        );
    }
    check_search_exit(&cmd, &o, hits.len())?;
    Ok(hits)
}

/// [`try_search_json_n`] with every hit (`-n 0`).
pub fn try_search_json(index: &Path, args: &[&str]) -> Result<Vec<Value>, String> {
    try_search_json_n(index, args, 0)
}

/// [`try_search_json`], panicking on an error.
pub fn search_json(index: &Path, args: &[&str]) -> Vec<Value> {
    try_search_json(index, args).unwrap_or_else(|e| panic!("{e}"))
}

/// A search's output lines (`-l`, or text output); a crash is an error.
pub fn try_search_lines(index: &Path, args: &[&str]) -> Result<Vec<String>, String> {
    let o = search(index, args);
    let lines: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    check_search_exit(&search_cmd(index, args), &o, lines.len())?;
    Ok(lines)
}

/// [`try_search_lines`], panicking on an error.
pub fn search_lines(index: &Path, args: &[&str]) -> Vec<String> {
    try_search_lines(index, args).unwrap_or_else(|e| panic!("{e}"))
}

/// The number `-c` printed: exactly one line holding an integer.
pub fn parse_count(o: &Output) -> usize {
    let out = stdout(o);
    assert_eq!(out.lines().count(), 1, "-c prints one line: {out:?}");
    out.trim()
        .parse()
        .unwrap_or_else(|e| panic!("-c prints an integer, got {out:?}: {e}"))
}

/// `search ARGS... -c`: the number of matching articles. Exit 0 with a
/// count above 0, exit 1 with 0; a crash fails the test.
pub fn count(index: &Path, args: &[&str]) -> usize {
    let mut all = args.to_vec();
    all.push("-c");
    let o = search(index, &all);
    let cmd = search_cmd(index, &all);
    let n = match o.status.code() {
        Some(0 | 1) => parse_count(&o),
        _ => 0,
    };
    check_search_exit(&cmd, &o, n).unwrap_or_else(|e| panic!("{e}"));
    n
}

/// `stats --json`: one JSON object; the command must succeed.
pub fn stats_json(index: &Path) -> Value {
    let o = run(index, &["stats", "--json"]);
    assert!(
        o.status.success(),
        "stats --json --index {}: {}: {}",
        index.display(),
        o.status,
        stderr(&o)
    );
    let out = stdout(&o);
    assert_eq!(out.trim().lines().count(), 1, "one JSON object: {out}");
    serde_json::from_str(out.trim())
        .unwrap_or_else(|e| panic!("stats --json is not one JSON object: {e}: {out}"))
}

/// The `documents` that `stats --json` reports.
pub fn documents(index: &Path) -> u64 {
    let v = stats_json(index);
    v["documents"]
        .as_u64()
        .unwrap_or_else(|| panic!("stats --json without documents: {v}"))
}

/// The first line of `out` starting with `prefix` (`tokenize` prints one a
/// representation), or a failure showing the whole output.
pub fn line_starting<'a>(out: &'a str, prefix: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?}:\n{out}"))
}

/// A hit's `path`.
pub fn hit_path(h: &Value) -> String {
    h["path"]
        .as_str()
        .unwrap_or_else(|| panic!("hit without a path: {h}"))
        .to_string()
}

/// A hit's `duplicates` (absent means none).
pub fn hit_duplicates(h: &Value) -> Vec<String> {
    h["duplicates"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A hit's `reprints` paths (absent means none).
pub fn hit_reprints(h: &Value) -> Vec<String> {
    h["reprints"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v["path"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Every file a result makes reachable: each hit's path, its duplicates and
/// its reprints.
pub fn reachable(hits: &[Value]) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    for h in hits {
        s.insert(hit_path(h));
        s.extend(hit_duplicates(h));
        s.extend(hit_reprints(h));
    }
    s
}

/// The reference normalization, written independently of the product:
/// full-width ASCII to ASCII, ideographic space to space, CRLF/CR to LF,
/// Unicode NFKC of the whole string (the README of the dev set compares
/// after NFKC: `⼀` is `一`), then Unicode lowercase.
pub fn normalize(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    normalize_width(s).nfkc().collect::<String>().to_lowercase()
}

fn normalize_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let u = c as u32;
        let c = match u {
            0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            0x0D => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                '\n'
            }
            _ => c,
        };
        out.push(c);
    }
    out
}

/// One article file as the tests see it.
pub struct Doc {
    /// Absolute path under the canonical root, as the index stores it.
    pub path: String,
    pub title: String,
    pub body: String,
    pub source: String,
    pub date: Option<String>,
    /// [`normalize`]d title and body.
    pub ntitle: String,
    pub nbody: String,
}

impl Doc {
    pub fn title_has(&self, needle_norm: &str) -> bool {
        self.ntitle.contains(needle_norm)
    }
    pub fn body_has(&self, needle_norm: &str) -> bool {
        self.nbody.contains(needle_norm)
    }
    /// The string occurs in the title or in the body (never across them).
    pub fn has(&self, needle_norm: &str) -> bool {
        self.title_has(needle_norm) || self.body_has(needle_norm)
    }
}

fn is_article(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["md", "markdown", "txt"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Article files under `root` (extensions .md/.markdown/.txt, hidden
/// folders skipped; a file whose name starts with a dot is an article),
/// sorted.
pub fn article_files(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let rd = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for e in rd {
            let e = e.expect("dir entry");
            let p = e.path();
            let hidden = e.file_name().as_encoded_bytes().first() == Some(&b'.');
            if p.is_dir() && hidden {
                continue;
            }
            if p.is_dir() {
                walk(&p, out);
            } else if p.is_file() && is_article(&p) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out.sort();
    out
}

/// Reads one file with the product's article reader (the expected title and
/// body come from it; matching is computed independently).
pub fn read_doc(path: &Path) -> Doc {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let a = secsearch::article::read(&bytes, &stem)
        .unwrap_or_else(|e| panic!("article::read {}: {e}", path.display()));
    Doc {
        path: path.to_str().expect("UTF-8 path").to_string(),
        ntitle: normalize(&a.title),
        nbody: normalize(&a.body),
        title: a.title,
        body: a.body,
        source: a.source,
        date: a.date.map(|d| d.to_string()),
    }
}

/// Every article under `root` (which should be canonical), read.
pub fn read_corpus(root: &Path) -> Vec<Doc> {
    article_files(root).iter().map(|p| read_doc(p)).collect()
}

/// Up to `n` items of a set, one a line, for failure messages.
pub fn some<'a>(it: impl IntoIterator<Item = &'a String>, n: usize) -> String {
    it.into_iter()
        .take(n)
        .map(|s| format!("    {s}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `f` over `items` on a few threads (the searches are separate processes,
/// so this keeps both cores busy); results in input order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                s.spawn(move || part.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker thread"))
            .collect()
    })
}
