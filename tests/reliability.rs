//! Hostile conditions on the read paths and on the server: an indexed file
//! that became a FIFO, a device, a huge file or a link out of the indexed
//! folders; clients that send half a request, stay idle or hold
//! connections; signals while they do; parameters that must change the
//! cached answer; Host names on every bind; absurd `--cache` values; a
//! segment file damaged under a running server; Ctrl-C during `index`.
//!
//! Every wait is bounded: a test that would hang fails instead.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::server::{Server, TestCorpus};
use common::{stderr, stdout};
use serde_json::Value;

/// Long enough for a loaded machine, short enough that a hang fails.
const BOUND: Duration = Duration::from_secs(20);

/// `secsearch ARGS...`, killed (and the test failed) after [`BOUND`].
fn run_bounded(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = common::bin();
    cmd.current_dir(common::neutral_cwd()).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.timeout(BOUND)
        .output()
        .unwrap_or_else(|e| panic!("secsearch {args:?}: {e}"))
}

fn checked(o: Output, args: &str) -> Output {
    assert!(
        o.status.code().is_some(),
        "{args}: no exit code (killed after {BOUND:?}?): {}",
        stderr(&o)
    );
    o
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// GET with query parameters and a bounded wait: (status, body text).
fn get(srv: &Server, path: &str, params: &[(&str, &str)]) -> (u16, String) {
    srv.get_text(path, params, BOUND)
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn mkfifo(p: &Path) {
    std::fs::remove_file(p).ok();
    let ok = Command::new("mkfifo").arg(p).status().expect("mkfifo");
    assert!(ok.success());
}

fn symlink(target: &Path, link: &Path) {
    std::fs::remove_file(link).ok();
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

fn signal(pid: u32, sig: i32) {
    // SAFETY: signalling our own child, checked running just before.
    assert_eq!(unsafe { libc::kill(pid as i32, sig) }, 0);
}

// 1, 3. An indexed path that is now a FIFO: every reader answers at once.

#[test]
fn a_fifo_at_an_indexed_path_is_answered_at_once_by_every_reader() {
    let c = TestCorpus::new();
    let fifo = c.articles().join("other.md");
    mkfifo(&fifo);
    let idx = s(&c.index);
    let q = "CVE-2024-0001";
    for args in [
        vec!["search", "--index", idx, q],
        vec!["search", "--index", idx, q, "-C", "1"],
        vec!["search", "--index", idx, q, "--json"],
    ] {
        let o = checked(run_bounded(&args, &[]), &args.join(" "));
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("FIFO"), "{args:?}: {}", stderr(&o));
    }
    let o = checked(
        run_bounded(
            &["search", "--index", idx, q, "--open", "1"],
            &[("EDITOR", "true"), ("VISUAL", "true")],
        ),
        "--open",
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("FIFO"), "{}", stderr(&o));
    let o = checked(run_bounded(&["show", s(&fifo), "--no-pager"], &[]), "show");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("FIFO"), "{}", stderr(&o));
    let out = c.dir.path().join("export");
    let o = checked(
        run_bounded(
            &["export", "--index", idx, "--to", "quickwit", s(&out)],
            &[],
        ),
        "export",
    );
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));

    // The server: many requests for the FIFO never stall the others.
    let mut srv = Server::start(&c.index, &[]);
    let path = c.indexed_path("other.md");
    let stalls: Vec<_> = (0..8)
        .map(|_| {
            let url = srv.url("/api/article");
            let path = path.clone();
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().timeout(BOUND).build();
                match agent.get(&url).query("path", &path).call() {
                    Err(ureq::Error::Status(code, r)) => {
                        (code, r.into_string().unwrap_or_default())
                    }
                    Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
                    Err(e) => panic!("/api/article on a FIFO: {e}"),
                }
            })
        })
        .collect();
    for t in stalls {
        let (code, body) = t.join().expect("request thread");
        assert_eq!(code, 404, "{body}");
        assert!(body.contains("FIFO"), "{body}");
    }
    let (code, body) = get(&srv, "/api/search", &[("q", q)]);
    assert_eq!(code, 200, "{body}");
    assert_eq!(json(&body)["total"], 1);
    assert_eq!(get(&srv, "/api/stats", &[]).0, 200);
    assert!(srv.running());
    signal(srv.pid(), libc::SIGTERM);
    assert!(srv.exited_within(Duration::from_secs(5)).is_some());
}

