//! Incremental runs, bad files, damaged indexes, the writer lock, Ctrl-C and
//! SIGKILL: end to end through the binary on temporary folders.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{documents, stderr, stdout};

/// `secsearch ARGS... --index IDX` (the argument order these tests read best
/// in: the command first, the index last).
fn run(args: &[&str], index: &Path) -> Output {
    common::run(index, args)
}

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nurl: https://example.org/{title}\nsource: 测试源\ndate: 2024-01-02\n---\n\n# {title}\n\n{body}\n")
}

fn paths(o: &Output) -> Vec<String> {
    let mut v: Vec<String> = stdout(o).lines().map(str::to_string).collect();
    v.sort();
    v
}

#[test]
fn incremental_runs_reflect_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("a");
    let other = dir.path().join("b");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::create_dir_all(&other).unwrap();
    let idx = dir.path().join("idx");
    fs::write(root.join("one.md"), article("第一篇", "甲乙丙丁 alpha")).unwrap();
    fs::write(root.join("sub/two.md"), article("第二篇", "戊己庚辛 beta")).unwrap();
    fs::write(root.join("three.md"), article("第三篇", "壬癸子丑 gamma")).unwrap();
    fs::write(other.join("four.md"), article("第四篇", "寅卯辰巳 delta")).unwrap();

    let o = run(
        &["index", root.to_str().unwrap(), other.to_str().unwrap()],
        &idx,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("4 added"), "{}", stderr(&o));
    assert_eq!(documents(&idx), 4);

    // Nothing changed: nothing read.
    let o = run(&["index", root.to_str().unwrap()], &idx);
    assert!(
        stderr(&o).contains("0 added, 0 updated, 0 removed, 3 unchanged"),
        "{}",
        stderr(&o)
    );

    // Change, add, delete, rename; touch without change.
    std::thread::sleep(Duration::from_millis(20));
    fs::write(
        root.join("one.md"),
        article("第一篇", "甲乙丙丁 alpha 新增内容 epsilon"),
    )
    .unwrap();
    fs::write(root.join("five.md"), article("第五篇", "午未申酉 zeta")).unwrap();
    fs::remove_file(root.join("three.md")).unwrap();
    fs::rename(root.join("sub/two.md"), root.join("moved.md")).unwrap();
    let o = run(&["index", root.to_str().unwrap()], &idx);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(
        e.contains("2 added, 1 updated, 2 removed, 0 unchanged"),
        "{e}"
    );
    assert_eq!(
        documents(&idx),
        4,
        "one, five, moved (root a) + four (root b)"
    );

    let o = run(&["search", "-l", "epsilon"], &idx);
    assert_eq!(paths(&o), vec![root.join("one.md").display().to_string()]);
    assert_eq!(run(&["search", "-c", "gamma"], &idx).status.code(), Some(1));
    let o = run(&["search", "-l", "戊己庚辛"], &idx);
    assert_eq!(paths(&o), vec![root.join("moved.md").display().to_string()]);
    // The other root was not walked this time and keeps its documents.
    assert_eq!(run(&["search", "-c", "delta"], &idx).status.code(), Some(0));

    // Same bytes, new mtime: recognised by content hash, not re-indexed.
    let bytes = fs::read(root.join("five.md")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    fs::write(root.join("five.md"), bytes).unwrap();
    let o = run(&["index", root.to_str().unwrap()], &idx);
    assert!(
        stderr(&o).contains("0 added, 0 updated, 0 removed, 3 unchanged"),
        "{}",
        stderr(&o)
    );

    // --rebuild starts over.
    let o = run(&["index", "--rebuild", root.to_str().unwrap()], &idx);
    assert!(stderr(&o).contains("3 added"), "{}", stderr(&o));
    assert_eq!(documents(&idx), 3);
}

