//! Shared by the page tests and the page benchmark: serve `dist/`, start chromedriver,
//! open headless Chromium, and small helpers to script the page.

#![allow(dead_code)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Serves the built page from `dist/` on a free loopback port.
pub fn serve_dist() -> u16 {
    let dist = std::env::var_os("CLUSTERLAB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("dist"));
    assert!(
        dist.join("index.html").exists(),
        "{} has no built page; `cargo xtask test` builds it with trunk",
        dist.display()
    );
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind a loopback port");
    let port = server.server_addr().to_ip().expect("an IP address").port();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let path = request
                .url()
                .split(['?', '#'])
                .next()
                .unwrap_or("/")
                .to_string();
            let file = if path == "/" {
                "index.html".to_string()
            } else {
                path.trim_start_matches('/').to_string()
            };
            let full = dist.join(&file);
            let response = match std::fs::read(&full) {
                Ok(bytes) if !file.contains("..") => {
                    let kind = match full.extension().and_then(|e| e.to_str()) {
                        Some("wasm") => "application/wasm",
                        Some("js") => "text/javascript",
                        Some("css") => "text/css",
                        _ => "text/html; charset=utf-8",
                    };
                    tiny_http::Response::from_data(bytes).with_header(
                        tiny_http::Header::from_bytes("Content-Type", kind).expect("a header"),
                    )
                }
                _ => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
            };
            let _ = request.respond(response);
        }
    });
    port
}

/// chromedriver on a free port, stopped when dropped.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let mut child = Command::new(&program)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program} (apt install chromium-driver): {e}"));
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Driver { child, port };
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("chromedriver did not listen on port {port}");
}

pub async fn browser(driver: &Driver) -> Client {
    let caps = json!({
        "goog:chromeOptions": {
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1280,800"]
        },
        "goog:loggingPrefs": { "browser": "ALL" }
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::rustls()
        .expect("a TLS setup")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a chromedriver session")
}

/// The browser's console log since the last call (chromedriver's log endpoint).
pub fn browser_log(driver: &Driver, session: &str) -> Vec<Value> {
    use std::io::{Read, Write};
    let body = r#"{"type":"browser"}"#;
    let mut s = TcpStream::connect(("127.0.0.1", driver.port)).expect("chromedriver");
    write!(
        s,
        "POST /session/{session}/se/log HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("a request");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout");
    // Read the headers, then exactly Content-Length bytes (chromedriver keeps the socket).
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let (head_len, body_len) = loop {
        let n = s.read(&mut buf).expect("a reply");
        assert!(n > 0, "chromedriver closed the log request");
        raw.extend_from_slice(&buf[..n]);
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..i]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .expect("a Content-Length");
            break (i + 4, len);
        }
    };
    while raw.len() < head_len + body_len {
        let n = s.read(&mut buf).expect("the body");
        assert!(n > 0, "chromedriver closed the log reply early");
        raw.extend_from_slice(&buf[..n]);
    }
    let json = String::from_utf8_lossy(&raw[head_len..head_len + body_len]).into_owned();
    serde_json::from_str::<Value>(json.trim())
        .ok()
        .and_then(|v| v.get("value").cloned())
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
}

pub async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect("the script ran")
}

/// Waits (up to 60 s of wall time) until `script` returns true.
pub async fn until(c: &Client, what: &str, script: &str) {
    eprintln!("waiting for {what}");
    for _ in 0..600 {
        if js(c, script).await == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

pub async fn type_line(c: &Client, line: &str) {
    let input = c
        .find(Locator::Id("console-input"))
        .await
        .expect("the console input");
    input
        .send_keys(&format!("{line}\u{E007}"))
        .await
        .expect("typed");
}

pub async fn last_output(c: &Client) -> String {
    js(
        c,
        "const o = document.querySelectorAll('.exchange'); const l = o[o.length - 1]; \
           return l ? (l.querySelector('.output') || {textContent: ''}).textContent : '';",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

pub async fn screenshot(c: &Client, name: &str) -> PathBuf {
    let dir = workspace().join("target/playground-screenshots");
    std::fs::create_dir_all(&dir).expect("a screenshot folder");
    let path = dir.join(name);
    std::fs::write(&path, c.screenshot().await.expect("a screenshot")).expect("written");
    println!("screenshot: {}", path.display());
    path
}

/// Clicks the element `css` selects.
pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

/// Opens the page with empty local storage, so it starts a fresh default cluster.
pub async fn open_fresh(c: &Client, page: &str) {
    c.goto(page).await.expect("the page");
    js(
        c,
        "localStorage.clear(); history.replaceState(null, '', '/'); return true;",
    )
    .await;
    c.goto("about:blank").await.expect("blank");
    c.goto(page).await.expect("the page, fresh");
}

/// Chooses a speed preset (`1`, `100`, …).
pub async fn set_speed(c: &Client, value: &str) {
    click(
        c,
        &format!("select[aria-label='Speed preset'] option[value='{value}']"),
    )
    .await;
}

/// A browser on the built page, fresh, with its six cards drawn.
pub struct Page {
    pub driver: Driver,
    pub c: Client,
    pub session: String,
    pub url: String,
}

/// Serves `dist/`, starts chromedriver and Chromium, and opens the page fresh.
pub async fn open_page() -> Page {
    let port = serve_dist();
    let driver = start_chromedriver();
    let c = browser(&driver).await;
    let session = c.session_id().await.expect("a session").expect("an id");
    let url = format!("http://127.0.0.1:{port}/");
    open_fresh(&c, &url).await;
    until(
        &c,
        "six node cards",
        "return document.querySelectorAll('.card').length === 6;",
    )
    .await;
    Page {
        driver,
        c,
        session,
        url,
    }
}

impl Page {
    /// Fails on any error or warning in the browser log, then closes the browser.
    pub async fn close_clean(self) {
        let log = browser_log(&self.driver, &self.session);
        let severe: Vec<&Value> = log
            .iter()
            .filter(|e| e["level"] == "SEVERE" || e["level"] == "WARNING")
            .collect();
        assert!(severe.is_empty(), "browser log has errors: {severe:?}");
        self.c.close().await.expect("closed");
    }
}

/// A script that clicks the first button whose text starts with `text`; it returns
/// whether there was one.
pub fn click_text(text: &str) -> String {
    format!("const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim().startsWith('{text}')); if (b) {{ b.click(); return true; }} return false;")
}