// 2. A device or a huge file at an indexed path is refused, not read.

#[test]
fn a_device_or_a_huge_file_at_an_indexed_path_is_refused_unread() {
    let c = TestCorpus::new();
    // Built with --follow: a link to /dev/zero is not refused for leaving
    // the folder, so the type check on the handle is what refuses it.
    let index = c.dir.path().join("followed");
    let o = run_bounded(
        &[
            "index",
            "-q",
            "--follow",
            "--index",
            s(&index),
            s(&c.articles()),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let paths = [c.indexed_path("other.md"), c.indexed_path("hostile.md")];
    symlink(Path::new("/dev/zero"), &c.articles().join("other.md"));
    let huge = std::fs::File::create(c.articles().join("hostile.md")).expect("create");
    huge.set_len(200 << 20).expect("a 200 MB file");
    drop(huge);
    let o = checked(
        run_bounded(
            &["search", "--index", s(&index), "CVE-2024-0001", "-C", "1"],
            &[],
        ),
        "-C on /dev/zero",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("a device"), "{}", stderr(&o));
    let mut srv = Server::start(&index, &[]);
    for (name, why) in [(&paths[0], "a device"), (&paths[1], "too large")] {
        let (code, body) = get(&srv, "/api/article", &[("path", name)]);
        assert_eq!(code, 404, "{name}: {body}");
        assert!(body.contains(why), "{name}: {body}");
    }
    let (code, body) = get(&srv, "/api/search", &[("q", "勒索")]);
    assert_eq!(code, 200, "{body}");
    assert!(srv.running(), "the server survived");
}

// 4. A file (or a folder) replaced by a link out of the indexed folders.

#[test]
fn a_link_out_of_the_indexed_folders_is_never_read() {
    const MARK: &str = "root:x:0:0:SECRETMARK";
    let c = TestCorpus::new();
    let outside = tempfile::tempdir().expect("outside");
    let secret = outside.path().join("passwd.md");
    std::fs::write(&secret, format!("{MARK} 勒索软件 CVE-2024-3094 漏洞\n")).expect("write");
    symlink(&secret, &c.articles().join("ransom.md"));
    // A sub-folder swapped for a link: the last component is a real file.
    let sub = c.articles().join("sub");
    std::fs::create_dir(&sub).expect("sub");
    std::fs::write(
        sub.join("passwd.md"),
        "---\ntitle: 子目录\n---\n勒索软件 子目录正文\n",
    )
    .expect("write");
    c.reindex();
    std::fs::remove_dir_all(&sub).expect("rm sub");
    symlink(outside.path(), &sub);
    let idx = s(&c.index);
    let leaked = |o: &Output| stdout(o).contains("SECRETMARK") || stderr(o).contains("SECRETMARK");
    for args in [
        vec!["search", "--index", idx, "勒索"],
        vec!["search", "--index", idx, "勒索", "--json", "-n", "0"],
        vec!["search", "--index", idx, "勒索", "-C", "3"],
    ] {
        let o = checked(run_bounded(&args, &[]), &args.join(" "));
        assert!(
            !leaked(&o),
            "{args:?} showed the outside file: {}",
            stdout(&o)
        );
        assert!(
            stderr(&o).contains("outside the indexed folders"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let out = c.dir.path().join("export");
    let o = checked(
        run_bounded(
            &["export", "--index", idx, "--to", "quickwit", s(&out)],
            &[],
        ),
        "export",
    );
    assert!(o.status.code().is_some_and(|c| c != 101), "{}", stderr(&o));
    for f in walkdir::WalkDir::new(&out).into_iter().flatten() {
        let f = f.path();
        let text = std::fs::read(f).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&text).contains("SECRETMARK"),
            "{} holds the outside file",
            f.display()
        );
    }
    let srv = Server::start(&c.index, &[]);
    let (code, body) = get(&srv, "/api/search", &[("q", "勒索")]);
    assert_eq!(code, 200);
    assert!(!body.contains("SECRETMARK"), "{body}");
    let articles = c.articles().canonicalize().expect("articles");
    let in_sub = articles.join("sub").join("passwd.md");
    for p in [c.indexed_path("ransom.md"), s(&in_sub).to_string()] {
        let (code, body) = get(&srv, "/api/article", &[("path", &p)]);
        assert!(!body.contains("SECRETMARK"), "{p}: {body}");
        assert_eq!(code, 404, "{p}: {body}");
    }
}

// 5. Clients that stall: half a request, idle connections, many of them,
//    and a stop signal while they are open.

/// Reads from `conn` until it closes: true when the server closed it
/// (end of file or reset) before `limit`.
fn closed_by_server(conn: &mut TcpStream, limit: Duration) -> bool {
    conn.set_read_timeout(Some(limit)).expect("timeout");
    let mut buf = [0u8; 4096];
    loop {
        match conn.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

fn connect(srv: &Server) -> TcpStream {
    TcpStream::connect(srv.base.trim_start_matches("http://")).expect("connect")
}

#[test]
fn a_half_sent_request_or_an_idle_connection_is_closed_by_the_server() {
    let c = TestCorpus::new();
    let srv = Server::start(&c.index, &["--timeout", "1"]);
    let mut half = connect(&srv);
    half.write_all(b"GET /api/stats HTTP/1.1\r\nHost: loc")
        .expect("send");
    assert!(
        closed_by_server(&mut half, BOUND),
        "a half-sent request stayed open"
    );
    let mut idle = connect(&srv);
    idle.write_all(b"GET /api/stats HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("send");
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).expect("an answer");
    assert_eq!(&first, b"HTTP/1.1 200");
    assert!(
        closed_by_server(&mut idle, BOUND),
        "an idle connection stayed open"
    );
    // Hundreds of idle sockets do not lock everyone else out.
    let crowd: Vec<TcpStream> = (0..300).map(|_| connect(&srv)).collect();
    let (code, _) = get(&srv, "/api/stats", &[]);
    assert_eq!(code, 200);
    drop(crowd);
}

#[test]
fn sigterm_and_sigint_stop_the_server_while_a_slow_client_holds_a_connection() {
    let c = TestCorpus::new();
    for sig in [libc::SIGTERM, libc::SIGINT] {
        let mut srv = Server::start(&c.index, &["--timeout", "600"]);
        let mut slow = connect(&srv);
        slow.write_all(b"GET /api/stats HTTP/1.1\r\nHost: loc")
            .expect("send");
        // The server took the connection: a full request on another one
        // is answered, so the slow one is being read, not queued.
        assert_eq!(get(&srv, "/api/stats", &[]).0, 200);
        assert!(srv.running(), "the server must be running when signalled");
        let sent = Instant::now();
        signal(srv.pid(), sig);
        let status = srv.exited_within(Duration::from_secs(10));
        assert!(
            status.is_some(),
            "signal {sig}: still running with a slow client open"
        );
        eprintln!("signal {sig}: exited {:?} after it", sent.elapsed());
        assert!(status.is_some_and(|s| s.success()), "{status:?}");
        drop(slow);
    }
}

// 6. Every parameter that changes the answer is in the cache key.

#[test]
fn exact_is_part_of_the_cached_answer() {
    let tmp = tempfile::tempdir().expect("tmp");
    let docs = tmp.path().join("c");
    std::fs::create_dir(&docs).expect("dir");
    std::fs::write(
        docs.join("a.md"),
        "---\ntitle: APT32 报告\n---\nAPT32 组织的攻击。\n",
    )
    .expect("write");
    std::fs::write(
        docs.join("b.md"),
        "---\ntitle: 海莲花报告\n---\n海莲花 OceanLotus 组织。\n",
    )
    .expect("write");
    let index = tmp.path().join("idx");
    assert!(
        run_bounded(&["index", "-q", "--index", s(&index), s(&docs)], &[])
            .status
            .success()
    );
    let count = |extra: &[&str]| -> u64 {
        let mut a = vec!["search", "--index", s(&index), "APT32", "-c"];
        a.extend_from_slice(extra);
        stdout(&run_bounded(&a, &[]))
            .trim()
            .parse()
            .expect("a count")
    };
    let (expanded, exact) = (count(&[]), count(&["--exact"]));
    assert!(
        expanded > exact,
        "the corpus must tell them apart: {expanded} {exact}"
    );
    let srv = Server::start(&index, &[]);
    let total = |p: &[(&str, &str)]| json(&get(&srv, "/api/search", p).1)["total"].as_u64();
    assert_eq!(total(&[("q", "APT32")]), Some(expanded));
    assert_eq!(total(&[("q", "APT32"), ("exact", "1")]), Some(exact));
    assert_eq!(total(&[("q", "APT32")]), Some(expanded));
}

// 7. The Host allow-list on every bind.

/// The status of `GET /api/stats` naming `host`.
fn status_with_host(srv: &Server, host: &str) -> u16 {
    let mut conn = connect(srv);
    conn.set_read_timeout(Some(BOUND)).expect("timeout");
    write!(
        conn,
        "GET /api/stats HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut resp = String::new();
    let _ = conn.read_to_string(&mut resp);
    resp.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn host_names_are_checked_on_every_bind() {
    let c = TestCorpus::new();
    let other = Server::start(&c.index, &["--bind", "127.0.0.2"]);
    let port = other.base.rsplit(':').next().expect("port").to_string();
    assert!(other.base.contains("127.0.0.2"), "{}", other.base);
    assert_eq!(status_with_host(&other, &format!("127.0.0.2:{port}")), 200);
    assert_eq!(status_with_host(&other, &format!("localhost:{port}")), 200);
    assert_eq!(
        status_with_host(&other, &format!("rebind.example:{port}")),
        403
    );
    let any = Server::start(
        &c.index,
        &["--bind", "0.0.0.0", "--allow-host", "search.example"],
    );
    let port = any.base.rsplit(':').next().expect("port").to_string();
    assert_eq!(status_with_host(&any, &format!("127.0.0.1:{port}")), 200);
    assert_eq!(
        status_with_host(&any, &format!("search.example:{port}")),
        200
    );
    assert_eq!(
        status_with_host(&any, &format!("rebind.example:{port}")),
        403
    );
    assert_eq!(status_with_host(&any, ""), 403);
}

// 8. --cache: range-checked, and memory bounded in bytes whatever it says.

#[test]
fn absurd_cache_sizes_are_refused_with_one_line() {
    let c = TestCorpus::new();
    for n in ["1000000000", "18446744073709551615", "100001", "lots"] {
        let o = run_bounded(
            &["serve", "--index", s(&c.index), "--port", "0", "--cache", n],
            &[],
        );
        assert_eq!(o.status.code(), Some(2), "--cache {n}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("--cache"), "--cache {n}: {err}");
        assert!(!err.contains("panicked"), "--cache {n}: {err}");
    }
    let srv = Server::start(&c.index, &["--cache", "100000"]);
    assert_eq!(get(&srv, "/api/search", &[("q", "勒索")]).0, 200);
}

// 9. A segment file damaged under a running server.

#[test]
fn a_segment_file_damaged_under_a_running_server_is_an_error_not_a_wrong_count() {
    let c = TestCorpus::new();
    let srv = Server::start(&c.index, &[]);
    assert_eq!(get(&srv, "/api/stats", &[]).0, 200);
    let meta: Value = json(&std::fs::read_to_string(c.index.join("meta.json")).expect("meta"));
    let seg = meta["segments"][0]["segment_id"]
        .as_str()
        .expect("a segment")
        .replace('-', "");
    let fast = c.index.join(format!("{seg}.fast"));
    // In place (no truncation: the server has the file mapped).
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fast)
        .expect("open");
    let len = f.metadata().expect("len").len();
    let mut b = [0u8];
    use std::io::Seek;
    f.seek(std::io::SeekFrom::Start(len / 2)).expect("seek");
    f.read_exact(&mut b).expect("read");
    f.seek(std::io::SeekFrom::Start(len / 2)).expect("seek");
    f.write_all(&[b[0] ^ 0x5a]).expect("flip");
    drop(f);
    for path in ["/api/stats", "/api/search"] {
        let (code, body) = get(&srv, path, &[("q", "勒索")]);
        assert_eq!(code, 500, "{path}: {body}");
        assert!(
            body.contains(".fast") && body.contains("damaged"),
            "{path}: {body}"
        );
    }
}

// Ctrl-C during `index` keeps the work; a search of an empty index says so.

/// Article files written by the test (generated text, several paragraphs
/// each), enough that indexing them takes a while.
fn generated_corpus(dir: &Path, files: usize) {
    std::fs::create_dir_all(dir).expect("dir");
    let words = [
        "勒索软件",
        "漏洞",
        "攻击者",
        "医院",
        "供应链",
        "补丁",
        "钓鱼邮件",
        "内网",
        "数据泄露",
        "应急响应",
    ];
    for i in 0..files {
        let mut body = String::new();
        for j in 0..400 {
            body.push_str(words[(i * 7 + j * 3) % words.len()]);
            body.push_str(if j % 9 == 8 { "。\n" } else { "，" });
        }
        let text = format!(
            "---\ntitle: 第{i}号通报\nsource: 测试\ndate: 2024-01-01\n---\n\n编号{i} {body}\n"
        );
        std::fs::write(dir.join(format!("a{i:05}.md")), text).expect("write");
    }
}

/// Keeps both cores busy while alive: the first Ctrl-C must keep the work
/// even when the commit is slow.
struct Busy(
    Vec<std::thread::JoinHandle<()>>,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
);

impl Busy {
    fn start() -> Busy {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let threads = (0..2)
            .map(|_| {
                let stop = std::sync::Arc::clone(&stop);
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                })
            })
            .collect();
        Busy(threads, stop)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.1.store(true, std::sync::atomic::Ordering::Relaxed);
        for t in self.0.drain(..) {
            let _ = t.join();
        }
    }
}

/// A generated corpus whose indexing takes at least `min` here (a release
/// build indexes 6,000 files in under 2 s, a debug build in ~10), doubled
/// until it does: the number of files and how long a whole run took.
fn corpus_lasting(dir: &Path, min: Duration) -> (usize, Duration) {
    let mut files = 6000;
    loop {
        generated_corpus(dir, files);
        let probe = dir.with_extension("probe");
        let t = Instant::now();
        let o = wait_bounded(spawn_index(&probe, dir), Duration::from_secs(600));
        let took = t.elapsed();
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::remove_dir_all(&probe).ok();
        if took >= min || files >= 96_000 {
            return (files, took);
        }
        files *= 2;
    }
}

/// An `index` run sent Ctrl-C `after` its start, which must find it still
/// running.
fn interrupted_run(index: &Path, corpus: &Path, after: Duration) -> std::process::Child {
    let mut child = spawn_index(index, corpus);
    std::thread::sleep(after);
    assert!(
        child.try_wait().expect("wait").is_none(),
        "the index run finished within {after:?}: the interrupt must land mid-run"
    );
    signal(child.id(), libc::SIGINT);
    child
}

fn spawn_index(index: &Path, corpus: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_secsearch"))
        .args(["index", "-q", "--index"])
        .arg(index)
        .arg(corpus)
        .env("SECSEARCH_COMMIT_EVERY", "100000000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn index")
}

fn wait_bounded(mut child: std::process::Child, limit: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn the_first_ctrl_c_keeps_what_was_read_on_a_busy_machine_and_the_next_run_continues() {
    let tmp = tempfile::tempdir().expect("tmp");
    let corpus = tmp.path().join("c");
    let busy = Busy::start();
    let (files, took) = corpus_lasting(&corpus, Duration::from_secs(4));
    let index = tmp.path().join("idx");
    // The signal must land while files are read: not before the first is
    // (jieba still loading, the folder still walked: nothing kept), not
    // after the last (only the commit left: everything kept). Where that
    // is in a run differs between builds: fractions of a whole run, tried
    // in turn.
    let mut tries = Vec::new();
    let (err, docs) = 'tries: {
        for tenths in [2u32, 3, 1, 4, 5, 6] {
            std::fs::remove_dir_all(&index).ok();
            let after = took * tenths / 10;
            let child = interrupted_run(&index, &corpus, after);
            let o = wait_bounded(child, Duration::from_secs(300));
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(130), "{err}");
            assert!(err.contains("committing what was read"), "{err}");
            let docs = common::documents(&index);
            if docs > 0 && docs < files as u64 {
                break 'tries (err, docs);
            }
            tries.push(format!("at {after:?}: {docs} of {files} kept"));
        }
        panic!("the interrupt never landed while files were read: {tries:?}");
    };
    drop(busy);
    assert!(
        docs > 0 && docs < files as u64,
        "{docs} of {files} kept: {err}"
    );
    assert!(
        err.contains(&format!("committed {docs} documents")),
        "{err}"
    );
    rerun_reaches_every_file(&index, &corpus, files);
}

#[test]
fn a_second_ctrl_c_stops_at_once_and_rolls_back() {
    let tmp = tempfile::tempdir().expect("tmp");
    let corpus = tmp.path().join("c");
    let (files, took) = corpus_lasting(&corpus, Duration::from_secs(4));
    let index = tmp.path().join("idx");
    let mut child = interrupted_run(&index, &corpus, took / 2);
    std::thread::sleep(Duration::from_millis(100));
    if child.try_wait().expect("wait").is_none() {
        signal(child.id(), libc::SIGINT);
    }
    let o = wait_bounded(child, Duration::from_secs(60));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(130), "{err}");
    // No commit before the signals (a first run, no periodic commit):
    // rolled back means an empty index, committed means exactly that many.
    let docs = common::documents(&index);
    if err.contains("rolled back") {
        assert_eq!(docs, 0, "{err}");
    } else {
        assert!(
            err.contains(&format!("committed {docs} documents")),
            "{err}"
        );
    }
    // Whatever was committed before is intact and a rerun completes.
    rerun_reaches_every_file(&index, &corpus, files);
}

#[test]
fn a_search_of_an_empty_index_says_how_to_fill_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("dir");
    let index = tmp.path().join("idx");
    let o = run_bounded(&["index", "-q", "--index", s(&index), s(&empty)], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_bounded(&["search", "--index", s(&index), "漏洞"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("holds no articles") && err.contains("secsearch index DIR"),
        "{err}"
    );
    assert!(!err.contains("try:"), "{err}");
}

/// Whatever a stopped run left, the next run completes and holds every
/// file.
fn rerun_reaches_every_file(index: &Path, corpus: &Path, files: usize) {
    let o = run_bounded(&["index", "-q", "--index", s(index), s(corpus)], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(common::documents(index), files as u64);
}
