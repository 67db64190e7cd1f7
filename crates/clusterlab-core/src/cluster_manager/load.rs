//! Loading the cluster as redis-cli's cluster manager sees it
//! (`clusterManagerLoadInfoFromNode`): like redis-cli, the tool is a client. It reads
//! CLUSTER NODES from the node it is given and from every node listed there, and DBSIZE
//! from each master; its config signature says whether the nodes agree.

use super::job::Endpoint;
use super::{Login, Tool};
use crate::reply::Reply;
use crate::slot::{format_ranges, RangeStyle, SlotSet};

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
    pub(super) signature: String,
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

/// `clusterManagerGetConfigSignature`: who owns which slots in one node's CLUSTER NODES.
fn signature(nodes: &str) -> String {
    let mut parts: Vec<String> = nodes
        .lines()
        .filter_map(parse_line)
        .filter_map(|l| {
            let slots = ranges(&l.rest);
            (!slots.is_empty())
                .then(|| format!("{}:{}", l.id, format_ranges(&slots, RangeStyle::Commas)))
        })
        .collect();
    crate::order::sort(&mut parts);
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

pub(super) fn count(r: &[(u16, u16)]) -> usize {
    r.iter().map(|(a, b)| usize::from(b - a) + 1).sum()
}

impl Tool<'_> {
    /// A connection of the manager's own to the node on `port`, logged in (`AUTH`) when
    /// the command has a password, as redis-cli's `clusterManagerNodeConnect` does.
    pub(super) fn open(&mut self, port: u16) -> Option<crate::world::ConnId> {
        let conn = self.world.connect(port)?;
        if let Some(login) = &self.manager.login {
            let mut auth = vec![b"AUTH".to_vec()];
            auth.extend(login.user.as_ref().map(|u| u.as_bytes().to_vec()));
            auth.push(login.password.as_bytes().to_vec());
            // A refused login fails the connection (`clusterManagerNodeConnect`).
            if let Ok(Reply::Error(e)) = self.world.execute(conn, &auth) {
                self.world.disconnect(conn);
                self.login_error = Some(e);
                return None;
            }
        }
        Some(conn)
    }

    /// The AUTH or AUTH2 arguments of the MIGRATEs the manager sends.
    pub(super) fn migrate_auth(&self) -> Vec<String> {
        match &self.manager.login {
            Some(Login {
                user: Some(u),
                password,
            }) => vec!["AUTH2".into(), u.clone(), password.clone()],
            Some(Login {
                user: None,
                password,
            }) => vec!["AUTH".into(), password.clone()],
            None => Vec::new(),
        }
    }

    /// Sends one command to the node on `port` on a connection of its own, as redis-cli's
    /// cluster manager does, and waits for the reply; `None` if nothing answers.
    pub(super) fn tool_call(&mut self, port: u16, args: &[&str]) -> Option<Reply> {
        if self.peek {
            return self.world.peek(port, args);
        }
        let conn = self.open(port)?;
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
        let nodes = match self.tool_call(port, &["CLUSTER", "NODES"]) {
            Some(Reply::Verbatim(t)) => t,
            Some(Reply::Bulk(Some(b))) => String::from_utf8_lossy(&b).into_owned(),
            Some(Reply::Error(e)) => return Err(format!("[ERR] Node 127.0.0.1:{port} {e}")),
            _ => {
                return Err(match self.login_error.take() {
                    Some(e) => format!("Node 127.0.0.1:{port} replied with error:\n{e}"),
                    None => {
                        format!(
                            "Could not connect to Redis at 127.0.0.1:{port}: Connection refused"
                        )
                    }
                })
            }
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
}
