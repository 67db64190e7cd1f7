//! The blocking pops: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP.
//! With data they answer at once as their non-blocking forms do (and replicate as those
//! forms); without, the client blocks in simulated time (`node/blocking.rs` serves it
//! later), except inside a transaction, where they answer nil.

use super::args::{format_double, is, parse_i64, ERR_SYNTAX};
use crate::node::{BlockedPop, Node, PopKind};
use crate::reply::Reply;
use crate::time::{SimDuration, SimTime};

type Result = std::result::Result<Reply, Reply>;
type Bytes = Vec<u8>;

/// `getTimeoutFromObjectOrReply` in seconds: a float, rounded up to milliseconds; 0
/// waits forever.
fn deadline(node: &Node, arg: &[u8]) -> std::result::Result<Option<SimTime>, Reply> {
    let Some(seconds) = crate::long_double::LongDouble::parse(arg) else {
        return Err(Reply::err("ERR timeout is not a float or out of range"));
    };
    let ms = seconds.ceil_millis();
    if ms < 0 {
        return Err(Reply::err("ERR timeout is negative"));
    }
    Ok((ms > 0).then(|| node.now + SimDuration(ms as u64)))
}

/// Blocks the client (the reply comes later), or answers `denied` in a transaction.
fn block(node: &mut Node, pop: BlockedPop, denied: Reply) -> Result {
    if !node.may_block() {
        return Ok(denied);
    }
    node.block_pop(pop);
    Ok(Reply::Silent)
}

/// The first key of `keys` holding a non-empty list (WRONGTYPE at the first other type).
fn first_list(node: &Node, keys: &[Bytes]) -> std::result::Result<Option<Bytes>, Reply> {
    for k in keys {
        if node
            .keyspace
            .list(k, node.now)?
            .is_some_and(|l| !l.is_empty())
        {
            return Ok(Some(k.clone()));
        }
    }
    Ok(None)
}

fn first_zset(node: &Node, keys: &[Bytes]) -> std::result::Result<Option<Bytes>, Reply> {
    for k in keys {
        if node
            .keyspace
            .zset(k, node.now)?
            .is_some_and(|z| !z.is_empty())
        {
            return Ok(Some(k.clone()));
        }
    }
    Ok(None)
}

fn pop_list(node: &mut Node, key: &[u8], left: bool, count: usize) -> Vec<Bytes> {
    let Ok(Some(l)) = node.keyspace.list_mut(key, node.now) else {
        return Vec::new();
    };
    let n = count.min(l.len());
    let popped = (0..n)
        .filter_map(|_| if left { l.pop_front() } else { l.pop_back() })
        .collect();
    node.keyspace.remove_if_empty(key);
    popped
}

fn pop_zset(node: &mut Node, key: &[u8], max: bool, count: usize) -> Vec<(f64, Bytes)> {
    let Ok(Some(z)) = node.keyspace.zset_mut(key, node.now) else {
        return Vec::new();
    };
    let mut popped = Vec::new();
    for _ in 0..count.min(z.len()) {
        let rank = if max { z.len() - 1 } else { 0 };
        let Some((s, m)) = z.get(rank).map(|(s, m)| (s, m.clone())) else {
            break;
        };
        z.remove(&m);
        popped.push((s, m));
    }
    node.keyspace.remove_if_empty(key);
    popped
}

fn bpop(node: &mut Node, c: u64, args: &[Vec<u8>], left: bool) -> Result {
    let keys = &args[1..args.len() - 1];
    let deadline = deadline(node, &args[args.len() - 1])?;
    if let Some(key) = first_list(node, keys)? {
        let v = pop_list(node, &key, left, 1).pop().unwrap_or_default();
        let name = if left { "LPOP" } else { "RPOP" };
        node.propagate(vec![name.as_bytes().to_vec(), key.clone()]);
        return Ok(Reply::array(vec![Reply::bulk(key), Reply::bulk(v)]));
    }
    let pop = BlockedPop {
        client: c,
        keys: keys.to_vec(),
        kind: PopKind::List { left, count: None },
        deadline,
    };
    block(node, pop, Reply::Array(None))
}

pub fn blpop(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    bpop(node, c, args, true)
}

pub fn brpop(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    bpop(node, c, args, false)
}

/// `LEFT`/`RIGHT` (or `MIN`/`MAX` for the sorted sets): true for the first word.
fn which(arg: &[u8], first: &str, second: &str) -> std::result::Result<bool, Reply> {
    if is(arg, first) {
        Ok(true)
    } else if is(arg, second) {
        Ok(false)
    } else {
        Err(Reply::err(ERR_SYNTAX))
    }
}

/// The keys, the side word (true for the first) and the count of BLMPOP/BZMPOP.
type MpopArgs<'a> = (&'a [Vec<u8>], bool, Option<usize>);

