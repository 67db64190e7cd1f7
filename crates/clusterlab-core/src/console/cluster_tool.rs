//! `.cluster-tool info|check HOST:PORT`: `redis-cli --cluster info` and `check` (reshard is
//! in `cluster_reshard.rs`), with
//! redis-cli's own text (without its colours). Like redis-cli, the tool is a client: it
//! reads CLUSTER NODES from the node it is given and from every node listed there, and
//! DBSIZE from each master.

use super::cluster_job::Endpoint;
use super::Console;
use crate::reply::Reply;
use crate::slot::{SlotSet, SLOTS};

/// One node as the tool loaded it (`clusterManagerNode`).
#[derive(Clone, Debug)]
pub(super) struct ToolNode {
    pub(super) id: String,
    pub(super) addr: String,
    pub(super) port: u16,
    pub(super) master: bool,
    pub(super) replicates: Option<String>,
    pub(super) slots: Vec<(u16, u16)>,
    /// Open slots as `(slot, other node's ID)`.
    pub(super) migrating: Vec<(u16, String)>,
    pub(super) importing: Vec<(u16, String)>,
    /// Its own CLUSTER NODES, reduced to what must agree (`clusterManagerGetConfigSignature`).
    signature: String,
    pub(super) keys: i64,
}

impl ToolNode {
    pub(super) fn endpoint(&self) -> Endpoint {
        Endpoint {
            id: self.id.clone(),
            addr: self.addr.clone(),
            port: self.port,
        }
    }

    pub(super) fn has_slot(&self, slot: u16) -> bool {
        self.slots.iter().any(|&(a, b)| (a..=b).contains(&slot))
    }

    /// Updates what the tool believes the node owns (`CLUSTER_MANAGER_OPT_UPDATE`).
    pub(super) fn set_slot(&mut self, slot: u16, owned: bool) {
        let mut set = slot_set(self.slots.iter().flat_map(|&(a, b)| a..=b));
        if owned {
            set.insert(slot);
        } else {
            set.remove(slot);
        }
        self.slots = set.ranges();
    }
}

/// What `clusterManagerLoadInfoFromNode` found: the reachable nodes, the given one first,
/// and how many masters it could not reach.
pub(super) struct Loaded {
    pub(super) nodes: Vec<ToolNode>,
    pub(super) unreachable_masters: usize,
}

/// redis-cli's refusal to fix with masters it cannot reach (it exits there).
fn unreachable_warning(what: &str, n: usize) -> String {
    format!("*** Fixing {what} with {n} unreachable masters is dangerous: redis-cli will assume that slots about masters that are not reachable are not covered, and will try to reassign them to the reachable nodes. This can cause data loss and is rarely what you want to do. If you really want to proceed use the --cluster-fix-with-unreachable-masters option.\n")
}

