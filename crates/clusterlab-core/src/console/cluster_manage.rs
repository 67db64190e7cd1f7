//! `.cluster-tool`: which `redis-cli --cluster` command runs, and the two that change
//! membership, `add-node` (`clusterManagerCommandAddNode`) and `del-node`
//! (`clusterManagerCommandDeleteNode`), with redis-cli's text.

use super::cluster_tool::{Loaded, ToolNode};
use super::Console;
use crate::reply::Reply;
use crate::time::SimDuration;

pub(super) const USAGE: &str = "(console) .cluster-tool create|check|info|fix|reshard|rebalance|add-node|del-node ARGS (see .help)\n";
const INVALID_HOST: &str = "[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or space separated IP and port (ie. 120.0.0.1 7000)\n";

fn host_port(addr: &str) -> Option<(String, u16)> {
    let (host, port) = addr.rsplit_once(':')?;
    Some((host.to_string(), port.parse().ok()?))
}

impl Console {
    /// Starts a `.cluster-tool` command (the words after `.cluster-tool`) and returns what
    /// it prints before its first slot move; the moves, if any, are left for
    /// [`Console::cluster_tool_step`]. A running job is abandoned.
    pub fn start_cluster_tool(&mut self, words: &[&str]) -> String {
        self.job = None;
        let Some(sub) = words.first().map(|s| s.to_ascii_lowercase()) else {
            return USAGE.into();
        };
        let args = &words[1..];
        match sub.as_str() {
            "create" => self.tool_create(args),
            "add-node" => match args {
                [new, existing, opts @ ..] => match (host_port(new), host_port(existing)) {
                    (Some(new), Some(existing)) => self.add_node(new, existing, opts),
                    _ => INVALID_HOST.into(),
                },
                _ => INVALID_HOST.into(),
            },
            "del-node" => match args {
                [addr, id] => match host_port(addr) {
                    Some(addr) => self.del_node(addr, id),
                    None => INVALID_HOST.into(),
                },
                _ => INVALID_HOST.into(),
            },
            "info" | "check" | "fix" | "reshard" | "rebalance" => {
                let Some((_, port)) = args.first().and_then(|a| host_port(a)) else {
                    return INVALID_HOST.into();
                };
                let mut loaded = match self.tool_load(port) {
                    Ok(l) if !l.nodes.is_empty() => l,
                    Ok(_) => {
                        return format!(
                            "[ERR] Node {} is not configured as a cluster node.\n",
                            args[0]
                        )
                    }
                    Err(e) => return format!("{e}\n"),
                };
                let opts = &args[1..];
                match sub.as_str() {
                    "info" => Self::tool_info(&loaded.nodes),
                    "check" | "fix" => {
                        let info = Self::tool_info(&loaded.nodes);
                        info + &self.check_cluster(&mut loaded, false, sub == "fix").0
                    }
                    "reshard" => {
                        let (check, _) = self.check_cluster(&mut loaded, false, false);
                        match Self::plan_reshard(&loaded.nodes, check, opts) {
                            Ok((text, job)) => {
                                self.job = Some(job);
                                text
                            }
                            Err(text) => text,
                        }
                    }
                    _ => self.rebalance(&mut loaded, opts),
                }
            }
            _ => USAGE.into(),
        }
    }

    /// `.cluster-tool …` run to its end.
    pub(super) fn cluster_tool(&mut self, words: &[&str]) -> String {
        let mut out = self.start_cluster_tool(words);
        while let Some(text) = self.cluster_tool_step() {
            out.push_str(&text);
        }
        out
    }

    /// `clusterManagerWaitForClusterJoin`: a dot per second until every node agrees.
    pub(super) fn wait_for_join(&mut self, ports: &[u16]) -> String {
        let mut out = String::from("Waiting for the cluster to join\n");
        // A join that never happens (a blocked bus) gives up after ten minutes.
        for _ in 0..600 {
            if self.tool_consistent(ports) {
                break;
            }
            out.push('.');
            self.world.advance(SimDuration::from_secs(1));
        }
        out.push('\n');
        out
    }