/// BLMPOP/BZMPOP's arguments after the timeout (`numkeys` at index 2).
fn mpop_args<'a>(
    args: &'a [Vec<u8>],
    words: (&str, &str),
) -> std::result::Result<MpopArgs<'a>, Reply> {
    let numkeys = match parse_i64(&args[2]) {
        Ok(n) if n >= 1 => n as usize,
        _ => return Err(Reply::err("ERR numkeys should be greater than 0")),
    };
    let where_at = 2 + numkeys + 1;
    if where_at >= args.len() {
        return Err(Reply::err(ERR_SYNTAX));
    }
    let first = which(&args[where_at], words.0, words.1)?;
    let mut count = None;
    let mut j = where_at + 1;
    while j < args.len() {
        if count.is_none() && is(&args[j], "count") && j + 1 < args.len() {
            j += 1;
            count = match parse_i64(&args[j]) {
                Ok(n) if n >= 1 => Some(n as usize),
                _ => return Err(Reply::err("ERR count should be greater than 0")),
            };
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        j += 1;
    }
    Ok((&args[3..3 + numkeys], first, count))
}

/// `BLMPOP timeout numkeys key … LEFT|RIGHT [COUNT count]`.
pub fn blmpop(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    let (keys, left, count) = mpop_args(args, ("left", "right"))?;
    let deadline = deadline(node, &args[1])?;
    let count = count.unwrap_or(1);
    if let Some(key) = first_list(node, keys)? {
        let popped = pop_list(node, &key, left, count);
        let name = if left { "LPOP" } else { "RPOP" };
        node.propagate(vec![
            name.as_bytes().to_vec(),
            key.clone(),
            popped.len().to_string().into_bytes(),
        ]);
        return Ok(Reply::array(vec![Reply::bulk(key), Reply::bulks(popped)]));
    }
    let pop = BlockedPop {
        client: c,
        keys: keys.to_vec(),
        kind: PopKind::List {
            left,
            count: Some(count),
        },
        deadline,
    };
    block(node, pop, Reply::Array(None))
}

fn blmove_generic(
    node: &mut Node,
    c: u64,
    args: &[Vec<u8>],
    from_left: bool,
    to_left: bool,
    timeout_at: usize,
) -> Result {
    let deadline = deadline(node, &args[timeout_at])?;
    let rpoplpush = timeout_at == 3;
    let (src, dst) = (&args[1], &args[2]);
    if node.keyspace.list(src, node.now)?.is_none() {
        let pop = BlockedPop {
            client: c,
            keys: vec![src.clone()],
            kind: PopKind::Move {
                dst: dst.clone(),
                from_left,
                to_left,
                rpoplpush,
            },
            deadline,
        };
        return block(node, pop, Reply::nil());
    }
    // Replicated as LMOVE with the client's own side words (or as RPOPLPUSH), as
    // `lmoveGenericCommand` rewrites it.
    let written = if rpoplpush {
        vec![b"RPOPLPUSH".to_vec(), src.clone(), dst.clone()]
    } else {
        vec![
            b"LMOVE".to_vec(),
            src.clone(),
            dst.clone(),
            args[3].clone(),
            args[4].clone(),
        ]
    };
    super::lists::lmove_generic(node, &written, from_left, to_left)
}

/// `BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout`.
pub fn blmove(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    let from_left = which(&args[3], "left", "right")?;
    let to_left = which(&args[4], "left", "right")?;
    blmove_generic(node, c, args, from_left, to_left, 5)
}

/// `BRPOPLPUSH source destination timeout`.
pub fn brpoplpush(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    blmove_generic(node, c, args, false, true, 3)
}

fn bzpop(node: &mut Node, c: u64, args: &[Vec<u8>], max: bool) -> Result {
    let keys = &args[1..args.len() - 1];
    let deadline = deadline(node, &args[args.len() - 1])?;
    if let Some(key) = first_zset(node, keys)? {
        let popped = pop_zset(node, &key, max, 1);
        let name = if max { "ZPOPMAX" } else { "ZPOPMIN" };
        node.propagate(vec![name.as_bytes().to_vec(), key.clone()]);
        let mut out = vec![Reply::bulk(key)];
        for (s, m) in popped {
            out.extend([Reply::bulk(m), Reply::Double(format_double(s))]);
        }
        return Ok(Reply::array(out));
    }
    let pop = BlockedPop {
        client: c,
        keys: keys.to_vec(),
        kind: PopKind::ZSet { max, count: None },
        deadline,
    };
    block(node, pop, Reply::Array(None))
}

pub fn bzpopmin(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    bzpop(node, c, args, false)
}

pub fn bzpopmax(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    bzpop(node, c, args, true)
}

/// `BZMPOP timeout numkeys key … MIN|MAX [COUNT count]`.
pub fn bzmpop(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    let (keys, min, count) = mpop_args(args, ("min", "max"))?;
    let max = !min;
    let deadline = deadline(node, &args[1])?;
    let count = count.unwrap_or(1);
    if let Some(key) = first_zset(node, keys)? {
        let popped = pop_zset(node, &key, max, count);
        let name = if max { "ZPOPMAX" } else { "ZPOPMIN" };
        node.propagate(vec![
            name.as_bytes().to_vec(),
            key.clone(),
            popped.len().to_string().into_bytes(),
        ]);
        let pairs = popped
            .into_iter()
            .map(|(s, m)| Reply::array(vec![Reply::bulk(m), Reply::Double(format_double(s))]))
            .collect();
        return Ok(Reply::array(vec![Reply::bulk(key), Reply::array(pairs)]));
    }
    let pop = BlockedPop {
        client: c,
        keys: keys.to_vec(),
        kind: PopKind::ZSet {
            max,
            count: Some(count),
        },
        deadline,
    };
    block(node, pop, Reply::Array(None))
}
