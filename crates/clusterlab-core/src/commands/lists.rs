//! List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LMPOP LRANGE LLEN LINDEX LSET
//! LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH.

use super::args::{is, mpop_args, parse_i64, which, ERR_SYNTAX};
use crate::node::Node;
use crate::reply::Reply;
use crate::types::List;

type Result = std::result::Result<Reply, Reply>;

const ERR_POSITIVE: &str = "ERR value is out of range, must be positive";

fn read<'a>(node: &'a Node, key: &[u8]) -> std::result::Result<Option<&'a List>, Reply> {
    Ok(node.keyspace.list(key, node.now)?)
}

/// A non-negative count argument, or `msg` (non-integers included).
fn positive(arg: &[u8], msg: &str) -> std::result::Result<i64, Reply> {
    match parse_i64(arg) {
        Ok(n) if n >= 0 => Ok(n),
        _ => Err(Reply::err(msg)),
    }
}

fn push(node: &mut Node, args: &[Vec<u8>], left: bool, only_existing: bool) -> Result {
    let l = match node.keyspace.list_mut(&args[1], node.now)? {
        Some(l) => l,
        None if only_existing => return Ok(Reply::int(0)),
        None => node.keyspace.list_or_create(&args[1], node.now)?,
    };
    for v in &args[2..] {
        if left {
            l.push_front(v.clone());
        } else {
            l.push_back(v.clone());
        }
    }
    let len = l.len();
    node.propagate(args.to_vec());
    Ok(Reply::int(len as i64))
}

pub fn lpush(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    push(node, args, true, false)
}

pub fn rpush(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    push(node, args, false, false)
}

pub fn lpushx(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    push(node, args, true, true)
}

pub fn rpushx(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    push(node, args, false, true)
}

fn pop(node: &mut Node, args: &[Vec<u8>], left: bool) -> Result {
    if args.len() > 3 {
        return Err(super::arity_error(if left { "lpop" } else { "rpop" }));
    }
    let count = match args.get(2) {
        Some(c) => Some(positive(c, ERR_POSITIVE)?),
        None => None,
    };
    if read(node, &args[1])?.is_none() {
        return Ok(match count {
            Some(_) => Reply::Array(None),
            None => Reply::nil(),
        });
    }
    if count == Some(0) {
        return Ok(Reply::array(Vec::new()));
    }
    let popped = node
        .keyspace
        .pop_list(&args[1], node.now, left, count.unwrap_or(1) as usize);
    node.propagate(args.to_vec());
    Ok(match count {
        Some(_) => Reply::bulks(popped),
        None => popped.into_iter().next().map_or(Reply::nil(), Reply::bulk),
    })
}

pub fn lpop(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    pop(node, args, true)
}

pub fn rpop(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    pop(node, args, false)
}

/// `LEFT` or `RIGHT` (true for left), else a syntax error.
fn side(arg: &[u8]) -> std::result::Result<bool, Reply> {
    which(arg, "left", "right")
}

/// The MPOP of lists (LMPOP, and BLMPOP with data): pops from the first non-empty list
/// of `keys`, replicated as LPOP/RPOP of that key with the count popped; None when every
/// key is empty.
pub(super) fn mpop_list(
    node: &mut Node,
    keys: &[Vec<u8>],
    left: bool,
    count: usize,
) -> std::result::Result<Option<Reply>, Reply> {
    for key in keys {
        if read(node, key)?.is_none_or(|l| l.is_empty()) {
            continue;
        }
        let popped = node.keyspace.pop_list(key, node.now, left, count);
        let name = if left { "LPOP" } else { "RPOP" };
        node.propagate(vec![
            name.as_bytes().to_vec(),
            key.clone(),
            popped.len().to_string().into_bytes(),
        ]);
        return Ok(Some(Reply::array(vec![
            Reply::bulk(key.clone()),
            Reply::bulks(popped),
        ])));
    }
    Ok(None)
}

/// `LMPOP numkeys key … LEFT|RIGHT [COUNT count]`.
pub fn lmpop(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let (keys, left, count) = mpop_args(args, 1, ("left", "right"))?;
    Ok(mpop_list(node, keys, left, count.unwrap_or(1))?.unwrap_or(Reply::Array(None)))
}

/// Normalises Redis's inclusive, possibly negative `start..stop` to a range of `len`.
pub(crate) fn index_range(start: i64, stop: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let s = if start < 0 {
        (len + start).max(0)
    } else {
        start
    };
    let e = if stop < 0 {
        len + stop
    } else {
        stop.min(len - 1)
    };
    if s > e || s >= len {
        None
    } else {
        Some((s as usize, e as usize))
    }
}

/// A possibly negative index of a list of `len`, if it falls inside.
fn position(index: i64, len: usize) -> Option<usize> {
    let i = if index < 0 { len as i64 + index } else { index };
    (0..len as i64).contains(&i).then_some(i as usize)
}

pub fn lrange(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let (start, stop) = (parse_i64(&args[2])?, parse_i64(&args[3])?);
    let Some(l) = read(node, &args[1])? else {
        return Ok(Reply::array(vec![]));
    };
    Ok(match index_range(start, stop, l.len()) {
        Some((s, e)) => Reply::bulks(l.range(s..=e).cloned()),
        None => Reply::array(vec![]),
    })
}

pub fn llen(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(Reply::int(
        read(node, &args[1])?.map_or(0, |l| l.len() as i64),
    ))
}

/// `LINDEX key index`: the element, or nil out of range (no copy of the list).
pub fn lindex(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let Some(l) = read(node, &args[1])? else {
        return Ok(Reply::nil());
    };
    let index = parse_i64(&args[2])?;
    Ok(position(index, l.len()).map_or(Reply::nil(), |i| Reply::bulk(l[i].clone())))
}

