//! `cargo xtask bench-serve`: `clusterlab serve` and real Redis 7.0.15 side by side in one
//! run, under the same `redis-benchmark` load. Every server process is pinned to core 0
//! and redis-benchmark to core 1 (`taskset`); the rounds alternate which side goes first
//! and the table gives each side's median. Figures only: nothing here passes or fails on
//! a speed.
//!
//! Two setups: one node holding all 16384 slots (`.start PORT` in serve, and a real
//! `redis-server --cluster-enabled yes`, each given the slots with `CLUSTER
//! ADDSLOTSRANGE 0 16383`), and a 3 × 1 cluster driven by `redis-benchmark --cluster`
//! (serve's default cluster, and six real nodes joined by `redis-cli --cluster create`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{cargo, root, run};

const TESTS: &str = "set,get,incr,lpush,zadd";
// Real nodes' bus ports (+10000) stay below the ephemeral range (32768+), where a
// client's socket could hold one.
const REAL_NODE: u16 = 21490;
const SIM_NODE: u16 = 21690;
const REAL_CLUSTER: u16 = 21501;
const SIM_CLUSTER: u16 = 21601;

/// Options: `--rounds N` (default 3), `--requests N` (default 200000).
pub fn bench(args: &[String]) -> Result<(), String> {
    let mut rounds = 3;
    let mut requests = 200_000;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = it.next().and_then(|v| v.parse::<usize>().ok());
        match (a.as_str(), value) {
            ("--rounds", Some(n)) => rounds = n.max(1),
            ("--requests", Some(n)) => requests = n.max(1),
            _ => {
                return Err(format!(
                    "bench-serve: unknown option {a} (--rounds N, --requests N)"
                ))
            }
        }
    }
    crate::setup::ensure_system_packages()?;
    run(
        "cargo build --release -p clusterlab",
        cargo().args(["build", "--release", "--quiet", "-p", "clusterlab"]),
    )?;
    let bin = root().join("target/release/clusterlab");
    let dir = std::env::temp_dir().join(format!("clusterlab-bench-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut rows = Vec::new();

    eprintln!("xtask: one node with every slot, {rounds} rounds of {requests} requests per test");
    {
        let _real = Servers::real(&dir, &[REAL_NODE])?;
        addslots(REAL_NODE)?;
        let _sim = Servers::serve(&bin, &dir, Some(SIM_NODE))?;
        wait_writable(REAL_NODE)?;
        wait_writable(SIM_NODE)?;
        for pipeline in [1, 16] {
            let flags = format!("-P {pipeline}");
            let table = side_by_side(rounds, requests, REAL_NODE, SIM_NODE, &flags)?;
            rows.extend(table.into_iter().map(|r| ("node", pipeline, r)));
        }
    }

    eprintln!("xtask: 3 masters × 1 replica with redis-benchmark --cluster");
    {
        let ports: Vec<u16> = (0..6).map(|i| REAL_CLUSTER + i).collect();
        let _real = Servers::real(&dir, &ports)?;
        create_cluster(&ports)?;
        let _sim = Servers::serve(&bin, &dir, None)?;
        for port in [REAL_CLUSTER, SIM_CLUSTER] {
            wait_writable(port)?;
        }
        for pipeline in [1, 16] {
            let flags = format!("--cluster -P {pipeline}");
            let table = side_by_side(rounds, requests, REAL_CLUSTER, SIM_CLUSTER, &flags)?;
            rows.extend(table.into_iter().map(|r| ("cluster", pipeline, r)));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);

    println!(
        "| setup | test | -P | redis-server 7.0.15 (req/s) | clusterlab serve (req/s) | ratio |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (setup, pipeline, (test, real, sim)) in rows {
        println!(
            "| {setup} | {test} | {pipeline} | {real:.0} | {sim:.0} | {:.0} % |",
            100.0 * sim / real
        );
    }
    Ok(())
}

/// Server processes, killed when dropped.
struct Servers {
    children: Vec<Child>,
    /// serve's control console, kept open while it runs.
    _stdin: Option<ChildStdin>,
}

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Servers {
    /// Real cluster-enabled nodes on `ports`, pinned to core 0.
    fn real(dir: &Path, ports: &[u16]) -> Result<Servers, String> {
        let mut servers = Servers {
            children: Vec::new(),
            _stdin: None,
        };
        for &port in ports {
            let child = Command::new("taskset")
                .args(["-c", "0", "redis-server", "--port", &port.to_string()])
                .args(["--cluster-enabled", "yes", "--cluster-config-file"])
                .arg(format!("nodes-{port}.conf"))
                .args(["--save", "", "--appendonly", "no", "--dir"])
                .arg(dir)
                .args(["--logfile", &format!("redis-{port}.log")])
                .stdout(Stdio::null())
                .spawn()
                .map_err(|e| format!("redis-server: {e}"))?;
            servers.children.push(child);
        }
        for &port in ports {
            wait_for(&format!("redis-server on {port}"), || {
                cli(port, &["ping"]).is_ok_and(|r| r == "PONG")
            })?;
        }
        Ok(servers)
    }

    /// `clusterlab serve` pinned to core 0: its default cluster on [`SIM_CLUSTER`], and
    /// with `node`, one more node there holding every slot.
    fn serve(bin: &PathBuf, dir: &Path, node: Option<u16>) -> Result<Servers, String> {
        let mut child = Command::new("taskset")
            .args(["-c", "0"])
            .arg(bin)
            .args([
                "serve",
                "--seed",
                "1",
                "--base-port",
                &SIM_CLUSTER.to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(std::fs::File::create(dir.join("serve.log")).map_err(|e| e.to_string())?)
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("clusterlab serve: {e}"))?;
        let mut stdin = child.stdin.take().ok_or("serve's stdin")?;
        wait_for("clusterlab serve", || {
            cli(SIM_CLUSTER, &["ping"]).is_ok_and(|r| r == "PONG")
        })?;
        if let Some(port) = node {
            writeln!(stdin, ".start {port}").map_err(|e| e.to_string())?;
            wait_for(&format!("the node on {port}"), || {
                cli(port, &["ping"]).is_ok_and(|r| r == "PONG")
            })?;
            addslots(port)?;
        }
        Ok(Servers {
            children: vec![child],
            _stdin: Some(stdin),
        })
    }
}

fn cli(port: u16, args: &[&str]) -> Result<String, String> {
    let out = Command::new("redis-cli")
        .args(["-p", &port.to_string()])
        .args(args)
        .output()
        .map_err(|e| format!("redis-cli: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) -> Result<(), String> {
    let start = Instant::now();
    while !ok() {
        if start.elapsed() > Duration::from_secs(60) {
            return Err(format!("timed out waiting for {what}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

fn addslots(port: u16) -> Result<(), String> {
    let reply = cli(port, &["cluster", "addslotsrange", "0", "16383"])?;
    match reply.as_str() {
        "OK" => Ok(()),
        other => Err(format!("CLUSTER ADDSLOTSRANGE on {port}: {other}")),
    }
}

/// Waits until `port` takes writes (a new master waits out its writable delay).
fn wait_writable(port: u16) -> Result<(), String> {
    wait_for(&format!("{port} to take writes"), || {
        cli(port, &["-c", "set", "bench:ready", "1"]).is_ok_and(|r| r == "OK")
    })
}

fn create_cluster(ports: &[u16]) -> Result<(), String> {
    let addrs: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    let status = Command::new("redis-cli")
        .args(["--cluster", "create"])
        .args(&addrs)
        .args(["--cluster-replicas", "1", "--cluster-yes"])
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("redis-cli --cluster create: {e}"))?;
    if !status.success() {
        return Err("redis-cli --cluster create failed".into());
    }
    wait_for("the real cluster to be ok", || {
        ports
            .iter()
            .all(|&p| cli(p, &["cluster", "info"]).is_ok_and(|i| i.contains("cluster_state:ok")))
    })
}

/// One redis-benchmark run: requests per second per test.
fn benchmark(port: u16, requests: usize, flags: &str) -> Result<Vec<(String, f64)>, String> {
    let out = Command::new("taskset")
        .args(["-c", "1", "redis-benchmark", "-p", &port.to_string()])
        .args(["-t", TESTS, "-n", &requests.to_string(), "--csv", "-q"])
        .args(flags.split_whitespace())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("redis-benchmark: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<(String, f64)> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cells = l.split(',').map(|c| c.trim_matches('"'));
            let test = cells.next()?.to_string();
            let rps = cells.next()?.parse().ok()?;
            Some((test, rps))
        })
        .collect();
    if rows.is_empty() {
        return Err(format!(
            "redis-benchmark -p {port} {flags} printed no results"
        ));
    }
    Ok(rows)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(0.0)
}

/// `rounds` runs on each side, alternating which goes first: (test, real, sim) medians.
fn side_by_side(
    rounds: usize,
    requests: usize,
    real: u16,
    sim: u16,
    flags: &str,
) -> Result<Vec<(String, f64, f64)>, String> {
    let mut real_runs = Vec::new();
    let mut sim_runs = Vec::new();
    for round in 0..rounds {
        eprintln!("xtask: redis-benchmark {flags}, round {}", round + 1);
        if round % 2 == 0 {
            real_runs.push(benchmark(real, requests, flags)?);
            sim_runs.push(benchmark(sim, requests, flags)?);
        } else {
            sim_runs.push(benchmark(sim, requests, flags)?);
            real_runs.push(benchmark(real, requests, flags)?);
        }
    }
    let tests: Vec<String> = real_runs[0].iter().map(|(t, _)| t.clone()).collect();
    let pick = |runs: &[Vec<(String, f64)>], test: &str| {
        median(
            runs.iter()
                .filter_map(|r| r.iter().find(|(t, _)| t == test).map(|(_, v)| *v))
                .collect(),
        )
    };
    Ok(tests
        .iter()
        .map(|t| (t.clone(), pick(&real_runs, t), pick(&sim_runs, t)))
        .collect())
}
