//! CLUSTER subcommands that read or change this node's view of the cluster.

use super::args::{is, parse_i64, ERR_SYNTAX};
use super::cluster_views as views;
use crate::event::{EpochReason, EventKind, NodeTag, ReplicaReason, SlotCommand};
use crate::name::NodeName;
use crate::node::{FailoverMode, Node, PeerRef};
use crate::reply::Reply;
use crate::slot::{key_hash_slot, Slot, SLOTS};

/// CLUSTER subcommands with their Redis 7.0 arities (name included, as `cluster|x`).
pub(crate) const SUBCOMMANDS: &[(&str, i32)] = &[
    ("addslots", -3),
    ("addslotsrange", -4),
    ("bumpepoch", 2),
    ("count-failure-reports", 3),
    ("countkeysinslot", 3),
    ("delslots", -3),
    ("delslotsrange", -4),
    ("failover", -2),
    ("flushslots", 2),
    ("forget", 3),
    ("getkeysinslot", 4),
    ("help", 2),
    ("info", 2),
    ("keyslot", 3),
    ("links", 2),
    ("meet", -4),
    ("myid", 2),
    ("nodes", 2),
    ("replicas", 3),
    ("replicate", 3),
    ("reset", -2),
    ("saveconfig", 2),
    ("set-config-epoch", 3),
    ("setslot", -4),
    ("shards", 2),
    ("slaves", 3),
    ("slots", 2),
];

/// Subcommand names, for completion.
pub fn subcommand_names() -> impl Iterator<Item = &'static str> {
    SUBCOMMANDS.iter().map(|(n, _)| *n)
}

fn subcommand_syntax_error(sub: &[u8]) -> Reply {
    let text: String = String::from_utf8_lossy(sub).chars().take(128).collect();
    Reply::err(format!(
        "ERR unknown subcommand or wrong number of arguments for '{text}'. Try CLUSTER HELP."
    ))
}

/// `getSlotOrReply`.
fn parse_slot(arg: &[u8]) -> Result<Slot, Reply> {
    match parse_i64(arg) {
        Ok(s) if (0..SLOTS as i64).contains(&s) => Ok(s as Slot),
        _ => Err(Reply::err("ERR Invalid or out of range slot")),
    }
}

/// `clusterLookupNode`: a known node by its 40-character ID.
fn lookup_node(node: &Node, arg: &[u8]) -> Option<PeerRef> {
    NodeName::parse(arg).and_then(|n| node.view.peers.lookup(&n))
}

fn unknown_node(arg: &[u8]) -> Reply {
    Reply::err(format!("ERR Unknown node {}", String::from_utf8_lossy(arg)))
}

