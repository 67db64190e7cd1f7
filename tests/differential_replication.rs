//! The replication-stream differential: a client attaches to a real 7.0.15 node and to a
//! node of `clusterlab serve` with SYNC (as Redis's own tests and `redis-cli --replica`
//! do), the same writes run on both, and the two replication streams are compared
//! command by command, byte for byte: the forms Redis rewrites writes into (PXAT and
//! PEXPIREAT for relative times, KEEPTTL, MULTI/EXEC around several writes, DEL for what
//! empties a key, the pops a served blocking command makes), and where SELECT comes.
//!
//! Normalised: absolute Unix times, which the two servers compute from their own clocks
//! a few milliseconds apart (equal within two seconds), and PINGs (sent on a timer).
//! The writes are the scripted ones below and those of the random generator, but for
//! SPOP and RESTORE (random members; payloads taken at run time): SPOP's deterministic
//! cases are scripted.

#[allow(dead_code)]
#[path = "differential_random_commands.rs"]
mod commands;
#[path = "differential_random_gen.rs"]
mod gen;
#[path = "real_node.rs"]
mod real_node;
#[path = "resp_client.rs"]
mod resp_client;

use std::time::Duration;

use real_node::{wait_cluster_ok, RealNode};
use resp_client::{Client, Value};

const REAL_PORT: u16 = 19501;
const SIM_BASE: u16 = 20501;
const SIM_PORT: u16 = 20601;

/// Writes whose propagated form Redis rewrites, each checked in the source.
const SCRIPTED: &[&str] = &[
    "SET {k}a 1 EX 100",
    "SET {k}a 2 PX 100000 GET",
    "SET {k}b v KEEPTTL",
    "SETEX {k}c 100 v",
    "PSETEX {k}c 100000 v",
    "GETEX {k}c PERSIST",
    "GETEX {k}c EX 50",
    "EXPIRE {k}b 100",
    "PEXPIRE {k}b 100000 NX",
    "EXPIREAT {k}b 4000000000",
    "PERSIST {k}b",
    "EXPIRE {k}b 0",
    "INCRBYFLOAT {k}f 1.5",
    "HINCRBYFLOAT {k}h x 2.5",
    "SADD {k}s a b",
    "SPOP {k}s 2",
    "SADD {k}s x",
    "SPOP {k}s",
    "RPUSH {k}l a b c",
    "LMOVE {k}l {k}l2 LEFT RIGHT",
    "BLPOP {k}l 0.01",
    "BLMOVE {k}l {k}l2 RIGHT LEFT 0.01",
    "ZADD {k}z 1 a 2 b",
    "BZPOPMIN {k}z 0.01",
    "ZPOPMAX {k}z 5",
    "GETDEL {k}a",
    "MSET {k}m1 1 {k}m2 2",
    "XADD {k}x 1-1 f v",
    "XGROUP CREATE {k}x g 0",
    "XREADGROUP GROUP g c COUNT 1 STREAMS {k}x >",
    "XCLAIM {k}x g d 0 1-1",
    "XAUTOCLAIM {k}x g e 0 0",
    "XTRIM {k}x MAXLEN 0",
    "GEOADD {k}g 13.361389 38.115556 Palermo",
    "GEOSEARCHSTORE {k}g2 {k}g FROMLONLAT 15 37 BYRADIUS 200 km STORE",
    "COPY {k}m1 {k}m3",
    "RENAME {k}m3 {k}m4",
    "SORT {k}l2 ALPHA STORE {k}sorted",
    "FLUSHALL",
];

fn words(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|w| w.as_bytes().to_vec()).collect()
}

/// Attaches with SYNC: reads the RDB file's bulk and returns it.
fn attach(c: &mut Client) -> Vec<u8> {
    c.send_raw(b"SYNC\r\n").expect("SYNC");
    let line = loop {
        let line = c.read_line().expect("the RDB's length");
        // A master waiting for its BGSAVE sends newlines meanwhile.
        if !line.is_empty() {
            break line;
        }
    };
    let len: usize = std::str::from_utf8(&line[1..])
        .ok()
        .and_then(|n| n.parse().ok())
        .expect("$<length>");
    c.read_exact_bytes(len).expect("the RDB file")
}

