//! The page in a real browser: headless Chromium (Debian `chromium`)
//! driven over the DevTools protocol types a query, sees highlighted
//! results, applies a source filter and opens an article — and no script
//! in an article's text ever runs.
//!
//! Marked `#[ignore = "needs chromium"]`, so a plain `cargo test` lists it
//! as ignored rather than passing it unseen; `.ci/run` installs chromium
//! and runs it with `--include-ignored`, where a missing browser fails.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::server::{Server, TestCorpus, HOSTILE_TITLE};
use serde_json::{json, Value};
use tungstenite::{stream::MaybeTlsStream, Message, WebSocket};

const WAIT: Duration = Duration::from_secs(30);

/// A headless Chromium with a fresh profile, killed (by its pid) on drop.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    port: String,
}

impl Browser {
    fn start() -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut child = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("chromium not found ({e}): install Debian's `chromium` (.ci/run does)")
            });
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("DevTools listening on ws://") {
                    let port = rest.split(['/', ':']).nth(1).unwrap_or("").to_string();
                    let _ = tx.send(port);
                }
            }
        });
        let port = rx.recv_timeout(WAIT).unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("chromium did not open its DevTools port within {WAIT:?}")
        });
        Browser {
            child,
            _profile: profile,
            port,
        }
    }

    /// The DevTools connection of the browser's page.
    fn page(&self) -> Page {
        let list: Value = ureq::get(&format!("http://127.0.0.1:{}/json/list", self.port))
            .call()
            .expect("DevTools /json/list")
            .into_json()
            .expect("target list");
        let ws = list
            .as_array()
            .and_then(|l| l.iter().find(|t| t["type"] == "page"))
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .expect("a page target")
            .to_string();
        let (socket, _) = tungstenite::connect(ws).expect("DevTools websocket");
        Page { socket, next: 0 }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Page {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
}

impl Page {
    /// Sends one DevTools command and returns its result (events between
    /// are skipped).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let msg = json!({ "id": id, "method": method, "params": params });
        self.socket
            .send(Message::text(msg.to_string()))
            .expect("send");
        loop {
            let m = self.socket.read().expect("read");
            let Ok(text) = m.to_text() else { continue };
            let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// Evaluates JavaScript in the page; its value.
    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": js, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    /// Waits until `js` is true in the page.
    fn wait_for(&mut self, js: &str) {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if self.eval(js) == Value::Bool(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("timed out waiting for `{js}`");
    }
}

#[test]
#[ignore = "needs chromium"]
fn type_see_highlights_filter_by_source_and_open_an_article() {
    let c = TestCorpus::new();
    let server = Server::start(&c.index, &[]);
    let browser = Browser::start();
    let mut page = browser.page();
    page.call("Page.navigate", json!({ "url": server.url("/") }));
    page.wait_for(
        "document.readyState === 'complete' && !!document.getElementById('status').textContent",
    );
    // Any alert() or injected <img onerror> from an article would record here.
    page.eval("window.__alerts = []; window.alert = (x) => window.__alerts.push(String(x)); true");

    page.eval("document.getElementById('q').focus()");
    page.call("Input.insertText", json!({ "text": "勒索软件" }));
    page.wait_for("document.querySelectorAll('.hit').length === 2");
    let marks = page.eval("[...document.querySelectorAll('.hit mark')].map(m => m.textContent)");
    let marks: Vec<&str> = marks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        !marks.is_empty() && marks.iter().all(|m| *m == "勒索软件"),
        "{marks:?}"
    );
    let titles = page.eval("[...document.querySelectorAll('.hit-title')].map(t => t.textContent)");
    assert!(
        titles
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == HOSTILE_TITLE),
        "{titles}"
    );

    page.wait_for("!!document.querySelector('input[data-source=\"测试来源乙\"]')");
    page.eval("document.querySelector('input[data-source=\"测试来源乙\"]').click()");
    page.wait_for("document.querySelectorAll('.hit').length === 1 && document.querySelector('.hit .meta').textContent.includes('测试来源乙')");
    assert!(page
        .eval("location.hash")
        .as_str()
        .unwrap_or("")
        .contains("source="));

    page.eval("document.querySelector('.hit-title').click()");
    page.wait_for("!document.getElementById('article').hidden && !!document.querySelector('#article-body mark')");
    assert_eq!(
        page.eval("document.getElementById('article-title').textContent"),
        HOSTILE_TITLE
    );
    let body_marks = page.eval("document.querySelectorAll('#article-body mark').length");
    assert!(body_marks.as_u64().unwrap_or(0) >= 1);

    // The hostile text stayed text: no element came from it, nothing ran.
    assert_eq!(
        page.eval("document.querySelectorAll('img, b, #results script, #article script').length"),
        0
    );
    assert_eq!(page.eval("window.__alerts.length"), 0);
}
