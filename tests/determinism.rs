//! Same seed and same inputs give the same event log; different seeds give other IDs.

use clusterlab_core::ClusterShape;
use clusterlab_tests::{console, run};

const SCRIPT: &[&str] = &[
    "set mykey myvalue",
    "get mykey",
    ".advance 3s",
    "set hello world",
    "wait 1 100",
    "cluster nodes",
];

fn run_script(seed: u64) -> (String, String, Vec<String>) {
    let mut c = console(ClusterShape {
        seed,
        ..ClusterShape::default()
    });
    let mut out = String::new();
    for line in SCRIPT {
        out.push_str(&run(&mut c, line));
    }
    let ids = c
        .world()
        .processes()
        .iter()
        .map(|p| p.node.name().to_string())
        .collect();
    (c.world().trace_hash(), out, ids)
}

#[test]
fn same_seed_gives_same_trace_hash_and_output() {
    let a = run_script(42);
    let b = run_script(42);
    assert_eq!(a.0, b.0, "seed 42: trace hashes differ");
    assert_eq!(a.1, b.1, "seed 42: outputs differ");
    assert_eq!(a.2, b.2);
}

#[test]
fn different_seeds_give_different_ids_and_traces() {
    let a = run_script(1);
    let b = run_script(2);
    assert_ne!(a.0, b.0);
    assert!(
        a.2.iter().all(|id| !b.2.contains(id)),
        "node IDs must come from the seed"
    );
}

#[test]
fn node_ids_are_40_lowercase_hex() {
    let (_, _, ids) = run_script(5);
    for id in ids {
        assert_eq!(id.len(), 40);
        assert!(id
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
    }
}

/// Seed sweep, off by default: `SEED_SWEEP=200 cargo test -p clusterlab-tests seed_sweep`.
#[test]
fn seed_sweep_converges_and_redirects() {
    let n: u64 = std::env::var("SEED_SWEEP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    for seed in 1..=n {
        let mut c = console(ClusterShape {
            seed,
            ..ClusterShape::default()
        });
        let out = run(&mut c, "set mykey myvalue");
        assert_eq!(
            out, "-> Redirected to slot [14687] located at 127.0.0.1:7003\nOK\n",
            "seed {seed}"
        );
    }
}
