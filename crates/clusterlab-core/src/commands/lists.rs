//! List commands: LPUSH RPUSH LPOP RPOP LRANGE LLEN.

use std::collections::VecDeque;

use super::args::parse_i64;
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::Reply;

fn read(node: &Node, key: &[u8]) -> Result<Option<VecDeque<Vec<u8>>>, Reply> {
    super::read_typed(node, key, |v| match v {
        Value::List(x) => Some(x),
        _ => None,
    })
}

fn store(node: &mut Node, key: &[u8], x: VecDeque<Vec<u8>>) {
    let empty = x.is_empty();
    super::store_collection(node, key, Value::List(x), empty);
}

fn push(node: &mut Node, args: &[Vec<u8>], left: bool) -> Reply {
    let push_all = |l: &mut VecDeque<Vec<u8>>| {
        for v in &args[2..] {
            if left {
                l.push_front(v.clone());
            } else {
                l.push_back(v.clone());
            }
        }
        l.len()
    };
    // An existing list grows in place (a push costs the same however long it is).
    let len = match node.keyspace.get_mut(&args[1], node.now) {
        Some(Value::List(l)) => push_all(l),
        Some(_) => return Reply::err(super::args::ERR_WRONGTYPE),
        None => {
            let mut l = VecDeque::new();
            let len = push_all(&mut l);
            store(node, &args[1], l);
            len
        }
    };
    node.propagate(args.to_vec());
    Reply::int(len as i64)
}

pub fn lpush(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    push(node, args, true)
}

pub fn rpush(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    push(node, args, false)
}

fn pop(node: &mut Node, args: &[Vec<u8>], left: bool) -> Reply {
    if args.len() > 3 {
        return super::arity_error(if left { "lpop" } else { "rpop" });
    }
    let count = match args.get(2) {
        Some(c) => match parse_i64(c) {
            Ok(n) if n >= 0 => Some(n as usize),
            _ => return Reply::err("ERR value is out of range, must be positive"),
        },
        None => None,
    };
    let mut l = match read(node, &args[1]) {
        Ok(Some(l)) => l,
        Ok(None) => {
            return if count.is_some() {
                Reply::Array(None)
            } else {
                Reply::nil()
            }
        }
        Err(e) => return e,
    };
    let n = count.unwrap_or(1).min(l.len());
    let popped: Vec<Vec<u8>> = (0..n)
        .filter_map(|_| if left { l.pop_front() } else { l.pop_back() })
        .collect();
    if n > 0 {
        store(node, &args[1], l);
        node.propagate(args.to_vec());
    }
    match count {
        Some(_) => Reply::bulks(popped),
        None => popped.into_iter().next().map_or(Reply::nil(), Reply::bulk),
    }
}

pub fn lpop(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    pop(node, args, true)
}

pub fn rpop(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    pop(node, args, false)
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

pub fn lrange(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let (start, stop) = match (parse_i64(&args[2]), parse_i64(&args[3])) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    match read(node, &args[1]) {
        Ok(Some(l)) => match index_range(start, stop, l.len()) {
            Some((s, e)) => Reply::bulks(l.range(s..=e).cloned().collect::<Vec<_>>()),
            None => Reply::array(vec![]),
        },
        Ok(None) => Reply::array(vec![]),
        Err(e) => e,
    }
}

pub fn llen(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(l) => Reply::int(l.map_or(0, |l| l.len() as i64)),
        Err(e) => e,
    }
}
