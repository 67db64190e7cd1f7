//! Building, serving and testing the browser playground.

use std::process::Command;

use crate::tools::{ensure_playground_tools, path_with_tools};
use crate::{cargo, root, run};

fn trunk(args: &[&str]) -> Command {
    let mut c = Command::new("trunk");
    c.current_dir(root())
        .env("PATH", path_with_tools())
        .args(args);
    c
}

/// `cargo xtask serve`: installs the tools if needed, builds the release page and serves
/// it on http://127.0.0.1:8080, rebuilding on changes.
pub fn serve(extra: &[String]) -> Result<(), String> {
    ensure_playground_tools()?;
    eprintln!("xtask: building the playground; it opens at http://127.0.0.1:8080 once built");
    run(
        "trunk serve",
        trunk(&["serve", "--release", "--offline"]).args(extra),
    )
}

/// The release page in dist/ (what the page tests load).
pub fn build() -> Result<(), String> {
    ensure_playground_tools()?;
    run(
        "trunk build --release (the playground)",
        &mut trunk(&["build", "--release", "--offline"]),
    )
}

fn browser_env(c: &mut Command) -> &mut Command {
    let chromedriver =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    c.env("PATH", path_with_tools())
        .env("CHROMEDRIVER", chromedriver)
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("WASM_BINDGEN_TEST_TIMEOUT", "180")
}

/// The tests that need Chromium: wasm-bindgen tests of the core and the app, then the
/// built page end to end through chromedriver.
pub fn browser_tests() -> Result<(), String> {
    crate::setup::ensure_system_packages()?;
    build()?;
    run(
        "wasm-bindgen tests in headless Chromium",
        browser_env(&mut cargo()).args([
            "test",
            "-p",
            "clusterlab-web",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "in_browser",
        ]),
    )?;
    run(
        "the playground page end to end in headless Chromium",
        browser_env(&mut cargo()).args([
            "test",
            "-p",
            "clusterlab-tests",
            "--test",
            "playground_page",
            "--",
            "--ignored",
            "--nocapture",
            // One browser at a time: the tests pace themselves by simulated time.
            "--test-threads=1",
        ]),
    )
}

/// `cargo xtask bench-page`: first render, frame rates and a 100-node cluster in Chromium.
pub fn bench() -> Result<(), String> {
    build()?;
    run(
        "the playground benchmark in headless Chromium",
        browser_env(&mut cargo()).args([
            "bench",
            "-p",
            "clusterlab-tests",
            "--bench",
            "playground_page",
        ]),
    )
}
