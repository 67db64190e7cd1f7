//! Project automation, one entry point for people and CI.
//!
//! * `cargo xtask test`: formatting, clippy, every native test, the core built for
//!   `wasm32-unknown-unknown`, and the same session's bytes compared between native code
//!   and WebAssembly.
//! * `cargo xtask console [ARGS…]`: builds and opens the `clusterlab` console.
//! * `cargo xtask serve`: installs the playground's tools when missing, builds the page and
//!   serves it on http://127.0.0.1:8080.
//!
//! * `cargo xtask bench-page`: the playground's speed in headless Chromium.
//! * `cargo xtask bench-serve`: `clusterlab serve` beside real Redis under redis-benchmark.
//! * `cargo xtask bench-clients`: client libraries during a master kill, serve beside real Redis.
//! * `cargo xtask fidelity-page [DIR]`: FIDELITY.md as the playground's page (Trunk runs it).
//!
//! `test` also builds the page and runs the browser tests in headless Chromium, and the
//! differential suite against a real Redis 7 cluster.

mod bench_serve;
mod fidelity;
mod playground;
mod setup;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("console") => console(&args[1..]),
        Some("serve") => playground::serve(&args[1..]),
        Some("bench-page") => playground::bench(),
        Some("bench-serve") => bench_serve::bench(&args[1..]),
        Some("bench-clients") => bench_clients(&args[1..]),
        Some("fidelity-page") => fidelity::page(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask test | serve | console [clusterlab options] | bench-page | bench-serve [--rounds N] [--requests N] | bench-clients [KILLS] | fidelity-page [DIR]"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

pub(crate) fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

pub(crate) fn run(step: &str, cmd: &mut Command) -> Result<(), String> {
    eprintln!("xtask: {step}");
    let status = cmd.status().map_err(|e| format!("{step}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step} failed ({status})"))
    }
}

fn output(step: &str, cmd: &mut Command) -> Result<String, String> {
    eprintln!("xtask: {step}");
    let out = cmd.output().map_err(|e| format!("{step}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{step} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub(crate) fn have(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

pub(crate) fn ensure_target(target: &str) -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == target)
        })
        .unwrap_or(false);
    if installed {
        return Ok(());
    }
    run(
        &format!("rustup target add {target}"),
        Command::new("rustup").args(["target", "add", target]),
    )
}

fn test() -> Result<(), String> {
    setup::ensure_system_packages()?;
    if have("rustfmt", "--version") {
        run(
            "cargo fmt --check",
            cargo().args(["fmt", "--all", "--", "--check"]),
        )?;
    }
    if have("cargo-clippy", "--version") {
        run(
            "cargo clippy",
            cargo().args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--quiet",
                "--",
                "-D",
                "warnings",
            ]),
        )?;
    }
    run(
        "cargo test --workspace",
        cargo().args(["test", "--workspace"]),
    )?;
    ensure_target("wasm32-unknown-unknown")?;
    run(
        "core for wasm32-unknown-unknown",
        cargo().args([
            "build",
            "--quiet",
            "-p",
            "clusterlab-core",
            "--target",
            "wasm32-unknown-unknown",
        ]),
    )?;
    same_bytes_native_and_wasm()?;
    playground::browser_tests()?;
    differential_suite()
}

/// redis-py from PyPI, into `target/tools/python`.
pub(crate) const REDIS_PY: &str = "redis==8.1.0";

/// Node's cluster clients from npm, into `target/tools/node_modules`.
pub(crate) const NODE_CLIENTS: &[&str] = &["ioredis@6.0.0", "redis@6.3.1"];

/// The client libraries' tests (and benchmark) need these installed.
fn ensure_client_libraries() -> Result<(), String> {
    setup::ensure_pypi(&[REDIS_PY])?;
    setup::ensure_npm(NODE_CLIENTS)
}

/// `cargo xtask bench-clients [KILLS]`: each client library's writes during a master
/// kill, against clusterlab serve and a real Redis 7 cluster.
fn bench_clients(args: &[String]) -> Result<(), String> {
    setup::ensure_system_packages()?;
    ensure_client_libraries()?;
    run(
        "client libraries during a master kill: clusterlab serve and real Redis",
        cargo()
            .args([
                "bench",
                "-p",
                "clusterlab-tests",
                "--bench",
                "client_failover",
                "--",
            ])
            .args(args),
    )
}

