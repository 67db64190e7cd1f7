//! MONITOR (`monitorCommand`, `replicationFeedMonitors`): each command a client runs goes
//! to every monitoring client as one status line: the Unix time with microseconds, the
//! database and the client's address, then the arguments quoted as `sdscatrepr` quotes
//! them. Administrative commands are left out, as Redis leaves them out, and passwords
//! are redacted.

use crate::node::{Node, Output};
use crate::reply::Reply;

/// Commands (and subcommands) with the ADMIN or SKIP_MONITOR flag in 7.0.15: never shown.
const NOT_SHOWN: &[&str] = &[
    "acl|deluser",
    "acl|dryrun",
    "acl|getuser",
    "acl|list",
    "acl|load",
    "acl|log",
    "acl|save",
    "acl|setuser",
    "acl|users",
    "bgrewriteaof",
    "bgsave",
    "client|kill",
    "client|list",
    "client|no-evict",
    "client|pause",
    "client|unblock",
    "client|unpause",
    "cluster|addslots",
    "cluster|addslotsrange",
    "cluster|bumpepoch",
    "cluster|count-failure-reports",
    "cluster|delslots",
    "cluster|delslotsrange",
    "cluster|failover",
    "cluster|flushslots",
    "cluster|forget",
    "cluster|meet",
    "cluster|replicas",
    "cluster|replicate",
    "cluster|reset",
    "cluster|saveconfig",
    "cluster|set-config-epoch",
    "cluster|setslot",
    "cluster|slaves",
    "config|get",
    "config|resetstat",
    "config|rewrite",
    "config|set",
    "debug",
    "eval",
    "eval_ro",
    "evalsha",
    "evalsha_ro",
    "failover",
    "fcall",
    "fcall_ro",
    "lastsave",
    "monitor",
    "pfdebug",
    "pfselftest",
    "psync",
    "replconf",
    "replicaof",
    "role",
    "save",
    "shutdown",
    "slaveof",
    "sync",
];

pub fn monitor(n: &mut Node, client: u64, _args: &[Vec<u8>]) -> Reply {
    // Inside EXEC the client may not block (`CLIENT_DENY_BLOCKING`).
    if n.clients.held_propagation.is_some() {
        return Reply::err("ERR MONITOR isn't allowed for DENY BLOCKING client");
    }
    if n.clients.monitors.contains(&client) || n.repl.streams.contains(&client) {
        return Reply::Silent;
    }
    n.clients.monitors.push(client);
    Reply::ok()
}

/// Feeds a command that ran (`call()`) to the monitors.
pub(crate) fn feed(n: &mut Node, client: u64, full_name: &str, args: &[Vec<u8>]) {
    if n.clients.monitors.is_empty() || NOT_SHOWN.contains(&full_name) {
        return;
    }
    let us = n.unix_ms(n.now) * 1000;
    let peer = super::client::peer_address(n, client);
    let mut line = format!("+{}.{:06} [0 {peer}] ", us / 1_000_000, us % 1_000_000).into_bytes();
    let redacted = redacted_from(args);
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push(b' ');
        }
        if redacted.contains(&i) {
            line.extend_from_slice(b"\"(redacted)\"");
        } else {
            repr(&mut line, a);
        }
    }
    line.extend_from_slice(b"\r\n");
    let monitors: Vec<u64> = n
        .clients
        .monitors
        .iter()
        .copied()
        .filter(|&m| m != client)
        .collect();
    for m in monitors {
        n.out.push(Output::Push {
            client: m,
            bytes: line.clone(),
        });
    }
}

/// The argument positions a command's own code redacts: AUTH's, HELLO's after AUTH,
/// MIGRATE's after AUTH and AUTH2.
fn redacted_from(args: &[Vec<u8>]) -> Vec<usize> {
    let is = |i: usize, w: &str| {
        args.get(i)
            .is_some_and(|a| a.eq_ignore_ascii_case(w.as_bytes()))
    };
    if is(0, "auth") {
        return (1..args.len()).collect();
    }
    let mut out = Vec::new();
    if is(0, "hello") || is(0, "migrate") {
        for i in 1..args.len() {
            if is(i, "auth") && is(0, "hello") {
                out.extend([i + 1, i + 2]);
            } else if is(i, "auth") {
                out.push(i + 1);
            } else if is(i, "auth2") {
                out.extend([i + 1, i + 2]);
            }
        }
    }
    out
}

/// `sdscatrepr`: the bytes in double quotes, with `\\`, `\"`, `\n`, `\r`, `\t`, `\a`,
/// `\b` escaped and anything else unprintable as `\xHH`.
fn repr(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        match b {
            b'\\' | b'"' => out.extend_from_slice(&[b'\\', b]),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            7 => out.extend_from_slice(b"\\a"),
            8 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(b),
            _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}
