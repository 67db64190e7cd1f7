//! `redis-cli --cluster create … --cluster-replicas R`, done the way redis-cli does it:
//! the same slot split, replica assignment, config epochs and MEETs, through real commands;
//! `.cluster-tool create` runs it on nodes started with `.start`.

use super::{host_port, Tool, INVALID_HOST, USAGE};
use crate::config::ClusterShape;
use crate::converge::ports_agree;
use crate::reply::Reply;
use crate::rng::SimRng;
use crate::slot::SLOTS;
use crate::time::SimDuration;
use crate::world::World;

/// Stream id of the generator that plays redis-cli's `rand()`.
const CLI_STREAM: u64 = 2;

/// The slot ranges of `masters` masters, as redis-cli computes them (float32, `lround`).
pub fn slot_split(masters: usize) -> Vec<(u16, u16)> {
    let per = SLOTS as f32 / masters as f32;
    let mut cursor = 0.0f32;
    let mut first = 0i64;
    let mut out = Vec::with_capacity(masters);
    for i in 0..masters {
        let mut last = (cursor + per - 1.0).round() as i64;
        if last > SLOTS as i64 || i == masters - 1 {
            last = SLOTS as i64 - 1;
        }
        out.push((first as u16, last as u16));
        first = last + 1;
        cursor += per;
    }
    out
}

/// The plan: which ports are masters, and which master each replica follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatePlan {
    pub masters: Vec<u16>,
    pub slots: Vec<(u16, u16)>,
    /// `(replica port, master port)` before the anti-affinity shuffle (what redis-cli
    /// prints as "Adding replica …").
    pub initial: Vec<(u16, u16)>,
    /// `(replica port, master port)`, final.
    pub replicas: Vec<(u16, u16)>,
}

/// Plans the roles for nodes on one host (`clusterManagerCommandCreate`), including the
/// anti-affinity shuffle that redis-cli does with `rand()` when every node shares a host.
pub fn plan(shape: &ClusterShape, rng: &mut SimRng) -> CreatePlan {
    let ports: Vec<u16> = (0..shape.node_count())
        .map(|i| shape.base_port + i as u16)
        .collect();
    plan_for(&ports, shape.replicas_per_master, rng).0
}

/// The plan for `ports` (in the order given) with `per_master` replicas each, and whether
/// nodes were left over ("Adding extra replicas...": one more per master in turn).
pub fn plan_for(ports: &[u16], per_master: usize, rng: &mut SimRng) -> (CreatePlan, usize) {
    let m = ports.len() / per_master.saturating_add(1);
    let masters = ports[..m].to_vec();
    let mut rest: Vec<u16> = ports[m..].to_vec();
    if !rest.is_empty() {
        rest.rotate_left(1);
    }
    let mut replicas = Vec::new();
    for _ in 0..per_master {
        for &master in &masters {
            if rest.is_empty() {
                break;
            }
            replicas.push((rest.remove(0), master));
        }
    }
    let regular = replicas.len();
    for &master in &masters {
        if rest.is_empty() {
            break;
        }
        replicas.push((rest.remove(0), master));
    }
    let node_count = ports.len();
    let initial = replicas.clone();
    // Every replica shares its master's host, so every swap keeps the score: the loop
    // runs all of its 500 × N iterations, each swapping two random replicas' masters.
    if replicas.len() > 1 {
        for _ in 0..500 * node_count {
            let a = rng.index(replicas.len());
            let others: Vec<usize> = (0..replicas.len()).filter(|&i| i != a).collect();
            let b = others[rng.index(others.len())];
            let (ma, mb) = (replicas[a].1, replicas[b].1);
            replicas[a].1 = mb;
            replicas[b].1 = ma;
        }
    }
    let extra = replicas.len() - regular;
    let plan = CreatePlan {
        masters,
        slots: slot_split(m),
        initial,
        replicas,
    };
    (plan, extra)
}