#[test]
fn bad_files_are_reported_and_the_rest_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("docs");
    fs::create_dir_all(&root).unwrap();
    let idx = dir.path().join("idx");
    fs::write(
        root.join("good.md"),
        article("正常文章", "正常内容 goodword"),
    )
    .unwrap();
    let mut bin = b"---\ntitle: x\n---\n".to_vec();
    bin.extend([0u8, 1, 2, 3, 0, 255, 254]);
    fs::write(root.join("binary.md"), bin).unwrap();
    let (gbk, _, _) = encoding_rs_gbk(&article(
        "国标编码文章",
        "这是一篇用国标码保存的勒索软件报告，内容足够长以便识别编码。"
            .repeat(4)
            .as_str(),
    ));
    fs::write(root.join("gbk.md"), gbk).unwrap();
    fs::write(root.join("empty.md"), b"").unwrap();
    let big = vec![b'a'; 50 * 1024 * 1024];
    fs::write(root.join("big.md"), big).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
        std::os::unix::fs::symlink(root.join("nowhere.md"), root.join("gone.md")).unwrap();
        let name = std::ffi::OsStr::from_bytes(b"bad-\xff-name.md");
        fs::write(root.join(name), article("坏名字", "文件名不是UTF-8")).unwrap();
    }
    let missing = dir.path().join("does-not-exist");

    let o = run(
        // --follow: links are followed (and a loop reported) only when asked.
        &[
            "index",
            "--follow",
            root.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
        &idx,
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    for (file, why) in [
        ("binary.md", "binary"),
        ("empty.md", "empty"),
        ("big.md", "too large"),
        ("does-not-exist", "No such file"),
    ] {
        assert!(
            e.lines().any(|l| l.contains(file) && l.contains(why)),
            "no report for {file} ({why}) in:\n{e}"
        );
    }
    #[cfg(unix)]
    {
        assert!(
            e.lines().any(|l| l.contains("loop") && l.contains("loop")),
            "{e}"
        );
        assert!(e.lines().any(|l| l.contains("gone.md")), "{e}");
        assert!(
            e.lines().any(|l| l.contains("bad-") && l.contains("UTF-8")),
            "{e}"
        );
    }
    assert!(!e.contains("panicked"), "{e}");
    // good.md and the GBK article (decoded) are in.
    assert_eq!(documents(&idx), 2, "{e}");
    assert_eq!(
        run(&["search", "-c", "国标码保存"], &idx).status.code(),
        Some(0)
    );

    // --strict: the same skips make the run exit 2.
    let o = run(&["index", "--strict", root.to_str().unwrap()], &idx);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    // A folder that does not exist, alone: the run cannot happen.
    let o = run(&["index", missing.to_str().unwrap()], &idx);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does-not-exist"), "{}", stderr(&o));
}

/// GBK-encodes text with the project's own dependency tree (encoding_rs is
/// not a dev-dependency, so this goes through the binary-independent path of
/// a tiny table for the characters used): we re-encode via iconv if present.
fn encoding_rs_gbk(text: &str) -> (Vec<u8>, bool, bool) {
    let mut child = Command::new("iconv")
        .args(["-f", "UTF-8", "-t", "GBK"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("iconv (glibc) is needed to make a GBK file");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        std::str::from_utf8(&out.stdout).is_err(),
        "really not UTF-8"
    );
    (out.stdout, true, false)
}

#[test]
fn damaged_or_foreign_indexes_ask_for_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::project_corpus();
    let idx = dir.path().join("idx");
    assert!(run(&["index", corpus.to_str().unwrap()], &idx)
        .status
        .success());

    // Analyzer version from another binary.
    let meta = idx.join("meta.json");
    let original = fs::read_to_string(&meta).unwrap();
    let key = "analyzer_version\\\":";
    let at = original.find(key).expect("payload holds analyzer_version") + key.len();
    let digits = original[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    let foreign = format!("{}999{}", &original[..at], &original[at + digits..]);
    assert_ne!(foreign, original, "payload holds analyzer_version");
    fs::write(&meta, &foreign).unwrap();
    let o = run(&["search", "漏洞"], &idx);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--rebuild"), "{}", stderr(&o));
    let o = run(&["index", corpus.to_str().unwrap()], &idx);
    assert_eq!(o.status.code(), Some(2), "incremental onto a foreign index");
    fs::write(&meta, &original).unwrap();

    // A different user dictionary.
    let dict = dir.path().join("dict.txt");
    fs::write(&dict, "新词汇 100 n\n").unwrap();
    let o = run(
        &[
            "index",
            "--user-dict",
            dict.to_str().unwrap(),
            corpus.to_str().unwrap(),
        ],
        &idx,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--rebuild"), "{}", stderr(&o));

    // Truncated and deleted segment files.
    let mut files: Vec<PathBuf> = fs::read_dir(&idx)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "idx" || e == "store" || e == "term")
        })
        .collect();
    files.sort();
    let victim = files[0].clone();
    let bytes = fs::read(&victim).unwrap();
    fs::write(&victim, &bytes[..bytes.len() / 2]).unwrap();
    for args in [&["search", "漏洞"][..], &["stats"][..]] {
        let o = run(args, &idx);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--rebuild"), "{}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    }
    fs::remove_file(&victim).unwrap();
    let o = run(&["search", "漏洞"], &idx);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--rebuild"), "{}", stderr(&o));
    // And --rebuild repairs it.
    let o = run(&["index", "--rebuild", corpus.to_str().unwrap()], &idx);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(run(&["search", "-c", "漏洞"], &idx).status.code(), Some(0));
}

