//! Hash commands: HSET HSETNX HMSET HGET HMGET HGETALL HKEYS HVALS HDEL HINCRBY
//! HINCRBYFLOAT HLEN HSTRLEN HEXISTS HRANDFIELD.

use super::args::{is, parse_i64, ERR_OVERFLOW, ERR_SYNTAX};
use super::sampling;
use crate::long_double::LongDouble;
use crate::node::Node;
use crate::reply::{Protocol, Reply};
use crate::types::Hash;

type Result = std::result::Result<Reply, Reply>;

fn read<'a>(node: &'a Node, key: &[u8]) -> std::result::Result<Option<&'a Hash>, Reply> {
    Ok(node.keyspace.hash(key, node.now)?)
}

fn create<'a>(node: &'a mut Node, key: &[u8]) -> std::result::Result<&'a mut Hash, Reply> {
    Ok(node.keyspace.hash_or_create(key, node.now)?)
}

/// `HSET key field value …`: how many fields were new.
pub fn hset(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    if args.len() % 2 == 1 {
        return Err(super::arity_error(
            &String::from_utf8_lossy(&args[0]).to_ascii_lowercase(),
        ));
    }
    let lim = node.keyspace.limits;
    let h = create(node, &args[1])?;
    h.prepare_for(&args[2..], &lim);
    let added = args[2..]
        .chunks(2)
        .filter(|p| h.set(p[0].clone(), p[1].clone(), &lim))
        .count();
    node.propagate(args.to_vec());
    Ok(Reply::int(added as i64))
}

/// `HMSET key field value …`: HSET answering OK.
pub fn hmset(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    hset(node, c, args).map(|_| Reply::ok())
}

/// `HSETNX key field value`: 1 if it set the field, 0 if the field existed.
pub fn hsetnx(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let lim = node.keyspace.limits;
    let h = create(node, &args[1])?;
    if h.contains(&args[2]) {
        node.keyspace.remove_if_empty(&args[1]);
        return Ok(Reply::int(0));
    }
    h.prepare_for(&args[2..4], &lim);
    h.set(args[2].clone(), args[3].clone(), &lim);
    node.propagate(args.to_vec());
    Ok(Reply::int(1))
}

pub fn hget(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(read(node, &args[1])?
        .and_then(|h| h.get(&args[2]))
        .map_or(Reply::nil(), |v| Reply::bulk(v.clone())))
}

/// `HMGET key field …`: each field's value or nil (all nil for a missing key).
pub fn hmget(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let h = read(node, &args[1])?;
    Ok(Reply::array(
        args[2..]
            .iter()
            .map(|f| {
                h.and_then(|h| h.get(f))
                    .map_or(Reply::nil(), |v| Reply::bulk(v.clone()))
            })
            .collect(),
    ))
}

/// `HGETALL key`, in the hash's order (insertion order while it is a listpack).
pub fn hgetall(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(Reply::Map(read(node, &args[1])?.map_or(Vec::new(), |h| {
        h.iter()
            .map(|(f, v)| (Reply::bulk(f.clone()), Reply::bulk(v.clone())))
            .collect()
    })))
}

/// `HKEYS key`, in the hash's order.
pub fn hkeys(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(Reply::bulks(
        read(node, &args[1])?.map_or(Vec::new(), |h| h.iter().map(|(f, _)| f.clone()).collect()),
    ))
}

/// `HVALS key`, in the hash's order.
pub fn hvals(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(Reply::bulks(
        read(node, &args[1])?.map_or(Vec::new(), |h| h.iter().map(|(_, v)| v.clone()).collect()),
    ))
}

/// `HDEL key field …`: how many fields it removed; the key goes with the last one.
pub fn hdel(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let Some(h) = node.keyspace.hash_mut(&args[1], node.now)? else {
        return Ok(Reply::int(0));
    };
    let removed = args[2..].iter().filter(|f| h.remove(f)).count();
    if removed > 0 {
        node.keyspace.remove_if_empty(&args[1]);
        node.propagate(args.to_vec());
    }
    Ok(Reply::int(removed as i64))
}