fn run(world: &mut World, port: u16, args: &[&str]) -> Reply {
    let Some(conn) = world.connect(port) else {
        return Reply::err("ERR no such node");
    };
    let args: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
    let r = world
        .execute(conn, &args)
        .unwrap_or_else(|e| Reply::err(e.to_string()));
    world.disconnect(conn);
    r
}

/// Creates the cluster on a fresh world and returns redis-cli's output text.
pub fn create_cluster(world: &mut World, shape: &ClusterShape) -> String {
    let ports: Vec<u16> = (0..shape.node_count())
        .map(|i| shape.base_port + i as u16)
        .collect();
    create_on(
        world,
        &shape.ip,
        &ports,
        shape.replicas_per_master,
        shape.seed,
    )
}

/// `redis-cli --cluster create` of `ports` (empty nodes on `ip`) with `per_master`
/// replicas per master, as if `--cluster-yes` were given; returns its text up to the join.
pub fn create_on(
    world: &mut World,
    ip: &str,
    ports: &[u16],
    per_master: usize,
    seed: u64,
) -> String {
    let mut out = String::new();
    let mut rng = SimRng::stream(seed, CLI_STREAM);
    let (p, extra) = plan_for(ports, per_master, &mut rng);
    out.push_str(&format!(
        ">>> Performing hash slots allocation on {} nodes...\n",
        ports.len()
    ));
    for (i, (a, b)) in p.slots.iter().enumerate() {
        out.push_str(&format!("Master[{i}] -> Slots {a} - {b}\n"));
    }
    for (k, &(r, m)) in p.initial.iter().enumerate() {
        if k == p.initial.len() - extra {
            out.push_str("Adding extra replicas...\n");
        }
        out.push_str(&format!("Adding replica {ip}:{r} to {ip}:{m}\n"));
    }
    if !p.replicas.is_empty() {
        out.push_str(">>> Trying to optimize slaves allocation for anti-affinity\n");
        out.push_str("[WARNING] Some slaves are in the same host as their master\n");
    }
    let name_of =
        |world: &World, port: u16| world.node(world.by_port(port).expect("started")).name();
    for (i, &m) in p.masters.iter().enumerate() {
        let (a, b) = p.slots[i];
        out.push_str(&format!(
            "M: {} {ip}:{m}\n   slots:[{a}-{b}] ({} slots) master\n",
            name_of(world, m),
            b - a + 1
        ));
    }
    for &(r, m) in &p.replicas {
        out.push_str(&format!(
            "S: {} {ip}:{r}\n   replicates {}\n",
            name_of(world, r),
            name_of(world, m)
        ));
    }
    // Flush the configuration: ADDSLOTS on masters (REPLICATE fails until the join).
    for (i, &m) in p.masters.iter().enumerate() {
        let (a, b) = p.slots[i];
        let slots: Vec<String> = (a..=b).map(|s| s.to_string()).collect();
        let mut args = vec!["CLUSTER", "ADDSLOTS"];
        args.extend(slots.iter().map(String::as_str));
        run(world, m, &args);
    }
    for &(r, m) in &p.replicas {
        let master = name_of(world, m).to_string();
        run(world, r, &["CLUSTER", "REPLICATE", &master]);
    }
    out.push_str(
        ">>> Nodes configuration updated\n>>> Assign a different config epoch to each node\n",
    );
    for (i, &port) in ports.iter().enumerate() {
        run(
            world,
            port,
            &["cluster", "set-config-epoch", &(i + 1).to_string()],
        );
    }
    out.push_str(">>> Sending CLUSTER MEET messages to join the cluster\n");
    let first = ports[0].to_string();
    for &port in &ports[1..] {
        run(world, port, &["cluster", "meet", ip, &first]);
    }
    world.advance(SimDuration::from_secs(1));
    out.push_str("Waiting for the cluster to join\n");
    while !ports_agree(world, ports) {
        out.push('.');
        world.advance(SimDuration::from_secs(1));
    }
    out.push('\n');
    for &(r, m) in &p.replicas {
        let master = name_of(world, m).to_string();
        run(world, r, &["CLUSTER", "REPLICATE", &master]);
    }
    out
}