    /// `clusterManagerNodeIsEmpty`: no keys in db0 and no other node known.
    fn node_is_empty(&mut self, port: u16) -> bool {
        let keyspace = self
            .tool_text(port, &["INFO", "keyspace"])
            .unwrap_or_default();
        let info = self
            .tool_text(port, &["CLUSTER", "INFO"])
            .unwrap_or_default();
        !keyspace.contains("db0:") && info.contains("cluster_known_nodes:1\r\n")
    }

    fn add_node(
        &mut self,
        (ip, port): (String, u16),
        (ref_ip, ref_port): (String, u16),
        opts: &[&str],
    ) -> String {
        let mut slave = false;
        let mut master_id = None;
        let mut i = 0;
        while i < opts.len() {
            match opts[i] {
                "--cluster-slave" | "--cluster-replica" => slave = true,
                "--cluster-master-id" if i + 1 < opts.len() => {
                    master_id = Some(opts[i + 1]);
                    i += 1;
                }
                "--cluster-yes" => {}
                _ => return USAGE.into(),
            }
            i += 1;
        }
        let mut out = format!(">>> Adding node {ip}:{port} to cluster {ref_ip}:{ref_port}\n");
        let mut loaded = match self.tool_load(ref_port) {
            Ok(l) => l,
            Err(e) => return out + &e + "\n",
        };
        let (check, sane) = self.check_cluster(&mut loaded, false, false);
        out.push_str(&check);
        if !sane {
            return out;
        }
        let Loaded { nodes, .. } = loaded;
        let mut master: Option<ToolNode> = None;
        if slave {
            match master_id {
                Some(id) => match nodes.iter().find(|n| n.id.eq_ignore_ascii_case(id)) {
                    Some(n) => master = Some(n.clone()),
                    None => return out + &format!("[ERR] No such master ID {id}\n"),
                },
                None => {
                    let least = nodes
                        .iter()
                        .filter(|n| n.master)
                        .min_by_key(|n| replicas_of(&nodes, n));
                    let Some(m) = least else { return out };
                    out.push_str(&format!("Automatically selected master {}\n", m.addr));
                    master = Some(m.clone());
                }
            }
        }
        if self.world.by_port(port).is_none() || self.tool_call(port, &["PING"]).is_none() {
            return out + &format!("[ERR] Sorry, can't connect to node {ip}:{port}\n");
        }
        if !self.node_is_empty(port) {
            return out + &format!("[ERR] Node {ip}:{port} is not empty. Either the node already knows other nodes (check with CLUSTER NODES) or contains some key in database 0.\n");
        }
        let first = nodes[0].clone();
        if master.is_none() {
            out.push_str(">>> Getting functions from cluster\n");
            if let Some(Reply::Bulk(Some(dump))) = self.tool_call(first.port, &["FUNCTION", "DUMP"])
            {
                out.push_str(&format!(
                    ">>> Send FUNCTION LIST to {ip}:{port} to verify there is no functions in it\n"
                ));
                self.tool_call(port, &["FUNCTION", "LIST"]);
                out.push_str(&format!(">>> Send FUNCTION RESTORE to {ip}:{port}\n"));
                let conn = self.world.connect(port);
                if let Some(conn) = conn {
                    let args = vec![b"FUNCTION".to_vec(), b"RESTORE".to_vec(), dump];
                    let _ = self.world.execute(conn, &args);
                    self.world.disconnect(conn);
                }
            }
        }
        out.push_str(&format!(
            ">>> Send CLUSTER MEET to node {ip}:{port} to make it join the cluster.\n"
        ));
        let first_ip = first
            .addr
            .rsplit_once(':')
            .map_or("127.0.0.1", |(h, _)| h)
            .to_string();
        let meet = self.tool_call(
            port,
            &["CLUSTER", "MEET", &first_ip, &first.port.to_string()],
        );
        if let Some(Reply::Error(e)) = meet {
            return out + &format!("Node {ip}:{port} replied with error:\n{e}\n");
        }
        if let Some(m) = master {
            self.world.advance(SimDuration::from_secs(1));
            let mut ports: Vec<u16> = nodes.iter().map(|n| n.port).collect();
            ports.push(port);
            out.push_str(&self.wait_for_join(&ports));
            out.push_str(&format!(">>> Configure node as replica of {}.\n", m.addr));
            if let Some(Reply::Error(e)) = self.tool_call(port, &["CLUSTER", "REPLICATE", &m.id]) {
                return out + &format!("Node {ip}:{port} replied with error:\n{e}\n");
            }
        }
        out + "[OK] New node added correctly.\n"
    }