/// Reads the stream up to and including the marker write; PINGs left out.
fn stream_until_marker(c: &mut Client, marker: &[Vec<u8>]) -> Vec<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    loop {
        let v = c.read_reply().expect("the replication stream");
        let Value::Array(Some(items)) = v else {
            panic!("not a command in the stream: {v:?}");
        };
        let cmd: Vec<Vec<u8>> = items
            .into_iter()
            .map(|i| match i {
                Value::Bulk(Some(b)) => b,
                other => panic!("not a bulk in the stream: {other:?}"),
            })
            .collect();
        if cmd.len() == 1 && cmd[0].eq_ignore_ascii_case(b"ping") {
            continue;
        }
        let end = cmd == marker;
        out.push(cmd);
        if end {
            return out;
        }
    }
}

/// An absolute Unix time in ms or s near now.
fn unix_time(a: &[u8]) -> Option<i64> {
    let n: i64 = std::str::from_utf8(a).ok()?.parse().ok()?;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    if (n - now_ms).abs() < 30 * 86_400_000 {
        Some(n)
    } else if (n - now_ms / 1000).abs() < 30 * 86_400 {
        Some(n * 1000)
    } else {
        None
    }
}

fn same_command(r: &[Vec<u8>], s: &[Vec<u8>]) -> bool {
    r.len() == s.len() && r.iter().zip(s).all(|(a, b)| {
        a == b
            || matches!((unix_time(a), unix_time(b)), (Some(x), Some(y)) if (x - y).abs() <= 2000)
    })
}

fn text(cmd: &[Vec<u8>]) -> String {
    gen::text(cmd)
}

#[test]
#[ignore = "needs redis-server: run `cargo xtask test`"]
fn replication_streams_match_redis_7() {
    let generated: u64 = std::env::var("DIFF_COMMANDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let _real_node = RealNode::start(REAL_PORT, &[]);
    let mut console = clusterlab_tests::console(clusterlab_core::ClusterShape {
        base_port: SIM_BASE,
        ..clusterlab_core::ClusterShape::default()
    });
    console.run_line(&format!(".start {SIM_PORT}"));
    let _serving = clusterlab_tests::serve(console, 1.0);
    let mut real = Client::connect(REAL_PORT).expect("the real node");
    let mut sim = Client::connect(SIM_PORT).expect("clusterlab serve");
    sim.call(&words("CLUSTER ADDSLOTSRANGE 0 16383"))
        .expect("ADDSLOTSRANGE");
    wait_cluster_ok(&mut sim);
    for c in [&mut real, &mut sim] {
        c.call(&words("CONFIG SET repl-ping-replica-period 3600"))
            .expect("CONFIG SET");
        c.call(&words("SET {k}before 1")).expect("a key in the RDB");
    }
    let (mut real_repl, mut sim_repl) = (
        Client::connect(REAL_PORT).expect("real"),
        Client::connect(SIM_PORT).expect("sim"),
    );
    let _ = attach(&mut real_repl);
    let rdb = attach(&mut sim_repl);
    assert!(rdb.starts_with(b"REDIS0010"), "an RDB file of version 10");

    // `DIFF_SEED=N` for another generated sequence.
    let seed = std::env::var("DIFF_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let mut g = gen::Gen::new(seed);
    let mut sent = 0u64;
    for line in SCRIPTED {
        let cmd = words(line);
        let _ = (real.call(&cmd), sim.call(&cmd));
        sent += 1;
    }
    let mut left = generated;
    while left > 0 {
        let cmd = g.command();
        let name = String::from_utf8_lossy(&cmd[0]).to_lowercase();
        if name == "spop" || name == "restore" {
            continue;
        }
        let _ = (real.call(&cmd), sim.call(&cmd));
        left -= 1;
        sent += 1;
    }
    let marker = words("SET {k}end-of-run 1");
    let _ = (real.call(&marker), sim.call(&marker));
    for c in [&mut real_repl, &mut sim_repl] {
        c.set_read_timeout(Duration::from_secs(10))
            .expect("timeout");
    }
    let r = stream_until_marker(&mut real_repl, &marker);
    let s = stream_until_marker(&mut sim_repl, &marker);
    let mut different = Vec::new();
    for i in 0..r.len().max(s.len()) {
        let (a, b) = (r.get(i), s.get(i));
        let same = matches!((a, b), (Some(a), Some(b)) if same_command(a, b));
        if !same && different.len() < 20 {
            different.push(format!(
                "#{i}: real {}\n      sim  {}",
                a.map_or("(nothing)".into(), |c| text(c)),
                b.map_or("(nothing)".into(), |c| text(c))
            ));
        }
    }
    println!(
        "replication differential: seed {seed}, {sent} commands sent, {} propagated by the real \
         node, {} by the simulation, {} different",
        r.len(),
        s.len(),
        different.len()
    );
    for d in &different {
        println!("{d}");
    }
    assert!(different.is_empty(), "the streams differ");
}
