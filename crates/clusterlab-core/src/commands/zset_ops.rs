//! Sorted-set algebra: ZUNION ZUNIONSTORE ZINTER ZINTERSTORE ZINTERCARD ZDIFF ZDIFFSTORE
//! (`zunionInterDiffGenericCommand`), over sorted sets and plain sets (whose members
//! score 1), with WEIGHTS and AGGREGATE SUM|MIN|MAX.

use std::collections::BTreeMap;

use super::args::{is, parse_f64, parse_i64, ERR_SYNTAX};
use super::zset_range::elements_reply;
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::{Protocol, Reply};
use crate::types::SortedSet;

type Result = std::result::Result<Reply, Reply>;
type Bytes = Vec<u8>;

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// `zunionInterAggregate`.
fn aggregate(target: &mut f64, value: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += value;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => *target = if value < *target { value } else { *target },
        Aggregate::Max => *target = if value > *target { value } else { *target },
    }
}

/// One input: a sorted set's elements, or a set's members scoring 1 (None: no key).
type Source = Option<BTreeMap<Bytes, f64>>;

fn load(node: &Node, key: &[u8]) -> std::result::Result<Source, Reply> {
    Ok(match node.keyspace.get(key, node.now) {
        None => None,
        // Inserted one by one: `collect` would compile a sort for each.
        Some(Value::ZSet(z)) => {
            let mut map = BTreeMap::new();
            map.extend(z.iter().map(|(s, m)| (m.clone(), s)));
            Some(map)
        }
        Some(Value::Set(s)) => {
            let mut map = BTreeMap::new();
            map.extend(s.iter().map(|m| (m, 1.0)));
            Some(map)
        }
        Some(_) => return Err(Reply::err(super::args::ERR_WRONGTYPE)),
    })
}

fn len(s: &Source) -> usize {
    s.as_ref().map_or(0, BTreeMap::len)
}

/// The command's arguments from `numkeys_at` on, computed; `store` names the
/// destination, `card` makes it ZINTERCARD.
fn generic(
    node: &mut Node,
    c: u64,
    args: &[Vec<u8>],
    numkeys_at: usize,
    op: Op,
    store: bool,
    card: bool,
) -> Result {
    let setnum = parse_i64(&args[numkeys_at])?;
    let name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
    if setnum < 1 {
        return Err(Reply::err(format!(
            "ERR at least 1 input key is needed for '{name}' command"
        )));
    }
    let first = numkeys_at + 1;
    if setnum as u64 > (args.len() - first) as u64 {
        return Err(Reply::err(ERR_SYNTAX));
    }
    let setnum = setnum as usize;
    let mut sources: Vec<(Source, f64, &[u8])> = Vec::with_capacity(setnum);
    for key in &args[first..first + setnum] {
        sources.push((load(node, key)?, 1.0, key));
    }
    let (mut how, mut withscores, mut limit) = (Aggregate::Sum, false, 0usize);
    let mut j = first + setnum;
    while j < args.len() {
        let remaining = args.len() - j;
        if op != Op::Diff && !card && remaining > setnum && is(&args[j], "weights") {
            j += 1;
            for source in sources.iter_mut() {
                source.1 = parse_f64(&args[j], "ERR weight value is not a float")?;
                j += 1;
            }
        } else if op != Op::Diff && !card && remaining >= 2 && is(&args[j], "aggregate") {
            how = if is(&args[j + 1], "sum") {
                Aggregate::Sum
            } else if is(&args[j + 1], "min") {
                Aggregate::Min
            } else if is(&args[j + 1], "max") {
                Aggregate::Max
            } else {
                return Err(Reply::err(ERR_SYNTAX));
            };
            j += 2;
        } else if !store && !card && is(&args[j], "withscores") {
            withscores = true;
            j += 1;
        } else if card && remaining >= 2 && is(&args[j], "limit") {
            limit = match parse_i64(&args[j + 1]) {
                Ok(n) if n >= 0 => n as usize,
                _ => return Err(Reply::err("ERR LIMIT can't be negative")),
            };
            j += 2;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
    }
    if op != Op::Diff {
        crate::order::sort_by_key(&mut sources, |s| len(&s.0));
    }
    let mut result: BTreeMap<Bytes, f64> = BTreeMap::new();
    let mut cardinality = 0usize;
    match op {
        Op::Inter => {
            if let Some(smallest) = sources.first().and_then(|s| s.0.as_ref()) {
                'element: for (m, &s0) in smallest {
                    let mut score = sources[0].1 * s0;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    for (src, weight, key) in &sources[1..] {
                        let value = if *key == sources[0].2 {
                            Some(s0)
                        } else {
                            src.as_ref().and_then(|x| x.get(m).copied())
                        };
                        match value {
                            Some(v) => aggregate(&mut score, v * weight, how),
                            None => continue 'element,
                        }
                    }
                    if card {
                        cardinality += 1;
                        if limit > 0 && cardinality >= limit {
                            break;
                        }
                    } else {
                        result.insert(m.clone(), score);
                    }
                }
            }
        }
        Op::Union => {
            for (src, weight, _) in &sources {
                for (m, &s) in src.iter().flatten() {
                    let mut score = weight * s;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    match result.get_mut(m) {
                        Some(existing) => aggregate(existing, score, how),
                        None => {
                            result.insert(m.clone(), score);
                        }
                    }
                }
            }
        }
        Op::Diff => {
            if let Some(firsts) = sources[0].0.as_ref() {
                for (m, &s) in firsts {
                    if !sources[1..]
                        .iter()
                        .any(|(src, ..)| src.as_ref().is_some_and(|x| x.contains_key(m)))
                    {
                        result.insert(m.clone(), s);
                    }
                }
            }
        }
    }
    if card {
        return Ok(Reply::int(cardinality as i64));
    }
    let lim = node.keyspace.limits;
    let mut z = SortedSet::skiplist();
    for (m, s) in result {
        z.insert(m, s, &lim);
    }
    if store {
        let dst = &args[1];
        let n = z.len();
        if n > 0 {
            z.shrink_encoding(&lim);
            node.keyspace.remove(dst);
            node.keyspace.set(dst.clone(), Value::ZSet(z));
            node.propagate(args.to_vec());
        } else if node.keyspace.remove(dst) {
            node.propagate(args.to_vec());
        }
        return Ok(Reply::int(n as i64));
    }
    let resp3 = node.protocol(c) == Protocol::Resp3;
    let items = z.iter().map(|(s, m)| (s, m.clone())).collect();
    Ok(elements_reply(items, withscores, resp3))
}

pub fn zunion(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    generic(node, c, args, 1, Op::Union, false, false)
}

pub fn zunionstore(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    generic(node, c, args, 2, Op::Union, true, false)
}

pub fn zinter(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    generic(node, c, args, 1, Op::Inter, false, false)
}

pub fn zinterstore(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    generic(node, c, args, 2, Op::Inter, true, false)
}

pub fn zintercard(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    generic(node, c, args, 1, Op::Inter, false, true)
}

pub fn zdiff(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    generic(node, c, args, 1, Op::Diff, false, false)
}

pub fn zdiffstore(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    generic(node, c, args, 2, Op::Diff, true, false)
}
