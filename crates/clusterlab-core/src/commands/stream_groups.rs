//! Consumer groups: XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, in Redis's argument
//! order, replicated as Redis replicates them (XCLAIM and XAUTOCLAIM as the idempotent
//! XCLAIMs of what they changed).

use super::args::{is, parse_i64, ERR_SYNTAX};
use super::streams::{bound, cstr, entry_reply, err_text, strict_id, Result, ERR_ID};
use crate::node::stream_reads::{setid_form, xclaim_form};
use crate::node::Node;
use crate::reply::Reply;
use crate::types::stream::{parse_id, Group, IdForm, Nack, Stream, StreamId};

type Bytes = Vec<u8>;

pub(crate) const XGROUP_SUBCOMMANDS: &[(&str, i32)] = &[
    ("create", -5),
    ("createconsumer", 5),
    ("delconsumer", 5),
    ("destroy", 4),
    ("help", 2),
    ("setid", -5),
];

fn subcommand_error(args: &[Bytes]) -> Reply {
    err_text(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        cstr(&args[1]).chars().take(128).collect::<String>(),
        cstr(&args[0]).to_ascii_uppercase()
    ))
}

fn nogroup(key: &[u8], group: &[u8]) -> Reply {
    err_text(format!(
        "NOGROUP No such key '{}' or consumer group '{}'",
        cstr(key),
        cstr(group)
    ))
}

fn nogroup_for_key(group: &[u8], key: &[u8]) -> Reply {
    err_text(format!(
        "NOGROUP No such consumer group '{}' for key name '{}'",
        cstr(group),
        cstr(key)
    ))
}

/// `XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER|HELP …`.
pub fn xgroup(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let (argc, sub) = (args.len(), &args[1]);
    let now = node.now;
    let mut mkstream = false;
    let mut entries_read = -1;
    if argc >= 4 {
        let (create, setid) = (is(sub, "create"), is(sub, "setid"));
        let mut i = 5;
        while i < argc {
            if create && is(&args[i], "mkstream") {
                mkstream = true;
                i += 1;
            } else if (create || setid) && is(&args[i], "entriesread") && i + 1 < argc {
                entries_read = parse_i64(&args[i + 1])?;
                if entries_read < -1 {
                    return Err(Reply::err(
                        "ERR value for ENTRIESREAD must be positive or -1",
                    ));
                }
                i += 2;
            } else {
                return Err(subcommand_error(args));
            }
        }
        if !mkstream {
            let Some(s) = node.keyspace.stream(&args[2], now)? else {
                return Err(Reply::err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."));
            };
            let needs = ["setid", "createconsumer", "delconsumer"];
            if !s.groups.contains_key(&args[3]) && needs.iter().any(|n| is(sub, n)) {
                return Err(nogroup_for_key(&args[3], &args[2]));
            }
        }
    }
    if argc == 2 && is(sub, "help") {
        return Ok(super::help_reply("XGROUP", XGROUP_HELP));
    }
    let now_ms = node.unix_ms(now);
    let key = &args[2];
    // Only CREATE … MKSTREAM that makes the stream signals the key (XGROUP DESTROY tries
    // the blocked clients itself).
    node.clients.unmodified = true;
    let reply = if is(sub, "create") && (5..=8).contains(&argc) {
        let last = node.keyspace.stream(key, now)?.map(|s| s.last_id);
        let id = if args[4] == b"$" {
            last.unwrap_or_default()
        } else {
            strict_id(&args[4])?
        };
        node.clients.unmodified = last.is_some();
        let s = node.keyspace.stream_or_create(key, now)?;
        if s.groups.contains_key(&args[3]) {
            return Err(Reply::err("BUSYGROUP Consumer Group name already exists"));
        }
        s.groups
            .insert(args[3].clone(), Group::new(id, entries_read));
        Reply::ok()
    } else if is(sub, "setid") && (argc == 5 || argc == 7) {
        let s = stream_of(node, key)?;
        let id = if args[4] == b"$" {
            s.last_id
        } else {
            parse_id(&args[4], 0, IdForm::Range)
                .ok_or_else(|| Reply::err(ERR_ID))?
                .0
        };
        if let Some(g) = s.groups.get_mut(&args[3]) {
            g.last_id = id;
            g.entries_read = entries_read;
        }
        Reply::ok()
    } else if is(sub, "destroy") && argc == 4 {
        let s = stream_of(node, key)?;
        if s.groups.remove(&args[3]).is_none() {
            return Ok(Reply::int(0));
        }
        node.signal_ready(key);
        Reply::int(1)
    } else if is(sub, "createconsumer") && argc == 5 {
        let s = stream_of(node, key)?;
        let created = s
            .groups
            .get_mut(&args[3])
            .is_some_and(|g| !g.consumers.contains_key(&args[4]) && g.consumer(&args[4], now_ms));
        if !created {
            return Ok(Reply::int(0));
        }
        Reply::int(1)
    } else if is(sub, "delconsumer") && argc == 5 {
        let s = stream_of(node, key)?;
        let pending = s
            .groups
            .get_mut(&args[3])
            .and_then(|g| g.remove_consumer(&args[4]));
        let Some(pending) = pending else {
            return Ok(Reply::int(0));
        };
        Reply::int(pending as i64)
    } else {
        return Err(subcommand_error(args));
    };
    node.propagate(args.to_vec());
    Ok(reply)
}

const XGROUP_HELP: &[&str] = &[
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
];

/// The stream under `key`, known to exist.
fn stream_of<'a>(node: &'a mut Node, key: &[u8]) -> std::result::Result<&'a mut Stream, Reply> {
    let now = node.now;
    match node.keyspace.stream_mut(key, now)? {
        Some(s) => Ok(s),
        None => Err(Reply::err("ERR no such key")),
    }
}

