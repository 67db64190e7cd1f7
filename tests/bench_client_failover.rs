//! Benchmark: how long each cluster client library's writes stay down when the master of
//! their slot is killed, against `clusterlab serve` at real time and against a real Redis
//! 7.0.15 cluster (both 3 × 1, cluster-node-timeout 5000), the same kill repeated on each
//! side. Figures only: nothing here passes or fails on a time.
//!
//! Run with `cargo xtask bench-clients [KILLS]` (it installs the libraries first).

#[path = "client_run.rs"]
mod client_run;
#[path = "real_cluster.rs"]
mod real_cluster;
#[path = "resp_client.rs"]
mod resp_client;
#[path = "rust_client.rs"]
mod rust_client;

use std::time::{Duration, Instant};

use client_run::{owner_of, Library, Outcome, WRITE_SLOT};
use real_cluster::RealCluster;

const SIM_BASE: u16 = 22101;
const REAL_BASE: u16 = 22201;

fn info(port: u16, section: &str) -> String {
    real_cluster::text(port, &["INFO", section])
}

/// Every node of `ports` is up, says ok, and every replica's link is up.
fn wait_healthy(ports: &[u16]) {
    let start = Instant::now();
    let healthy = || {
        ports.iter().all(|&p| {
            let cluster = real_cluster::text(p, &["CLUSTER", "INFO"]);
            let repl = info(p, "replication");
            cluster.contains("cluster_state:ok")
                && (repl.contains("role:master") || repl.contains("master_link_status:up"))
        })
    };
    while !healthy() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the cluster did not heal"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn summary(outcomes: &[Outcome]) -> (Vec<u64>, usize) {
    let mut backs: Vec<u64> = outcomes.iter().filter_map(Outcome::back_after_ms).collect();
    backs.sort_unstable();
    let failed = outcomes.iter().map(Outcome::failed_after_kill).sum();
    (backs, failed)
}

fn median(xs: &[u64]) -> u64 {
    xs.get(xs.len() / 2).copied().unwrap_or(0)
}

fn main() {
    let kills: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let mut rows = Vec::new();
    for library in Library::ALL {
        eprintln!("{}: {kills} kills against clusterlab serve", library.name());
        let sim_ports: Vec<u16> = (0..6).map(|i| SIM_BASE + i).collect();
        let serving = clusterlab_tests::serve_default(SIM_BASE, 1.0);
        wait_healthy(&sim_ports);
        let mut sim = Vec::new();
        for _ in 0..kills {
            let owner = owner_of(SIM_BASE + 3, WRITE_SLOT).expect("the slot's master");
            let any = *sim_ports.iter().find(|&&p| p != owner).expect("a node");
            sim.push(client_run::run(library, any, || {
                serving.run_line(&format!(".kill {owner}"));
            }));
            serving.run_line(&format!(".restart {owner}"));
            wait_healthy(&sim_ports);
        }
        drop(serving);

        eprintln!("{}: {kills} kills against real Redis", library.name());
        let mut cluster = RealCluster::start(REAL_BASE, 5000);
        let real_ports: Vec<u16> = (0..6).map(|i| REAL_BASE + i).collect();
        let mut real = Vec::new();
        for _ in 0..kills {
            let alive = real_ports[3];
            let owner = owner_of(alive, WRITE_SLOT).expect("the slot's master");
            let index = (owner - REAL_BASE) as usize;
            let any = *real_ports.iter().find(|&&p| p != owner).expect("a node");
            real.push(client_run::run(library, any, || {
                cluster_kill(&mut cluster, index)
            }));
            cluster.restart(index);
            wait_healthy(&real_ports);
        }
        drop(cluster);
        rows.push((library, summary(&sim), summary(&real)));
    }
    println!("| client | clusterlab serve: writes back after (median, range) | real Redis 7.0.15 | sim / real |");
    println!("| --- | --- | --- | --- |");
    for (library, (sim, _), (real, _)) in rows {
        let range = |xs: &[u64]| match (xs.first(), xs.last()) {
            (Some(a), Some(b)) => format!("{} ms ({a}–{b}, {} kills)", median(xs), xs.len()),
            _ => "never".to_string(),
        };
        let ratio = median(&sim) as f64 / median(&real).max(1) as f64;
        println!(
            "| {} | {} | {} | {:.2} |",
            library.name(),
            range(&sim),
            range(&real),
            ratio
        );
    }
}

/// Kills a real node from inside the client run's callback.
fn cluster_kill(cluster: &mut RealCluster, index: usize) {
    cluster.kill(index);
}
