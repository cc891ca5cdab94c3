//! Damaged-index fuzzing: flip 1–16 bytes of one index file of each kind
//! (.term, .idx, .pos, .fast, .store, meta.json), then search, count,
//! report stats and re-index. Each run must exit 0/1 with exactly the
//! answer of the undamaged index, or exit 2 with one line on stderr —
//! never a panic (101), never a wrong answer.

mod common;

use std::path::{Path, PathBuf};

use common::{bin, project_corpus, stderr, stdout};

/// Trials per kind of file: 6 kinds × 20 = 120 trials.
const TRIALS: u64 = 20;

/// The commands whose answers are compared (run from a fixed directory).
const QUERIES: &[&[&str]] = &[
    &["search", "-l", "-n", "0", "漏洞"],
    &["search", "-c", "攻击"],
    &["search", "--json", "-n", "3", "--sort", "date", "勒索"],
    &["stats", "--json"],
];

/// A small deterministic generator (xorshift64*): the trials are the same
/// on every run, so a failure can be replayed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn run(index: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .args(args)
        .arg("--index")
        .arg(index)
        .output()
        .expect("run secsearch")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// The files of `dir` with extension `ext` (or named `meta.json`).
fn files_of_kind(dir: &Path, kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if kind == "meta.json" {
                name == "meta.json"
            } else {
                name.ends_with(&format!(".{kind}"))
            }
        })
        .collect();
    v.sort();
    v
}

fn flip(path: &Path, rng: &mut Rng) {
    let mut bytes = std::fs::read(path).unwrap();
    let flips = 1 + rng.below(16);
    for _ in 0..flips {
        let at = rng.below(bytes.len() as u64) as usize;
        let bit = 1u8 << rng.below(8);
        bytes[at] ^= bit;
    }
    std::fs::write(path, bytes).unwrap();
}

/// Exit 0/1 with the expected output, or exit 2 with one stderr line.
fn judge(what: &str, o: &std::process::Output, expected: &(Option<i32>, String)) -> bool {
    let code = o.status.code();
    assert_ne!(code, Some(101), "{what}: panicked: {}", stderr(o));
    assert!(code.is_some(), "{what}: killed by a signal: {:?}", o.status);
    if code == Some(2) {
        let err = stderr(o);
        assert_eq!(err.lines().count(), 1, "{what}: not one line: {err}");
        assert!(
            err.contains("--rebuild") || err.contains("damaged"),
            "{what}: no way out named: {err}"
        );
        return true;
    }
    assert_eq!(
        (code, stdout(o)),
        *expected,
        "{what}: a silently different answer (stderr: {})",
        stderr(o)
    );
    false
}

#[test]
fn flipped_bytes_in_any_index_file_never_panic_and_never_answer_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(&project_corpus(), &corpus);
    let pristine = tmp.path().join("pristine");
    // Two commits and a removal: several segments and a delete file.
    let o = bin()
        .env("SECSEARCH_COMMIT_EVERY", "8")
        .args(["index", "-q", "--index"])
        .arg(&pristine)
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let expected: Vec<(Option<i32>, String)> = QUERIES
        .iter()
        .map(|q| {
            let o = run(&pristine, q);
            assert!(o.status.code().unwrap_or(2) < 2, "{q:?}: {}", stderr(&o));
            (o.status.code(), stdout(&o))
        })
        .collect();
    let reindexed = (Some(0), String::new());

    let mut rng = Rng(0x0005_ec5e_a2c4_f00d);
    let mut report = Vec::new();
    for kind in ["term", "idx", "pos", "fast", "store", "meta.json"] {
        let (mut detected, mut same) = (0, 0);
        for trial in 0..TRIALS {
            let dir = tmp.path().join(format!("t-{kind}-{trial}"));
            copy_dir(&pristine, &dir);
            let files = files_of_kind(&dir, kind);
            assert!(!files.is_empty(), "no .{kind} file in the index");
            let file = &files[rng.below(files.len() as u64) as usize];
            flip(file, &mut rng);
            let mut any_error = false;
            for (q, exp) in QUERIES.iter().zip(&expected) {
                let what = format!("{kind} trial {trial}: {q:?}");
                any_error |= judge(&what, &run(&dir, q), exp);
            }
            // Every fourth trial, an incremental run over the damage.
            if trial % 4 == 0 {
                let o = run(&dir, &["index", "-q", corpus.to_str().unwrap()]);
                let what = format!("{kind} trial {trial}: index");
                let err = judge(&what, &o, &reindexed);
                any_error |= err;
                if !err {
                    let n = &run(&dir, &["stats", "--json"]);
                    judge(&format!("{what} then stats"), n, &expected[3]);
                }
            }
            if any_error {
                detected += 1;
            } else {
                same += 1;
            }
            std::fs::remove_dir_all(&dir).unwrap();
        }
        report.push(format!(
            "{kind}: {TRIALS} trials, {detected} refused (exit 2), {same} answered exactly"
        ));
    }
    eprintln!("{}", report.join("\n"));
}
