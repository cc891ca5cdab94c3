//! Numbers and files that must not lie: option values that reserved memory
//! or overflowed, an interrupted `--rebuild`, a full disk, file modes, side
//! files, the last query, written outputs and bad bytes. Each test is a
//! reproduction run through the binary on temporary folders, bounded in
//! time.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{documents, stderr, stdout};

/// `secsearch ARGS... --index IDX`, at most 60 s.
fn run(index: &Path, args: &[&str]) -> Output {
    common::bin()
        .current_dir(common::neutral_cwd())
        .args(args)
        .arg("--index")
        .arg(index)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run secsearch")
}

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nsource: 测试源\ndate: 2024-01-02\n---\n\n{body}\n")
}

/// The project's example corpus indexed into a fresh folder.
fn indexed() -> (tempfile::TempDir, PathBuf) {
    let (dir, idx) = common::scratch_index();
    let o = run(&idx, &["index", common::project_corpus().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, idx)
}

/// `n` generated articles of about 2 KB under `root`, each with 漏洞 and
/// otherwise different (pseudo-random characters: no two are reprints of
/// each other, and they do not compress to nothing).
fn generate(root: &Path, n: usize) {
    fs::create_dir_all(root).unwrap();
    let chars: Vec<char> = "安全漏洞攻击者远程执行代码厂商发布公告修复高危勒索软件样本分析情报威胁组织钓鱼邮件木马后门"
        .chars()
        .collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..n {
        let mut body = String::from("漏洞 ");
        for k in 0..600 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            body.push(chars[(x % chars.len() as u64) as usize]);
            if k % 40 == 39 {
                body.push_str(&format!(" {:x}\n", x >> 20));
            }
        }
        let text = article(&format!("通告{i}-{:x}", x >> 40), &body);
        fs::write(root.join(format!("a{i:05}.md")), text).unwrap();
    }
}

/// The names and sizes of the files in an index folder.
fn listing(idx: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = fs::read_dir(idx)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let len = e.metadata().unwrap().len();
            (e.file_name().to_string_lossy().into_owned(), len)
        })
        .collect();
    v.sort();
    v
}

