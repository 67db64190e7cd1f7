//! Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE
//! SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE.

use super::args::{is, parse_i64};
use super::sampling;
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::Reply;
use crate::types::{Limits, SetValue};

type Result = std::result::Result<Reply, Reply>;
type Bytes = Vec<u8>;

fn read<'a>(node: &'a Node, key: &[u8]) -> std::result::Result<Option<&'a SetValue>, Reply> {
    Ok(node.keyspace.set_value(key, node.now)?)
}

fn members_reply(members: impl IntoIterator<Item = Bytes>) -> Reply {
    Reply::Set(members.into_iter().map(Reply::bulk).collect())
}

pub fn sadd(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let lim = node.keyspace.limits;
    let s = node.keyspace.set_or_create(&args[1], node.now)?;
    let added = args[2..]
        .iter()
        .filter(|m| s.add((*m).clone(), &lim))
        .count();
    if added > 0 {
        node.propagate(args.to_vec());
    }
    Ok(Reply::int(added as i64))
}

pub fn srem(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let Some(s) = node.keyspace.set_mut(&args[1], node.now)? else {
        return Ok(Reply::int(0));
    };
    let mut removed = 0;
    for m in &args[2..] {
        if s.remove(m) {
            removed += 1;
            if s.is_empty() {
                break;
            }
        }
    }
    if removed > 0 {
        node.keyspace.remove_if_empty(&args[1]);
        node.propagate(args.to_vec());
    }
    Ok(Reply::int(removed))
}

/// `SMEMBERS key` (Redis runs SINTER of the one set): ascending for an intset.
pub fn smembers(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(members_reply(
        read(node, &args[1])?.map_or(Vec::new(), SetValue::listed),
    ))
}

pub fn sismember(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let found = read(node, &args[1])?.is_some_and(|s| s.contains(&args[2]));
    Ok(Reply::int(i64::from(found)))
}

/// `SMISMEMBER key member …`: 1 or 0 per member (all 0 for a missing key).
pub fn smismember(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let s = read(node, &args[1])?;
    Ok(Reply::array(
        args[2..]
            .iter()
            .map(|m| Reply::int(i64::from(s.is_some_and(|s| s.contains(m)))))
            .collect(),
    ))
}

pub fn scard(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(Reply::int(
        read(node, &args[1])?.map_or(0, |s| s.len() as i64),
    ))
}

/// `SPOP key [count]`: random members removed, from the node's seeded RNG. Replicated as
/// SREM of each popped member (in MULTI/EXEC when there are several), or as DEL when the
/// count takes the whole set.
pub fn spop(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    if args.len() > 3 {
        return Err(Reply::err(super::args::ERR_SYNTAX));
    }
    let key = &args[1];
    let Some(count) = args.get(2) else {
        let Some(s) = node.keyspace.set_mut(key, node.now)? else {
            return Ok(Reply::nil());
        };
        let member = s.at(node.rng.index(s.len()));
        s.remove(&member);
        node.keyspace.remove_if_empty(key);
        node.propagate(vec![b"SREM".to_vec(), key.clone(), member.clone()]);
        return Ok(Reply::bulk(member));
    };
    let count = match parse_i64(count) {
        Ok(n) if n >= 0 => n as u64,
        _ => return Err(Reply::err("ERR value is out of range, must be positive")),
    };
    let lim = node.keyspace.limits;
    let Some(s) = node.keyspace.set_mut(key, node.now)? else {
        return Ok(Reply::Set(Vec::new()));
    };
    if count == 0 {
        return Ok(Reply::Set(Vec::new()));
    }
    if count >= s.len() as u64 {
        let all = SetValue::from_members(s.iter(), &lim).listed();
        node.keyspace.remove(key);
        node.propagate(vec![b"DEL".to_vec(), key.clone()]);
        return Ok(members_reply(all));
    }
    let remaining = s.len() - count as usize;
    let popped: Vec<Bytes> = if remaining * 5 > count as usize {
        (0..count)
            .map(|_| {
                let m = s.at(node.rng.index(s.len()));
                s.remove(&m);
                m
            })
            .collect()
    } else {
        // Redis draws the members that stay into a new set and pops the rest.
        let mut kept = Vec::with_capacity(remaining);
        for _ in 0..remaining {
            let m = s.at(node.rng.index(s.len()));
            s.remove(&m);
            kept.push(m);
        }
        let popped = s.listed();
        *s = SetValue::from_members(kept, &lim);
        popped
    };
    let srems = popped
        .iter()
        .map(|m| vec![b"SREM".to_vec(), key.clone(), m.clone()])
        .collect();
    node.propagate_all(srems);
    Ok(members_reply(popped))
}

/// `SRANDMEMBER key [count]`: one random member, or `count` distinct ones (all when the
/// set is smaller), or for a negative count that many draws that may repeat.
pub fn srandmember(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    if args.len() > 3 {
        return Err(Reply::err(super::args::ERR_SYNTAX));
    }
    let Some(count) = args.get(2) else {
        return Ok(match node.keyspace.set_value(&args[1], node.now)? {
            Some(s) => Reply::bulk(s.at(node.rng.index(s.len()))),
            None => Reply::nil(),
        });
    };
    let count = sampling::parse_count(count)?;
    let Some(s) = node.keyspace.set_value(&args[1], node.now)? else {
        return Ok(Reply::array(Vec::new()));
    };
    let picks = sampling::picks(&mut node.rng, s.len(), count)?;
    Ok(Reply::bulks(picks.into_iter().map(|i| s.at(i))))
}

