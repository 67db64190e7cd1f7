//! Sorted set commands on members: ZADD (every flag) ZINCRBY ZSCORE ZMSCORE ZCARD ZREM
//! ZRANK ZREVRANK ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER. Ranges are in `zset_range.rs`,
//! unions and intersections in `zset_ops.rs`.

use super::args::{format_double, is, mpop_args, parse_f64, parse_i64, ERR_NOT_FLOAT, ERR_SYNTAX};
use super::sampling;
use super::zset_range::elements_reply;
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::{Protocol, Reply};
use crate::types::SortedSet;

type Result = std::result::Result<Reply, Reply>;

fn read<'a>(node: &'a Node, key: &[u8]) -> std::result::Result<Option<&'a SortedSet>, Reply> {
    Ok(node.keyspace.zset(key, node.now)?)
}

fn score_reply(s: f64) -> Reply {
    Reply::Double(format_double(s))
}

/// `zaddGenericCommand`: flags, then pairs, then the checks in Redis's order; ZINCRBY is
/// ZADD with INCR (so `ZINCRBY key nx member` is a syntax error there too).
fn zadd_generic(node: &mut Node, args: &[Vec<u8>], mut incr: bool) -> Result {
    let (mut nx, mut xx, mut gt, mut lt, mut ch) = (false, false, false, false, false);
    let mut i = 2;
    while i < args.len() {
        let a = &args[i];
        if is(a, "nx") {
            nx = true;
        } else if is(a, "xx") {
            xx = true;
        } else if is(a, "ch") {
            ch = true;
        } else if is(a, "incr") {
            incr = true;
        } else if is(a, "gt") {
            gt = true;
        } else if is(a, "lt") {
            lt = true;
        } else {
            break;
        }
        i += 1;
    }
    let elements = args.len() - i;
    if elements == 0 || elements % 2 == 1 {
        return Err(Reply::err(ERR_SYNTAX));
    }
    if nx && xx {
        return Err(Reply::err(
            "ERR XX and NX options at the same time are not compatible",
        ));
    }
    if ((gt || lt) && nx) || (gt && lt) {
        return Err(Reply::err(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if incr && elements > 2 {
        return Err(Reply::err(
            "ERR INCR option supports a single increment-element pair",
        ));
    }
    let pairs: Vec<(f64, &Vec<u8>)> = args[i..]
        .chunks(2)
        .map(|p| parse_f64(&p[0], ERR_NOT_FLOAT).map(|s| (s, &p[1])))
        .collect::<std::result::Result<_, _>>()?;
    let key = &args[1];
    if read(node, key)?.is_none() {
        if xx {
            return Ok(if incr { Reply::nil() } else { Reply::int(0) });
        }
        let z = SortedSet::for_first_member(pairs[0].1, &node.keyspace.limits);
        node.keyspace.remove(key);
        node.keyspace.set(key.clone(), Value::ZSet(z));
    }
    let lim = node.keyspace.limits;
    let Some(z) = node.keyspace.zset_mut(key, node.now)? else {
        return Err(Reply::err(ERR_SYNTAX));
    };
    let (mut added, mut updated, mut processed) = (0, 0, 0);
    let mut last = 0.0;
    for (score, member) in pairs {
        match z.score(member) {
            Some(current) => {
                if nx {
                    continue;
                }
                let new = if incr { current + score } else { score };
                if new.is_nan() {
                    let changed = added + updated > 0;
                    node.keyspace.remove_if_empty(key);
                    if changed {
                        node.propagate(args.to_vec());
                    }
                    return Err(Reply::err("ERR resulting score is not a number (NaN)"));
                }
                if (lt && new >= current) || (gt && new <= current) {
                    continue;
                }
                last = new;
                processed += 1;
                if new != current {
                    z.insert(member.clone(), new, &lim);
                    updated += 1;
                }
            }
            None => {
                if xx {
                    continue;
                }
                z.insert(member.clone(), score, &lim);
                last = score;
                added += 1;
                processed += 1;
            }
        }
    }
    node.keyspace.remove_if_empty(key);
    if added + updated > 0 {
        node.propagate(args.to_vec());
    }
    Ok(if incr {
        if processed > 0 {
            score_reply(last)
        } else {
            Reply::nil()
        }
    } else {
        Reply::int(if ch { added + updated } else { added })
    })
}

pub fn zadd(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    zadd_generic(node, args, false)
}

pub fn zincrby(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    zadd_generic(node, args, true)
}

pub fn zscore(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(read(node, &args[1])?
        .and_then(|z| z.score(&args[2]))
        .map_or(Reply::nil(), score_reply))
}

/// `ZMSCORE key member …`: each score or nil (all nil for a missing key).
pub fn zmscore(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let z = read(node, &args[1])?;
    Ok(Reply::array(
        args[2..]
            .iter()
            .map(|m| z.and_then(|z| z.score(m)).map_or(Reply::nil(), score_reply))
            .collect(),
    ))
}

pub fn zcard(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(Reply::int(
        read(node, &args[1])?.map_or(0, |z| z.len() as i64),
    ))
}

/// `ZREM key member …`: how many it removed; the key goes with the last one.
pub fn zrem(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let Some(z) = node.keyspace.zset_mut(&args[1], node.now)? else {
        return Ok(Reply::int(0));
    };
    let mut removed = 0;
    for m in &args[2..] {
        if z.remove(m) {
            removed += 1;
            if z.is_empty() {
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

fn rank(node: &mut Node, args: &[Vec<u8>], rev: bool) -> Result {
    let Some(z) = read(node, &args[1])? else {
        return Ok(Reply::nil());
    };
    Ok(match z.rank(&args[2]) {
        Some(r) if rev => Reply::int((z.len() - 1 - r) as i64),
        Some(r) => Reply::int(r as i64),
        None => Reply::nil(),
    })
}

pub fn zrank(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    rank(node, args, false)
}

pub fn zrevrank(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    rank(node, args, true)
}

/// The MPOP of sorted sets (ZMPOP, and BZMPOP with data): pops from the first non-empty
/// set of `keys`, replicated as ZPOPMIN/ZPOPMAX of that key with the count popped; None
/// when every key is empty.
pub(super) fn mpop_zset(
    node: &mut Node,
    keys: &[Vec<u8>],
    max: bool,
    count: usize,
) -> std::result::Result<Option<Reply>, Reply> {
    for key in keys {
        if read(node, key)?.is_none_or(SortedSet::is_empty) {
            continue;
        }
        let popped = node.keyspace.pop_zset(key, node.now, max, count);
        let name = if max { "ZPOPMAX" } else { "ZPOPMIN" };
        node.propagate(vec![
            name.as_bytes().to_vec(),
            key.clone(),
            popped.len().to_string().into_bytes(),
        ]);
        return Ok(Some(Reply::array(vec![
            Reply::bulk(key.clone()),
            elements_reply(popped, true, true),
        ])));
    }
    Ok(None)
}

fn zpop(node: &mut Node, c: u64, args: &[Vec<u8>], max: bool) -> Result {
    if args.len() > 3 {
        return Err(Reply::err(ERR_SYNTAX));
    }
    let count = match args.get(2) {
        Some(a) => match parse_i64(a) {
            Ok(n) if n >= 0 => Some(n as usize),
            _ => return Err(Reply::err("ERR value is out of range, must be positive")),
        },
        None => None,
    };
    let nested = node.protocol(c) == Protocol::Resp3 && count.is_some();
    if read(node, &args[1])?.is_none() || count == Some(0) {
        return Ok(Reply::array(Vec::new()));
    }
    let popped = node
        .keyspace
        .pop_zset(&args[1], node.now, max, count.unwrap_or(1));
    node.propagate(args.to_vec());
    Ok(elements_reply(popped, true, nested))
}

pub fn zpopmin(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    zpop(node, c, args, false)
}

pub fn zpopmax(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    zpop(node, c, args, true)
}

/// `ZMPOP numkeys key … MIN|MAX [COUNT count]`.
pub fn zmpop(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let (keys, min, count) = mpop_args(args, 1, ("min", "max"))?;
    Ok(mpop_zset(node, keys, !min, count.unwrap_or(1))?.unwrap_or(Reply::Array(None)))
}

/// `ZRANDMEMBER key [count [WITHSCORES]]`, drawn from the node's seeded RNG.
pub fn zrandmember(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    if args.len() == 2 {
        return Ok(match node.keyspace.zset(&args[1], node.now)? {
            Some(z) => {
                let i = node.rng.index(z.len());
                z.get(i)
                    .map_or(Reply::nil(), |(_, m)| Reply::bulk(m.clone()))
            }
            None => Reply::nil(),
        });
    }
    let count = sampling::parse_count(&args[2])?;
    if args.len() > 4 || (args.len() == 4 && !is(&args[3], "withscores")) {
        return Err(Reply::err(ERR_SYNTAX));
    }
    let withscores = args.len() == 4;
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(Reply::err("ERR value is out of range"));
    }
    let resp3 = node.protocol(c) == Protocol::Resp3;
    let Some(z) = node.keyspace.zset(&args[1], node.now)? else {
        return Ok(Reply::array(Vec::new()));
    };
    let picks = sampling::picks(&mut node.rng, z.len(), count)?;
    let items = picks
        .into_iter()
        .filter_map(|i| z.get(i).map(|(s, m)| (s, m.clone())))
        .collect();
    Ok(elements_reply(items, withscores, resp3))
}
