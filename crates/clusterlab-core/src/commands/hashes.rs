//! Hash commands: HSET HSETNX HMSET HGET HMGET HGETALL HKEYS HVALS HDEL HINCRBY HLEN
//! HSTRLEN HEXISTS.

use super::args::{parse_i64, ERR_OVERFLOW};
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::Reply;

type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

fn read(node: &Node, key: &[u8]) -> Result<Option<Pairs>, Reply> {
    super::read_typed(node, key, |v| match v {
        Value::Hash(x) => Some(x),
        _ => None,
    })
}

fn store(node: &mut Node, key: &[u8], x: Pairs) {
    let empty = x.is_empty();
    super::store_collection(node, key, Value::Hash(x), empty);
}

pub fn hset(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    if args.len() % 2 == 1 {
        return super::arity_error("hset");
    }
    let mut h = match read(node, &args[1]) {
        Ok(h) => h.unwrap_or_default(),
        Err(e) => return e,
    };
    let mut added = 0;
    for pair in args[2..].chunks(2) {
        match h.iter_mut().find(|(f, _)| *f == pair[0]) {
            Some(entry) => entry.1 = pair[1].clone(),
            None => {
                h.push((pair[0].clone(), pair[1].clone()));
                added += 1;
            }
        }
    }
    store(node, &args[1], h);
    node.propagate(args.to_vec());
    Reply::int(added)
}

pub fn hget(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(h) => h
            .and_then(|h| h.into_iter().find(|(f, _)| *f == args[2]))
            .map_or(Reply::nil(), |(_, v)| Reply::bulk(v)),
        Err(e) => e,
    }
}

pub fn hgetall(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(h) => Reply::Map(
            h.unwrap_or_default()
                .into_iter()
                .map(|(f, v)| (Reply::bulk(f), Reply::bulk(v)))
                .collect(),
        ),
        Err(e) => e,
    }
}

pub fn hdel(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let mut h = match read(node, &args[1]) {
        Ok(Some(h)) => h,
        Ok(None) => return Reply::int(0),
        Err(e) => return e,
    };
    let before = h.len();
    for f in &args[2..] {
        h.retain(|(x, _)| x != f);
    }
    let removed = before - h.len();
    if removed > 0 {
        store(node, &args[1], h);
        node.propagate(args.to_vec());
    }
    Reply::int(removed as i64)
}

pub fn hincrby(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let delta = match parse_i64(&args[3]) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let mut h = match read(node, &args[1]) {
        Ok(h) => h.unwrap_or_default(),
        Err(e) => return e,
    };
    let current = match h.iter().find(|(f, _)| *f == args[2]) {
        Some((_, v)) => match parse_i64(v) {
            Ok(n) => n,
            Err(_) => return Reply::err("ERR hash value is not an integer"),
        },
        None => 0,
    };
    let Some(next) = current.checked_add(delta) else {
        return Reply::err(ERR_OVERFLOW);
    };
    let text = next.to_string().into_bytes();
    match h.iter_mut().find(|(f, _)| *f == args[2]) {
        Some(entry) => entry.1 = text,
        None => h.push((args[2].clone(), text)),
    }
    store(node, &args[1], h);
    node.propagate(args.to_vec());
    Reply::Integer(next)
}

pub fn hlen(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(h) => Reply::int(h.map_or(0, |h| h.len() as i64)),
        Err(e) => e,
    }
}

/// `HSETNX key field value`: 1 if it set the field, 0 if the field existed.
pub fn hsetnx(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let mut h = match read(node, &args[1]) {
        Ok(h) => h.unwrap_or_default(),
        Err(e) => return e,
    };
    if h.iter().any(|(f, _)| *f == args[2]) {
        return Reply::int(0);
    }
    h.push((args[2].clone(), args[3].clone()));
    store(node, &args[1], h);
    node.propagate(args.to_vec());
    Reply::int(1)
}

/// `HMSET key field value …`: HSET answering OK.
pub fn hmset(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Reply {
    if args.len() % 2 == 1 {
        return super::arity_error("hmset");
    }
    match hset(node, c, args) {
        Reply::Integer(_) => Reply::ok(),
        other => other,
    }
}

/// `HMGET key field …`: each field's value or nil (all nil for a missing key).
pub fn hmget(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let h = match read(node, &args[1]) {
        Ok(h) => h.unwrap_or_default(),
        Err(e) => return e,
    };
    Reply::array(
        args[2..]
            .iter()
            .map(|f| {
                h.iter()
                    .find(|(x, _)| x == f)
                    .map_or(Reply::nil(), |(_, v)| Reply::bulk(v.clone()))
            })
            .collect(),
    )
}

fn field_value(node: &Node, args: &[Vec<u8>]) -> Result<Option<Vec<u8>>, Reply> {
    Ok(read(node, &args[1])?
        .and_then(|h| h.into_iter().find(|(f, _)| *f == args[2]))
        .map(|(_, v)| v))
}

/// `HSTRLEN key field`: the value's length, 0 if absent.
pub fn hstrlen(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match field_value(node, args) {
        Ok(v) => Reply::int(v.map_or(0, |v| v.len() as i64)),
        Err(e) => e,
    }
}

/// `HEXISTS key field`: 1 or 0.
pub fn hexists(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match field_value(node, args) {
        Ok(v) => Reply::int(i64::from(v.is_some())),
        Err(e) => e,
    }
}

/// `HKEYS key`, in the hash's order (insertion order, as Redis's listpack keeps it).
pub fn hkeys(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(h) => Reply::bulks(h.unwrap_or_default().into_iter().map(|(f, _)| f)),
        Err(e) => e,
    }
}

/// `HVALS key`, in the hash's order.
pub fn hvals(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(h) => Reply::bulks(h.unwrap_or_default().into_iter().map(|(_, v)| v)),
        Err(e) => e,
    }
}
