//! `.cluster-tool info|check HOST:PORT`: `redis-cli --cluster info` and `check` (reshard is
//! in `cluster_reshard.rs`), with
//! redis-cli's own text (without its colours). Like redis-cli, the tool is a client: it
//! reads CLUSTER NODES from the node it is given and from every node listed there, and
//! DBSIZE from each master.

use super::Console;
use crate::reply::Reply;
use crate::slot::SLOTS;

/// One node as the tool loaded it (`clusterManagerNode`).
pub(super) struct ToolNode {
    pub(super) id: String,
    pub(super) addr: String,
    pub(super) port: u16,
    pub(super) master: bool,
    pub(super) replicates: Option<String>,
    pub(super) slots: Vec<(u16, u16)>,
    migrating: Vec<String>,
    importing: Vec<String>,
    /// Its own CLUSTER NODES, reduced to what must agree (`clusterManagerGetConfigSignature`).
    signature: String,
    keys: i64,
}

/// One CLUSTER NODES line: id, address, flags, master, then slots and open-slot marks.
struct Line {
    id: String,
    addr: String,
    port: u16,
    flags: Vec<String>,
    master: String,
    rest: Vec<String>,
}

fn parse_line(line: &str) -> Option<Line> {
    let f: Vec<&str> = line.split(' ').collect();
    if f.len() < 8 {
        return None;
    }
    let addr = f[1].split('@').next()?.to_string();
    let port = addr.rsplit(':').next()?.parse().ok()?;
    Some(Line {
        id: f[0].to_string(),
        addr,
        port,
        flags: f[2].split(',').map(str::to_string).collect(),
        master: f[3].to_string(),
        rest: f[8..].iter().map(|s| s.to_string()).collect(),
    })
}

fn ranges(parts: &[String]) -> Vec<(u16, u16)> {
    parts
        .iter()
        .filter(|p| !p.starts_with('['))
        .filter_map(|p| match p.split_once('-') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => p.parse().ok().map(|s| (s, s)),
        })
        .collect()
}

pub(super) fn count(r: &[(u16, u16)]) -> usize {
    r.iter().map(|(a, b)| usize::from(b - a) + 1).sum()
}

impl Console {
    pub(super) fn tool_call(&mut self, port: u16, args: &[&str]) -> Option<Reply> {
        let conn = self.world.connect(port)?;
        let args: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        let r = self.world.execute(conn, &args).ok();
        self.world.disconnect(conn);
        r
    }

    fn tool_text(&mut self, port: u16, args: &[&str]) -> Option<String> {
        match self.tool_call(port, args)? {
            Reply::Bulk(Some(b)) => Some(String::from_utf8_lossy(&b).into_owned()),
            Reply::Verbatim(t) => Some(t),
            _ => None,
        }
    }

    /// `clusterManagerLoadInfoFromNode`: the given node first, then every other node its
    /// CLUSTER NODES lists, each asked for its own view.
    pub(super) fn tool_load(&mut self, port: u16) -> Result<Vec<ToolNode>, String> {
        let Some(nodes) = self.tool_text(port, &["CLUSTER", "NODES"]) else {
            return Err(format!(
                "Could not connect to Redis at 127.0.0.1:{port}: Connection refused"
            ));
        };
        let mut order: Vec<(String, u16)> = Vec::new();
        for line in nodes.lines() {
            if let Some(l) = parse_line(line) {
                if l.flags.iter().any(|f| f == "myself") {
                    order.insert(0, (l.id, l.port));
                } else if !l.flags.iter().any(|f| f == "fail" || f == "noaddr") {
                    order.push((l.id, l.port));
                }
            }
        }
        let mut out = Vec::new();
        for (_, p) in order {
            let Some(own) = self.tool_text(p, &["CLUSTER", "NODES"]) else {
                continue;
            };
            let mut signature: Vec<String> = Vec::new();
            let mut me = None;
            for line in own.lines() {
                let Some(Line {
                    id,
                    addr,
                    port,
                    flags,
                    master,
                    rest,
                }) = parse_line(line)
                else {
                    continue;
                };
                let slots = ranges(&rest);
                if !slots.is_empty() {
                    let s: Vec<String> = slots
                        .iter()
                        .map(|(a, b)| {
                            if a == b {
                                a.to_string()
                            } else {
                                format!("{a}-{b}")
                            }
                        })
                        .collect();
                    signature.push(format!("{id}:{}", s.join(",")));
                }
                if flags.iter().any(|f| f == "myself") {
                    let marks = |arrow: &str| {
                        rest.iter()
                            .filter(|r| r.starts_with('[') && r.contains(arrow))
                            .filter_map(|r| {
                                r.trim_matches(['[', ']'])
                                    .split(arrow)
                                    .next()
                                    .map(str::to_string)
                            })
                            .collect::<Vec<_>>()
                    };
                    me = Some(ToolNode {
                        master: flags.iter().any(|f| f == "master"),
                        replicates: (master != "-").then_some(master),
                        migrating: marks("->-"),
                        importing: marks("-<-"),
                        id,
                        addr,
                        port,
                        slots,
                        signature: String::new(),
                        keys: 0,
                    });
                }
            }
            if let Some(mut n) = me {
                signature.sort();
                n.signature = signature.join("|");
                if n.master {
                    n.keys = match self.tool_call(n.port, &["DBSIZE"]) {
                        Some(Reply::Integer(k)) => k,
                        _ => 0,
                    };
                }
                out.push(n);
            }
        }
        Ok(out)
    }