/// `LSET key index element`.
pub fn lset(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let Some(l) = node.keyspace.list_mut(&args[1], node.now)? else {
        return Err(Reply::err("ERR no such key"));
    };
    let index = parse_i64(&args[2])?;
    let Some(i) = position(index, l.len()) else {
        return Err(Reply::err("ERR index out of range"));
    };
    l[i] = args[3].clone();
    node.propagate(args.to_vec());
    Ok(Reply::ok())
}

/// `LINSERT key BEFORE|AFTER pivot element`: the new length, -1 without the pivot.
pub fn linsert(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let after = if is(&args[2], "after") {
        true
    } else if is(&args[2], "before") {
        false
    } else {
        return Err(Reply::err(ERR_SYNTAX));
    };
    let Some(l) = node.keyspace.list_mut(&args[1], node.now)? else {
        return Ok(Reply::int(0));
    };
    let Some(at) = l.iter().position(|e| *e == args[3]) else {
        return Ok(Reply::int(-1));
    };
    l.insert(if after { at + 1 } else { at }, args[4].clone());
    let len = l.len();
    node.propagate(args.to_vec());
    Ok(Reply::int(len as i64))
}

/// `LREM key count element`: removes `count` matches from the head (from the tail when
/// negative, all when 0).
pub fn lrem(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let count = parse_i64(&args[2])?;
    let Some(l) = node.keyspace.list_mut(&args[1], node.now)? else {
        return Ok(Reply::int(0));
    };
    let limit = if count == 0 {
        usize::MAX
    } else {
        count.unsigned_abs() as usize
    };
    let mut removed = 0;
    let old = std::mem::take(l);
    let mut kept = List::with_capacity(old.len());
    if count >= 0 {
        for e in old {
            if removed < limit && e == args[3] {
                removed += 1;
            } else {
                kept.push_back(e);
            }
        }
    } else {
        for e in old.into_iter().rev() {
            if removed < limit && e == args[3] {
                removed += 1;
            } else {
                kept.push_front(e);
            }
        }
    }
    *l = kept;
    node.keyspace.remove_if_empty(&args[1]);
    if removed > 0 {
        node.propagate(args.to_vec());
    }
    Ok(Reply::int(removed as i64))
}

/// `LTRIM key start stop`: keeps the inclusive range, deleting the key when it empties.
pub fn ltrim(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let (start, stop) = (parse_i64(&args[2])?, parse_i64(&args[3])?);
    let Some(l) = node.keyspace.list_mut(&args[1], node.now)? else {
        return Ok(Reply::ok());
    };
    let len = l.len();
    let (ltrim, rtrim) = match index_range(start, stop, len) {
        Some((s, e)) => (s, len - e - 1),
        None => (len, 0),
    };
    l.drain(..ltrim);
    l.truncate(l.len() - rtrim);
    node.keyspace.remove_if_empty(&args[1]);
    if ltrim + rtrim > 0 {
        node.propagate(args.to_vec());
    }
    Ok(Reply::ok())
}

/// `LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]`.
pub fn lpos(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let (mut rank, mut count, mut maxlen) = (1i64, None, 0usize);
    let mut j = 3;
    while j < args.len() {
        let more = j + 1 < args.len();
        if is(&args[j], "rank") && more {
            j += 1;
            rank = parse_i64(&args[j])?;
            if rank == 0 {
                return Err(Reply::err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"));
            }
        } else if is(&args[j], "count") && more {
            j += 1;
            count = Some(positive(&args[j], "ERR COUNT can't be negative")? as usize);
        } else if is(&args[j], "maxlen") && more {
            j += 1;
            maxlen = positive(&args[j], "ERR MAXLEN can't be negative")? as usize;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        j += 1;
    }
    let Some(l) = read(node, &args[1])? else {
        return Ok(if count.is_some() {
            Reply::array(Vec::new())
        } else {
            Reply::nil()
        });
    };
    let from_tail = rank < 0;
    let skip = rank.unsigned_abs() - 1;
    let len = l.len();
    let scan = if maxlen == 0 { len } else { maxlen.min(len) };
    let indexes = (0..scan).map(|k| if from_tail { len - 1 - k } else { k });
    let mut matches = indexes.filter(|&i| l[i] == args[2]).skip(skip as usize);
    Ok(match count {
        None => matches
            .next()
            .map_or(Reply::nil(), |i| Reply::int(i as i64)),
        Some(0) => Reply::array(matches.map(|i| Reply::int(i as i64)).collect()),
        Some(n) => Reply::array(matches.take(n).map(|i| Reply::int(i as i64)).collect()),
    })
}

/// Pops from one end of `src` and pushes onto one end of `dst` (LMOVE, RPOPLPUSH).
pub(super) fn lmove_generic(
    node: &mut Node,
    args: &[Vec<u8>],
    from_left: bool,
    to_left: bool,
) -> Result {
    let (src, dst) = (&args[1], &args[2]);
    if read(node, src)?.is_none() {
        return Ok(Reply::nil());
    }
    read(node, dst)?;
    let value = node
        .keyspace
        .pop_list(src, node.now, from_left, 1)
        .pop()
        .unwrap_or_default();
    let l = node.keyspace.list_or_create(dst, node.now)?;
    if to_left {
        l.push_front(value.clone());
    } else {
        l.push_back(value.clone());
    }
    node.propagate(args.to_vec());
    Ok(Reply::bulk(value))
}

/// `LMOVE source destination LEFT|RIGHT LEFT|RIGHT`.
pub fn lmove(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let from_left = side(&args[3])?;
    let to_left = side(&args[4])?;
    lmove_generic(node, args, from_left, to_left)
}

/// `RPOPLPUSH source destination`.
pub fn rpoplpush(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    lmove_generic(node, args, false, true)
}
