//! A `secsearch serve` process for the HTTP and browser tests: started on
//! port 0 (a free port), its address read from the line it prints on
//! stderr, stopped (by its own pid) when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A small corpus written by the test itself: an ordinary article, its
/// reprint, and one whose title and body try to inject HTML.
pub struct TestCorpus {
    pub dir: tempfile::TempDir,
    pub index: PathBuf,
}

pub const HOSTILE_TITLE: &str =
    r#"<script>alert(1)</script>"><img src=x onerror=alert(2)> 勒索警报"#;

fn article(title: &str, source: &str, date: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nurl: https://example.com/{date}\nsource: {source}\ndate: {date}\n---\n\n{body}\n"
    )
}

impl TestCorpus {
    pub fn new() -> TestCorpus {
        let dir = tempfile::tempdir().expect("temp dir");
        let docs = dir.path().join("articles");
        std::fs::create_dir_all(&docs).expect("articles dir");
        let ransom = article(
            "医院遭勒索软件攻击",
            "测试来源甲",
            "2024-03-05",
            &format!(
                "某医院的系统被勒索软件加密。\n攻击者利用 CVE-2024-3094 进入内网，回连 evil-c2.example[.]com。\n{}\n医院已恢复业务。",
                // Long enough (200+ characters) for the copy to count as
                // the same article.
                "院方逐台检查了门诊、住院和检验系统的服务器与终端，".repeat(10)
            ),
        );
        std::fs::write(docs.join("ransom.md"), &ransom).expect("write");
        // The same article saved again under another name: a reprint.
        std::fs::write(docs.join("ransom-copy.md"), &ransom).expect("write");
        let hostile_body = format!(
            "正文里也有 {HOSTILE_TITLE} 和 <b onmouseover=alert(3)>粗体</b>。\n勒索软件又来了。"
        );
        std::fs::write(
            docs.join("hostile.md"),
            article(HOSTILE_TITLE, "测试来源乙", "2023-11-20", &hostile_body),
        )
        .expect("write");
        std::fs::write(
            docs.join("other.md"),
            article(
                "漏洞周报",
                "测试来源乙",
                "2023-12-01",
                "本周漏洞：CVE-2024-0001。",
            ),
        )
        .expect("write");
        let index = dir.path().join("index");
        let t = TestCorpus { dir, index };
        t.reindex();
        t
    }

    pub fn articles(&self) -> PathBuf {
        self.dir.path().join("articles")
    }

    /// The path the index stores for an article file (canonical).
    pub fn indexed_path(&self, name: &str) -> String {
        let p = self.articles().join(name);
        p.canonicalize().unwrap_or(p).to_string_lossy().into_owned()
    }

    pub fn reindex(&self) {
        let out = super::bin()
            .args(["index", "-q", "--index"])
            .arg(&self.index)
            .arg(self.articles())
            .output()
            .expect("run secsearch index");
        assert!(
            out.status.success(),
            "index failed: {}",
            super::stderr(&out)
        );
    }
}

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// What the server printed on stderr before it was ready.
    pub banner: String,
}

impl Server {
    /// Starts `secsearch serve --index INDEX --port 0 EXTRA...` and waits
    /// (at most 30 s) for the line naming its address.
    pub fn start(index: &Path, extra: &[&str]) -> Server {
        let bin = assert_cmd::cargo::cargo_bin("secsearch");
        let mut child = Command::new(bin)
            .args(["serve", "--port", "0", "--index"])
            .arg(index)
            .args(extra)
            .env_remove("SECSEARCH_INDEX")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start secsearch serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut banner = String::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                banner.push_str(&line);
                banner.push('\n');
                if let Some(at) = line.find("http://") {
                    let url = line[at..].split_whitespace().next().unwrap_or("");
                    let _ = tx.send((url.trim_end_matches('/').to_string(), banner.clone()));
                }
            }
        });
        let (base, banner) = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(v) => v,
            Err(_) => {
                let _ = child.kill();
                panic!("secsearch serve printed no address within 30 s");
            }
        };
        Server {
            child,
            base,
            banner,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET `path` with query parameters, waiting at most `wait`: the
    /// status and the body text (an error status is an answer too).
    #[allow(dead_code)] // not every test file that shares this module calls it
    pub fn get_text(&self, path: &str, params: &[(&str, &str)], wait: Duration) -> (u16, String) {
        let agent = ureq::AgentBuilder::new().timeout(wait).build();
        let mut req = agent.get(&self.url(path));
        for (k, v) in params {
            req = req.query(k, v);
        }
        let resp = match req.call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("GET {path}: {e}"),
        };
        let status = resp.status();
        (status, resp.into_string().expect("body"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// The server's process id, to signal it.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the server is still running (not exited).
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits at most `limit` for the server to exit: its status, or `None`
    /// when it is still running then.
    pub fn exited_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = std::time::Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}
