//! What CLUSTER INFO, NODES, SLOTS, SHARDS, REPLICAS and LINKS print, byte for byte as
//! Redis 7.0, from this node's own table.

use crate::bus::MessageType;
use crate::node::{flags, Node, Peer, PeerRef};
use crate::reply::Reply;
use crate::slot::{format_ranges, RangeStyle};

/// CLUSTER INFO's text (`\r\n` line ends; per-type counters only when non-zero).
pub fn cluster_info_text(node: &Node) -> String {
    let (assigned, ok, pfail, fail) = node.slot_counts();
    let mut s = format!(
        "cluster_state:{}\r\ncluster_slots_assigned:{assigned}\r\ncluster_slots_ok:{ok}\r\ncluster_slots_pfail:{pfail}\r\ncluster_slots_fail:{fail}\r\ncluster_known_nodes:{}\r\ncluster_size:{}\r\ncluster_current_epoch:{}\r\ncluster_my_epoch:{}\r\n",
        if node.state_ok() { "ok" } else { "fail" },
        node.known_nodes(),
        node.cluster_size(),
        node.current_epoch(),
        node.my_epoch(),
    );
    let (sent, received) = node.stats();
    for (counts, dir) in [(sent, "sent"), (received, "received")] {
        let mut total = 0;
        for t in MessageType::ALL {
            let n = counts[t as usize];
            if n > 0 {
                total += n;
                s.push_str(&format!(
                    "cluster_stats_messages_{}_{dir}:{n}\r\n",
                    t.stats_name()
                ));
            }
        }
        s.push_str(&format!("cluster_stats_messages_{dir}:{total}\r\n"));
    }
    s.push_str("total_cluster_links_buffer_limit_exceeded:0\r\n");
    s
}

/// One CLUSTER NODES line, without the newline (`clusterGenNodeDescription`).
pub fn node_line(node: &Node, p: &Peer) -> String {
    let master = p.master.filter(|_| p.is_replica());
    let epoch = match master.and_then(|m| node.peers().by_name(&m)) {
        Some(m) => m.config_epoch,
        None => p.config_epoch,
    };
    let unix = |t: Option<crate::time::SimTime>| t.map_or(0, |t| node.unix_ms(t));
    let connected = p.link.is_some() || p.has(flags::MYSELF);
    let mut line = format!(
        "{} {}:{}@{} {} {} {} {} {} {}",
        p.name,
        p.ip,
        p.port,
        p.cport,
        flags::describe(p.flags),
        master.map_or("-".to_string(), |m| m.to_string()),
        unix(p.ping_sent),
        unix(p.pong_received),
        epoch,
        if connected {
            "connected"
        } else {
            "disconnected"
        },
    );
    let ranges = format_ranges(&p.slots.ranges(), RangeStyle::Spaces);
    if !ranges.is_empty() {
        line.push(' ');
        line.push_str(&ranges);
    }
    if p.has(flags::MYSELF) {
        // Open slots appear in slot order, migrating before importing for the same slot.
        let mut open: Vec<(u16, String)> = Vec::new();
        for (s, t) in node.migrating() {
            open.push((*s, format!(" [{s}->-{t}]")));
        }
        for (s, t) in node.importing() {
            if !node.migrating().contains_key(s) {
                open.push((*s, format!(" [{s}-<-{t}]")));
            }
        }
        crate::order::sort_by_key(&mut open, |(s, _)| *s);
        for (_, text) in open {
            line.push_str(&text);
        }
    }
    line
}

/// CLUSTER NODES's text: one `\n`-terminated line per known node, in my table's order.
pub fn cluster_nodes_text(node: &Node) -> String {
    let mut s = String::new();
    for (_, p) in node.peers().iter() {
        s.push_str(&node_line(node, p));
        s.push('\n');
    }
    s
}

fn node_entry(p: &Peer) -> Reply {
    Reply::array(vec![
        Reply::bulk(p.ip),
        Reply::int(i64::from(p.port)),
        Reply::bulk(p.name.0.to_vec()),
        Reply::array(vec![]),
    ])
}

/// A replica is listed by CLUSTER SLOTS only if not FAIL and it has replicated something.
fn replica_available(node: &Node, p: &Peer) -> bool {
    let offset = if p.has(flags::MYSELF) {
        node.replication().offset
    } else {
        p.repl_offset
    };
    !p.has(flags::FAIL) && offset != 0
}

pub fn slots(node: &Node) -> Reply {
    let mut out = Vec::new();
    for (start, end, owner) in node.slot_table().runs() {
        let Some(m) = node.peers().get(owner) else {
            continue;
        };
        let mut entry = vec![
            Reply::int(i64::from(start)),
            Reply::int(i64::from(end)),
            node_entry(m),
        ];
        for r in node.peers().replicas_of(&m.name) {
            let rp = node.peers().get(r).expect("ref from the table");
            if replica_available(node, rp) {
                entry.push(node_entry(rp));
            }
        }
        out.push(Reply::array(entry));
    }
    Reply::array(out)
}

