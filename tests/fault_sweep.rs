//! Random faults on random seeds, with the invariants checked after every simulated
//! second, then a full repair: the cluster must come back to `cluster_state:ok` on every
//! node within a bound derived from the rules. CI runs a handful of seeds;
//! `FAULT_SEEDS=200` runs more (a failure prints its seed).

use clusterlab_core::rng::SimRng;
use clusterlab_core::{DataOnRestart, Fault, ProcessState, SimDuration};
use clusterlab_tests::{check_invariants, cluster, wait_until};

const PORTS: [u16; 6] = [7001, 7002, 7003, 7004, 7005, 7006];

fn random_fault(rng: &mut SimRng) -> Fault {
    let a = PORTS[rng.index(6)];
    let b = PORTS[rng.index(6)];
    match rng.below(8) {
        0 => Fault::Kill(a),
        1 => Fault::Restart {
            port: a,
            data: if rng.below(2) == 0 {
                DataOnRestart::Empty
            } else {
                DataOnRestart::Keep
            },
        },
        2 => Fault::Pause {
            port: a,
            duration: SimDuration(1000 + rng.below(8000)),
        },
        3 => {
            let cut = 1 + rng.index(3);
            Fault::Partition(vec![PORTS[..cut].to_vec(), PORTS[cut..].to_vec()])
        }
        4 => Fault::OneWay { from: a, to: b },
        5 => Fault::Loss {
            from: a,
            to: b,
            percent: rng.below(60) as u8,
        },
        6 => Fault::Delay {
            from: a,
            to: b,
            ms: rng.below(300),
        },
        _ => Fault::Heal,
    }
}

fn sweep(seed: u64) {
    let mut c = cluster(seed, 3, 1, 3000);
    let mut rng = SimRng::stream(seed, 99);
    for _ in 0..12 {
        // Errors (killing a dead node, one node to itself) are part of the vocabulary too.
        let _ = c.world_mut().apply(random_fault(&mut rng));
        for _ in 0..(1 + rng.below(6)) {
            c.world_mut().advance(SimDuration::from_secs(1));
            check_invariants(&c);
        }
    }
    // Repair everything: heal the network, restart the dead.
    c.world_mut().apply(Fault::Heal).expect("heal");
    for p in PORTS {
        let idx = c.world().by_port(p).expect("port");
        if c.world().processes()[idx.index()].state == ProcessState::Killed {
            c.world_mut()
                .apply(Fault::Restart {
                    port: p,
                    data: DataOnRestart::Keep,
                })
                .expect("restart");
        }
    }
    // Bound: a restarted master stays FAIL for 2 s; FAIL of a slot-owning master clears
    // after 2 × node_timeout; an election (if one is still needed) starts within
    // node_timeout + 1 s of FAIL and is retried after 4 × node_timeout; a master leaving a
    // minority waits clamp(node_timeout, 500, 5000). 60 s covers all of them with margin.
    let ok = wait_until(&mut c, 60_000, |c| {
        c.world().processes().iter().all(|p| p.node.state_ok())
    });
    assert!(
        ok.is_some(),
        "seed {seed}: not every node is back to cluster_state:ok 60 s after the repair"
    );
    check_invariants(&c);
}

#[test]
fn random_faults_keep_the_invariants_and_the_cluster_heals() {
    let n: u64 = std::env::var("FAULT_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    for seed in 1..=n {
        sweep(seed);
    }
}
