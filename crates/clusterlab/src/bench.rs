//! `clusterlab bench`: how many simulated seconds the core runs per wall second, at steady
//! state and during a failover, for clusters of several sizes (1 replica per master).

use std::time::Instant;

use clusterlab_core::console::Console;
use clusterlab_core::{ClusterShape, Fault, SimDuration};

/// Peak resident memory of this process in MiB (Linux), if known.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Runs the benchmark for each node count and prints one report line per phase.
pub fn run(sizes: &[usize], seconds: u64, node_timeout: u64, seed: u64) {
    println!("node-timeout {node_timeout} ms, seed {seed}, {seconds} simulated seconds per phase");
    println!(
        "{:>6} {:>10} {:>12} {:>14} {:>16} {:>12}",
        "nodes", "phase", "sim s/wall s", "bus msgs/sim s", "bus bytes/sim s", "peak MiB"
    );
    for &n in sizes {
        let masters = (n / 2).max(3);
        let shape = ClusterShape {
            seed,
            masters,
            replicas_per_master: 1,
            node_timeout,
            ..ClusterShape::default()
        };
        let started = Instant::now();
        let mut console = match Console::new(shape) {
            Ok(c) => c,
            Err(e) => {
                println!("{n:>6} create failed: {e}");
                continue;
            }
        };
        let create_wall = started.elapsed().as_secs_f64();
        let create_sim = console.world().now().as_millis() as f64 / 1000.0;
        println!(
            "{:>6} {:>10} {:>12.1} {:>14} {:>16} {:>12.0}",
            masters * 2,
            "create",
            create_sim / create_wall,
            "-",
            "-",
            peak_rss_mib().unwrap_or(0.0)
        );
        for phase in ["steady", "failover"] {
            if phase == "failover" {
                let port = console.shape().base_port;
                console
                    .world_mut()
                    .apply(Fault::Kill(port))
                    .expect("the first master exists");
            }
            let before = console.world().traffic().clone();
            let t = Instant::now();
            console.world_mut().advance(SimDuration::from_secs(seconds));
            let wall = t.elapsed().as_secs_f64();
            let after = console.world().traffic();
            let msgs = (after.bus_messages - before.bus_messages) as f64 / seconds as f64;
            let bytes = (after.bus_bytes - before.bus_bytes) as f64 / seconds as f64;
            println!(
                "{:>6} {:>10} {:>12.1} {:>14.0} {:>16.0} {:>12.0}",
                masters * 2,
                phase,
                seconds as f64 / wall,
                msgs,
                bytes,
                peak_rss_mib().unwrap_or(0.0)
            );
        }
    }
}
