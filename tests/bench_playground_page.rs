//! Benchmark of the built playground in headless Chromium: time to first render, frames
//! per second with the default cluster at 1× and 100×, and a 100-node cluster (reset time,
//! frames per second, simulated speed). Figures only; nothing here asserts a time.
//!
//! Run with `cargo xtask bench-page` (it builds the page first).

#[path = "browser_support.rs"]
mod browser_support;

use std::time::{Duration, Instant};

use browser_support::*;
use fantoccini::{Client, Locator};
use serde_json::Value;

async fn data(c: &Client, name: &str) -> f64 {
    let v = js(
        c,
        &format!("return document.documentElement.dataset.{name} || '0';"),
    )
    .await;
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or(0.0)
}

/// Plays for `secs` of wall time; returns (fps, simulated ms per wall second).
async fn measure(c: &Client, secs: u64) -> (f64, f64) {
    let sim0 = data(c, "simMs").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let start_sim = data(c, "simMs").await.max(sim0);
    let mut fps = Vec::new();
    for _ in 0..secs {
        tokio::time::sleep(Duration::from_secs(1)).await;
        fps.push(data(c, "fps").await);
    }
    let end_sim = data(c, "simMs").await;
    fps.sort_by(f64::total_cmp);
    (fps[fps.len() / 2], (end_sim - start_sim) / secs as f64)
}

async fn toggle_play(c: &Client) {
    click(c, "button.play").await;
}

#[tokio::main]
async fn main() {
    let port = serve_dist();
    let driver = start_chromedriver();
    let c = browser(&driver).await;
    let page = format!("http://127.0.0.1:{port}/");
    c.goto(&page).await.expect("the page");
    js(&c, "localStorage.clear(); return true;").await;
    let mut first = Vec::new();
    for _ in 0..5 {
        c.goto("about:blank").await.expect("blank");
        c.goto(&page).await.expect("the page");
        until(
            &c,
            "the cards",
            "return !!document.documentElement.dataset.firstRenderMs;",
        )
        .await;
        first.push(data(&c, "firstRenderMs").await);
        js(
            &c,
            "localStorage.clear(); history.replaceState(null, '', '/'); return true;",
        )
        .await;
    }
    first.sort_by(f64::total_cmp);
    println!("time to first render (navigation start → cards drawn), 5 loads: median {:.0} ms, min {:.0}, max {:.0}",
        first[2], first[0], first[4]);

    c.goto("about:blank").await.expect("blank");
    c.goto(&page).await.expect("the page");
    until(
        &c,
        "the cards",
        "return document.querySelectorAll('.card').length === 6;",
    )
    .await;
    for speed in ["1", "100", "1000"] {
        set_speed(&c, speed).await;
        toggle_play(&c).await;
        let (fps, sim) = measure(&c, 5).await;
        toggle_play(&c).await;
        println!(
            "6 nodes at {speed}×: {fps:.0} frames per second, {:.0}× real time simulated",
            sim / 1000.0
        );
    }

    for (masters, label) in [("50", "100 nodes")] {
        let field = c
            .find(Locator::Css("input[aria-label='Masters']"))
            .await
            .expect("masters");
        field
            .send_keys("\u{E009}a\u{E009}\u{E003}")
            .await
            .expect("cleared");
        field.send_keys(masters).await.expect("typed");
        let started = Instant::now();
        click(&c, "button[title^='Create the cluster again']").await;
        until(
            &c,
            "the big cluster",
            "return document.querySelectorAll('.chip').length === 100;",
        )
        .await;
        println!(
            "{label}: created and converged in {:.1} s of wall time",
            started.elapsed().as_secs_f64()
        );
        for speed in ["1", "10", "100"] {
            set_speed(&c, speed).await;
            toggle_play(&c).await;
            let (fps, sim) = measure(&c, 5).await;
            toggle_play(&c).await;
            println!(
                "{label} at {speed}×: {fps:.0} frames per second, {:.1}× real time simulated",
                sim / 1000.0
            );
        }
    }
    let session = c.session_id().await.expect("a session").expect("an id");
    for e in browser_log(&driver, &session) {
        if e["level"] == "SEVERE" {
            eprintln!("browser error: {}", e["message"]);
        }
    }
    let _: Value = js(&c, "return true;").await;
    c.close().await.expect("closed");
}
