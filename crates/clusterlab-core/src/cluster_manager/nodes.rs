//! The two commands that change membership, `add-node` (`clusterManagerCommandAddNode`)
//! and `del-node` (`clusterManagerCommandDeleteNode`), with redis-cli's text, and the
//! wait for a join.

use super::load::{Loaded, ToolNode};
use super::{Tool, USAGE};
use crate::reply::Reply;
use crate::time::SimDuration;

impl Tool<'_> {
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
    pub(super) fn node_is_empty(&mut self, port: u16) -> bool {
        let keyspace = self
            .tool_text(port, &["INFO", "keyspace"])
            .unwrap_or_default();
        let info = self
            .tool_text(port, &["CLUSTER", "INFO"])
            .unwrap_or_default();
        !keyspace.contains("db0:") && info.contains("cluster_known_nodes:1\r\n")
    }

    pub(super) fn add_node(
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
                let conn = self.open(port);
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

    pub(super) fn del_node(&mut self, (ip, port): (String, u16), id: &str) -> String {
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