/// `XACK key group id …`: all IDs parsed before any is acknowledged.
pub fn xack(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let Some(s) = node.keyspace.stream_mut(&args[1], node.now)? else {
        return Ok(Reply::int(0));
    };
    let Some(g) = s.groups.get_mut(&args[2]) else {
        return Ok(Reply::int(0));
    };
    let ids = args[3..]
        .iter()
        .map(|a| strict_id(a))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let acked = ids.into_iter().filter(|&id| g.unpend(id).is_some()).count();
    node.clients.unmodified = true;
    if acked > 0 {
        node.propagate(args.to_vec());
    }
    Ok(Reply::int(acked as i64))
}

/// `XPENDING key group [[IDLE min-idle] start end count [consumer]]`.
pub fn xpending(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let argc = args.len();
    if argc != 3 && !(6..=9).contains(&argc) {
        return Err(Reply::err(ERR_SYNTAX));
    }
    let (mut min_idle, mut range, mut consumer) = (0, None, None);
    if argc >= 6 {
        let mut at = 3;
        if is(&args[3], "idle") {
            min_idle = parse_i64(&args[4])?;
            if argc < 8 {
                return Err(Reply::err(ERR_SYNTAX));
            }
            at += 2;
        }
        let count = parse_i64(&args[at + 2])?.max(0);
        let start = bound(&args[at], false)?;
        let end = bound(&args[at + 1], true)?;
        range = Some((start, end, count));
        consumer = args.get(at + 3);
    }
    let now_ms = node.unix_ms(node.now);
    let Some(g) = node
        .keyspace
        .stream(&args[1], node.now)?
        .and_then(|s| s.groups.get(&args[2]))
    else {
        return Err(nogroup(&args[1], &args[2]));
    };
    let Some((start, end, count)) = range else {
        let (Some(first), Some(last)) = (g.pel.keys().next(), g.pel.keys().next_back()) else {
            return Ok(Reply::array(vec![
                Reply::int(0),
                Reply::nil(),
                Reply::nil(),
                Reply::Array(None),
            ]));
        };
        let owners = g
            .consumers
            .iter()
            .filter(|(_, c)| !c.pel.is_empty())
            .map(|(n, c)| {
                Reply::array(vec![
                    Reply::bulk(n.clone()),
                    Reply::bulk(c.pel.len().to_string()),
                ])
            })
            .collect();
        return Ok(Reply::array(vec![
            Reply::int(g.pel.len() as i64),
            Reply::bulk(first.text()),
            Reply::bulk(last.text()),
            Reply::array(owners),
        ]));
    };
    let ids: Vec<StreamId> = match consumer {
        Some(name) => match g.consumers.get(name) {
            Some(c) => c.pel.keys().copied().collect(),
            None => return Ok(Reply::array(Vec::new())),
        },
        None => g.pel.keys().copied().collect(),
    };
    let mut out = Vec::new();
    for id in ids.into_iter().filter(|&i| i >= start && i <= end) {
        if out.len() as i64 >= count {
            break;
        }
        let Some(n) = g.pel.get(&id) else { continue };
        let idle = now_ms as i64 - n.delivered_at as i64;
        if min_idle != 0 && idle < min_idle {
            continue;
        }
        out.push(Reply::array(vec![
            Reply::bulk(id.text()),
            Reply::bulk(n.consumer.clone()),
            Reply::int(idle.max(0)),
            Reply::int(n.deliveries as i64),
        ]));
    }
    Ok(Reply::array(out))
}