/// `SMOVE source destination member`.
pub fn smove(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let (src, dst, member) = (&args[1], &args[2], &args[3]);
    let Some(source) = read(node, src)? else {
        return Ok(Reply::int(0));
    };
    read(node, dst)?;
    if src == dst {
        return Ok(Reply::int(i64::from(source.contains(member))));
    }
    let removed = node
        .keyspace
        .set_mut(src, node.now)?
        .is_some_and(|s| s.remove(member));
    if !removed {
        return Ok(Reply::int(0));
    }
    node.keyspace.remove_if_empty(src);
    let lim = node.keyspace.limits;
    node.keyspace
        .set_or_create(dst, node.now)?
        .add(member.clone(), &lim);
    node.propagate(args.to_vec());
    Ok(Reply::int(1))
}

/// The sets named by `keys` (None for a missing key), or WRONGTYPE at the first key of
/// another type.
fn lookup_all<'a>(
    node: &'a Node,
    keys: &[Vec<u8>],
) -> std::result::Result<Vec<Option<&'a SetValue>>, Reply> {
    keys.iter().map(|k| read(node, k)).collect()
}

/// The intersection, iterating the smallest set; at most `limit` members (0: all).
fn intersection(sets: &[&SetValue], limit: usize) -> Vec<Bytes> {
    let Some(smallest) = sets.iter().min_by_key(|s| s.len()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in smallest.iter() {
        if sets.iter().all(|s| s.contains(&m)) {
            out.push(m);
            if limit > 0 && out.len() >= limit {
                break;
            }
        }
    }
    out
}

/// The members of a set operation's result, in the order its result set lists them.
fn union_or_diff(sets: &[Option<&SetValue>], diff: bool, lim: &Limits) -> SetValue {
    let mut result = SetValue::default();
    if diff {
        let Some(Some(first)) = sets.first() else {
            return result;
        };
        let others: Vec<&SetValue> = sets[1..].iter().flatten().copied().collect();
        if others.iter().any(|s| std::ptr::eq(*s, *first)) {
            return result;
        }
        // `sunionDiffGenericCommand` picks the cheaper of two ways; the second copies the
        // whole first set before removing, which decides the result's encoding.
        let one = first.len() * (1 + others.len()) / 2;
        let two = first.len() + others.iter().map(|s| s.len()).sum::<usize>();
        if one <= two {
            for m in first.iter() {
                if !others.iter().any(|s| s.contains(&m)) {
                    result.add(m, lim);
                }
            }
        } else {
            for m in first.iter() {
                result.add(m, lim);
            }
            for s in others {
                for m in s.iter() {
                    result.remove(&m);
                }
                if result.is_empty() {
                    break;
                }
            }
        }
    } else {
        for s in sets.iter().flatten() {
            for m in s.iter() {
                result.add(m, lim);
            }
        }
    }
    result
}

/// Stores a set operation's result under `dst` (SINTERSTORE and the others): replaced
/// with no TTL, or deleted when empty.
fn store_result(node: &mut Node, args: &[Vec<u8>], result: SetValue) -> Reply {
    let dst = &args[1];
    let len = result.len();
    if len > 0 {
        node.keyspace.remove(dst);
        node.keyspace.set(dst.clone(), Value::Set(result));
        node.propagate(args.to_vec());
    } else if node.keyspace.remove(dst) {
        node.propagate(args.to_vec());
    }
    Reply::int(len as i64)
}

fn inter(
    node: &Node,
    keys: &[Vec<u8>],
    limit: usize,
) -> std::result::Result<Option<Vec<Bytes>>, Reply> {
    let sets = lookup_all(node, keys)?;
    if sets.iter().any(Option::is_none) {
        return Ok(None);
    }
    let sets: Vec<&SetValue> = sets.into_iter().flatten().collect();
    Ok(Some(intersection(&sets, limit)))
}

pub fn sinter(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(members_reply(
        inter(node, &args[1..], 0)?.unwrap_or_default(),
    ))
}

pub fn sinterstore(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let found = inter(node, &args[2..], 0)?.unwrap_or_default();
    let lim = node.keyspace.limits;
    Ok(store_result(
        node,
        args,
        SetValue::from_members(found, &lim),
    ))
}

/// `SINTERCARD numkeys key … [LIMIT limit]`.
pub fn sintercard(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let numkeys = match parse_i64(&args[1]) {
        Ok(n) if n >= 1 => n as usize,
        _ => return Err(Reply::err("ERR numkeys should be greater than 0")),
    };
    if numkeys > args.len() - 2 {
        return Err(Reply::err(
            "ERR Number of keys can't be greater than number of args",
        ));
    }
    let mut limit = 0;
    let mut j = 2 + numkeys;
    while j < args.len() {
        if is(&args[j], "limit") && j + 1 < args.len() {
            j += 1;
            limit = match parse_i64(&args[j]) {
                Ok(n) if n >= 0 => n as usize,
                _ => return Err(Reply::err("ERR LIMIT can't be negative")),
            };
        } else {
            return Err(Reply::err(super::args::ERR_SYNTAX));
        }
        j += 1;
    }
    let found = inter(node, &args[2..2 + numkeys], limit)?;
    Ok(Reply::int(found.map_or(0, |f| f.len() as i64)))
}

pub fn sunion(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let sets = lookup_all(node, &args[1..])?;
    Ok(members_reply(
        union_or_diff(&sets, false, &node.keyspace.limits).listed(),
    ))
}

pub fn sunionstore(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let result = union_or_diff(&lookup_all(node, &args[2..])?, false, &node.keyspace.limits);
    Ok(store_result(node, args, result))
}

pub fn sdiff(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let sets = lookup_all(node, &args[1..])?;
    Ok(members_reply(
        union_or_diff(&sets, true, &node.keyspace.limits).listed(),
    ))
}

pub fn sdiffstore(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let result = union_or_diff(&lookup_all(node, &args[2..])?, true, &node.keyspace.limits);
    Ok(store_result(node, args, result))
}
