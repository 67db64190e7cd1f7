//! Set commands: SADD SREM SMEMBERS SISMEMBER SCARD.

use crate::keyspace::{SetValue, Value};
use crate::node::Node;
use crate::reply::Reply;

fn read(node: &Node, key: &[u8]) -> Result<Option<SetValue>, Reply> {
    super::read_typed(node, key, |v| match v {
        Value::Set(x) => Some(x),
        _ => None,
    })
}

fn store(node: &mut Node, key: &[u8], x: SetValue) {
    let empty = x.members.is_empty();
    super::store_collection(node, key, Value::Set(x), empty);
}

pub fn sadd(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let mut s = match read(node, &args[1]) {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return e,
    };
    let mut added = 0;
    for m in &args[2..] {
        if !s.contains(m) {
            s.members.push(m.clone());
            added += 1;
        }
    }
    if added > 0 {
        store(node, &args[1], s);
        node.propagate(args.to_vec());
    }
    Reply::int(added)
}

pub fn srem(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let mut s = match read(node, &args[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Reply::int(0),
        Err(e) => return e,
    };
    let before = s.members.len();
    s.members.retain(|m| !args[2..].contains(m));
    let removed = before - s.members.len();
    if removed > 0 {
        store(node, &args[1], s);
        node.propagate(args.to_vec());
    }
    Reply::int(removed as i64)
}

pub fn smembers(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(s) => Reply::Set(
            s.map(|s| s.listed())
                .unwrap_or_default()
                .into_iter()
                .map(Reply::bulk)
                .collect(),
        ),
        Err(e) => e,
    }
}

pub fn sismember(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(s) => Reply::int(i64::from(s.is_some_and(|s| s.contains(&args[2])))),
        Err(e) => e,
    }
}

pub fn scard(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(s) => Reply::int(s.map_or(0, |s| s.members.len() as i64)),
        Err(e) => e,
    }
}
