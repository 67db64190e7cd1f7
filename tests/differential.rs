//! The differential fidelity suite: the same scripts sent to a real Redis 7 cluster
//! (Debian's `redis-server`, created with the real `redis-cli --cluster create`) and to the
//! simulation under `clusterlab serve`, through the same client; replies are compared after
//! normalising only what must differ (node IDs, ports, timestamps, counters, offsets).
//! It prints a table: identical, different (with the diff), not modelled.
//!
//! Needs `redis-server` and `redis-cli`: `cargo xtask test` runs it (`--ignored`).
//! `DIFFERENTIAL_SHOW=1` also prints every reply of the real cluster.

#[path = "differential_normalise.rs"]
mod differential_normalise;
#[path = "differential_script.rs"]
mod differential_script;
#[path = "differential_script_data.rs"]
mod differential_script_data;
#[path = "real_cluster.rs"]
mod real_cluster;
#[path = "resp_client.rs"]
mod resp_client;

use std::collections::BTreeMap;

use clusterlab_core::console::{split_args, Console};
use clusterlab_core::ClusterShape;
use differential_normalise::{
    normalise, normalise_commandstats, normalise_nodes, sort_command_rules, sort_entries,
    sort_lines, sort_shards,
};
use differential_script::{replica, script, Step};
use real_cluster::RealCluster;
use resp_client::Client;

/// Ports below the ephemeral range (32768+), bus ports (+10000) included.
const REAL_BASE: u16 = 21001;
const SIM_BASE: u16 = 22001;

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
    let mut console = Console::new(shape).expect("the simulated cluster");
    // The real nodes start with `--enable-debug-command yes` too.
    console
        .world_mut()
        .set_enable_debug_command(clusterlab_core::config::ProtectedAction::Yes);
    // Which node replicates which, in the simulation; the real cluster is made to match.
    let mut replica_of = BTreeMap::new();
    for (i, p) in console.world().processes().iter().enumerate() {
        if let Some(m) = p.node.master_ref().and_then(|r| p.node.peers().get(r)) {
            replica_of.insert(i, usize::from(m.port - SIM_BASE));
        }
    }
    let serving = clusterlab_tests::serve(console, 1.0);

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
        if step.line == ".reconnect" {
            // A new connection to the node on both sides (a client that connects now).
            real_clients[step.node] = Client::connect(REAL_BASE + step.node as u16).unwrap();
            sim_clients[step.node] = Client::connect(SIM_BASE + step.node as u16).unwrap();
            continue;
        }
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
        if step.line.starts_with("ACL LIST") || step.line.starts_with("ACL GETUSER") {
            r = sort_command_rules(&r);
            s = sort_command_rules(&s);
        }
        if step.line.starts_with("ACL CAT ") {
            r = sort_lines(&r);
            s = sort_lines(&s);
        }
        if step.line == "INFO commandstats" {
            r = normalise_commandstats(&r);
            s = normalise_commandstats(&s);
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