    fn tool_info(nodes: &[ToolNode]) -> String {
        let mut s = String::new();
        let mut keys = 0;
        let mut masters = 0;
        for n in nodes.iter().filter(|n| n.master) {
            let replicas = nodes
                .iter()
                .filter(|r| r.replicates.as_deref() == Some(n.id.as_str()))
                .count();
            s.push_str(&format!(
                "{} ({}...) -> {} keys | {} slots | {} slaves.\n",
                n.addr,
                &n.id[..8],
                n.keys,
                count(&n.slots),
                replicas
            ));
            keys += n.keys;
            masters += 1;
        }
        s.push_str(&format!("[OK] {keys} keys in {masters} masters.\n"));
        s.push_str(&format!(
            "{:.2} keys per slot on average.\n",
            keys as f64 / f64::from(SLOTS as u32)
        ));
        s
    }

    fn tool_check(nodes: &[ToolNode]) -> String {
        Self::tool_info(nodes) + &Self::check_body(nodes)
    }

    /// `clusterManagerNodeInfo`: a node's two or three lines, indented by `indent`.
    pub(super) fn node_info(nodes: &[ToolNode], n: &ToolNode, indent: &str) -> String {
        let mut s = String::new();
        {
            let role = if n.master { 'M' } else { 'S' };
            let slots: Vec<String> = n
                .slots
                .iter()
                .map(|(a, b)| {
                    if a == b {
                        format!("[{a}]")
                    } else {
                        format!("[{a}-{b}]")
                    }
                })
                .collect();
            s.push_str(&format!("{indent}{role}: {} {}\n", n.id, n.addr));
            s.push_str(&format!(
                "{indent}   slots:{} ({} slots) {}\n",
                slots.join(","),
                count(&n.slots),
                if n.master { "master" } else { "slave" }
            ));
            match &n.replicates {
                Some(m) => s.push_str(&format!("{indent}   replicates {m}\n")),
                None => {
                    let r = nodes
                        .iter()
                        .filter(|x| x.replicates.as_deref() == Some(n.id.as_str()))
                        .count();
                    if r > 0 {
                        s.push_str(&format!("{indent}   {r} additional replica(s)\n"));
                    }
                }
            }
        }
        s
    }

    /// `clusterManagerCheckCluster`: the node list, agreement, open slots, coverage.
    pub(super) fn check_body(nodes: &[ToolNode]) -> String {
        let entry = nodes.first().map_or("", |n| n.addr.as_str());
        let mut s = format!(">>> Performing Cluster Check (using node {entry})\n");
        for n in nodes {
            s.push_str(&Self::node_info(nodes, n, ""));
        }
        let agree = nodes.windows(2).all(|w| w[0].signature == w[1].signature);
        s.push_str(if agree {
            "[OK] All nodes agree about slots configuration.\n"
        } else {
            "[ERR] Nodes don't agree about configuration!\n"
        });
        s.push_str(">>> Check for open slots...\n");
        let mut open: Vec<String> = Vec::new();
        for n in nodes.iter().filter(|n| n.master) {
            for (state, slots) in [("migrating", &n.migrating), ("importing", &n.importing)] {
                if !slots.is_empty() {
                    s.push_str(&format!(
                        "[WARNING] Node {} has slots in {state} state {}.\n",
                        n.addr,
                        slots.join(",")
                    ));
                    open.extend(slots.iter().cloned());
                }
            }
        }
        if !open.is_empty() {
            open.sort_by_key(|s| s.parse::<u32>().unwrap_or(0));
            open.dedup();
            s.push_str(&format!(
                "[WARNING] The following slots are open: {}.\n",
                open.join(",")
            ));
        }
        s.push_str(">>> Check slots coverage...\n");
        let mut covered = vec![false; SLOTS];
        for n in nodes.iter().filter(|n| n.master) {
            for &(a, b) in &n.slots {
                for slot in a..=b {
                    covered[usize::from(slot)] = true;
                }
            }
        }
        if covered.iter().all(|c| *c) {
            s.push_str("[OK] All 16384 slots covered.\n");
        } else {
            s.push_str("[ERR] Not all 16384 slots are covered by nodes.\n");
        }
        s
    }

    /// `.cluster-tool info|check|reshard HOST:PORT [options]`.
    pub(super) fn cluster_tool(&mut self, rest: &[&str]) -> String {
        let (sub, addr) = match rest {
            [sub, addr, ..] => (sub.to_ascii_lowercase(), *addr),
            _ => return "(console) .cluster-tool info|check|reshard HOST:PORT [options]\n".into(),
        };
        let Some(port) = addr.rsplit(':').next().and_then(|p| p.parse::<u16>().ok()) else {
            return format!("(console) not a HOST:PORT: {addr}\n");
        };
        let nodes = match self.tool_load(port) {
            Ok(n) if !n.is_empty() => n,
            Ok(_) => return format!("[ERR] Node {addr} is not configured as a cluster node.\n"),
            Err(e) => return format!("{e}\n"),
        };
        match sub.as_str() {
            "info" => Self::tool_info(&nodes),
            "check" => Self::tool_check(&nodes),
            "reshard" => self.reshard(&nodes, &rest[2..]),
            _ => "(console) .cluster-tool info|check|reshard HOST:PORT [options]\n".into(),
        }
    }
}
