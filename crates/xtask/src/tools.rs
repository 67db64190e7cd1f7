//! The playground's build tools, installed when missing (each step says what it does and
//! how long it takes): the wasm32 target, Trunk, wasm-bindgen-cli at the exact version in
//! Cargo.lock, and wasm-opt from the npm package `binaryen`.

use std::path::PathBuf;
use std::process::Command;

use crate::{ensure_target, root, run};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const BINARYEN_VERSION: &str = "132";

/// Where npm puts wasm-opt (kept under target/, out of the source tree).
pub fn tools_bin() -> PathBuf {
    root().join("target/tools/node_modules/.bin")
}

/// PATH with the local tools first.
pub fn path_with_tools() -> String {
    let old = std::env::var("PATH").unwrap_or_default();
    format!("{}:{old}", tools_bin().display())
}

fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The wasm-bindgen version Cargo.lock pins.
pub fn locked_wasm_bindgen() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen".into())
}

/// Checks that Trunk.toml pins the same wasm-bindgen as Cargo.lock.
fn check_trunk_toml(version: &str) -> Result<(), String> {
    let toml = std::fs::read_to_string(root().join("Trunk.toml"))
        .map_err(|e| format!("cannot read Trunk.toml: {e}"))?;
    if toml.contains(&format!("wasm_bindgen = \"{version}\"")) {
        Ok(())
    } else {
        Err(format!(
            "Trunk.toml must pin [tools] wasm_bindgen = \"{version}\", the version in Cargo.lock"
        ))
    }
}

/// Installs whatever is missing; quick when everything is present.
pub fn ensure_playground_tools() -> Result<(), String> {
    ensure_target("wasm32-unknown-unknown")?;
    if !version_of("trunk").is_some_and(|v| v.ends_with(TRUNK_VERSION)) {
        run(
            &format!("installing trunk {TRUNK_VERSION} (once; about 9 minutes on 2 cores)"),
            Command::new("cargo").args([
                "install",
                "trunk",
                "--version",
                TRUNK_VERSION,
                "--locked",
            ]),
        )?;
    }
    let bindgen = locked_wasm_bindgen()?;
    check_trunk_toml(&bindgen)?;
    if !version_of("wasm-bindgen").is_some_and(|v| v.ends_with(&bindgen)) {
        // Without --locked: the registry mirror lacks one of its pinned dependencies.
        run(
            &format!("installing wasm-bindgen-cli {bindgen} (once; about 3 minutes)"),
            Command::new("cargo").args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &format!("={bindgen}"),
            ]),
        )?;
    }
    let wasm_opt = tools_bin().join("wasm-opt");
    let have_opt = Command::new(&wasm_opt)
        .arg("--version")
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout).contains(&format!("version {BINARYEN_VERSION}"))
        });
    if !have_opt {
        let prefix = root().join("target/tools");
        std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
        run(
            &format!("installing wasm-opt (npm binaryen@{BINARYEN_VERSION}) into target/tools"),
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&prefix)
                .arg(format!("binaryen@{BINARYEN_VERSION}")),
        )?;
    }
    Ok(())
}