/// Claims one pending entry for `consumer` as XCLAIM and XAUTOCLAIM do: delivered at
/// `delivered`, its count set to `retry` (when not -1) or counted up (but for JUSTID);
/// its reply (the ID alone, or the entry) and the XCLAIM that replicates it.
#[allow(clippy::too_many_arguments)]
fn claim(
    s: &mut Stream,
    g: &mut Group,
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    id: StreamId,
    id_arg: Bytes,
    justid: bool,
    (now, delivered, retry): (u64, u64, i64),
    out: &mut Vec<Vec<Bytes>>,
) -> Reply {
    if let Some(n) = g.pel.get_mut(&id) {
        n.delivered_at = delivered;
        if retry >= 0 {
            n.deliveries = retry as u64;
        } else if !justid {
            n.deliveries += 1;
        }
    }
    g.consumer(consumer, now);
    g.reassign(id, consumer);
    let last = g.last_id;
    if let Some(n) = g.pel.get_mut(&id) {
        out.push(xclaim_form(key, group, id_arg, n, last));
    }
    match (justid, s.get(id)) {
        (false, Some(pairs)) => entry_reply(id, pairs),
        _ => Reply::bulk(id.text()),
    }
}

/// `XCLAIM key group consumer min-idle-time id … [IDLE ms] [TIME unix-ms]
/// [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id]`.
pub fn xclaim(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let now_ms = node.unix_ms(node.now);
    let now = node.now;
    let Some(s) = node
        .keyspace
        .stream_mut(&args[1], now)?
        .filter(|s| s.groups.contains_key(&args[2]))
    else {
        return Err(nogroup(&args[1], &args[2]));
    };
    let min_idle = parse_i64(&args[4])
        .map_err(|_| Reply::err("ERR Invalid min-idle-time argument for XCLAIM"))?
        .max(0);
    let mut j = 5;
    let mut ids = Vec::new();
    while let Some(id) = args.get(j).and_then(|a| parse_id(a, 0, IdForm::Strict)) {
        ids.push((id.0, j));
        j += 1;
    }
    let (mut force, mut justid, mut retry, mut at) = (false, false, -1, None::<i64>);
    let mut last_id = StreamId::default();
    let opt_int = |a: &Bytes, what: &str| {
        parse_i64(a)
            .map_err(|_| Reply::err(format!("ERR Invalid {what} option argument for XCLAIM")))
    };
    while j < args.len() {
        let (o, more) = (&args[j], j + 1 < args.len());
        if is(o, "force") {
            force = true;
        } else if is(o, "justid") {
            justid = true;
        } else if is(o, "idle") && more {
            j += 1;
            at = Some(now_ms as i64 - opt_int(&args[j], "IDLE")?);
        } else if is(o, "time") && more {
            j += 1;
            at = Some(opt_int(&args[j], "TIME")?);
        } else if is(o, "retrycount") && more {
            j += 1;
            retry = opt_int(&args[j], "RETRYCOUNT")?;
        } else if is(o, "lastid") && more {
            j += 1;
            last_id = strict_id(&args[j])?;
        } else {
            return Err(err_text(format!(
                "ERR Unrecognized XCLAIM option '{}'",
                cstr(o)
            )));
        }
        j += 1;
    }
    let Some(mut g) = s.groups.remove(&args[2]) else {
        return Err(nogroup(&args[1], &args[2]));
    };
    let mut moved = last_id > g.last_id;
    if moved {
        g.last_id = last_id;
    }
    let delivered = match at {
        Some(t) if (0..=now_ms as i64).contains(&t) => t as u64,
        _ => now_ms,
    };
    let (key, group, consumer) = (&args[1], &args[2], &args[3]);
    let mut out = Vec::new();
    let mut replies = Vec::new();
    for (id, arg_at) in ids {
        let known = g.pel.contains_key(&id);
        if !s.contains(id) {
            if let Some(n) = g.pel.get(&id) {
                out.push(xclaim_form(key, group, args[arg_at].clone(), n, g.last_id));
                moved = false;
                g.unpend(id);
            }
            continue;
        }
        if !known && !force {
            continue;
        }
        if known && min_idle > 0 {
            let at = g.pel.get(&id).map_or(0, |n| n.delivered_at);
            let idle = now_ms as i64 - at as i64;
            if idle < min_idle {
                continue;
            }
        }
        if !known {
            let nack = Nack {
                consumer: Vec::new(),
                delivered_at: now_ms,
                deliveries: 1,
            };
            g.pel.insert(id, nack);
        }
        let r = claim(
            s,
            &mut g,
            key,
            group,
            consumer,
            id,
            args[arg_at].clone(),
            justid,
            (now_ms, delivered, retry),
            &mut out,
        );
        replies.push(r);
        moved = false;
    }
    if moved {
        out.push(setid_form(key, group, g.last_id, g.entries_read));
    }
    s.groups.insert(group.clone(), g);
    node.propagate_all(out);
    node.clients.unmodified = true;
    Ok(Reply::array(replies))
}

