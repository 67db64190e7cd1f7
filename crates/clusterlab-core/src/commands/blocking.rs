//! The blocking pops: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP.
//! With data they answer at once as their non-blocking forms do (and replicate as those
//! forms); without, the client blocks in simulated time (`node/blocking.rs` serves it
//! later), except inside a transaction, where they answer nil.

use super::args::{format_double, mpop_args, which};
use super::lists::mpop_list;
use super::zsets::mpop_zset;
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

/// The client waits on `keys` for `kind` (the reply comes later), or gets nil (a null
/// array, a null bulk for BLMOVE) in a transaction.
fn block(
    node: &mut Node,
    c: u64,
    keys: &[Bytes],
    kind: PopKind,
    deadline: Option<SimTime>,
) -> Result {
    let denied = match kind {
        PopKind::Move { .. } => Reply::nil(),
        _ => Reply::Array(None),
    };
    if !node.may_block() {
        return Ok(denied);
    }
    node.block_pop(BlockedPop {
        client: c,
        keys: keys.to_vec(),
        kind,
        deadline,
    });
    Ok(Reply::Silent)
}

/// BLPOP/BRPOP/BZPOPMIN/BZPOPMAX with data: one element of the first non-empty key,
/// replicated as LPOP/RPOP/ZPOPMIN/ZPOPMAX of that key, answered `[key, element]` (and
/// the score for a sorted set).
fn pop_one(
    node: &mut Node,
    keys: &[Bytes],
    zset: bool,
    end: bool,
) -> std::result::Result<Option<Reply>, Reply> {
    for key in keys {
        let now = node.now;
        let ready = if zset {
            node.keyspace.zset(key, now)?.is_some_and(|z| !z.is_empty())
        } else {
            node.keyspace.list(key, now)?.is_some_and(|l| !l.is_empty())
        };
        if !ready {
            continue;
        }
        let mut out = vec![Reply::bulk(key.clone())];
        let name = if zset {
            for (s, m) in node.keyspace.pop_zset(key, now, end, 1) {
                out.extend([Reply::bulk(m), Reply::Double(format_double(s))]);
            }
            if end {
                "ZPOPMAX"
            } else {
                "ZPOPMIN"
            }
        } else {
            out.extend(
                node.keyspace
                    .pop_list(key, now, end, 1)
                    .into_iter()
                    .map(Reply::bulk),
            );
            if end {
                "LPOP"
            } else {
                "RPOP"
            }
        };
        node.propagate(vec![name.as_bytes().to_vec(), key.clone()]);
        return Ok(Some(Reply::array(out)));
    }
    Ok(None)
}

fn bpop(node: &mut Node, c: u64, args: &[Vec<u8>], left: bool) -> Result {
    let keys = &args[1..args.len() - 1];
    let deadline = deadline(node, &args[args.len() - 1])?;
    match pop_one(node, keys, false, left)? {
        Some(reply) => Ok(reply),
        None => block(node, c, keys, PopKind::List { left, count: None }, deadline),
    }
}

pub fn blpop(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    bpop(node, c, args, true)
}

pub fn brpop(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    bpop(node, c, args, false)
}

/// `BLMPOP timeout numkeys key … LEFT|RIGHT [COUNT count]`.
pub fn blmpop(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    let (keys, left, count) = mpop_args(args, 2, ("left", "right"))?;
    let deadline = deadline(node, &args[1])?;
    let count = count.unwrap_or(1);
    match mpop_list(node, keys, left, count)? {
        Some(reply) => Ok(reply),
        None => block(
            node,
            c,
            keys,
            PopKind::List {
                left,
                count: Some(count),
            },
            deadline,
        ),
    }
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
        let kind = PopKind::Move {
            dst: dst.clone(),
            from_left,
            to_left,
            rpoplpush,
        };
        return block(node, c, std::slice::from_ref(src), kind, deadline);
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
    match pop_one(node, keys, true, max)? {
        Some(reply) => Ok(reply),
        None => block(node, c, keys, PopKind::ZSet { max, count: None }, deadline),
    }
}

pub fn bzpopmin(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    bzpop(node, c, args, false)
}

pub fn bzpopmax(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    bzpop(node, c, args, true)
}

/// `BZMPOP timeout numkeys key … MIN|MAX [COUNT count]`.
pub fn bzmpop(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    let (keys, min, count) = mpop_args(args, 2, ("min", "max"))?;
    let deadline = deadline(node, &args[1])?;
    let count = count.unwrap_or(1);
    match mpop_zset(node, keys, !min, count)? {
        Some(reply) => Ok(reply),
        None => block(
            node,
            c,
            keys,
            PopKind::ZSet {
                max: !min,
                count: Some(count),
            },
            deadline,
        ),
    }
}