fn count(idx: &Path, q: &str) -> String {
    let o = run(idx, &["search", "-c", q]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    stdout(&o).trim().to_string()
}

#[test]
fn an_offset_or_limit_far_past_the_hits_reserves_nothing() {
    let (_d, idx) = indexed();
    for offset in ["100000000", "18446744073709551615"] {
        for limit in ["10", "18446744073709551615"] {
            let o = run(&idx, &["search", "漏洞", "--offset", offset, "-n", limit]);
            assert_eq!(
                o.status.code(),
                Some(0),
                "--offset {offset} -n {limit}: {}",
                stderr(&o)
            );
            assert_eq!(stdout(&o), "", "no hit is that deep");
            assert_eq!(stderr(&o), "");
        }
    }
    let o = run(
        &idx,
        &[
            "search",
            "漏洞",
            "-n",
            "1",
            "--width",
            "18446744073709551615",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn max_filesize_no_limit_is_clamped_with_a_note_and_removes_nothing() {
    let (_d, idx) = indexed();
    let before = documents(&idx);
    let corpus = common::project_corpus();
    let huge = "18446744073709551615";
    let o = run(
        &idx,
        &["index", corpus.to_str().unwrap(), "--max-filesize", huge],
    );
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(e.contains("--max-filesize") && e.contains("1 GiB"), "{e}");
    assert!(e.contains("0 removed") && !e.contains("empty"), "{e}");
    assert_eq!(documents(&idx), before);
    let o = run(
        &idx,
        &[
            "index",
            "--rebuild",
            corpus.to_str().unwrap(),
            "--max-filesize",
            huge,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(documents(&idx), before, "every file read, none 'empty'");
}

fn spawn_rebuild(root: &Path, idx: &Path) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("secsearch"))
        .args(["index", "--rebuild"])
        .arg(root)
        .arg("--index")
        .arg(idx)
        .env_remove("SECSEARCH_INDEX")
        // Small chunks: the interrupt is seen a few files after it came.
        .env("SECSEARCH_COMMIT_EVERY", "8")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn index")
}

/// Ctrl-C during `--rebuild` keeps the complete previous index answering,
/// says so, and leaves no file behind; three times over. The signal must
/// land while documents are being read (the "abandoned" message is only
/// given then); a run that finished first is retried on more files.
#[test]
fn an_interrupted_rebuild_keeps_the_previous_index_and_no_orphans() {
    let data = tempfile::tempdir().unwrap();
    let (_d, idx) = common::scratch_index();
    let mut files = 600;
    generate(data.path(), files);
    let o = run(&idx, &["index", data.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let complete = count(&idx, "漏洞");
    assert_eq!(complete, files.to_string());
    let before = listing(&idx);
    let mut interrupted = 0;
    while interrupted < 3 {
        let mut child = spawn_rebuild(data.path(), &idx);
        // Started: its lock is there.
        let t = Instant::now();
        while !idx.join(".tantivy-writer.lock").exists() && t.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(150));
        let running = child.try_wait().unwrap().is_none();
        if running {
            let pid = child.id().to_string();
            assert!(Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success());
        }
        let o = child.wait_with_output().unwrap();
        let e = String::from_utf8_lossy(&o.stderr).into_owned();
        if running && e.contains("rebuild was abandoned") {
            assert_eq!(o.status.code(), Some(130), "{e}");
            assert!(
                e.contains(&format!("previous index ({files} documents) still answers")),
                "{e}"
            );
            assert!(!e.contains("to continue"), "{e}");
            interrupted += 1;
        } else {
            // Finished before the signal: the same index again, complete;
            // more files make the next run longer.
            assert!(matches!(o.status.code(), Some(0 | 130)), "{e}");
            assert!(files < 20_000, "Ctrl-C never landed while reading");
            generate(data.path(), files * 2);
            files *= 2;
            let o = run(&idx, &["index", data.path().to_str().unwrap()]);
            assert!(o.status.success(), "{}", stderr(&o));
            continue;
        }
        assert_eq!(
            count(&idx, "漏洞"),
            files.to_string(),
            "the previous index answers whole"
        );
        let now = listing(&idx);
        if files.to_string() == complete {
            assert_eq!(now, before, "no file of the abandoned rebuild is left");
        }
    }
    let o = run(&idx, &["index", "--rebuild", data.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&idx, "漏洞"), files.to_string());
}

/// A tmpfs of `size` mounted on a new folder, unmounted when dropped; None
/// (and a visible note) where mounting is not allowed.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs here (not root?): the full-disk test did not run"
            );
            return None;
        }
        Some(Tmpfs(dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

fn used_bytes(dir: &Path) -> u64 {
    listing(dir).iter().map(|(_, n)| n).sum()
}

/// A full disk: the run fails naming it, the old index answers, the run's
/// segment files are gone, and the next runs say the same instead of "an
/// index writer was killed".
#[test]
fn a_full_disk_is_named_and_leaves_no_orphan_segments() {
    let Some(fs_) = Tmpfs::mount("2m") else {
        return;
    };
    let idx = fs_.0.path().join("idx");
    let o = run(&idx, &["index", common::project_corpus().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let hits = count(&idx, "勒索");
    let used = used_bytes(&idx);
    let data = tempfile::tempdir().unwrap();
    generate(data.path(), 3000);
    for args in [&["index"][..], &["index"], &["index", "--rebuild"]] {
        let mut a = args.to_vec();
        a.push(data.path().to_str().unwrap());
        let o = run(&idx, &a);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(e.contains("no space left on device"), "{args:?}: {e}");
        assert!(!e.contains("was killed") || e.contains("ENOSPC"), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
        assert_eq!(count(&idx, "勒索"), hits, "the old index answers");
        let now = used_bytes(&idx);
        assert!(now < used + 64 * 1024, "orphans left: {used} → {now} bytes");
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// `meta.json` and `.managed.json` follow the umask like every other file;
/// another user who may not read them is told so, not "damaged".
#[cfg(unix)]
#[test]
fn index_files_honour_the_umask_and_permission_errors_say_so() {
    let (dir, idx) = common::scratch_index();
    let corpus = common::project_corpus();
    let bin = assert_cmd::cargo::cargo_bin("secsearch");
    let o = Command::new("sh")
        .arg("-c")
        .arg("umask 027 && exec \"$0\" index \"$1\" --index \"$2\" -q")
        .arg(&bin)
        .arg(&corpus)
        .arg(&idx)
        .env_remove("SECSEARCH_INDEX")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["meta.json", ".managed.json", "secsearch-words.txt"] {
        assert_eq!(mode(&idx.join(f)), 0o640, "{f}");
    }
    // Another user (when the test runs as root and can be one).
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| stdout(&o).trim() == "0");
    if !is_root {
        eprintln!("SKIPPED: the other-user part needs root");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let as_nobody = |idx: &Path| {
        assert_cmd::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin)
            .args(["search", "-c", "勒索", "--index"])
            .arg(idx)
            .env_remove("SECSEARCH_INDEX")
            .env("HOME", "/nonexistent")
            .timeout(Duration::from_secs(60))
            .output()
    };
    let Ok(o) = as_nobody(&idx) else {
        eprintln!("SKIPPED: setpriv is not available");
        return;
    };
    // Mode 0640, group root: nobody may not read.
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("permission denied reading"), "{e}");
    assert!(!e.contains("damaged") && !e.contains("--rebuild"), "{e}");
    // Built with umask 022, the same user can search it.
    let (dir2, idx2) = common::scratch_index();
    fs::set_permissions(dir2.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let o = Command::new("sh")
        .arg("-c")
        .arg("umask 022 && exec \"$0\" index \"$1\" --index \"$2\" -q")
        .arg(&bin)
        .arg(&corpus)
        .arg(&idx2)
        .env_remove("SECSEARCH_INDEX")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = as_nobody(&idx2).unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// What a set of searches answers: each command's exit code and output.
fn answers(idx: &Path) -> Vec<(Option<i32>, String)> {
    let queries: [&[&str]; 6] = [
        &["search", "log4", "-l"],
        &["search", "Log4Shell", "-c"],
        &["search", "CVE-2021-44228", "-l"],
        &["search", ".com", "-l"],
        &["search", "漏洞", "-l"],
        &["search", "漏洞", "--json", "-n", "0"],
    ];
    queries
        .iter()
        .map(|q| {
            let o = run(idx, q);
            assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{q:?}: {}",
                stderr(&o)
            );
            (o.status.code(), stdout(&o))
        })
        .collect()
}

/// One changed byte in a side file (the word and identifier lists, the
/// path list, the reprint groups) is caught by its checksum: every answer
/// stays the undamaged one (the term dictionary and columns answer
/// instead), and the next `index` run writes the file again.
#[test]
fn a_changed_byte_in_a_side_file_changes_no_answer() {
    let (_d, idx) = indexed();
    let want = answers(&idx);
    assert!(
        want.iter().all(|(c, _)| *c == Some(0)),
        "every query finds something: {want:?}"
    );
    let files = [
        "secsearch-words.txt",
        "secsearch-idents.txt",
        "secsearch-paths.bin",
        "secsearch-reprints.txt",
    ];
    for file in files {
        let path = idx.join(file);
        let good = fs::read(&path).unwrap();
        let header_end = good.iter().position(|&b| b == b'\n').unwrap();
        // A byte of the body, and a digit of the checksum itself.
        let mut at = vec![header_end - 1];
        if good.len() > header_end + 2 {
            at.push(header_end + 1 + (good.len() - header_end - 1) / 2);
        }
        for i in at {
            let mut bad = good.clone();
            bad[i] = if bad[i] == b'0' { b'1' } else { bad[i] ^ 0x04 };
            // Replaced as the writer replaces it (a new inode), so that
            // nothing but the bytes tells it apart.
            fs::write(idx.join("damaged.tmp"), &bad).unwrap();
            fs::rename(idx.join("damaged.tmp"), &path).unwrap();
            assert_eq!(answers(&idx), want, "{file}: byte {i} changed");
        }
        let o = run(&idx, &["index", common::project_corpus().to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(fs::read(&path).unwrap(), good, "{file} is written again");
    }
}

/// `search` writes nothing into the index folder: the last search (its
/// words and the paths it listed, for `show`) lives in the user's state
/// folder, one file an index.
#[test]
fn search_leaves_the_index_folder_alone_and_keeps_the_last_search_in_state() {
    let (_d, idx) = indexed();
    let state = tempfile::tempdir().unwrap();
    let mtimes = |idx: &Path| -> Vec<(String, std::time::SystemTime)> {
        let mut v: Vec<_> = fs::read_dir(idx)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().modified().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = mtimes(&idx);
    let search = |args: &[&str]| {
        common::bin()
            .current_dir(common::neutral_cwd())
            .env("XDG_STATE_HOME", state.path())
            .arg("search")
            .args(args)
            .arg("--index")
            .arg(&idx)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap()
    };
    let o = search(&["勒索", "-n", "3", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mtimes(&idx), before, "the index folder is unchanged");
    assert!(!idx.join("secsearch-last-query.txt").exists());
    let listed: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let kept: Vec<PathBuf> = fs::read_dir(state.path().join("secsearch"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let record: serde_json::Value = serde_json::from_slice(&fs::read(&kept[0]).unwrap()).unwrap();
    assert_eq!(record["query"], "勒索");
    assert_eq!(
        record["index"],
        idx.canonicalize().unwrap().to_str().unwrap()
    );
    let hits: Vec<String> = record["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(hits, listed, "the hits as listed, in order");
    // Another index has a record of its own.
    let (_d2, idx2) = indexed();
    let o = common::bin()
        .env("XDG_STATE_HOME", state.path())
        .args(["search", "漏洞", "--index"])
        .arg(&idx2)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(
        fs::read_dir(state.path().join("secsearch"))
            .unwrap()
            .count(),
        2
    );
}

/// `iocs --stix FILE` writes a whole bundle or leaves FILE as it was: not
/// on no hit, not through a symbolic link, not onto a FIFO (no hang), not
/// into the index folder, not half a file on a full disk.
#[test]
fn stix_output_is_whole_or_not_written() {
    let (_d, idx) = indexed();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("bundle.json");
    let stix = |target: &Path, q: &[&str]| {
        let mut a = vec!["iocs"];
        a.extend_from_slice(q);
        a.extend_from_slice(&["--stix", target.to_str().unwrap()]);
        run(&idx, &a)
    };
    let o = stix(&file, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let good = fs::read(&file).unwrap();
    serde_json::from_slice::<serde_json::Value>(&good).unwrap();
    // No article with indicators: nothing written, exit 1.
    let o = stix(&file, &["zzqqxxnothing"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("not written"), "{}", stderr(&o));
    assert_eq!(fs::read(&file).unwrap(), good);
    // A symbolic link onto another file.
    let other = out.path().join("notes.txt");
    fs::write(&other, "mine").unwrap();
    let link = out.path().join("link.json");
    std::os::unix::fs::symlink(&other, &link).unwrap();
    let o = stix(&link, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&other).unwrap(), "mine");
    // A FIFO: refused at once, not a hang (run() is bounded).
    let fifo = out.path().join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let o = stix(&fifo, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    // The index's own files.
    let meta = fs::read(idx.join("meta.json")).unwrap();
    let o = stix(&idx.join("meta.json"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("inside the index folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read(idx.join("meta.json")).unwrap(), meta);
    assert_eq!(stderr(&o).lines().count(), 1);
    let leftovers: Vec<_> = fs::read_dir(out.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A full disk: the old bundle survives whole, no partial file stays.
    let Some(small) = Tmpfs::mount(&format!("{}", good.len() * 3 / 2 + 8192)) else {
        return;
    };
    let on_small = small.0.path().join("bundle.json");
    fs::write(&on_small, &good).unwrap();
    let o = stix(&on_small, &[]);
    if o.status.success() {
        eprintln!("SKIPPED: the tmpfs held two bundles; the full-disk case did not run");
        return;
    }
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        fs::read(&on_small).unwrap(),
        good,
        "the old bundle is whole"
    );
    assert_eq!(
        fs::read_dir(small.0.path()).unwrap().count(),
        1,
        "no partial file"
    );
}

/// A source name, a file name and an indicator context carrying terminal
/// escapes (OSC 52 writes the clipboard) reach no terminal through
/// `iocs`, `iocs --csv`, `show` or the `--stix` message; CSV cells that a
/// spreadsheet would run as a formula start with `'`.
#[test]
fn escapes_never_reach_the_terminal_and_csv_cells_hold_no_formula() {
    let root = tempfile::tempdir().unwrap();
    let (_d, idx) = common::scratch_index();
    let osc = "\u{1b}]52;c;aGVsbG8=\u{7}";
    let evil_name = format!("evil{osc}.md");
    fs::write(
        root.path().join(&evil_name),
        format!(
            "---\ntitle: t\nsource: src{osc}\n---\n\n访问 evil-domain.com 与 1.2.3.4 下载样本\n"
        ),
    )
    .unwrap();
    fs::write(
        root.path().join("formula.md"),
        "---\ntitle: f\nsource: =HYPERLINK(\"http://x\")\n---\n\n访问 evil-domain.com 下载\n",
    )
    .unwrap();
    let o = run(&idx, &["index", root.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&idx, &["iocs"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !o.stdout.contains(&0x1b) && !o.stdout.contains(&0x07),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("]52;c;"),
        "the source is shown, escaped: {}",
        stdout(&o)
    );
    let o = run(&idx, &["iocs", "--csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    assert!(
        !o.stdout.contains(&0x1b) && !o.stdout.contains(&0x07),
        "{csv}"
    );
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@']), "formula cell in {line}");
        }
    }
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    let evil_path = root.path().join(&evil_name);
    let o = run(&idx, &["show", evil_path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!o.stdout.contains(&0x1b), "{}", stdout(&o));
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join(format!("b{osc}.json"));
    let o = run(&idx, &["iocs", "--stix", target.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!o.stderr.contains(&0x1b), "{}", stderr(&o));
    assert!(target.exists());
}

/// An article with a stray invalid byte, or with its last character cut
/// off, is indexed with U+FFFD (and said so), also when it was indexed
/// before; a header of thousands of keys keeps its title.
#[test]
fn bad_bytes_keep_the_rest_of_the_article() {
    let root = tempfile::tempdir().unwrap();
    let (_d, idx) = common::scratch_index();
    let w = |name: &str, bytes: &[u8]| fs::write(root.path().join(name), bytes).unwrap();
    w("good.md", article("完好", "勒索软件 甲").as_bytes());
    w(
        "tagged.md",
        {
            let mut t = String::from("---\ntitle: 千键标题\n");
            for i in 0..1500 {
                t.push_str(&format!("tag{i}: x\n"));
            }
            t.push_str("---\n\n挖矿木马\n");
            t
        }
        .as_bytes(),
    );
    let o = run(&idx, &["index", root.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&idx, "title:千键标题"), "1");
    // A short note with one bad byte, a note cut mid-character, and the
    // indexed good.md now holding a bad byte.
    w(
        "stray.md",
        b"---\ntitle: s\n---\n\xe6\xbc\x8f\xff\xe6\xb4\x9e stray\n",
    );
    w(
        "cut.md",
        b"---\ntitle: c\n---\ncutword \xe6\xbc\x8f\xe6\xb4",
    );
    let mut g = article("完好", "勒索软件 甲").into_bytes();
    g.push(0xff);
    w("good.md", &g);
    let o = run(&idx, &["index", root.path().to_str().unwrap()]);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(e.contains("3 files had invalid bytes replaced"), "{e}");
    assert!(e.contains("0 removed") && e.contains("0 skipped"), "{e}");
    assert_eq!(documents(&idx), 4);
    assert_eq!(count(&idx, "stray"), "1");
    assert_eq!(count(&idx, "cutword"), "1");
    assert_eq!(count(&idx, "勒索软件"), "1");
}

/// A sub-folder that cannot be read this run keeps its documents (it is
/// reported, and counted in the summary), like a missing root.
#[cfg(unix)]
#[test]
fn an_unreadable_sub_folder_keeps_its_documents() {
    use std::os::unix::fs::PermissionsExt;
    let top = tempfile::tempdir().unwrap();
    fs::set_permissions(top.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let root = top.path().join("root");
    let sub = root.join("sub");
    fs::create_dir_all(&sub).unwrap();
    for d in [&root, &sub] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o777)).unwrap();
    }
    fs::write(root.join("a.md"), article("甲", "正文一")).unwrap();
    fs::write(sub.join("b.md"), article("乙", "正文二")).unwrap();
    fs::write(sub.join("c.md"), article("丙", "正文三")).unwrap();
    let idx = top.path().join("idx");
    // Root reads any folder: the index runs as another user where it can.
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| stdout(&o).trim() == "0");
    let bin = assert_cmd::cargo::cargo_bin("secsearch");
    let index = || {
        let mut c = if is_root {
            let mut c = assert_cmd::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&bin);
            c
        } else {
            assert_cmd::Command::new(&bin)
        };
        c.arg("index")
            .arg(&root)
            .arg("--index")
            .arg(&idx)
            .env_remove("SECSEARCH_INDEX")
            .env("HOME", top.path())
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap()
    };
    let o = index();
    if is_root && !o.status.success() && stderr(&o).is_empty() {
        eprintln!("SKIPPED: cannot run as another user here");
        return;
    }
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(documents(&idx), 3);
    fs::set_permissions(&sub, fs::Permissions::from_mode(0o000)).unwrap();
    let o = index();
    fs::set_permissions(&sub, fs::Permissions::from_mode(0o777)).unwrap();
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(
        e.contains("sub") && e.to_lowercase().contains("permission denied"),
        "{e}"
    );
    assert!(e.contains("0 removed"), "{e}");
    assert!(
        e.contains("2 documents kept from folders that could not be read"),
        "{e}"
    );
    assert_eq!(documents(&idx), 3);
    let o = index();
    assert!(stderr(&o).contains("3 unchanged"), "{}", stderr(&o));
}

/// The same title from A (account 甲, day 1), B (甲, day 5) and C (乙, day
/// 3, ranked first): A–C and B–C are reposts, A–B two issues of a series
/// only through C. One article is the closure of "same article", which no
/// order changes: the count, the hits listed and every page agree, 1.
#[test]
fn folded_counts_equal_the_hits_listed() {
    let root = tempfile::tempdir().unwrap();
    let (_d, idx) = common::scratch_index();
    let post = |source: &str, date: &str, body: &str| {
        format!("---\ntitle: 每周蓝莲花安全通报\nsource: {source}\ndate: {date}\n---\n\n{body}\n")
    };
    let filler = |seed: u32| -> String {
        let chars: Vec<char> = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸".chars().collect();
        let mut x = seed.wrapping_mul(2_654_435_761) | 1;
        (0..400)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                chars[(x % chars.len() as u32) as usize]
            })
            .collect()
    };
    let w = |name: &str, text: String| fs::write(root.path().join(name), text).unwrap();
    w(
        "a.md",
        post("甲社", "2024-01-01", &format!("蓝莲花 {}", filler(1))),
    );
    w(
        "b.md",
        post("甲社", "2024-01-05", &format!("蓝莲花 {}", filler(2))),
    );
    w(
        "c.md",
        post(
            "乙社",
            "2024-01-03",
            &format!("{} {}", "蓝莲花 ".repeat(30), filler(3)),
        ),
    );
    let o = run(&idx, &["index", "-j", "1", root.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let total = count(&idx, "蓝莲花");
    let listed = run(&idx, &["search", "蓝莲花", "--json", "-n", "0"]);
    let hits: Vec<serde_json::Value> = stdout(&listed)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // `-c` counts the files `-l` lists; the hits fold them into stories.
    let files = run(&idx, &["search", "蓝莲花", "-l"]);
    assert_eq!(total, stdout(&files).lines().count().to_string());
    assert_eq!(total, "3", "three files");
    assert_eq!(hits.len(), 1, "A, B and C are one story through C");
    assert!(
        common::hit_path(&hits[0]).ends_with("c.md"),
        "C ranks first"
    );
    // A page past the only hit is empty, as the total says.
    let o = run(&idx, &["search", "蓝莲花", "--json", "--offset", "1"]);
    assert_eq!(stdout(&o), "");
}

/// Two builds of the same real archive (one thread, one segment; two
/// threads committing every 37 files, many segments): the same folded
/// hits listed, and `-c` the files `-l` lists, in both.
#[test]
#[ignore = "needs ../shared/corpus"]
fn folded_counts_are_the_same_for_two_builds_of_an_archive() {
    let (sample, _) = common::shared_folder("sample");
    let (_d1, one) = common::scratch_index();
    let (_d2, many) = common::scratch_index();
    let o = run(&one, &["index", "-j", "1", sample.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = common::bin()
        .args(["index", "-j", "2", sample.to_str().unwrap(), "--index"])
        .arg(&many)
        .env("SECSEARCH_COMMIT_EVERY", "37")
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for q in ["漏洞", "勒索", "攻击", "安全", "APT", "通报"] {
        let listed = |idx: &Path| {
            let o = run(idx, &["search", q, "--json", "-n", "0"]);
            stdout(&o).lines().count().to_string()
        };
        let files = |idx: &Path| {
            let o = run(idx, &["search", q, "-l"]);
            stdout(&o).lines().count().to_string()
        };
        assert_eq!(listed(&one), listed(&many), "{q}: folded hits, two builds");
        let (c1, c2) = (count(&one, q), count(&many, q));
        assert_eq!(c1, c2, "{q}: two builds");
        assert_eq!(c1, files(&one), "{q}: -c counts -l's files");
        assert_eq!(c2, files(&many), "{q}: -c counts -l's files, second build");
    }
}
