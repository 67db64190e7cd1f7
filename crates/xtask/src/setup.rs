//! What the test suite needs from the machine, installed when missing, saying what it
//! does: Debian's packages (Chromium and chromedriver for the browser tests, a real Redis
//! 7 server and its tools for the differential suite, Node.js and npm) with apt-get when
//! running as root, otherwise the exact command to type. Client libraries from PyPI and
//! npm go into the project's own tool folder, `target/tools`, never into the system.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{root, run};

/// A Debian package and how to tell it is installed.
struct Package {
    name: &'static str,
    /// A file the package installs.
    provides: &'static str,
    why: &'static str,
}

const PACKAGES: &[Package] = &[
    Package {
        name: "chromium",
        provides: "/usr/bin/chromium",
        why: "the browser tests",
    },
    Package {
        name: "chromium-driver",
        provides: "/usr/bin/chromedriver",
        why: "the browser tests",
    },
    Package {
        name: "redis-server",
        provides: "/usr/bin/redis-server",
        why: "the differential suite's real Redis 7",
    },
    Package {
        name: "redis-tools",
        provides: "/usr/bin/redis-cli",
        why: "real redis-cli and redis-benchmark against clusterlab serve",
    },
];

/// Node.js and npm may come from elsewhere than Debian (nvm, a tarball): any on PATH do.
const PROGRAMS: &[(&str, &str)] = &[("node", "nodejs"), ("npm", "npm")];

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The Debian packages the suite needs that are not installed.
fn missing_packages() -> Vec<(&'static str, &'static str)> {
    let mut missing: Vec<(&str, &str)> = PACKAGES
        .iter()
        .filter(|p| !Path::new(p.provides).exists())
        .map(|p| (p.name, p.why))
        .collect();
    for &(program, package) in PROGRAMS {
        if !crate::have(program, "--version") {
            missing.push((package, "the wasm determinism check and npm's tools"));
        }
    }
    missing
}

/// Installs the missing Debian packages with apt-get when root; otherwise fails with the
/// exact command to type.
pub fn ensure_system_packages() -> Result<(), String> {
    let missing = missing_packages();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|(n, _)| *n).collect();
    for (name, why) in &missing {
        eprintln!("xtask: {name} is missing ({why})");
    }
    let command = format!("apt-get install -y {}", names.join(" "));
    if !is_root() {
        return Err(format!(
            "install the missing packages first:\n    sudo apt-get update && sudo {command}"
        ));
    }
    run(
        "apt-get update",
        Command::new("apt-get")
            .args(["update", "-qq"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    run(
        &command,
        Command::new("apt-get")
            .args(["install", "-y", "-qq"])
            .args(&names)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    let still: Vec<&str> = missing_packages().iter().map(|(n, _)| *n).collect();
    if still.is_empty() {
        Ok(())
    } else {
        Err(format!("apt-get did not install {}", still.join(", ")))
    }
}

/// The project's tool folder.
pub fn tools_dir() -> PathBuf {
    root().join("target/tools")
}

/// Where PyPI packages go: a folder on PYTHONPATH, not the system's site-packages.
pub fn python_dir() -> PathBuf {
    tools_dir().join("python")
}

/// Installs PyPI packages (`name==version`) into `target/tools/python` unless there.
pub fn ensure_pypi(packages: &[&str]) -> Result<(), String> {
    let dir = python_dir();
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            let (name, version) = p.split_once("==").unwrap_or((p, ""));
            let dist = dir.join(format!("{}-{version}.dist-info", name.replace('-', "_")));
            !dist.exists()
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    run(
        &format!("pip install {} into target/tools/python", missing.join(" ")),
        Command::new(python())
            .args(["-m", "pip", "install", "--quiet", "--upgrade", "--target"])
            .arg(&dir)
            .args(&missing),
    )
}

/// The Python interpreter the tests use: the first `python3` on PATH.
pub fn python() -> &'static str {
    "python3"
}

/// Where npm packages go: `target/tools/node_modules` (`NODE_PATH` for the tests).
pub fn node_modules() -> PathBuf {
    tools_dir().join("node_modules")
}

/// Installs npm packages (`name@version`) into `target/tools` unless there.
pub fn ensure_npm(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            let (name, version) = p.rsplit_once('@').unwrap_or((p, ""));
            let manifest = node_modules().join(name).join("package.json");
            let text = std::fs::read_to_string(manifest).unwrap_or_default();
            !text.contains(&format!("\"version\": \"{version}\""))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let prefix = tools_dir();
    std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
    run(
        &format!("npm install {} into target/tools", missing.join(" ")),
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .args(&missing),
    )
}
