//! Benchmark: the data structures under the commands learners and workloads hammer, the
//! simulation beside a real Redis 7.0.15 on this machine, per operation: ZADD into and
//! ZRANGE from a sorted set of 1M members, LINDEX in the middle of a 1M-element list,
//! PFADD of 1M elements and PFCOUNT after each new one, XADD of 1M entries and XRANGE in
//! the middle. The simulation runs the commands in process (`World::submit`, no network);
//! the real server gets them pipelined 1,000 at a time, so both figures are mostly the
//! server's own work. Figures only: nothing here passes or fails on a time.
//!
//! Run with `cargo test --release -p clusterlab-tests --test bench_data_structures --
//! --ignored --nocapture`.

#[path = "real_node.rs"]
mod real_node;
#[path = "resp_client.rs"]
mod resp_client;

use std::process::Child;
use std::time::Instant;

use clusterlab_core::Submitted;
use clusterlab_tests::cluster;

const PORT: u16 = 23101;
const N: usize = 1_000_000;
const READS: usize = 10_000;

type Cmd = Vec<Vec<u8>>;

fn cmd(words: &[&str]) -> Cmd {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// One phase: the commands to load, then the commands timed.
struct Phase {
    name: &'static str,
    ops: Box<dyn Fn(usize) -> Cmd>,
    count: usize,
}

fn phases() -> Vec<Phase> {
    vec![
        Phase {
            name: "ZADD into a growing sorted set (to 1M)",
            ops: Box::new(|i| cmd(&["ZADD", "{b}z", &i.to_string(), &format!("m{i}")])),
            count: N,
        },
        Phase {
            name: "ZRANGE z 500000 500009 on 1M members",
            ops: Box::new(|_| cmd(&["ZRANGE", "{b}z", "500000", "500009"])),
            count: READS,
        },
        Phase {
            name: "RPUSH to a 1M-element list",
            ops: Box::new(|i| cmd(&["RPUSH", "{b}l", &i.to_string()])),
            count: N,
        },
        Phase {
            name: "LINDEX l 500000 on 1M elements",
            ops: Box::new(|_| cmd(&["LINDEX", "{b}l", "500000"])),
            count: READS,
        },
        Phase {
            name: "PFADD of 1M elements, one per call",
            ops: Box::new(|i| cmd(&["PFADD", "{b}h", &format!("e{i}")])),
            count: N,
        },
        Phase {
            name: "PFADD one more, then PFCOUNT (a dense count recomputed)",
            ops: Box::new(|i| {
                if i % 2 == 0 {
                    cmd(&["PFADD", "{b}h", &format!("x{i}")])
                } else {
                    cmd(&["PFCOUNT", "{b}h"])
                }
            }),
            count: READS,
        },
        Phase {
            name: "XADD of 1M entries",
            ops: Box::new(|i| cmd(&["XADD", "{b}s", &format!("{}-1", i + 1), "f", "v"])),
            count: N,
        },
        Phase {
            name: "XRANGE s 500000 + COUNT 10 on 1M entries",
            ops: Box::new(|_| cmd(&["XRANGE", "{b}s", "500000", "+", "COUNT", "10"])),
            count: READS,
        },
    ]
}

/// A plain redis-server (no cluster) for the side-by-side figures.
fn start_real() -> (Child, std::path::PathBuf) {
    let (server, _client, dir) = real_node::start_server(PORT, "bench");
    (server, dir)
}

/// Microseconds per operation of one phase on the real server, pipelined.
fn real_phase(con: &mut redis::Connection, p: &Phase) -> f64 {
    let started = Instant::now();
    let mut i = 0;
    while i < p.count {
        let mut pipe = redis::pipe();
        for j in i..(i + 1000).min(p.count) {
            let c = (p.ops)(j);
            let mut rc = redis::cmd(std::str::from_utf8(&c[0]).unwrap_or("PING"));
            for a in &c[1..] {
                rc.arg(a.as_slice());
            }
            pipe.add_command(rc).ignore();
        }
        let _: () = pipe.query(con).expect("the pipeline");
        i += 1000;
    }
    started.elapsed().as_secs_f64() * 1e6 / p.count as f64
}

#[test]
#[ignore = "a benchmark: run it with --ignored --nocapture"]
fn data_structures_beside_redis() {
    let (mut real, real_dir) = start_real();
    let client = redis::Client::open(format!("redis://127.0.0.1:{PORT}/")).expect("a client");
    let mut con = client.get_connection().expect("a connection");
    let mut console = cluster(1, 3, 0, 5000);
    let w = console.world_mut();
    let port = (7001..=7003)
        .find(|&p| {
            let c = w.connect(p).expect("a connection");
            matches!(w.submit(c, cmd(&["GET", "{b}probe"])), Submitted::Reply(r, _) if !r.is_error())
        })
        .expect("the master of {b}");
    let sim = w.connect(port).expect("a connection");
    println!(
        "{:<58} {:>14} {:>14}",
        "operation", "clusterlab µs", "redis µs"
    );
    for p in phases() {
        let started = Instant::now();
        for i in 0..p.count {
            let _ = w.submit(sim, (p.ops)(i));
        }
        let sim_us = started.elapsed().as_secs_f64() * 1e6 / p.count as f64;
        let real_us = real_phase(&mut con, &p);
        println!("{:<58} {:>14.2} {:>14.2}", p.name, sim_us, real_us);
    }
    let _ = real.kill();
    let _ = real.wait();
    let _ = std::fs::remove_dir_all(real_dir);
}