pub fn cluster(node: &mut Node, _client: u64, args: &[Vec<u8>]) -> Reply {
    let sub = String::from_utf8_lossy(&args[1]).to_ascii_lowercase();
    let argc = args.len();
    match (sub.as_str(), argc) {
        ("help", 2) => views::help(),
        ("info", 2) => Reply::Verbatim(views::cluster_info_text(node)),
        ("nodes", 2) => Reply::Verbatim(views::cluster_nodes_text(node)),
        ("myid", 2) => Reply::bulk(node.name().0.to_vec()),
        ("slots", 2) => views::slots(node),
        ("shards", 2) => views::shards(node),
        ("links", 2) => views::links(node),
        ("keyslot", 3) => Reply::int(i64::from(key_hash_slot(&args[2]))),
        ("countkeysinslot", 3) => match parse_i64(&args[2]) {
            Err(e) => e,
            Ok(s) if !(0..SLOTS as i64).contains(&s) => Reply::err("ERR Invalid slot"),
            Ok(s) => Reply::int(node.keyspace.count_in_slot(s as Slot) as i64),
        },
        ("getkeysinslot", 4) => match (parse_i64(&args[2]), parse_i64(&args[3])) {
            (Err(e), _) | (_, Err(e)) => e,
            (Ok(s), Ok(n)) if !(0..SLOTS as i64).contains(&s) || n < 0 => {
                Reply::err("ERR Invalid slot or number of keys")
            }
            (Ok(s), Ok(n)) => Reply::bulks(node.keyspace.keys_in_slot(s as Slot, n as usize)),
        },
        ("meet", 4 | 5) => meet(node, args),
        ("addslots" | "delslots", _) => {
            let mut slots = Vec::new();
            for a in &args[2..] {
                match parse_slot(a) {
                    Ok(s) => slots.push((s, s)),
                    Err(e) => return e,
                }
            }
            change_slots(node, &sub, &slots)
        }
        ("addslotsrange" | "delslotsrange", _) => {
            if argc % 2 == 1 {
                return super::arity_error(&format!("cluster|{sub}"));
            }
            let mut ranges = Vec::new();
            for pair in args[2..].chunks(2) {
                let (a, b) = match (parse_slot(&pair[0]), parse_slot(&pair[1])) {
                    (Ok(a), Ok(b)) => (a, b),
                    (Err(e), _) | (_, Err(e)) => return e,
                };
                if a > b {
                    return Reply::err(format!(
                        "ERR start slot number {a} is greater than end slot number {b}"
                    ));
                }
                ranges.push((a, b));
            }
            change_slots(node, &sub, &ranges)
        }
        ("flushslots", 2) => {
            if !node.keyspace.is_empty() {
                return Reply::err("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
            }
            let n = node.myself().num_slots();
            node.unbind_all_slots_of(Node::ME);
            node.emit(EventKind::SlotsChanged {
                command: SlotCommand::FlushSlots,
                count: n,
            });
            Reply::ok()
        }
        ("setslot", _) => setslot(node, args),
        ("bumpepoch", 2) => {
            let moved = node.bump_epoch_without_consensus(EpochReason::BumpEpoch);
            let e = node.myself().config_epoch;
            Reply::status(format!("{} {e}", if moved { "BUMPED" } else { "STILL" }))
        }
        ("saveconfig", 2) => Reply::ok(),
        ("forget", 3) => forget(node, &args[2]),
        ("replicate", 3) => replicate(node, &args[2]),
        ("slaves" | "replicas", 3) => match lookup_node(node, &args[2]) {
            None => unknown_node(&args[2]),
            Some(r) if node.view.peers.get(r).is_some_and(|p| p.is_replica()) => {
                Reply::err("ERR The specified node is not a master")
            }
            Some(r) => views::replicas(node, r),
        },
        ("count-failure-reports", 3) => match lookup_node(node, &args[2]) {
            None => unknown_node(&args[2]),
            Some(r) => Reply::int(node.failure_report_count(r) as i64),
        },
        ("set-config-epoch", 3) => set_config_epoch(node, &args[2]),
        ("reset", 2 | 3) => reset(node, args.get(2)),
        ("failover", 2 | 3) => {
            if argc == 3 && !is(&args[2], "force") && !is(&args[2], "takeover") {
                return Reply::err(ERR_SYNTAX);
            }
            let mode = match args.get(2) {
                None => FailoverMode::Default,
                Some(a) if is(a, "force") => FailoverMode::Force,
                Some(_) => FailoverMode::Takeover,
            };
            if node.is_master() {
                return Reply::err("ERR You should send CLUSTER FAILOVER to a replica");
            }
            let Some(master) = node.master_ref() else {
                return Reply::err("ERR I'm a replica but my master is unknown to me");
            };
            let m = node.view.peers.get(master).expect("looked up");
            if mode == FailoverMode::Default
                && (m.has(crate::node::flags::FAIL) || m.link.is_none())
            {
                return Reply::err(
                    "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE",
                );
            }
            node.start_manual_failover(mode);
            Reply::ok()
        }
        _ => subcommand_syntax_error(&args[1]),
    }
}

fn meet(node: &mut Node, args: &[Vec<u8>]) -> Reply {
    let Ok(port) = parse_i64(&args[3]) else {
        return Reply::err(format!(
            "ERR Invalid TCP base port specified: {}",
            String::from_utf8_lossy(&args[3])
        ));
    };
    let cport = match args.get(4) {
        Some(c) => match parse_i64(c) {
            Ok(c) => c,
            Err(_) => {
                return Reply::err(format!(
                    "ERR Invalid TCP bus port specified: {}",
                    String::from_utf8_lossy(c)
                ))
            }
        },
        None => port.saturating_add(10_000),
    };
    let ip = String::from_utf8_lossy(&args[2]).into_owned();
    let valid_ip = ip.parse::<std::net::IpAddr>().is_ok();
    let valid_ports = (0..=65535).contains(&port) && (0..=65535).contains(&cport);
    if !valid_ip || !valid_ports {
        return Reply::err(format!(
            "ERR Invalid node address specified: {ip}:{}",
            String::from_utf8_lossy(&args[3])
        ));
    }
    node.start_handshake(&ip, port as u16, cport as u16);
    Reply::ok()
}

fn change_slots(node: &mut Node, sub: &str, ranges: &[(Slot, Slot)]) -> Reply {
    let del = sub.starts_with("del");
    let mut seen = vec![false; SLOTS];
    for &(a, b) in ranges {
        for s in a..=b {
            let owned = node.view.slots.owner(s).is_some();
            if del && !owned {
                return Reply::err(format!("ERR Slot {s} is already unassigned"));
            }
            if !del && owned {
                return Reply::err(format!("ERR Slot {s} is already busy"));
            }
            if std::mem::replace(&mut seen[usize::from(s)], true) {
                return Reply::err(format!("ERR Slot {s} specified multiple times"));
            }
        }
    }
    let mut count = 0;
    for &(a, b) in ranges {
        for s in a..=b {
            if del {
                node.unbind_slot(s);
            } else {
                node.view.importing.remove(&s);
                node.bind_slot(s, Node::ME);
            }
            count += 1;
        }
    }
    if let Some(command) = SlotCommand::from_subcommand(sub) {
        node.emit(EventKind::SlotsChanged { command, count });
    }
    Reply::ok()
}

fn setslot(node: &mut Node, args: &[Vec<u8>]) -> Reply {
    if node.myself().is_replica() {
        return Reply::err("ERR Please use SETSLOT only with masters.");
    }
    let slot = match parse_slot(&args[2]) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let action = String::from_utf8_lossy(&args[3]).to_ascii_lowercase();
    let target = args.get(4);
    match (action.as_str(), args.len()) {
        ("migrating" | "importing", 5) => {
            let mine = node.view.slots.owner(slot) == Some(Node::ME);
            if action == "migrating" && !mine {
                return Reply::err(format!("ERR I'm not the owner of hash slot {slot}"));
            }
            if action == "importing" && mine {
                return Reply::err(format!("ERR I'm already the owner of hash slot {slot}"));
            }
            let t = target.expect("argc 5");
            let Some(r) = lookup_node(node, t) else {
                return Reply::err(format!(
                    "ERR I don't know about node {}",
                    String::from_utf8_lossy(t)
                ));
            };
            let p = node.view.peers.get(r).expect("looked up");
            if p.is_replica() {
                return Reply::err("ERR Target node is not a master");
            }
            let tag = NodeTag {
                name: p.name,
                port: p.port,
            };
            if action == "migrating" {
                node.view.migrating.insert(slot, tag.name);
                node.emit(EventKind::SlotMigrating { slot, to: tag });
            } else {
                node.view.importing.insert(slot, tag.name);
                node.emit(EventKind::SlotImporting { slot, from: tag });
            }
            Reply::ok()
        }
        ("stable", 4) => {
            let open = node.view.migrating.remove(&slot).is_some()
                | node.view.importing.remove(&slot).is_some();
            if open {
                node.emit(EventKind::SlotStable { slot });
            }
            Reply::ok()
        }
        ("node", 5) => {
            let t = target.expect("argc 5");
            let Some(r) = lookup_node(node, t) else {
                return Reply::err(format!("ERR Unknown node {}", String::from_utf8_lossy(t)));
            };
            if node.view.peers.get(r).is_some_and(|p| p.is_replica()) {
                return Reply::err("ERR Target node is not a master");
            }
            let was_mine = node.view.slots.owner(slot) == Some(Node::ME);
            let keys = node.keyspace.count_in_slot(slot);
            if was_mine && r != Node::ME && keys != 0 {
                return Reply::err(format!(
                    "ERR Can't assign hashslot {slot} to a different node while I still hold keys for this hash slot."
                ));
            }
            if keys == 0 {
                node.view.migrating.remove(&slot);
            }
            node.bind_slot(slot, r);
            let to = {
                let p = node.view.peers.get(r).expect("looked up");
                NodeTag {
                    name: p.name,
                    port: p.port,
                }
            };
            let name = to.name;
            node.emit(EventKind::SlotAssigned { slot, to });
            if was_mine
                && r != Node::ME
                && node.myself().num_slots() == 0
                && node.config.allow_replica_migration
            {
                node.set_my_master(name, ReplicaReason::GaveLastSlot { slot });
            }
            if r == Node::ME && node.view.importing.remove(&slot).is_some() {
                node.bump_epoch_without_consensus(EpochReason::Imported { slot });
                node.broadcast_pong();
            }
            Reply::ok()
        }
        _ => Reply::err(
            "ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP",
        ),
    }
}

fn forget(node: &mut Node, arg: &[u8]) -> Reply {
    let Some(r) = lookup_node(node, arg) else {
        return unknown_node(arg);
    };
    if r == Node::ME {
        return Reply::err("ERR I tried hard but I can't forget myself...");
    }
    if node.myself().is_replica() && node.master_ref() == Some(r) {
        return Reply::err("ERR Can't forget my master!");
    }
    node.blacklist_add(r);
    node.del_node(r);
    Reply::ok()
}

fn replicate(node: &mut Node, arg: &[u8]) -> Reply {
    let Some(r) = lookup_node(node, arg) else {
        return unknown_node(arg);
    };
    if r == Node::ME {
        return Reply::err("ERR Can't replicate myself");
    }
    if node.view.peers.get(r).is_some_and(|p| p.is_replica()) {
        return Reply::err("ERR I can only replicate a master, not a replica.");
    }
    if node.is_master() && (node.myself().num_slots() != 0 || !node.keyspace.is_empty()) {
        return Reply::err(
            "ERR To set a master the node must be empty and without assigned slots.",
        );
    }
    let name = node.view.peers.get(r).expect("looked up").name;
    node.set_my_master(name, ReplicaReason::Replicate);
    Reply::ok()
}

fn set_config_epoch(node: &mut Node, arg: &[u8]) -> Reply {
    let epoch = match parse_i64(arg) {
        Ok(e) => e,
        Err(e) => return e,
    };
    if epoch < 0 {
        return Reply::err(format!("ERR Invalid config epoch specified: {epoch}"));
    }
    if node.view.peers.len() > 1 {
        return Reply::err("ERR The user can assign a config epoch only when the node does not know any other node.");
    }
    if node.myself().config_epoch != 0 {
        return Reply::err("ERR Node config epoch is already non-zero");
    }
    let e = epoch as u64;
    node.myself_mut().config_epoch = e;
    node.view.current_epoch = node.view.current_epoch.max(e);
    node.emit(EventKind::ConfigEpochSet {
        epoch: e,
        reason: EpochReason::SetConfigEpoch,
    });
    node.state.dirty = true;
    Reply::ok()
}

fn reset(node: &mut Node, mode: Option<&Vec<u8>>) -> Reply {
    let hard = match mode {
        None => false,
        Some(m) if is(m, "soft") => false,
        Some(m) if is(m, "hard") => true,
        Some(_) => return Reply::err(ERR_SYNTAX),
    };
    if node.is_master() && !node.keyspace.is_empty() {
        return Reply::err("ERR CLUSTER RESET can't be called with master nodes containing keys");
    }
    node.cluster_reset(hard);
    Reply::ok()
}
