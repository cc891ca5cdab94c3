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
        .contains("sources="));

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

impl Page {
    /// Presses one key (keyDown + keyUp) as a keyboard would.
    fn key(&mut self, key: &str, code: &str, vk: u32, text: Option<&str>) {
        let mut down =
            json!({ "type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": vk });
        if let Some(t) = text {
            down["text"] = json!(t);
        }
        self.call("Input.dispatchKeyEvent", down);
        self.call(
            "Input.dispatchKeyEvent",
            json!({ "type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": vk }),
        );
    }

    fn viewport(&mut self, width: u32, height: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800 }),
        );
    }

    fn active(&mut self) -> Value {
        self.eval("(document.activeElement.id || document.activeElement.className || '') + ''")
    }
}

#[test]
#[ignore = "needs chromium"]
fn the_keyboard_reaches_searches_and_opens_hits_and_returns() {
    let c = TestCorpus::new();
    let server = Server::start(&c.index, &[]);
    let browser = Browser::start();
    let mut page = browser.page();
    page.viewport(1400, 900);
    page.call("Page.navigate", json!({ "url": server.url("/") }));
    page.wait_for(
        "document.readyState === 'complete' && !!document.getElementById('status').textContent",
    );
    // `/` focuses the box from anywhere on the page.
    page.eval("document.activeElement.blur(); true");
    page.key("/", "Slash", 191, Some("/"));
    assert_eq!(page.active(), "q");
    page.call("Input.insertText", json!({ "text": "勒索软件" }));
    page.key("Enter", "Enter", 13, Some("\r"));
    page.wait_for("document.querySelectorAll('.hit').length === 2");
    // ↓ from the box to the first hit, j to the next, k back.
    page.key("ArrowDown", "ArrowDown", 40, None);
    assert_eq!(page.active(), "hit-title");
    let first = page.eval("document.activeElement.dataset.path");
    page.key("j", "KeyJ", 74, Some("j"));
    let second = page.eval("document.activeElement.dataset.path");
    assert_ne!(first, second);
    page.key("k", "KeyK", 75, Some("k"));
    assert_eq!(page.eval("document.activeElement.dataset.path"), first);
    // o opens, Esc returns to the same hit.
    page.key("o", "KeyO", 79, Some("o"));
    page.wait_for("!document.getElementById('article').hidden && document.getElementById('article-title').textContent !== '…'");
    page.key("Escape", "Escape", 27, None);
    page.wait_for("document.getElementById('article').hidden");
    assert_eq!(page.eval("document.activeElement.dataset.path"), first);
    // A visible focus ring on the focused hit.
    let outline = page.eval("getComputedStyle(document.activeElement).outlineStyle");
    assert_ne!(outline, "none");

    // From the top of the page, a few Tab presses reach the first hit.
    page.eval("document.activeElement.blur(); window.scrollTo(0, 0); true");
    let mut stops = 0;
    while stops < 40 && page.active() != "hit-title" {
        page.key("Tab", "Tab", 9, None);
        stops += 1;
    }
    assert!(stops <= 12, "{stops} tab stops before the first hit");

    // A month picked by click keeps every month in view, and the months
    // are buttons a keyboard reaches.
    let bars = page.eval("document.querySelectorAll('#histogram button.bar').length");
    assert!(bars.as_u64().unwrap_or(0) > 1, "{bars}");
    page.eval("[...document.querySelectorAll('#histogram button.bar')].find(b => b.title.startsWith('2024-03')).click(); true");
    page.wait_for("document.querySelector('#histogram button.bar.on') !== null && document.querySelectorAll('.hit').length === 1");
    assert_eq!(
        page.eval("document.querySelectorAll('#histogram button.bar').length"),
        bars
    );
}

#[test]
#[ignore = "needs chromium"]
fn at_400_pixels_nothing_overflows_and_the_first_hit_is_on_the_first_screen() {
    let c = TestCorpus::new();
    let server = Server::start(&c.index, &[]);
    let browser = Browser::start();
    let mut page = browser.page();
    page.viewport(400, 800);
    page.call(
        "Page.navigate",
        json!({ "url": server.url("/#q=勒索软件") }),
    );
    page.wait_for("document.querySelectorAll('.hit').length === 2");
    assert_eq!(
        page.eval("document.documentElement.scrollWidth <= window.innerWidth"),
        true,
        "{} > 400",
        page.eval("document.documentElement.scrollWidth")
    );
    let top = page.eval("document.querySelector('.hit').getBoundingClientRect().top");
    let top = top.as_f64().unwrap_or(f64::MAX);
    assert!(top < 800.0 - 60.0, "first hit at y = {top}");
    assert_eq!(
        page.eval("document.getElementById('filters-box').open"),
        false
    );
    // Every header control is on screen.
    let off = page.eval(
        "[...document.querySelectorAll('header *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).length",
    );
    assert_eq!(off, 0);
    // The article reads as rendered Markdown, within the width too.
    page.eval("document.querySelector('.hit-title').click(); true");
    page.wait_for("!document.getElementById('article').hidden && document.querySelectorAll('#article-body p').length > 0");
    assert_eq!(
        page.eval("document.getElementById('article').scrollWidth <= window.innerWidth"),
        true
    );
}
