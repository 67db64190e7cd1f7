//! CONFIG GET / CONFIG SET for the settings the simulation models: the cluster ones,
//! `protected-mode`, `requirepass`, `masterauth`, `masteruser`, `timeout` and
//! `client-query-buffer-limit`.

use super::args::is;
use crate::glob::glob_match;
use crate::node::{flags, Node};
use crate::reply::Reply;

#[derive(Clone, Copy)]
enum Kind {
    Bool,
    /// An integer with its inclusive bounds.
    Int(i64, i64),
    Immutable,
    /// Any string.
    Str,
    /// Bytes, with Redis's units (`kb`, `mb`, `gb`, `k`, `m`, `g`), and inclusive bounds.
    Memory(u64, u64),
    /// `save`: (seconds, changes) pairs.
    Save,
    /// One of these words, case-insensitively.
    Enum(&'static [&'static str]),
}

/// `maxmemory-policy`'s values, in Redis's order.
const POLICIES: &[&str] = &[
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
];

/// `memtoull`: digits and an optional unit.
pub(crate) fn memory_value(v: &[u8]) -> Option<u64> {
    let digits = v.iter().take_while(|b| b.is_ascii_digit()).count();
    let unit = String::from_utf8_lossy(&v[digits..]).to_ascii_lowercase();
    let mul: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1_000_000,
        "mb" => 1024 * 1024,
        "g" => 1_000_000_000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    let n = std::str::from_utf8(&v[..digits]).ok()?;
    let n: u64 = if n.is_empty() {
        0
    } else {
        n.parse().unwrap_or(u64::MAX)
    };
    Some(n.wrapping_mul(mul))
}

