//! The differential fidelity suite: the same scripts sent to a real Redis 7 cluster
//! (Debian's `redis-server`, created with the real `redis-cli --cluster create`) and to the
//! simulation under `clusterlab serve`, through the same client; replies are compared after
//! normalising only what must differ (node IDs, ports, timestamps, counters, offsets).
//! It prints a table: identical, different (with the diff), not modelled.
//!
//! Needs `redis-server` and `redis-cli`: `cargo xtask test` runs it (`--ignored`).
//! `DIFFERENTIAL_SHOW=1` also prints every reply of the real cluster.

#[path = "real_cluster.rs"]
mod real_cluster;
#[path = "resp_client.rs"]
mod resp_client;

use std::collections::BTreeMap;

use clusterlab_core::console::{split_args, Console};
use clusterlab_core::{key_hash_slot, ClusterShape};
use real_cluster::RealCluster;
use resp_client::Client;

/// Ports below the ephemeral range (32768+), bus ports (+10000) included.
const REAL_BASE: u16 = 21001;
const SIM_BASE: u16 = 22001;

/// Replaces what must differ between two clusters: ports become `P1..P6` (bus ports
/// `B1..B6`), 40-hex IDs `<id>`, and the numbers that follow timing (ping/pong times,
/// message counters, offsets) `<n>`.
fn normalise(text: &str, base: u16) -> String {
    let mut out = String::new();
    let mut prev_line = "";
    for line in text.lines() {
        let mut l = String::new();
        let mut word = String::new();
        let flush = |word: &mut String, l: &mut String| {
            let w = std::mem::take(word);
            let is_id = w.len() == 40 && w.bytes().all(|c| c.is_ascii_hexdigit());
            let port = w.parse::<u16>().ok();
            if is_id {
                l.push_str("<id>");
            } else if let Some(p) = port.filter(|p| (base..base + 6).contains(p)) {
                l.push_str(&format!("P{}", p - base + 1));
            } else if let Some(p) = port.filter(|p| (base + 10_000..base + 10_006).contains(p)) {
                l.push_str(&format!("B{}", p - base - 10_000 + 1));
            } else {
                l.push_str(&w);
            }
        };
        for ch in line.chars() {
            if ch.is_ascii_alphanumeric() {
                word.push(ch);
            } else {
                flush(&mut word, &mut l);
                l.push(ch);
            }
        }
        flush(&mut word, &mut l);
        if l.contains(" laddr=") {
            l = normalise_client_line(&l);
        }
        let timing = l.starts_with("cluster_stats_messages_")
            || prev_line.contains("create-time")
            || prev_line.contains("send-buffer-allocated")
            || prev_line.contains("send-buffer-used")
            || prev_line.contains("replication-offset")
            || prev_line.contains("\"offset\"")
            || prev_line.trim() == "\"id\"";
        if timing {
            if let Some(i) = l.rfind([':', ' ']) {
                l.truncate(i + 1);
                l.push_str("<n>");
            }
        }
        prev_line = line;
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// A CLIENT INFO/LIST line: the connection's own numbers (its ID, address, descriptor,
/// age) and the reply-buffer and memory figures differ between any two servers.
fn normalise_client_line(line: &str) -> String {
    const VARYING: &[&str] = &["id", "addr", "fd", "age", "idle", "rbs", "rbp", "tot-mem"];
    line.split(' ')
        .map(|field| match field.split_once('=') {
            Some((k, _)) if VARYING.contains(&k.trim_start_matches(['"', '('])) => {
                format!("{k}=<n>")
            }
            _ => field.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// CLUSTER NODES (already normalised): the ping/pong columns are timing, and the line order
/// is Redis's hash-table order.
fn normalise_nodes(text: &str) -> String {
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| l.trim().trim_start_matches("(verbatim) ").trim_matches('"'))
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut f: Vec<&str> = l.split(' ').collect();
            if f.len() > 5 {
                f[4] = "<t>";
                f[5] = "<t>";
            }
            f.join(" ")
        })
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
}

/// Waits up to 30 s until the CLUSTER SLOTS of the node on `port` lists a replica with
/// every slot range (each range has two bounds and, then, two nodes).
fn settle(port: u16) {
    for _ in 0..300 {
        let slots = real_cluster::text(port, &["CLUSTER", "SLOTS"]);
        let bounds = slots
            .lines()
            .filter(|l| l.starts_with("    (integer)"))
            .count();
        let nodes = slots.matches("(empty array)").count();
        if bounds > 0 && nodes == bounds {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("node {port} never listed every replica in CLUSTER SLOTS");
}

/// CLUSTER LINKS lists links in Redis's hash-table order: compare the entries sorted (each
/// starts at its `"direction"` line).
fn sort_entries(text: &str) -> String {
    let mut entries: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.trim() == "\"direction\"" || entries.is_empty() {
            entries.push(String::new());
        }
        let last = entries.last_mut().expect("an entry");
        last.push_str(line);
        last.push('\n');
    }
    entries.sort();
    entries.concat()
}

/// CLUSTER SHARDS lists shards in Redis's hash-table order: compare them sorted.
fn sort_shards(text: &str) -> String {
    let mut shards: Vec<String> = Vec::new();
    let mut prev = "";
    for line in text.lines() {
        let map_start = line == "  (map of 2)";
        let slots_start = line == "    \"slots\"" && prev != "  (map of 2)";
        if map_start || slots_start || shards.is_empty() {
            shards.push(String::new());
        }
        prev = line;
        let last = shards.last_mut().expect("a shard");
        last.push_str(line);
        last.push('\n');
    }
    shards.sort();
    shards.concat()
}

/// The master index (0, 1, 2) owning a key's slot after `--cluster create` of 3 masters.
fn owner(key: &str) -> usize {
    match key_hash_slot(key.as_bytes()) {
        0..=5460 => 0,
        5461..=10922 => 1,
        _ => 2,
    }
}

/// One scripted step: which node, and the line.
struct Step {
    node: usize,
    line: String,
}

/// The node replicating master `m`.
fn replica(replica_of: &BTreeMap<usize, usize>, m: usize) -> usize {
    *replica_of
        .iter()
        .find(|(_, &mm)| mm == m)
        .expect("a replica")
        .0
}

/// Milliseconds until the node on `port` says it is a master (`None` after 60 s).
fn promoted(port: u16) -> Option<u128> {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(60) {
        if real_cluster::text(port, &["ROLE"])
            .trim_start()
            .starts_with("\"master\"")
        {
            return Some(start.elapsed().as_millis());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    None
}

/// Runs two waits at once, one per side.
fn both(
    real: impl FnOnce() -> Option<u128> + Send,
    sim: impl FnOnce() -> Option<u128> + Send,
) -> (String, String) {
    let show = |t: Option<u128>| t.map_or("never (60 s)".to_string(), |ms| format!("{ms} ms"));
    std::thread::scope(|s| {
        let r = s.spawn(real);
        let m = s.spawn(sim);
        (
            show(r.join().expect("real side")),
            show(m.join().expect("sim side")),
        )
    })
}

/// Node `node`'s CLUSTER NODES on both sides, compared (normalised) until they agree or
/// 20 s pass: gossip spreads the news at its own pace on each side.
fn eventually_same_nodes(node: usize, label: &str) -> (Step, Outcome) {
    let read = |base: u16| {
        let mut c = Client::connect(base + node as u16).expect("connect");
        let args = split_args("CLUSTER NODES").expect("a line");
        let text = c
            .call(&args)
            .map(|v| resp_client::render(&v))
            .unwrap_or_default();
        normalise_nodes(&normalise(&text, base))
    };
    let start = std::time::Instant::now();
    let (mut r, mut s) = (read(REAL_BASE), read(SIM_BASE));
    while r != s && start.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(200));
        (r, s) = (read(REAL_BASE), read(SIM_BASE));
    }
    let outcome = if r == s {
        Outcome::Identical
    } else {
        Outcome::Different(format!("--- redis 7.0.15\n{r}--- clusterlab\n{s}"))
    };
    (
        Step {
            node,
            line: label.to_string(),
        },
        outcome,
    )
}

fn script(replica_of: &BTreeMap<usize, usize>) -> Vec<Step> {
    let replica = |m: usize| replica(replica_of, m);
    let o = owner;
    // The slot of `{r}` moves from its owner `m` to `t`; `x` is the third master.
    let rs = key_hash_slot(b"r");
    let m = o("r");
    let (t, x) = ((m + 1) % 3, (m + 2) % 3);
    // The slot of `{k}` moves with its keys from `mk` to `tk`; `xk` is the third master.
    let ks = key_hash_slot(b"k");
    let mk = o("k");
    let (tk, xk) = ((mk + 1) % 3, (mk + 2) % 3);
    let mut s: Vec<(usize, String)> = vec![
        (0, "PING".into()),
        (0, "ECHO hello".into()),
        (0, "CLUSTER KEYSLOT mykey".into()),
        (0, "CLUSTER KEYSLOT {user1000}.following".into()),
        (0, "CLUSTER KEYSLOT {user1000}.followers".into()),
        (0, "CLUSTER KEYSLOT foo{}{bar}".into()),
        (0, "SET mykey myvalue".into()),
        (o("mykey"), "SET mykey myvalue".into()),
        (o("mykey"), "GET mykey".into()),
        (o("mykey"), "APPEND mykey !!".into()),
        (o("mykey"), "STRLEN mykey".into()),
        (o("mykey"), "INCR mykey".into()),
        (o("mykey"), "LPUSH mykey x".into()),
        (o("mykey"), "GETT mykey".into()),
        (o("mykey"), "GET".into()),
        (o("mykey"), "SET mykey v XX NX".into()),
        (o("mykey"), "TYPE mykey".into()),
        (0, "MSET a 1 b 2".into()),
        (
            o("{user1000}"),
            "MSET {user1000}.following 1 {user1000}.followers 2".into(),
        ),
        (
            o("{user1000}"),
            "MGET {user1000}.following {user1000}.followers".into(),
        ),
        (o("counter"), "INCRBY counter 5".into()),
        (o("counter"), "DECR counter".into()),
        (o("h"), "HSET h f1 v1 f2 v2".into()),
        (o("h"), "HGETALL h".into()),
        (o("h"), "HINCRBY h f1 1".into()),
        (o("l"), "RPUSH l a b c".into()),
        (o("l"), "LRANGE l 0 -1".into()),
        (o("l"), "LPOP l".into()),
        (o("s"), "SADD s x y".into()),
        (o("s"), "SCARD s".into()),
        (o("z"), "ZADD z 1.1 a 2 b".into()),
        (o("z"), "ZSCORE z a".into()),
        (o("z"), "ZRANGE z 0 -1 WITHSCORES".into()),
        (o("z"), "ZADD z NX XX 1 a".into()),
        (o("t"), "TTL t".into()),
        (o("t"), "SET t v".into()),
        (o("t"), "EXPIRE t 100 NX XX".into()),
        (o("t"), "PERSIST t".into()),
        (o("mykey"), "DEL mykey nokey".into()),
        (o("mykey"), "EXISTS mykey".into()),
        (o("k14687"), "SET k14687 x".into()),
        (2, "CLUSTER COUNTKEYSINSLOT 14687".into()),
        (2, "CLUSTER GETKEYSINSLOT 14687 10".into()),
        (2, "CLUSTER COUNTKEYSINSLOT 16384".into()),
        (0, ".settle".into()),
        (0, "CLUSTER INFO".into()),
        (0, "CLUSTER MYID".into()),
        (0, "CLUSTER NODES".into()),
        (0, "CLUSTER SLOTS".into()),
        (0, "CLUSTER SHARDS".into()),
        (0, "CLUSTER COUNT-FAILURE-REPORTS nosuchnode".into()),
        (0, "CLUSTER FOO".into()),
        (0, "CLUSTER SETSLOT 1 NODE".into()),
        (0, "CLUSTER ADDSLOTS 1".into()),
        // The other CLUSTER subcommands, in their harmless forms and their errors.
        (0, "CLUSTER REPLICAS {id:0}".into()),
        (0, "CLUSTER REPLICAS nosuchnode".into()),
        (0, "CLUSTER SLAVES {id:0}".into()),
        (0, "CLUSTER HELP".into()),
        (0, "CLUSTER LINKS".into()),
        (0, "CLUSTER ADDSLOTS 20000".into()),
        (0, "CLUSTER ADDSLOTSRANGE 1 2".into()),
        (0, "CLUSTER ADDSLOTSRANGE 5 3".into()),
        (0, "CLUSTER ADDSLOTSRANGE 1".into()),
        (0, "CLUSTER DELSLOTS 20000".into()),
        (0, "CLUSTER DELSLOTSRANGE 5 3".into()),
        (o("mykey"), "CLUSTER FLUSHSLOTS".into()),
        (0, "CLUSTER SET-CONFIG-EPOCH 5".into()),
        (0, "CLUSTER SET-CONFIG-EPOCH -1".into()),
        (5, "CLUSTER BUMPEPOCH".into()),
        (0, "CLUSTER RESET foo".into()),
        (0, "CLUSTER FORGET {id:0}".into()),
        (0, "CLUSTER FORGET nosuchnode".into()),
        (replica(0), "CLUSTER FORGET {id:0}".into()),
        (0, "CLUSTER REPLICATE nosuchnode".into()),
        (0, "CLUSTER REPLICATE {id:0}".into()),
        (0, "CLUSTER REPLICATE {id:1}".into()),
        (0, "CLUSTER MEET 127.0.0.1 notaport".into()),
        (0, "CLUSTER MEET 127.0.0.1 70000".into()),
        (0, "CLUSTER MEET nohost 7001".into()),
        (0, "CLUSTER FAILOVER".into()),
        (0, "CLUSTER FAILOVER NOW".into()),
        (0, "CLUSTER COUNT-FAILURE-REPORTS {id:1}".into()),
        (0, "CLUSTER GETKEYSINSLOT 1 -1".into()),
        (0, "CLUSTER KEYSLOT".into()),
        (0, "CONFIG GET cluster-node-timeout".into()),
        (0, "CONFIG SET cluster-node-timeout abc".into()),
        (0, "SELECT 0".into()),
        (0, "SELECT 1".into()),
        (replica(2), "GET k14687".into()),
        (replica(2), "READONLY".into()),
        (replica(2), "GET k14687".into()),
        (replica(2), "READWRITE".into()),
        (replica(2), "GET k14687".into()),
        (0, "DBSIZE".into()),
        (0, "CLIENT GETNAME".into()),
        (0, "CLIENT SETNAME me".into()),
        (0, "CLIENT GETNAME".into()),
        (0, "CLIENT SETNAME \"a b\"".into()),
        (0, "CLIENT SETNAME".into()),
        (0, "CLIENT FOO".into()),
        (0, "CLIENT SETINFO lib-name x".into()),
        (0, "CLIENT INFO".into()),
        (0, "CLIENT LIST TYPE foo".into()),
        (0, "CLIENT LIST TYPE master".into()),
        (0, "CLIENT LIST ID 0".into()),
        (0, "CLIENT LIST ID -1".into()),
        (0, "CLIENT LIST ID 1 abc".into()),
        (0, "CLIENT LIST foo".into()),
        (0, "COMMAND INFO get set mset cluster|keyslot nosuch".into()),
        (0, "COMMAND GETKEYS mset a 1 b 2".into()),
        (0, "COMMAND GETKEYS get a b".into()),
        (0, "COMMAND GETKEYS ping x".into()),
        (0, "COMMAND GETKEYS nosuch x".into()),
        (0, "COMMAND GETKEYS".into()),
        (0, "COMMAND FOO".into()),
        (0, "COMMAND COUNT".into()),
        // An empty slot moves as redis-cli's reshard moves it: IMPORTING on the target,
        // MIGRATING on the source, ASK and ASKING meanwhile, then SETSLOT NODE everywhere.
        (t, format!("CLUSTER SETSLOT {rs} IMPORTING {{id:{m}}}")),
        (m, format!("CLUSTER SETSLOT {rs} MIGRATING {{id:{t}}}")),
        (
            m,
            format!("CLUSTER SETSLOT {rs} MIGRATING {{id:{t}}} extra"),
        ),
        (m, format!("CLUSTER SETSLOT {rs} IMPORTING {{id:{t}}}")),
        (t, format!("CLUSTER SETSLOT {rs} MIGRATING {{id:{m}}}")),
        (m, "CLUSTER NODES".into()),
        (t, "CLUSTER NODES".into()),
        (m, "GET {r}nokey".into()),
        (m, "SET {r}new v".into()),
        (m, "MGET {r}a {r}b".into()),
        (t, "GET {r}nokey".into()),
        (t, "ASKING".into()),
        (t, "GET {r}nokey".into()),
        (t, "GET {r}nokey".into()),
        (t, "ASKING".into()),
        (t, "MGET {r}a {r}b".into()),
        (m, format!("CLUSTER COUNTKEYSINSLOT {rs}")),
        (t, format!("CLUSTER SETSLOT {rs} NODE {{id:{t}}}")),
        (m, format!("CLUSTER SETSLOT {rs} NODE {{id:{t}}}")),
        (x, format!("CLUSTER SETSLOT {rs} NODE {{id:{t}}}")),
        (m, "GET {r}nokey".into()),
        (t, "GET {r}nokey".into()),
        (t, "SET {r}new v".into()),
        (m, ".settle".into()),
        (m, "CLUSTER SLOTS".into()),
        // Keys moved with MIGRATE, slot `{k}` from `mk` to `tk`, with MIGRATE's errors.
        (mk, "SET {k}1 a".into()),
        (mk, "SET {k}2 b".into()),
        (mk, "SET {k}3 c".into()),
        (mk, "RPUSH {k}l x y".into()),
        (tk, format!("CLUSTER SETSLOT {ks} IMPORTING {{id:{mk}}}")),
        (mk, format!("CLUSTER SETSLOT {ks} MIGRATING {{id:{tk}}}")),
        (mk, format!("CLUSTER COUNTKEYSINSLOT {ks}")),
        (
            mk,
            format!("MIGRATE 127.0.0.1 {{port:{tk}}} nokey{{k}} 0 5000"),
        ),
        (mk, format!("MIGRATE 127.0.0.1 {{port:{tk}}} {{k}}1 0 5000")),
        (mk, "GET {k}1".into()),
        (mk, "GET {k}2".into()),
        (mk, "MGET {k}1 {k}2".into()),
        (mk, "SET {k}new v".into()),
        (tk, "ASKING".into()),
        (tk, "GET {k}1".into()),
        (mk, format!("MIGRATE 127.0.0.1 {{port:{tk}}} {{k}}2 1 5000")),
        (tk, "ASKING".into()),
        (tk, "GET {k}2".into()),
        (
            mk,
            format!("MIGRATE 127.0.0.1 {{port:{tk}}} \"\" 0 5000 KEYS {{k}}2 {{k}}l"),
        ),
        (
            mk,
            format!("MIGRATE 127.0.0.1 {{port:{tk}}} \"\" 0 5000 REPLACE KEYS {{k}}2 {{k}}l"),
        ),
        (
            mk,
            format!("MIGRATE 127.0.0.1 {{port:{tk}}} {{k}}3 0 5000 AUTH secret"),
        ),
        (
            mk,
            format!("MIGRATE 127.0.0.1 {{port:{tk}}} {{k}}3 0 5000 AUTH2 bob secret"),
        ),
        (
            mk,
            format!(
                "MIGRATE 127.0.0.1 {{port:{tk}}} {{k}}3 0 5000 COPY REPLACE AUTH2 default secret"
            ),
        ),
        (mk, "GET {k}3".into()),
        (mk, "MIGRATE 127.0.0.1 1 {k}3 0 1000".into()),
        (
            mk,
            format!("MIGRATE 127.0.0.1 {{port:{tk}}} {{k}}3 0 5000 REPLACE"),
        ),
        (
            mk,
            format!("MIGRATE 127.0.0.1 {{port:{tk}}} x{{k}} 0 5000 KEYS {{k}}3"),
        ),
        (
            mk,
            format!("MIGRATE 127.0.0.1 {{port:{tk}}} \"\" 0 5000 BADOPTION"),
        ),
        (
            mk,
            format!("MIGRATE 127.0.0.1 {{port:{tk}}} {{k}}3 zero 5000"),
        ),
        (
            mk,
            format!("MIGRATE 127.0.0.1 {{port:{tk}}} {{k}}3 0 5000 AUTH"),
        ),
        (mk, format!("CLUSTER COUNTKEYSINSLOT {ks}")),
        (tk, format!("CLUSTER COUNTKEYSINSLOT {ks}")),
        (tk, format!("CLUSTER SETSLOT {ks} NODE {{id:{tk}}}")),
        (mk, format!("CLUSTER SETSLOT {ks} NODE {{id:{tk}}}")),
        (xk, format!("CLUSTER SETSLOT {ks} NODE {{id:{tk}}}")),
        (mk, "GET {k}1".into()),
        (tk, "GET {k}1".into()),
        (tk, "LRANGE {k}l 0 -1".into()),
        (tk, "MGET {k}1 {k}2 {k}3".into()),
        (tk, "CLUSTER NODES".into()),
        // Transactions, on the owner of `{t}`.
        (o("t"), "MULTI".into()),
        (o("t"), "SET {t}a 1".into()),
        (o("t"), "INCR {t}a".into()),
        (o("t"), "LPUSH {t}a x".into()),
        (o("t"), "EXEC".into()),
        (o("t"), "MULTI".into()),
        (o("t"), "MULTI".into()),
        (o("t"), "SET {t}a".into()),
        (o("t"), "EXEC".into()),
        (o("t"), "EXEC".into()),
        (o("t"), "DISCARD".into()),
        (o("t"), "MULTI".into()),
        (o("t"), "SET {t}a 2".into()),
        (o("t"), "DISCARD".into()),
        (o("t"), "MULTI".into()),
        (o("t"), "SET {t}a 3".into()),
        (o("t"), "SET {t}b 3".into()),
        (o("t"), "SET t 3".into()),
        (o("t"), "EXEC".into()),
        (o("t"), "WATCH {t}a".into()),
        (o("t"), "SET {t}a 4".into()),
        (o("t"), "MULTI".into()),
        (o("t"), "WATCH {t}b".into()),
        (o("t"), "GET {t}a".into()),
        (o("t"), "EXEC".into()),
        (o("t"), "WATCH {t}a".into()),
        (o("t"), "MULTI".into()),
        (o("t"), "GET {t}a".into()),
        (o("t"), "EXEC".into()),
        (0, "MULTI".into()),
        (0, "SET mykey v".into()),
        (0, "EXEC".into()),
        (0, "WATCH mykey".into()),
        // HELLO: its errors, then RESP3 on some connections (and back to RESP2).
        (0, "HELLO 4".into()),
        (0, "HELLO abc".into()),
        (0, "HELLO 3 FOO".into()),
        (0, "HELLO 3 AUTH bob secret".into()),
        (0, "HELLO 3 SETNAME \"a b\"".into()),
        (0, "HELLO 2".into()),
        (o("h"), "HELLO 3 AUTH default anything SETNAME me".into()),
        (o("h"), "HGETALL h".into()),
        (o("h"), "HGETALL {h}none".into()),
        (o("s"), "HELLO 3".into()),
        (o("s"), "SADD {s}one x".into()),
        (o("s"), "SMEMBERS {s}one".into()),
        (o("s"), "SMEMBERS {s}none".into()),
        (o("z"), "HELLO 3".into()),
        (o("z"), "ZSCORE z a".into()),
        (o("z"), "ZSCORE z nomember".into()),
        (o("z"), "ZINCRBY z 1 b".into()),
        (o("z"), "ZADD z INCR 1 a".into()),
        (o("z"), "ZRANGE z 0 -1 WITHSCORES".into()),
        (0, "HELLO 3".into()),
        (0, "CONFIG GET cluster-node-timeout".into()),
        (0, "CONFIG GET nosuchparam".into()),
        (0, "CLUSTER INFO".into()),
        (0, "CLUSTER NODES".into()),
        (0, "CLUSTER SHARDS".into()),
        (0, "CLIENT INFO".into()),
        (0, "COMMAND INFO get".into()),
        (0, "HELLO 2".into()),
    ];
    s.drain(..)
        .map(|(node, line)| Step { node, line })
        .collect()
}

enum Outcome {
    Identical,
    Different(String),
    /// A difference on purpose, explained in FIDELITY.md.
    Simplified(&'static str),
    NotModelled,
}

/// Replies that differ on purpose: the command, and why.
const SIMPLIFIED: &[(&str, &str)] = &[(
    "COMMAND COUNT",
    "the simulation's table holds the commands it models, not all of Redis's",
)];

/// Sends a line after substitutions (`{id:N}`, `{port:N}` become node N's ID and port on
/// that side).
fn call(clients: &mut [Client], subs: &[(String, String)], node: usize, line: &str) -> String {
    let mut line = line.to_string();
    for (from, to) in subs {
        line = line.replace(from, to);
    }
    let args = split_args(&line).expect("a valid line");
    match clients[node].call(&args) {
        Ok(v) => resp_client::render(&v),
        Err(e) => format!("(connection error) {e}\n"),
    }
}

#[test]
#[ignore = "needs redis-server and redis-cli: run `cargo xtask test`"]
fn the_simulation_answers_like_redis_7() {
    // The simulation, seed 1, on its own ports.
    let shape = ClusterShape {
        base_port: SIM_BASE,
        ..ClusterShape::default()
    };
    let console = Console::new(shape).expect("the simulated cluster");
    // Which node replicates which, in the simulation; the real cluster is made to match.
    let mut replica_of = BTreeMap::new();
    for (i, p) in console.world().processes().iter().enumerate() {
        if let Some(m) = p.node.master_ref().and_then(|r| p.node.peers().get(r)) {
            replica_of.insert(i, usize::from(m.port - SIM_BASE));
        }
    }
    let serving = clusterlab::serve::listen(console, "127.0.0.1".parse().unwrap(), 1.0)
        .expect("clusterlab serve");

    let real = RealCluster::start(REAL_BASE, 5000);
    for (&r, &m) in &replica_of {
        let now = real_cluster::text(real.port(r), &["INFO", "replication"]);
        if !now.contains(&format!("master_port:{}", real.port(m))) {
            real.replicate(r, m);
        }
    }
    real.wait_converged();

    let mut real_clients: Vec<Client> = (0..6)
        .map(|i| Client::connect(REAL_BASE + i).unwrap())
        .collect();
    let mut sim_clients: Vec<Client> = (0..6)
        .map(|i| Client::connect(SIM_BASE + i).unwrap())
        .collect();
    let node_ids = |base: u16| -> Vec<String> {
        (0..6)
            .map(|i| {
                real_cluster::text(base + i, &["CLUSTER", "MYID"])
                    .trim()
                    .trim_matches('"')
                    .to_string()
            })
            .collect()
    };
    let substitutions = |base: u16| -> Vec<(String, String)> {
        let ids = node_ids(base);
        (0..6)
            .flat_map(|i| {
                [
                    (format!("{{id:{i}}}"), ids[i].clone()),
                    (format!("{{port:{i}}}"), (base + i as u16).to_string()),
                ]
            })
            .collect()
    };
    let (real_ids, sim_ids) = (substitutions(REAL_BASE), substitutions(SIM_BASE));
    let mut rows = Vec::new();
    for step in script(&replica_of) {
        if step.line == ".settle" {
            // CLUSTER SLOTS hides a replica until its offset, learned from gossip, is above
            // 0: wait (on both sides alike) until this node lists every replica.
            for base in [REAL_BASE, SIM_BASE] {
                settle(base + step.node as u16);
            }
            continue;
        }
        let mut r = normalise(
            &call(&mut real_clients, &real_ids, step.node, &step.line),
            REAL_BASE,
        );
        let mut s = normalise(
            &call(&mut sim_clients, &sim_ids, step.node, &step.line),
            SIM_BASE,
        );
        let node_lines = ["CLUSTER NODES", "CLUSTER REPLICAS", "CLUSTER SLAVES"];
        if node_lines.iter().any(|c| step.line.starts_with(c)) {
            r = normalise_nodes(&r);
            s = normalise_nodes(&s);
        }
        if step.line == "CLUSTER LINKS" {
            r = sort_entries(&r);
            s = sort_entries(&s);
        }
        if step.line == "CLUSTER SHARDS" {
            r = sort_shards(&r);
            s = sort_shards(&s);
        }
        // Let replication catch up on both sides before READONLY reads.
        std::thread::sleep(std::time::Duration::from_millis(20));
        if std::env::var_os("DIFFERENTIAL_SHOW").is_some() {
            println!("{} `{}` ->\n{r}", step.node + 1, step.line);
        }
        let simplified = SIMPLIFIED.iter().find(|(line, _)| *line == step.line);
        let outcome = if r == s {
            Outcome::Identical
        } else if let Some((_, why)) = simplified {
            Outcome::Simplified(why)
        } else if s.starts_with("(error) ERR unknown command")
            && !r.starts_with("(error) ERR unknown command")
        {
            Outcome::NotModelled
        } else {
            Outcome::Different(format!("--- redis 7.0.15\n{r}--- clusterlab\n{s}"))
        };
        rows.push((step, outcome));
    }

    // Scenarios: a manual failover, then a master killed on both sides at the same moment.
    let mut real = real;
    let mut timings = Vec::new();
    let r0 = replica(&replica_of, 0);
    let failover = "CLUSTER FAILOVER".to_string();
    let r = normalise(&call(&mut real_clients, &[], r0, &failover), REAL_BASE);
    let s = normalise(&call(&mut sim_clients, &[], r0, &failover), SIM_BASE);
    rows.push((
        Step {
            node: r0,
            line: failover,
        },
        if r == s {
            Outcome::Identical
        } else {
            Outcome::Different(format!("--- redis 7.0.15\n{r}--- clusterlab\n{s}"))
        },
    ));
    let (real_ms, sim_ms) = both(
        || promoted(REAL_BASE + r0 as u16),
        || promoted(SIM_BASE + r0 as u16),
    );
    timings.push(("manual failover: the replica is master", real_ms, sim_ms));
    rows.push(eventually_same_nodes(
        r0,
        "(after the manual failover) CLUSTER NODES",
    ));

    let r1 = replica(&replica_of, 1);
    real.kill(1);
    serving.run_line(&format!(".kill {}", SIM_BASE + 1));
    let (real_ms, sim_ms) = both(
        || promoted(REAL_BASE + r1 as u16),
        || promoted(SIM_BASE + r1 as u16),
    );
    timings.push(("kill a master: its replica is master", real_ms, sim_ms));
    rows.push(eventually_same_nodes(
        0,
        "(after the kill and failover) CLUSTER NODES",
    ));
    println!("\n| scenario | redis 7.0.15 | clusterlab |\n| --- | --- | --- |");
    for (what, r, s) in &timings {
        println!("| {what} | {r} | {s} |");
    }
    for (what, r, s) in &timings {
        assert!(
            !r.starts_with("never") && !s.starts_with("never"),
            "{what}: redis {r}, clusterlab {s}"
        );
    }

    let count = |f: fn(&Outcome) -> bool| rows.iter().filter(|(_, o)| f(o)).count();
    println!("\n| node | command | result |\n| --- | --- | --- |");
    for (step, o) in &rows {
        let result = match o {
            Outcome::Identical => "identical",
            Outcome::Different(_) => "DIFFERENT",
            Outcome::Simplified(_) => "simplified on purpose",
            Outcome::NotModelled => "not modelled",
        };
        println!("| {} | `{}` | {result} |", step.node + 1, step.line);
    }
    for (step, o) in &rows {
        match o {
            Outcome::Different(d) => println!("\n{} `{}`:\n{d}", step.node + 1, step.line),
            Outcome::Simplified(why) => println!("\n{} `{}`: {why}", step.node + 1, step.line),
            _ => {}
        }
    }
    let identical = count(|o| matches!(o, Outcome::Identical));
    let different = count(|o| matches!(o, Outcome::Different(_)));
    let missing = count(|o| matches!(o, Outcome::NotModelled));
    let simplified = count(|o| matches!(o, Outcome::Simplified(_)));
    println!(
        "\n{} compared: {identical} identical, {different} different, {simplified} simplified on purpose, {missing} not modelled",
        rows.len()
    );
    assert_eq!(
        different, 0,
        "replies differ from Redis 7.0.15 (see the table above)"
    );
}