/// `HINCRBY key field increment`.
pub fn hincrby(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let delta = parse_i64(&args[3])?;
    let lim = node.keyspace.limits;
    let h = create(node, &args[1])?;
    let current = match h.get(&args[2]) {
        Some(v) => parse_i64(v).map_err(|_| Reply::err("ERR hash value is not an integer")),
        None => Ok(0),
    };
    let next = current.and_then(|n| n.checked_add(delta).ok_or_else(|| Reply::err(ERR_OVERFLOW)));
    let next = match next {
        Ok(n) => n,
        Err(e) => {
            node.keyspace.remove_if_empty(&args[1]);
            return Err(e);
        }
    };
    h.set(args[2].clone(), next.to_string().into_bytes(), &lim);
    node.propagate(args.to_vec());
    Ok(Reply::Integer(next))
}

/// `HINCRBYFLOAT key field increment`, in `long double` as Redis computes it, replicated
/// as an HSET of the result.
pub fn hincrbyfloat(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let delta =
        LongDouble::parse(&args[3]).ok_or_else(|| Reply::err(super::args::ERR_NOT_FLOAT))?;
    if !delta.is_finite() {
        return Err(Reply::err("ERR value is NaN or Infinity"));
    }
    let lim = node.keyspace.limits;
    let h = create(node, &args[1])?;
    let current = match h.get(&args[2]) {
        Some(v) => LongDouble::parse(v).ok_or_else(|| Reply::err("ERR hash value is not a float")),
        None => Ok(LongDouble::ZERO),
    };
    let next = current.map(|c| c + delta).and_then(|n| {
        if n.is_finite() {
            Ok(n)
        } else {
            Err(Reply::err("ERR increment would produce NaN or Infinity"))
        }
    });
    let next = match next {
        Ok(n) => n,
        Err(e) => {
            node.keyspace.remove_if_empty(&args[1]);
            return Err(e);
        }
    };
    let text = next.to_human().into_bytes();
    h.set(args[2].clone(), text.clone(), &lim);
    node.propagate(vec![
        b"HSET".to_vec(),
        args[1].clone(),
        args[2].clone(),
        text.clone(),
    ]);
    Ok(Reply::bulk(text))
}

pub fn hlen(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    Ok(Reply::int(
        read(node, &args[1])?.map_or(0, |h| h.len() as i64),
    ))
}

/// `HSTRLEN key field`: the value's length, 0 if absent.
pub fn hstrlen(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let len = read(node, &args[1])?
        .and_then(|h| h.get(&args[2]))
        .map_or(0, Vec::len);
    Ok(Reply::int(len as i64))
}

/// `HEXISTS key field`: 1 or 0.
pub fn hexists(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let found = read(node, &args[1])?.is_some_and(|h| h.contains(&args[2]));
    Ok(Reply::int(i64::from(found)))
}

/// `HRANDFIELD key [count [WITHVALUES]]`, drawn from the node's seeded RNG.
pub fn hrandfield(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    if args.len() == 2 {
        return Ok(match node.keyspace.hash(&args[1], node.now)? {
            Some(h) => {
                let i = node.rng.index(h.len());
                Reply::bulk(h.at(i).0.clone())
            }
            None => Reply::nil(),
        });
    }
    let count = sampling::parse_count(&args[2])?;
    if args.len() > 4 || (args.len() == 4 && !is(&args[3], "withvalues")) {
        return Err(Reply::err(ERR_SYNTAX));
    }
    let with_values = args.len() == 4;
    if with_values && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(Reply::err("ERR value is out of range"));
    }
    let resp3 = node.protocol(c) == Protocol::Resp3;
    let Some(h) = node.keyspace.hash(&args[1], node.now)? else {
        return Ok(Reply::array(Vec::new()));
    };
    let picks = sampling::picks(&mut node.rng, h.len(), count)?;
    let mut out = Vec::new();
    for i in picks {
        let (f, v) = h.at(i);
        match (with_values, resp3) {
            (false, _) => out.push(Reply::bulk(f.clone())),
            (true, true) => out.push(Reply::array(vec![
                Reply::bulk(f.clone()),
                Reply::bulk(v.clone()),
            ])),
            (true, false) => out.extend([Reply::bulk(f.clone()), Reply::bulk(v.clone())]),
        }
    }
    Ok(Reply::array(out))
}
