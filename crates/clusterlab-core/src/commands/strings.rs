//! String commands: GET, GETDEL, GETSET, MGET, MSET, MSETNX, APPEND, STRLEN, SETRANGE,
//! GETRANGE and SUBSTR. SET and its relatives are in `string_set.rs`, the counters in
//! `counters.rs`.

use super::args::{parse_i64, ERR_WRONGTYPE};
use crate::keyspace::{StringWrite, Value};
use crate::node::Node;
use crate::reply::Reply;

/// `proto-max-bulk-len`: SETRANGE and APPEND may not make a string longer.
const MAX_STRING: u64 = 512 * 1024 * 1024;
/// The longest string the simulation builds (a real server goes up to 512 MB).
const SIM_MAX_STRING: u64 = 32 * 1024 * 1024;

/// `checkStringLength`, then the simulation's own, smaller bound.
pub(super) fn check_length(current: u64, append: u64) -> Result<(), Reply> {
    let total = current.saturating_add(append);
    if total > MAX_STRING {
        return Err(Reply::err(
            "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
        ));
    }
    if total > SIM_MAX_STRING {
        return Err(Reply::err(
            "ERR ClusterLab builds strings of at most 33554432 bytes",
        ));
    }
    Ok(())
}

/// The string value of a live key: `Ok(None)` if absent, an error for another type.
pub(crate) fn get_string(node: &Node, key: &[u8]) -> Result<Option<Vec<u8>>, Reply> {
    match node.keyspace.get(key, node.now) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Reply::err(ERR_WRONGTYPE)),
    }
}

pub fn get(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match get_string(node, &args[1]) {
        Ok(Some(v)) => Reply::bulk(v),
        Ok(None) => Reply::nil(),
        Err(e) => e,
    }
}

/// `GETDEL key`: the value, and the key deleted (replicas get `DEL key`).
pub fn getdel(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let key = &args[1];
    match get_string(node, key) {
        Ok(Some(v)) => {
            node.keyspace.remove(key);
            node.propagate(vec![b"DEL".to_vec(), key.clone()]);
            Reply::bulk(v)
        }
        Ok(None) => Reply::nil(),
        Err(e) => e,
    }
}

/// `GETSET key value`: the old value; the new one loses any TTL (replicas get `SET`).
pub fn getset(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let key = &args[1];
    let old = match get_string(node, key) {
        Ok(v) => v,
        Err(e) => return e,
    };
    node.keyspace
        .set(key.clone(), Value::String(args[2].clone()));
    node.propagate(vec![b"SET".to_vec(), key.clone(), args[2].clone()]);
    old.map_or_else(Reply::nil, Reply::bulk)
}

/// `MSETNX key value …`: 1 if it set every key, 0 (setting none) if one existed.
pub fn msetnx(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    if args.len() % 2 == 0 {
        return super::arity_error("msetnx");
    }
    if args[1..]
        .chunks(2)
        .any(|pair| node.keyspace.is_live(&pair[0], node.now))
    {
        return Reply::int(0);
    }
    for pair in args[1..].chunks(2) {
        node.keyspace
            .set(pair[0].clone(), Value::String(pair[1].clone()));
    }
    node.propagate(args.to_vec());
    Reply::int(1)
}

/// `SETRANGE key offset value`: the value written at `offset` (zero bytes before it if
/// the string was shorter); the new length.
pub fn setrange(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let key = &args[1];
    let value = &args[3];
    let offset = match parse_i64(&args[2]) {
        Ok(v) if v < 0 => return Reply::err("ERR offset is out of range"),
        Ok(v) => v as u64,
        Err(e) => return e,
    };
    let mut s = match get_string(node, key) {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return e,
    };
    if value.is_empty() {
        return Reply::int(s.len() as i64);
    }
    if let Err(e) = check_length(offset, value.len() as u64) {
        return e;
    }
    let end = offset as usize + value.len();
    if s.len() < end {
        s.resize(end, 0);
    }
    s[offset as usize..end].copy_from_slice(value);
    let len = s.len();
    node.keyspace.put_keep_ttl(key, Value::String(s), node.now);
    // Written in place, or made zero-filled: either way a raw string.
    node.keyspace.set_written(key, StringWrite::InPlace);
    node.propagate(args.to_vec());
    Reply::int(len as i64)
}

/// `GETRANGE key start end` (and `SUBSTR`): the bytes from `start` to `end` inclusive,
/// negative positions counting from the end.
pub fn getrange(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let (start, end) = match (parse_i64(&args[2]), parse_i64(&args[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let s = match get_string(node, &args[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Reply::bulk(""),
        Err(e) => return e,
    };
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        return Reply::bulk("");
    }
    let start = if start < 0 { len + start } else { start }.max(0);
    let end = if end < 0 { len + end } else { end }.max(0).min(len - 1);
    if start > end || len == 0 {
        return Reply::bulk("");
    }
    Reply::bulk(s[start as usize..=end as usize].to_vec())
}

pub fn append(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let key = &args[1];
    let (mut v, existed) = match get_string(node, key) {
        Ok(Some(v)) => (v, true),
        Ok(None) => (Vec::new(), false),
        Err(e) => return e,
    };
    if let Err(e) = check_length(v.len() as u64, args[2].len() as u64) {
        return e;
    }
    v.extend_from_slice(&args[2]);
    let len = v.len();
    node.keyspace.put_keep_ttl(key, Value::String(v), node.now);
    if existed {
        node.keyspace.set_written(key, StringWrite::InPlace);
    }
    node.propagate(args.to_vec());
    Reply::int(len as i64)
}

pub fn strlen(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match get_string(node, &args[1]) {
        Ok(v) => Reply::int(v.map_or(0, |v| v.len() as i64)),
        Err(e) => e,
    }
}

pub fn mget(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    Reply::array(
        args[1..]
            .iter()
            .map(|k| match node.keyspace.get(k, node.now) {
                Some(Value::String(s)) => Reply::bulk(s.clone()),
                _ => Reply::nil(),
            })
            .collect(),
    )
}

pub fn mset(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    if args.len() % 2 == 0 {
        return super::arity_error("mset");
    }
    for pair in args[1..].chunks(2) {
        node.keyspace
            .set(pair[0].clone(), Value::String(pair[1].clone()));
    }
    node.propagate(args.to_vec());
    Reply::ok()
}