/// `clusterManagerGetConfigSignature`: who owns which slots in one node's CLUSTER NODES.
fn signature(nodes: &str) -> String {
    let mut parts: Vec<String> = nodes
        .lines()
        .filter_map(parse_line)
        .filter_map(|l| {
            let slots = ranges(&l.rest);
            (!slots.is_empty()).then(|| format!("{}:{}", l.id, slot_text(&slots, ",", false)))
        })
        .collect();
    parts.sort();
    parts.join("|")
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

/// The slots given, as a set.
pub(super) fn slot_set(slots: impl IntoIterator<Item = u16>) -> SlotSet {
    let mut set = SlotSet::new();
    for s in slots {
        set.insert(s);
    }
    set
}

/// Slot ranges as redis-cli prints them: `0-5460,14687` or, bracketed, `[0-5460],[14687]`.
pub(super) fn slot_text(r: &[(u16, u16)], sep: &str, brackets: bool) -> String {
    let (open, close) = if brackets { ("[", "]") } else { ("", "") };
    r.iter()
        .map(|(a, b)| {
            if a == b {
                format!("{open}{a}{close}")
            } else {
                format!("{open}{a}-{b}{close}")
            }
        })
        .collect::<Vec<_>>()
        .join(sep)
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

    pub(super) fn tool_text(&mut self, port: u16, args: &[&str]) -> Option<String> {
        match self.tool_call(port, args)? {
            Reply::Bulk(Some(b)) => Some(String::from_utf8_lossy(&b).into_owned()),
            Reply::Verbatim(t) => Some(t),
            _ => None,
        }
    }

    /// `clusterManagerLoadInfoFromNode`: the given node first, then every other node its
    /// CLUSTER NODES lists, each asked for its own view.
    pub(super) fn tool_load(&mut self, port: u16) -> Result<Loaded, String> {
        let Some(nodes) = self.tool_text(port, &["CLUSTER", "NODES"]) else {
            return Err(format!(
                "Could not connect to Redis at 127.0.0.1:{port}: Connection refused"
            ));
        };
        let mut order: Vec<(u16, bool)> = Vec::new();
        let mut unreachable_masters = 0;
        for line in nodes.lines() {
            if let Some(l) = parse_line(line) {
                let master = !l.flags.iter().any(|f| f == "slave");
                if l.flags.iter().any(|f| f == "myself") {
                    order.insert(0, (l.port, master));
                } else if !l.flags.iter().any(|f| f == "fail" || f == "noaddr") {
                    order.push((l.port, master));
                } else if master {
                    unreachable_masters += 1;
                }
            }
        }
        let mut out = Vec::new();
        for (p, master) in order {
            let Some(own) = self.tool_text(p, &["CLUSTER", "NODES"]) else {
                unreachable_masters += usize::from(master);
                continue;
            };
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
                if flags.iter().any(|f| f == "myself") {
                    let marks = |arrow: &str| {
                        rest.iter()
                            .filter(|r| r.starts_with('[') && r.contains(arrow))
                            .filter_map(|r| {
                                let (slot, id) = r.trim_matches(['[', ']']).split_once(arrow)?;
                                Some((slot.parse().ok()?, id.to_string()))
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
                n.signature = signature(&own);
                if n.master {
                    n.keys = match self.tool_call(n.port, &["DBSIZE"]) {
                        Some(Reply::Integer(k)) => k,
                        _ => 0,
                    };
                }
                out.push(n);
            }
        }
        Ok(Loaded {
            nodes: out,
            unreachable_masters,
        })
    }

    /// `clusterManagerIsConfigConsistent`: every node's own CLUSTER NODES gives the same
    /// slot signature.
    pub(super) fn tool_consistent(&mut self, ports: &[u16]) -> bool {
        let mut first: Option<String> = None;
        for &p in ports {
            let Some(own) = self.tool_text(p, &["CLUSTER", "NODES"]) else {
                return false;
            };
            let signature = signature(&own);
            match &first {
                None => first = Some(signature),
                Some(f) if *f != signature => return false,
                Some(_) => {}
            }
        }
        true
    }

    pub(super) fn tool_info(nodes: &[ToolNode]) -> String {
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

    /// `clusterManagerNodeInfo`: a node's two or three lines, indented by `indent`.
    pub(super) fn node_info(nodes: &[ToolNode], n: &ToolNode, indent: &str) -> String {
        let mut s = String::new();
        {
            let role = if n.master { 'M' } else { 'S' };
            s.push_str(&format!("{indent}{role}: {} {}\n", n.id, n.addr));
            s.push_str(&format!(
                "{indent}   slots:{} ({} slots) {}\n",
                slot_text(&n.slots, ",", true),
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

    /// `clusterManagerCheckCluster`: the node list (unless `quiet`), agreement, open slots
    /// and coverage, repairing as it goes when `fix` is set. Returns the text and whether
    /// the cluster looked sane.
    pub(super) fn check_cluster(
        &mut self,
        loaded: &mut Loaded,
        quiet: bool,
        fix: bool,
    ) -> (String, bool) {
        let nodes = &mut loaded.nodes;
        let entry = nodes.first().map_or("", |n| n.addr.as_str());
        let mut s = format!(">>> Performing Cluster Check (using node {entry})\n");
        if !quiet {
            for n in nodes.iter() {
                s.push_str(&Self::node_info(nodes, n, ""));
            }
        }
        let mut sane = nodes.windows(2).all(|w| w[0].signature == w[1].signature);
        s.push_str(if sane {
            "[OK] All nodes agree about slots configuration.\n"
        } else {
            "[ERR] Nodes don't agree about configuration!\n"
        });
        s.push_str(">>> Check for open slots...\n");
        let mut open: Vec<u16> = Vec::new();
        for n in nodes.iter() {
            for (state, slots) in [("migrating", &n.migrating), ("importing", &n.importing)] {
                if !slots.is_empty() {
                    let list: Vec<String> = slots.iter().map(|(x, _)| x.to_string()).collect();
                    s.push_str(&format!(
                        "[WARNING] Node {} has slots in {state} state {}.\n",
                        n.addr,
                        list.join(",")
                    ));
                    open.extend(slots.iter().map(|(x, _)| *x));
                }
            }
        }
        if !open.is_empty() {
            sane = false;
            open.sort_unstable();
            open.dedup();
            let list: Vec<String> = open.iter().map(u16::to_string).collect();
            s.push_str(&format!(
                "[WARNING] The following slots are open: {}.\n",
                list.join(",")
            ));
            if fix {
                if loaded.unreachable_masters > 0 {
                    s.push_str(&unreachable_warning(
                        "open slots",
                        loaded.unreachable_masters,
                    ));
                    return (s, false);
                }
                for slot in open {
                    if !self.fix_open_slot(nodes, slot, &mut s) {
                        break;
                    }
                }
            }
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
            sane = false;
            if fix {
                if loaded.unreachable_masters > 0 {
                    s.push_str(&unreachable_warning(
                        "slots coverage",
                        loaded.unreachable_masters,
                    ));
                    return (s, false);
                }
                if self.fix_coverage(nodes, &covered, &mut s) > 0 {
                    sane = true;
                }
            }
        }
        (s, sane)
    }
}
