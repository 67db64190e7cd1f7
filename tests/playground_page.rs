//! End-to-end tests of the built playground page in headless Chromium, driven through
//! chromedriver: the blog's walkthrough and a failover by clicking and typing, a share link
//! that replays to the same trace hash, a reload that keeps the session, the narrow layout,
//! and a clean browser log. Screenshots go to `target/playground-screenshots/`.
//!
//! `cargo xtask test` builds the page (`trunk build --release`) and runs these; they are
//! ignored by a plain `cargo test` because they need the page, Chromium and chromedriver.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Serves the built page from `dist/` on a free loopback port.
fn serve_dist() -> u16 {
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
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_chromedriver() -> Driver {
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

async fn browser(driver: &Driver) -> Client {
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
fn browser_log(driver: &Driver, session: &str) -> Vec<Value> {
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

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect("the script ran")
}

/// Waits (up to 60 s of wall time) until `script` returns true.
async fn until(c: &Client, what: &str, script: &str) {
    eprintln!("waiting for {what}");
    for _ in 0..600 {
        if js(c, script).await == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn type_line(c: &Client, line: &str) {
    let input = c
        .find(Locator::Id("console-input"))
        .await
        .expect("the console input");
    input
        .send_keys(&format!("{line}\u{E007}"))
        .await
        .expect("typed");
}

async fn last_output(c: &Client) -> String {
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

async fn screenshot(c: &Client, name: &str) -> PathBuf {
    let dir = workspace().join("target/playground-screenshots");
    std::fs::create_dir_all(&dir).expect("a screenshot folder");
    let path = dir.join(name);
    std::fs::write(&path, c.screenshot().await.expect("a screenshot")).expect("written");
    println!("screenshot: {}", path.display());
    path
}

async fn trace_hash(c: &Client) -> String {
    c.find(Locator::Css("button[aria-expanded]"))
        .await
        .expect("About")
        .click()
        .await
        .expect("opened");
    let hash = c
        .find(Locator::Css(".trace-hash"))
        .await
        .expect("the hash")
        .text()
        .await
        .expect("text");
    c.find(Locator::Css("button[aria-expanded]"))
        .await
        .expect("About")
        .click()
        .await
        .expect("closed");
    hash
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built page, Chromium and chromedriver: run `cargo xtask test`"]
async fn walkthrough_failover_share_and_reload_in_chromium() {
    let port = serve_dist();
    let driver = start_chromedriver();
    let c = browser(&driver).await;
    let session = c.session_id().await.expect("a session").expect("an id");
    let page = format!("http://127.0.0.1:{port}/");
    c.goto(&page).await.expect("the page");
    js(&c, "localStorage.clear(); return true;").await;
    c.goto("about:blank").await.expect("blank");
    c.goto(&page).await.expect("the page, fresh");
    until(
        &c,
        "six node cards",
        "return document.querySelectorAll('.card').length === 6;",
    )
    .await;
    assert_eq!(
        js(&c, "return document.getElementById('loading') === null;").await,
        Value::Bool(true)
    );

    // The blog's walkthrough: a redirected SET.
    type_line(&c, "cluster info").await;
    until(
        &c,
        "CLUSTER INFO",
        "return document.querySelectorAll('.exchange').length === 1;",
    )
    .await;
    let info = last_output(&c).await;
    assert!(
        info.starts_with("cluster_state:ok\r\ncluster_slots_assigned:16384\r\n"),
        "{info:?}"
    );
    type_line(&c, "set mykey myvalue").await;
    until(
        &c,
        "the SET's reply",
        "return document.querySelectorAll('.exchange').length === 2;",
    )
    .await;
    assert_eq!(
        last_output(&c).await,
        "-> Redirected to slot [14687] located at 127.0.0.1:7003\nOK\n"
    );

    // Tab completes, the hint shows the arguments, ↑ recalls the last line, Esc clears.
    let input = c
        .find(Locator::Id("console-input"))
        .await
        .expect("the console input");
    input.send_keys("clu\u{E004}").await.expect("Tab");
    until(
        &c,
        "completion",
        "return document.getElementById('console-input').value === 'CLUSTER';",
    )
    .await;
    input
        .send_keys("\u{E00C}get ")
        .await
        .expect("Esc, then get");
    until(
        &c,
        "the hint",
        "return document.querySelector('.hint-line').textContent.endsWith('key');",
    )
    .await;
    input
        .send_keys("\u{E00C}\u{E013}")
        .await
        .expect("Esc, then up");
    until(
        &c,
        "history",
        "return document.getElementById('console-input').value === 'set mykey myvalue';",
    )
    .await;
    input.send_keys("\u{E00C}").await.expect("Esc");

    // A failover by clicking: kill 7003, run at 100×, watch its replica take over.
    let replica = js(&c, "return [...document.querySelectorAll('.card')].find(c => c.querySelector('.role').textContent.startsWith('replica of 7003')).querySelector('.port').textContent;").await;
    let replica = replica.as_str().expect("a replica of 7003").to_string();
    c.find(Locator::Css("button[aria-label='Kill 7003']"))
        .await
        .expect("kill")
        .click()
        .await
        .expect("clicked");
    c.find(Locator::Css(
        "select[aria-label='Speed preset'] option[value='100']",
    ))
    .await
    .expect("100×")
    .click()
    .await
    .expect("chosen");
    c.find(Locator::Css("button.play"))
        .await
        .expect("play")
        .click()
        .await
        .expect("playing");
    until(&c, "the promotion", &format!(
        "return [...document.querySelectorAll('.card')].some(c => c.querySelector('.port').textContent === '{replica}' && c.querySelector('.role').textContent.startsWith('master'));"
    )).await;
    // Space pauses (the keyboard shortcut), once focus is off the console input.
    js(&c, "document.activeElement.blur(); return true;").await;
    c.find(Locator::Css("body"))
        .await
        .expect("body")
        .send_keys(" ")
        .await
        .expect("space");
    until(
        &c,
        "the pause",
        "return document.querySelector('button.play').textContent.includes('Play');",
    )
    .await;
    type_line(&c, &format!(".connect {replica}")).await;
    type_line(&c, "cluster info").await;
    until(
        &c,
        "CLUSTER INFO after the failover",
        "return document.querySelectorAll('.exchange').length === 5;",
    )
    .await;
    let info = last_output(&c).await;
    assert!(info.starts_with("cluster_state:ok\r\n"), "{info:?}");
    type_line(&c, "get mykey").await;
    until(
        &c,
        "GET",
        "return document.querySelectorAll('.exchange').length === 6;",
    )
    .await;
    assert_eq!(last_output(&c).await, "\"myvalue\"\n");
    c.find(Locator::Css("nav.bookmarks button:nth-child(4)"))
        .await
        .expect("promotion")
        .click()
        .await
        .expect("jumped");
    until(&c, "the selected promotion event", "return !!document.querySelector('.event.selected') && document.querySelectorAll('.card.highlight').length >= 1;").await;
    screenshot(&c, "failover-1280x800.png").await;

    // The share link replays the run to the same trace hash.
    let hash = trace_hash(&c).await;
    assert_eq!(hash.len(), 16);
    let link = js(&c, "return location.href;")
        .await
        .as_str()
        .expect("a link")
        .to_string();
    assert!(link.contains("#v1&seed=1&"), "{link}");
    js(&c, "localStorage.clear(); return true;").await;
    c.goto("about:blank").await.expect("blank");
    c.goto(&link).await.expect("the shared link");
    until(
        &c,
        "the replayed run",
        "return document.querySelectorAll('.exchange').length === 6;",
    )
    .await;
    assert_eq!(
        trace_hash(&c).await,
        hash,
        "the shared link replays to the same trace hash"
    );

    // A reload keeps the session (from the address bar and local storage).
    c.goto("about:blank").await.expect("blank");
    c.goto(&page).await.expect("the page without a fragment");
    until(
        &c,
        "the restored session",
        "return document.querySelectorAll('.exchange').length === 6;",
    )
    .await;
    assert_eq!(
        trace_hash(&c).await,
        hash,
        "local storage restores the same run"
    );

    // Usable at 390 px: one column, nothing wider than the screen.
    c.set_window_size(390, 844).await.expect("resized");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let overflow = js(
        &c,
        "return document.documentElement.scrollWidth - window.innerWidth;",
    )
    .await;
    assert!(
        overflow.as_i64().unwrap_or(1) <= 0,
        "horizontal overflow at 390 px: {overflow}"
    );
    screenshot(&c, "narrow-390.png").await;

    let log = browser_log(&driver, &session);
    let severe: Vec<&Value> = log
        .iter()
        .filter(|e| e["level"] == "SEVERE" || e["level"] == "WARNING")
        .collect();
    assert!(severe.is_empty(), "browser log has errors: {severe:?}");
    c.close().await.expect("closed");
}