/// (name, alias, kind).
const PARAMS: &[(&str, Option<&str>, Kind)] = &[
    ("cluster-allow-reads-when-down", None, Kind::Bool),
    ("cluster-allow-replica-migration", None, Kind::Bool),
    (
        "client-query-buffer-limit",
        None,
        Kind::Memory(1024 * 1024, i64::MAX as u64),
    ),
    ("cluster-enabled", None, Kind::Immutable),
    ("enable-debug-command", None, Kind::Immutable),
    (
        "cluster-migration-barrier",
        None,
        Kind::Int(0, i32::MAX as i64),
    ),
    ("cluster-node-timeout", None, Kind::Int(0, i64::MAX)),
    (
        "cluster-replica-no-failover",
        Some("cluster-slave-no-failover"),
        Kind::Bool,
    ),
    (
        "cluster-replica-validity-factor",
        Some("cluster-slave-validity-factor"),
        Kind::Int(0, i32::MAX as i64),
    ),
    ("cluster-require-full-coverage", None, Kind::Bool),
    ("masterauth", None, Kind::Str),
    ("masteruser", None, Kind::Str),
    ("protected-mode", None, Kind::Bool),
    ("requirepass", None, Kind::Str),
    ("timeout", None, Kind::Int(0, i32::MAX as i64)),
    (
        "hash-max-listpack-entries",
        Some("hash-max-ziplist-entries"),
        Kind::Int(0, i64::MAX),
    ),
    (
        "hash-max-listpack-value",
        Some("hash-max-ziplist-value"),
        Kind::Memory(0, i64::MAX as u64),
    ),
    (
        "zset-max-listpack-entries",
        Some("zset-max-ziplist-entries"),
        Kind::Int(0, i64::MAX),
    ),
    (
        "zset-max-listpack-value",
        Some("zset-max-ziplist-value"),
        Kind::Memory(0, i64::MAX as u64),
    ),
    ("set-max-intset-entries", None, Kind::Int(0, i64::MAX)),
    (
        "list-max-listpack-size",
        Some("list-max-ziplist-size"),
        Kind::Int(i32::MIN as i64, i32::MAX as i64),
    ),
    ("list-compress-depth", None, Kind::Int(0, i32::MAX as i64)),
    (
        "hll-sparse-max-bytes",
        None,
        Kind::Memory(0, i64::MAX as u64),
    ),
    (
        "stream-node-max-bytes",
        None,
        Kind::Memory(0, i64::MAX as u64),
    ),
    ("stream-node-max-entries", None, Kind::Int(0, i64::MAX)),
    ("save", None, Kind::Save),
    ("maxmemory-policy", None, Kind::Enum(POLICIES)),
    (
        "repl-ping-replica-period",
        Some("repl-ping-slave-period"),
        Kind::Int(1, i32::MAX as i64),
    ),
];

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn value(node: &Node, name: &str) -> String {
    let c = &node.config;
    let limits = &node.keyspace.limits;
    let text = |v: &Option<Vec<u8>>| {
        String::from_utf8_lossy(v.as_deref().unwrap_or_default()).into_owned()
    };
    match name {
        "requirepass" => text(&c.requirepass),
        "masterauth" => text(&c.masterauth),
        "masteruser" => text(&c.masteruser),
        "cluster-allow-reads-when-down" => yes_no(c.allow_reads_when_down),
        "cluster-allow-replica-migration" => yes_no(c.allow_replica_migration),
        "cluster-enabled" => "yes".into(),
        "enable-debug-command" => c.enable_debug_command.name().into(),
        "cluster-migration-barrier" => c.migration_barrier.to_string(),
        "cluster-node-timeout" => c.node_timeout.to_string(),
        "cluster-replica-no-failover" => yes_no(c.replica_no_failover),
        "cluster-replica-validity-factor" => c.replica_validity_factor.to_string(),
        "cluster-require-full-coverage" => yes_no(c.require_full_coverage),
        "protected-mode" => yes_no(c.protected_mode),
        "repl-ping-replica-period" => c.repl_ping_replica_period.to_string(),
        "timeout" => c.timeout.to_string(),
        "client-query-buffer-limit" => c.client_query_buffer_limit.to_string(),
        "hash-max-listpack-entries" => limits.hash_entries.to_string(),
        "hash-max-listpack-value" => limits.hash_value.to_string(),
        "zset-max-listpack-entries" => limits.zset_entries.to_string(),
        "zset-max-listpack-value" => limits.zset_value.to_string(),
        "set-max-intset-entries" => limits.intset_entries.to_string(),
        "stream-node-max-bytes" => limits.stream_bytes.to_string(),
        "stream-node-max-entries" => limits.stream_entries.to_string(),
        "list-max-listpack-size" => c.list_max_listpack_size.to_string(),
        "list-compress-depth" => c.list_compress_depth.to_string(),
        "maxmemory-policy" => c.maxmemory_policy.clone(),
        "hll-sparse-max-bytes" => c.hll_sparse_max_bytes.to_string(),
        "save" => c
            .save
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// CONFIG's subcommands with their arities (`processCommand` checks them first).
pub(crate) const SUBCOMMANDS: &[(&str, i32)] = &[
    ("get", -3),
    ("help", 2),
    ("resetstat", 2),
    ("rewrite", 2),
    ("set", -4),
];

pub fn config(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let sub = String::from_utf8_lossy(&args[1]).to_ascii_lowercase();
    match sub.as_str() {
        "get" if args.len() >= 3 => get(node, &args[2..]),
        "get" => super::arity_error("config|get"),
        "set" if args.len() < 4 => super::arity_error("config|set"),
        "set" if args.len() % 2 == 1 => Reply::err(super::args::ERR_SYNTAX),
        "set" => set(node, &args[2..]),
        "resetstat" => {
            node.stats.reset();
            Reply::ok()
        }
        _ => {
            let text: String = String::from_utf8_lossy(&args[1])
                .chars()
                .take(128)
                .collect();
            Reply::err(format!("ERR unknown subcommand '{text}'. Try CONFIG HELP."))
        }
    }
}

fn get(node: &Node, patterns: &[Vec<u8>]) -> Reply {
    let mut out: Vec<(String, String)> = Vec::new();
    for pat in patterns {
        let lower = pat.to_ascii_lowercase();
        let exact = !lower.iter().any(|c| matches!(c, b'*' | b'?' | b'['));
        for (name, alias, _) in PARAMS {
            for n in std::iter::once(*name).chain(*alias) {
                if glob_match(&lower, n.as_bytes()) {
                    // An exact name is echoed as typed (`CLUSTER-NODE-TIMEOUT`).
                    let shown = if exact {
                        String::from_utf8_lossy(pat).into_owned()
                    } else {
                        n.to_string()
                    };
                    if !out.iter().any(|(x, _)| x.eq_ignore_ascii_case(&shown)) {
                        out.push((shown, value(node, name)));
                    }
                }
            }
        }
    }
    crate::order::sort(&mut out);
    Reply::Map(
        out.into_iter()
            .map(|(k, v)| (Reply::bulk(k), Reply::bulk(v)))
            .collect(),
    )
}

fn failed(name: &str, why: &str) -> Reply {
    Reply::err(format!(
        "ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"
    ))
}

fn set(node: &mut Node, pairs: &[Vec<u8>]) -> Reply {
    // Validate everything first: CONFIG SET is all or nothing.
    let mut changes: Vec<(&str, String)> = Vec::new();
    let mut strings: Vec<(&str, Option<Vec<u8>>)> = Vec::new();
    let mut save = None;
    for pair in pairs.chunks(2) {
        let asked = String::from_utf8_lossy(&pair[0]).to_ascii_lowercase();
        let Some((name, _, kind)) = PARAMS
            .iter()
            .find(|(n, a, _)| *n == asked || *a == Some(asked.as_str()))
        else {
            return Reply::err(format!(
                "ERR Unknown option or number of arguments for CONFIG SET - '{asked}'"
            ));
        };
        if changes.iter().any(|(n, _)| n == name) {
            return failed(&asked, "duplicate parameter");
        }
        let v = String::from_utf8_lossy(&pair[1]).into_owned();
        if let Kind::Str = kind {
            // The empty string unsets it (`requirepass ""` makes the default user `nopass`).
            strings.push((name, (!pair[1].is_empty()).then(|| pair[1].clone())));
        }
        match kind {
            Kind::Save => {
                let words: Vec<&str> = v.split(' ').filter(|w| !w.is_empty()).collect();
                let numbers: Option<Vec<i64>> = words.iter().map(|w| w.parse().ok()).collect();
                match numbers {
                    Some(n) if n.len() % 2 == 0 => {
                        save = Some(n.chunks(2).map(|p| (p[0], p[1])).collect());
                        changes.push((name, String::new()));
                        continue;
                    }
                    _ => return failed(&asked, "Invalid save parameters"),
                }
            }
            Kind::Immutable => return failed(&asked, "can't set immutable config"),
            Kind::Enum(words) if !words.iter().any(|w| is(&pair[1], w)) => {
                let list = words.join(", ");
                return failed(
                    &asked,
                    &format!("argument(s) must be one of the following: {list}"),
                );
            }
            Kind::Bool if !is(&pair[1], "yes") && !is(&pair[1], "no") => {
                return failed(&asked, "argument must be 'yes' or 'no'")
            }
            Kind::Memory(lo, hi) => match memory_value(&pair[1]) {
                None => return failed(&asked, "argument must be a memory value"),
                Some(n) if n < *lo || n > *hi => {
                    return failed(
                        &asked,
                        &format!("argument must be between {lo} and {hi} inclusive"),
                    )
                }
                Some(n) => {
                    changes.push((name, n.to_string()));
                    continue;
                }
            },
            Kind::Int(lo, hi) => match v.parse::<i64>() {
                Err(_) => return failed(&asked, "argument couldn't be parsed into an integer"),
                Ok(n) if n < *lo || n > *hi => {
                    return failed(
                        &asked,
                        &format!("argument must be between {lo} and {hi} inclusive"),
                    )
                }
                Ok(_) => {}
            },
            _ => {}
        }
        changes.push((name, v.to_ascii_lowercase()));
    }
    for (name, v) in strings {
        match name {
            "requirepass" => {
                node.acl.set_default_password(v.as_deref());
                node.config.requirepass = v;
            }
            "masterauth" => node.config.masterauth = v,
            _ => node.config.masteruser = v,
        }
    }
    if let Some(save) = save {
        node.config.save = save;
    }
    let limits = &mut node.keyspace.limits;
    let c = &mut node.config;
    for (name, v) in changes {
        let b = v == "yes";
        let n = v.parse::<i64>().unwrap_or(0);
        match name {
            "cluster-allow-reads-when-down" => c.allow_reads_when_down = b,
            "cluster-allow-replica-migration" => c.allow_replica_migration = b,
            "cluster-migration-barrier" => c.migration_barrier = n as u32,
            "client-query-buffer-limit" => c.client_query_buffer_limit = n as u64,
            "cluster-node-timeout" => c.node_timeout = n as u64,
            "cluster-replica-no-failover" => c.replica_no_failover = b,
            "cluster-replica-validity-factor" => c.replica_validity_factor = n as u32,
            "cluster-require-full-coverage" => c.require_full_coverage = b,
            "protected-mode" => c.protected_mode = b,
            "repl-ping-replica-period" => c.repl_ping_replica_period = n as u64,
            "timeout" => c.timeout = n as u64,
            "hash-max-listpack-entries" => limits.hash_entries = n as usize,
            "hash-max-listpack-value" => limits.hash_value = n as usize,
            "zset-max-listpack-entries" => limits.zset_entries = n as usize,
            "zset-max-listpack-value" => limits.zset_value = n as usize,
            "set-max-intset-entries" => limits.intset_entries = n as usize,
            "stream-node-max-bytes" => limits.stream_bytes = n as usize,
            "stream-node-max-entries" => limits.stream_entries = n as u64,
            "list-max-listpack-size" => c.list_max_listpack_size = n,
            "list-compress-depth" => c.list_compress_depth = n,
            "maxmemory-policy" => c.maxmemory_policy = v,
            "hll-sparse-max-bytes" => c.hll_sparse_max_bytes = n as u64,
            _ => {}
        }
    }
    // The nofailover flag is part of what this node tells others about itself.
    let nofailover = node.config.replica_no_failover;
    let me = node.myself_mut();
    if nofailover {
        me.flags |= flags::NOFAILOVER;
    } else {
        me.flags &= !flags::NOFAILOVER;
    }
    Reply::ok()
}
