//! Helpers shared by the integration tests: locating test data, running the
//! binary, building an index once per test binary, and an independent
//! reference normalization for computing expected results.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::Value;

/// The real-article corpus shared between projects (`../shared/corpus`).
/// Missing: a hard failure on CI (`CI` set), else the caller skips.
pub fn shared_corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if p.is_dir() {
        return Some(p);
    }
    if std::env::var_os("CI").is_some() {
        panic!("../shared/corpus not found at {} (CI is set)", p.display());
    }
    eprintln!("skipped: ../shared/corpus not found");
    None
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

/// Runs a search with `--json -n 0` and parses every line. Exit code 0 or
/// 1 is expected (hits / no hit), and must agree with the output; anything
/// else is returned as an error describing the command.
pub fn try_search_json(index: &Path, args: &[&str]) -> Result<Vec<Value>, String> {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--json", "-n", "0"]);
    let o = search(index, &all);
    let cmd = format!("secsearch search --index {} {all:?}", index.display());
    let out = stdout(&o);
    let mut hits = Vec::new();
    for l in out.lines() {
        hits.push(
            serde_json::from_str::<Value>(l)
                .map_err(|e| format!("{cmd}: bad JSON line {l:?}: {e}"))?,
        );
    }
    match o.status.code() {
        Some(0) if !hits.is_empty() => Ok(hits),
        Some(1) if hits.is_empty() => Ok(hits),
        code => Err(format!(
            "{cmd}: exit {code:?} with {} hits, stderr: {}",
            hits.len(),
            stderr(&o).trim()
        )),
    }
}

/// [`try_search_json`], panicking on an error.
pub fn search_json(index: &Path, args: &[&str]) -> Vec<Value> {
    try_search_json(index, args).unwrap_or_else(|e| panic!("{e}"))
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

/// Every file a result makes reachable: each hit's path and its duplicates.
pub fn reachable(hits: &[Value]) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    for h in hits {
        s.insert(hit_path(h));
        s.extend(hit_duplicates(h));
    }
    s
}

/// The reference normalization, written independently of the product:
/// full-width ASCII to ASCII, ideographic space to space, CRLF/CR to LF,
/// then Unicode lowercase.
pub fn normalize(s: &str) -> String {
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
    out.to_lowercase()
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
/// entries skipped), sorted.
pub fn article_files(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let rd = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for e in rd {
            let e = e.expect("dir entry");
            if e.file_name().as_encoded_bytes().first() == Some(&b'.') {
                continue;
            }
            let p = e.path();
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