    /// `clusterManagerCommandCreate` on nodes started with `.start`, as if `--cluster-yes`
    /// were given.
    fn tool_create(&mut self, args: &[&str]) -> String {
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
        if n / (per_master + 1) < 3 {
            return format!(
                "*** ERROR: Invalid configuration for cluster creation.\n*** Redis Cluster requires at least 3 master nodes.\n*** This is not possible with {n} nodes and {per_master} replicas per node.\n*** At least {} nodes are required.\n",
                3 * (per_master + 1)
            );
        }
        let ports: Vec<u16> = hosts.iter().map(|(_, p)| *p).collect();
        let seed = self.world.seed();
        let mut out =
            crate::create::create_on(&mut self.world, &hosts[0].0, &ports, per_master, seed);
        match self.tool_load(ports[0]) {
            Ok(mut loaded) => out.push_str(&self.check_cluster(&mut loaded, false, false).0),
            Err(e) => out.push_str(&format!("{e}\n")),
        }
        out
    }

    fn del_node(&mut self, (ip, port): (String, u16), id: &str) -> String {
        let mut out = format!(">>> Removing node {id} from cluster {ip}:{port}\n");
        let nodes = match self.tool_load(port) {
            Ok(l) => l.nodes,
            Err(e) => return out + &e + "\n",
        };
        let Some(node) = nodes
            .iter()
            .find(|n| n.id.eq_ignore_ascii_case(id))
            .cloned()
        else {
            return out + &format!("[ERR] No such node ID {id}\n");
        };
        if !node.slots.is_empty() {
            return out
                + &format!(
                    "[ERR] Node {} is not empty! Reshard data away and try again.\n",
                    node.addr
                );
        }
        out.push_str(">>> Sending CLUSTER FORGET messages to the cluster...\n");
        for n in nodes.iter().filter(|n| n.id != node.id) {
            if n.replicates.as_deref() == Some(node.id.as_str()) {
                let least = nodes
                    .iter()
                    .filter(|m| m.master)
                    .min_by_key(|m| replicas_of(&nodes, m));
                if let Some(m) = least {
                    out.push_str(&format!(">>> {} as replica of {}\n", n.addr, m.addr));
                    if let Some(Reply::Error(e)) =
                        self.tool_call(n.port, &["CLUSTER", "REPLICATE", &m.id])
                    {
                        return out + &format!("Node {} replied with error:\n{e}\n", n.addr);
                    }
                }
            }
            if let Some(Reply::Error(e)) = self.tool_call(n.port, &["CLUSTER", "FORGET", &node.id])
            {
                return out + &format!("Node {} replied with error:\n{e}\n", n.addr);
            }
        }
        out.push_str(">>> Sending CLUSTER RESET SOFT to the deleted node.\n");
        if let Some(Reply::Error(e)) = self.tool_call(node.port, &["CLUSTER", "RESET", "SOFT"]) {
            out.push_str(&format!("Node {} replied with error:\n{e}\n", node.addr));
        }
        out
    }
}

/// How many loaded nodes replicate `n` (`replicas_count`).
fn replicas_of(nodes: &[ToolNode], n: &ToolNode) -> usize {
    nodes
        .iter()
        .filter(|r| r.replicates.as_deref() == Some(n.id.as_str()))
        .count()
}