/// `XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]`: the next
/// cursor, the claimed entries, and the IDs it dropped because they were deleted.
pub fn xautoclaim(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let min_idle = parse_i64(&args[4])
        .map_err(|_| Reply::err("ERR Invalid min-idle-time argument for XAUTOCLAIM"))?
        .max(0);
    let start = bound(&args[5], false)?;
    let (mut count, mut justid) = (100i64, false);
    let mut j = 6;
    while j < args.len() {
        if is(&args[j], "count") && j + 1 < args.len() {
            count = parse_i64(&args[j + 1])
                .ok()
                .filter(|n| (1..=i64::MAX / 16).contains(n))
                .ok_or_else(|| Reply::err("ERR COUNT must be > 0"))?;
            j += 1;
        } else if is(&args[j], "justid") {
            justid = true;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        j += 1;
    }
    let now_ms = node.unix_ms(node.now);
    let Some(s) = node
        .keyspace
        .stream_mut(&args[1], node.now)?
        .filter(|s| s.groups.contains_key(&args[2]))
    else {
        return Err(nogroup(&args[1], &args[2]));
    };
    let Some(mut g) = s.groups.remove(&args[2]) else {
        return Err(nogroup(&args[1], &args[2]));
    };
    let (key, group, consumer) = (&args[1], &args[2], &args[3]);
    let pending: Vec<StreamId> = g.pel.from(&start).iter().map(|(i, _)| *i).collect();
    let mut attempts = count.saturating_mul(10);
    let (mut out, mut replies, mut dropped) = (Vec::new(), Vec::new(), Vec::new());
    let mut next = 0;
    while attempts > 0 && count > 0 && next < pending.len() {
        attempts -= 1;
        let id = pending[next];
        next += 1;
        if !s.contains(id) {
            if let Some(n) = g.pel.get(&id) {
                out.push(xclaim_form(key, group, id.text(), n, g.last_id));
            }
            g.unpend(id);
            dropped.push(Reply::bulk(id.text()));
            count -= 1;
            continue;
        }
        if min_idle > 0
            && (now_ms as i64 - g.pel.get(&id).map_or(0, |n| n.delivered_at) as i64) < min_idle
        {
            continue;
        }
        let r = claim(
            s,
            &mut g,
            key,
            group,
            consumer,
            id,
            id.text(),
            justid,
            (now_ms, now_ms, -1),
            &mut out,
        );
        replies.push(r);
        count -= 1;
    }
    let cursor = pending.get(next).copied().unwrap_or_default();
    s.groups.insert(group.clone(), g);
    node.propagate_all(out);
    node.clients.unmodified = true;
    Ok(Reply::array(vec![
        Reply::bulk(cursor.text()),
        Reply::array(replies),
        Reply::array(dropped),
    ]))
}