fn spawn_index(root: &Path, idx: &Path, extra: &[&str], commit_every: &str) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("secsearch"))
        .arg("index")
        .args(extra)
        .arg(root)
        .arg("--index")
        .arg(idx)
        .env_remove("SECSEARCH_INDEX")
        .env("SECSEARCH_COMMIT_EVERY", commit_every)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn index")
}

fn signal(child: &std::process::Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok || sig == "-KILL", "kill {sig}");
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn one_writer_at_a_time_and_search_meanwhile() {
    let (sample, _) = common::shared_folder("sample");
    let (_dir, idx) = common::scratch_index();
    let corpus = common::project_corpus();
    assert!(run(&["index", corpus.to_str().unwrap()], &idx)
        .status
        .success());
    // Frequent commits make this run last a few seconds.
    let mut first = spawn_index(&sample, &idx, &[], "20");
    // Wait until the first run holds the lock and has committed once (its
    // commit payload then lists the sample root), however slow the machine.
    let root = sample.canonicalize().unwrap();
    let root = root.to_str().unwrap().replace('\\', "\\\\");
    let t = Instant::now();
    while !fs::read_to_string(idx.join("meta.json")).is_ok_and(|m| m.contains(&root)) {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "first writer never committed"
        );
        assert!(
            first.try_wait().unwrap().is_none(),
            "first writer ended too early"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = run(&["index", corpus.to_str().unwrap()], &idx);
    let s = search_during(&idx);
    let status = first.wait().unwrap();
    assert!(status.success(), "first writer finished");
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(stderr(&second).contains("lock"), "{}", stderr(&second));
    assert!(
        matches!(s, Some(0) | Some(1)),
        "search during indexing: {s:?}"
    );
}

fn search_during(idx: &Path) -> Option<i32> {
    run(&["search", "-c", "漏洞"], idx).status.code()
}

/// Ctrl-C while the run is indexing commits what it has and the next run
/// continues from it. The signal must land mid-run (the process still
/// running, exit 130, fewer documents committed than files): a run that
/// finished first is retried on a larger input (more copies of `sample`),
/// never passed.
#[test]
#[ignore = "needs ../shared/corpus"]
fn ctrl_c_commits_and_the_next_run_continues() {
    let inputs = tempfile::tempdir().unwrap();
    let mut too_late = Vec::new();
    let mut copies = 1;
    let (sample, files, idx, partial, _dir) = loop {
        let (sample, files) = common::shared_folder_times("sample", copies, inputs.path());
        let (dir, idx) = common::scratch_index();
        let mut child = spawn_index(&sample, &idx, &[], "50");
        std::thread::sleep(Duration::from_millis(700));
        let running = child.try_wait().unwrap().is_none();
        if running {
            signal(&child, "-INT");
        }
        let out = child.wait_with_output_stderr();
        let partial = documents(&idx);
        if running && out.0 != Some(0) {
            assert_eq!(out.0, Some(130), "{}", out.1);
            assert!(out.1.contains("interrupted"), "{}", out.1);
            if partial < files as u64 {
                break (sample, files, idx, partial, dir);
            }
        } else {
            assert_eq!(out.0, Some(0), "{}", out.1);
        }
        too_late.push(format!(
            "{copies} x sample ({files} files): {} ({partial} committed)",
            if running {
                "signalled"
            } else {
                "finished first"
            }
        ));
        assert!(
            copies < 16,
            "Ctrl-C never landed mid-run:\n{}",
            too_late.join("\n")
        );
        copies *= 2;
    };
    let o = run(&["index", sample.to_str().unwrap()], &idx);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(
        e.contains(&format!("{partial} unchanged")),
        "continued from {partial}: {e}"
    );
    assert_eq!(documents(&idx), files as u64);
}

trait WaitStderr {
    fn wait_with_output_stderr(self) -> (Option<i32>, String);
}

impl WaitStderr for std::process::Child {
    fn wait_with_output_stderr(self) -> (Option<i32>, String) {
        let o = self.wait_with_output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }
}

/// SIGKILL at 20 points of a run (walk, parse, commits, merges, the final
/// commit): each time the index still opens and answers, and the next run
/// reaches exactly the number of files on disk.
#[test]
#[ignore = "needs ../shared/corpus"]
fn sigkill_at_twenty_points_never_corrupts() {
    let (sample, files) = common::shared_folder("sample");
    let (_dir, idx) = common::scratch_index();
    let o = run(&["index", sample.to_str().unwrap()], &idx);
    assert!(o.status.success());
    // Time a whole rebuild, as killed below, to spread the kill points
    // over it (a rebuild commits only at its end, so it is shorter than a
    // run that commits every 100 files).
    // The shorter of two runs: one slowed by other work on the machine
    // would spread the kills past the end of the runs that follow.
    let mut full = Duration::MAX;
    for _ in 0..2 {
        let t = Instant::now();
        let o = spawn_index(&sample, &idx, &["--rebuild"], "100")
            .wait_with_output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        full = full.min(t.elapsed());
    }
    let full = full.max(Duration::from_millis(200));
    let mut killed_mid_run = 0;
    for i in 0..20u32 {
        let delay = full.mul_f64(1.1 * f64::from(i + 1) / 20.0);
        let mut child = spawn_index(&sample, &idx, &["--rebuild"], "100");
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        signal(&child, "-KILL");
        let _ = child.wait();
        // The index opens and answers from its last commit.
        let s = run(&["search", "-c", "漏洞"], &idx);
        assert!(
            matches!(s.status.code(), Some(0) | Some(1)),
            "after kill {i}: {}",
            stderr(&s)
        );
        let st = run(&["stats", "--json"], &idx);
        assert!(st.status.success(), "after kill {i}: {}", stderr(&st));
        // Running again reaches exactly the files on disk.
        let o = run(&["index", sample.to_str().unwrap()], &idx);
        assert!(o.status.success(), "rerun {i}: {}", stderr(&o));
        assert_eq!(documents(&idx), files as u64, "after kill {i} and a rerun");
    }
    eprintln!("killed {killed_mid_run} of 20 runs mid-way (full run {full:?})");
    assert!(killed_mid_run >= 10, "most kills must land during a run");
}

#[test]
fn an_index_is_never_created_in_a_folder_of_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::project_corpus();
    let notes = dir.path().join("notes");
    fs::create_dir_all(&notes).unwrap();
    fs::write(notes.join("todo.txt"), "mine").unwrap();
    let o = run(&["index", corpus.to_str().unwrap()], &notes);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not an index"), "{}", stderr(&o));
    let left: Vec<_> = fs::read_dir(&notes).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing written beside the user's file");
}
