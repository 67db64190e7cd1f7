//! Set commands: SADD SREM SMEMBERS SISMEMBER SCARD SRANDMEMBER.

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

/// `SRANDMEMBER key [count]`: one random member, or `count` distinct ones (all when the
/// set is smaller), or for a negative count that many draws that may repeat. Draws come
/// from the node's seeded RNG, so they differ from Redis's own picks.
pub fn srandmember(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    if args.len() > 3 {
        return Reply::err(super::args::ERR_SYNTAX);
    }
    let count = match args.get(2).map(|a| super::args::parse_i64(a)) {
        None => None,
        Some(Ok(n)) if n != i64::MIN => Some(n),
        Some(Ok(_)) => return Reply::err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
        Some(Err(e)) => return e,
    };
    let s = match read(node, &args[1]) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let Some(count) = count else {
        return match s {
            None => Reply::nil(),
            Some(s) => {
                let members = s.listed();
                let i = node.rng.index(members.len());
                Reply::bulk(members[i].clone())
            }
        };
    };
    let members = s.map(|s| s.listed()).unwrap_or_default();
    if count == 0 || members.is_empty() {
        return Reply::array(Vec::new());
    }
    if count < 0 {
        if count.unsigned_abs() > super::MAX_REPLY_ELEMENTS {
            return Reply::err(super::TOO_MANY_ELEMENTS);
        }
        let picks = (0..count.unsigned_abs())
            .map(|_| Reply::bulk(members[node.rng.index(members.len())].clone()))
            .collect();
        return Reply::array(picks);
    }
    if count as u64 >= members.len() as u64 {
        return Reply::bulks(members);
    }
    // Distinct picks: draw without replacement.
    let mut pool = members;
    let mut picks = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let i = node.rng.index(pool.len());
        picks.push(Reply::bulk(pool.swap_remove(i)));
    }
    Reply::array(picks)
}