impl Tool<'_> {
    /// `clusterManagerCommandCreate` on nodes started with `.start`, as if `--cluster-yes`
    /// were given.
    pub(super) fn tool_create(&mut self, args: &[&str]) -> String {
        let mut hosts = Vec::new();
        let mut per_master = 0usize;
        let mut i = 0;
        while i < args.len() {
            match args[i] {
                "--cluster-replicas" => match args.get(i + 1).and_then(|v| v.parse().ok()) {
                    Some(r) => {
                        per_master = r;
                        i += 1;
                    }
                    None => return USAGE.into(),
                },
                "--cluster-yes" => {}
                a if a.starts_with("--") => return USAGE.into(),
                a => match host_port(a) {
                    Some(h) => hosts.push(h),
                    None => return format!("Invalid address format: {a}\n"),
                },
            }
            i += 1;
        }
        if hosts.is_empty() {
            return INVALID_HOST.into();
        }
        for (ip, port) in &hosts {
            if self.world.by_port(*port).is_none() || self.tool_call(*port, &["PING"]).is_none() {
                return format!("Could not connect to Redis at {ip}:{port}: Connection refused\n");
            }
            if !self.node_is_empty(*port) {
                return format!("[ERR] Node {ip}:{port} is not empty. Either the node already knows other nodes (check with CLUSTER NODES) or contains some key in database 0.\n");
            }
        }
        let n = hosts.len();
        if n / per_master.saturating_add(1) < 3 {
            return format!(
                "*** ERROR: Invalid configuration for cluster creation.\n*** Redis Cluster requires at least 3 master nodes.\n*** This is not possible with {n} nodes and {per_master} replicas per node.\n*** At least {} nodes are required.\n",
                per_master.saturating_add(1).saturating_mul(3)
            );
        }
        let ports: Vec<u16> = hosts.iter().map(|(_, p)| *p).collect();
        let seed = self.world.seed();
        let mut out = create_on(self.world, &hosts[0].0, &ports, per_master, seed);
        match self.tool_load(ports[0]) {
            Ok(mut loaded) => out.push_str(&self.check_cluster(&mut loaded, false, false).0),
            Err(e) => out.push_str(&format!("{e}\n")),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_splits_match_redis_cli() {
        assert_eq!(
            slot_split(3),
            vec![(0, 5460), (5461, 10922), (10923, 16383)]
        );
        assert_eq!(
            slot_split(4),
            vec![(0, 4095), (4096, 8191), (8192, 12287), (12288, 16383)]
        );
        assert_eq!(
            slot_split(5),
            vec![
                (0, 3276),
                (3277, 6553),
                (6554, 9829),
                (9830, 13106),
                (13107, 16383)
            ]
        );
        assert_eq!(
            slot_split(7),
            vec![
                (0, 2340),
                (2341, 4680),
                (4681, 7021),
                (7022, 9361),
                (9362, 11702),
                (11703, 14042),
                (14043, 16383)
            ]
        );
        assert_eq!(
            slot_split(10),
            vec![
                (0, 1637),
                (1638, 3276),
                (3277, 4914),
                (4915, 6553),
                (6554, 8191),
                (8192, 9829),
                (9830, 11468),
                (11469, 13106),
                (13107, 14745),
                (14746, 16383)
            ]
        );
    }

    #[test]
    fn every_master_gets_its_replicas() {
        let shape = ClusterShape {
            masters: 3,
            replicas_per_master: 2,
            ..ClusterShape::default()
        };
        let p = plan(&shape, &mut SimRng::new(1));
        assert_eq!(p.replicas.len(), 6);
        for m in &p.masters {
            assert_eq!(p.replicas.iter().filter(|(_, x)| x == m).count(), 2);
        }
    }
}