fn shard_node(node: &Node, p: &Peer) -> Reply {
    let offset = if p.has(flags::MYSELF) {
        node.replication().offset
    } else {
        p.repl_offset
    };
    let health = if p.has(flags::FAIL) {
        "fail"
    } else if p.is_replica() && offset == 0 {
        "loading"
    } else {
        "online"
    };
    Reply::map_flat(vec![
        Reply::bulk("id"),
        Reply::bulk(p.name.0.to_vec()),
        Reply::bulk("port"),
        Reply::int(i64::from(p.port)),
        Reply::bulk("ip"),
        Reply::bulk(p.ip),
        Reply::bulk("endpoint"),
        Reply::bulk(p.ip),
        Reply::bulk("role"),
        Reply::bulk(if p.is_replica() { "replica" } else { "master" }),
        Reply::bulk("replication-offset"),
        Reply::int(offset as i64),
        Reply::bulk("health"),
        Reply::bulk(health),
    ])
}

pub fn shards(node: &Node) -> Reply {
    let mut out = Vec::new();
    for (_, m) in node.peers().iter().filter(|(_, p)| p.is_master()) {
        let slots = m
            .slots
            .ranges()
            .into_iter()
            .flat_map(|(a, b)| [Reply::int(i64::from(a)), Reply::int(i64::from(b))])
            .collect();
        let mut nodes = vec![shard_node(node, m)];
        for r in node.peers().replicas_of(&m.name) {
            nodes.push(shard_node(
                node,
                node.peers().get(r).expect("ref from the table"),
            ));
        }
        out.push(Reply::map_flat(vec![
            Reply::bulk("slots"),
            Reply::array(slots),
            Reply::bulk("nodes"),
            Reply::array(nodes),
        ]));
    }
    Reply::array(out)
}

pub fn replicas(node: &Node, master: PeerRef) -> Reply {
    let name = node.peers().get(master).expect("caller looked it up").name;
    Reply::array(
        node.peers()
            .replicas_of(&name)
            .into_iter()
            .map(|r| {
                Reply::bulk(node_line(
                    node,
                    node.peers().get(r).expect("ref from the table"),
                ))
            })
            .collect(),
    )
}

pub fn links(node: &Node) -> Reply {
    let mut out = Vec::new();
    for (r, p) in node.peers().iter() {
        if r == Node::ME {
            continue;
        }
        // Per node, as `clusterCommand` lists them: my link to it, then its link to me.
        for (direction, link) in [("to", p.link), ("from", p.inbound)] {
            let Some(l) = link else { continue };
            out.push(Reply::map_flat(vec![
                Reply::bulk("direction"),
                Reply::bulk(direction),
                Reply::bulk("node"),
                Reply::bulk(p.name.0.to_vec()),
                Reply::bulk("create-time"),
                Reply::int(node.unix_ms(l.created) as i64),
                Reply::bulk("events"),
                Reply::bulk("r"),
                Reply::bulk("send-buffer-allocated"),
                Reply::int(0),
                Reply::bulk("send-buffer-used"),
                Reply::int(0),
            ]));
        }
    }
    Reply::array(out)
}

pub fn help() -> Reply {
    const LINES: &[&str] = &[
        "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ADDSLOTS <slot> [<slot> ...]",
        "    Assign slots to current node.",
        "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Assign slots which are between <start-slot> and <end-slot> to current node.",
        "BUMPEPOCH",
        "    Advance the cluster config epoch.",
        "COUNT-FAILURE-REPORTS <node-id>",
        "    Return number of failure reports for <node-id>.",
        "COUNTKEYSINSLOT <slot>",
        "    Return the number of keys in <slot>.",
        "DELSLOTS <slot> [<slot> ...]",
        "    Delete slots information from current node.",
        "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
        "FAILOVER [FORCE|TAKEOVER]",
        "    Promote current replica node to being a master.",
        "FORGET <node-id>",
        "    Remove a node from the cluster.",
        "GETKEYSINSLOT <slot> <count>",
        "    Return key names stored by current node in a slot.",
        "FLUSHSLOTS",
        "    Delete current node own slots information.",
        "INFO",
        "    Return information about the cluster.",
        "KEYSLOT <key>",
        "    Return the hash slot for <key>.",
        "MEET <ip> <port> [<bus-port>]",
        "    Connect nodes into a working cluster.",
        "MYID",
        "    Return the node id.",
        "NODES",
        "    Return cluster configuration seen by node. Output format:",
        "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
        "REPLICATE <node-id>",
        "    Configure current node as replica to <node-id>.",
        "RESET [HARD|SOFT]",
        "    Reset current node (default: soft).",
        "SET-CONFIG-EPOCH <epoch>",
        "    Set config epoch of current node.",
        "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
        "    Set slot state.",
        "REPLICAS <node-id>",
        "    Return <node-id> replicas.",
        "SAVECONFIG",
        "    Force saving cluster configuration on disk.",
        "SLOTS",
        "    Return information about slots range mappings. Each range is made of:",
        "    start, end, master and replicas IP addresses, ports and ids",
        "SHARDS",
        "    Return information about slot range mappings and the nodes associated with them.",
        "LINKS",
        "    Return information about all network links between this node and its peers.",
        "    Output format is an array where each array element is a map containing attributes of a link",
        "HELP",
        "    Prints this help.",
    ];
    Reply::array(
        LINES
            .iter()
            .map(|l| Reply::Status((*l).to_string()))
            .collect(),
    )
}