/// The same scripts against a real Redis 7 cluster and the simulation, and real clients
/// against `clusterlab serve` (Debian's redis-server and redis-tools, which
/// [`setup::ensure_system_packages`] installs; redis-py from PyPI).
fn differential_suite() -> Result<(), String> {
    ensure_client_libraries()?;
    run(
        "redis-py, ioredis, node-redis and the redis crate against clusterlab serve",
        cargo().args([
            "test",
            "-p",
            "clusterlab-tests",
            "--test",
            "client_libraries",
            "--",
            "--ignored",
            "--nocapture",
        ]),
    )?;
    run(
        "real redis-cli --cluster check and reshard against clusterlab serve",
        cargo().args([
            "test",
            "-p",
            "clusterlab-tests",
            "--test",
            "redis_cli_cluster_tools",
            "--",
            "--ignored",
        ]),
    )?;
    run(
        "the command table against redis-server's COMMAND INFO",
        cargo().args([
            "test",
            "-p",
            "clusterlab-tests",
            "--test",
            "command_info",
            "--",
            "--ignored",
        ]),
    )?;
    run(
        "differential suite: real Redis 7 cluster vs clusterlab serve (release build)",
        cargo().args([
            "test",
            "--release",
            "-p",
            "clusterlab-tests",
            "--test",
            "differential",
            "--",
            "--ignored",
            "--nocapture",
        ]),
    )?;
    run(
        "random differential: seeded command sequences, real Redis 7 vs clusterlab serve (release build)",
        cargo().args([
            "test",
            "--release",
            "-p",
            "clusterlab-tests",
            "--test",
            "differential_random",
            "--",
            "--ignored",
            "--nocapture",
        ]),
    )?;
    run(
        "replication differential: the stream a SYNC client reads, real Redis 7 vs clusterlab serve (release build)",
        cargo().args([
            "test",
            "--release",
            "-p",
            "clusterlab-tests",
            "--test",
            "differential_replication",
            "--",
            "--ignored",
            "--nocapture",
        ]),
    )
}

/// Runs the `trace_hash` example natively and as wasm32-wasip1 under Node, and compares.
fn same_bytes_native_and_wasm() -> Result<(), String> {
    let native = output(
        "trace_hash example, native",
        cargo().args([
            "run",
            "--quiet",
            "-p",
            "clusterlab-core",
            "--example",
            "trace_hash",
        ]),
    )?;
    if !have("node", "--version") {
        eprintln!("xtask: node not found, native/wasm comparison skipped");
        return Ok(());
    }
    ensure_target("wasm32-wasip1")?;
    run(
        "trace_hash example, wasm32-wasip1",
        cargo().args([
            "build",
            "--quiet",
            "-p",
            "clusterlab-core",
            "--example",
            "trace_hash",
            "--target",
            "wasm32-wasip1",
        ]),
    )?;
    let wasm = root().join("target/wasm32-wasip1/debug/examples/trace_hash.wasm");
    let script = format!(
        "const {{ WASI }} = require('node:wasi'); const fs = require('fs');\
         const wasi = new WASI({{ version: 'preview1', args: ['trace_hash'], env: {{}} }});\
         WebAssembly.instantiate(fs.readFileSync({:?}), wasi.getImportObject())\
         .then(({{ instance }}) => wasi.start(instance));",
        wasm.display().to_string()
    );
    let wasm_out = output(
        "trace_hash example under node",
        Command::new("node").args(["--no-warnings", "-e", &script]),
    )?;
    if wasm_out != native {
        return Err(format!(
            "native and wasm sessions differ\n--- native\n{native}\n--- wasm\n{wasm_out}"
        ));
    }
    let hashes: Vec<&str> = native
        .lines()
        .filter(|l| l.len() == 16 && l.bytes().all(|c| c.is_ascii_hexdigit()))
        .collect();
    eprintln!(
        "xtask: native and wasm32 give the same bytes (trace hashes {})",
        hashes.join(", ")
    );
    println!("determinism: 1 passed, 0 failed");
    Ok(())
}

fn console(args: &[String]) -> Result<(), String> {
    run(
        "clusterlab console",
        cargo()
            .args(["run", "--quiet", "--release", "-p", "clusterlab", "--"])
            .args(args),
    )
}
