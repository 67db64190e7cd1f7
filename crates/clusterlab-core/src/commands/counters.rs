//! Counters on string values: INCR, DECR, INCRBY, DECRBY (64-bit integers) and
//! INCRBYFLOAT (x87 `long double`).

use super::args::{parse_i64, ERR_NOT_INTEGER, ERR_OVERFLOW};
use super::strings::get_string;
use crate::keyspace::{StringWrite, Value};
use crate::node::Node;
use crate::reply::Reply;

fn incr_by(node: &mut Node, args: &[Vec<u8>], delta: i64) -> Reply {
    let key = &args[1];
    let current = match get_string(node, key) {
        Ok(Some(v)) => match parse_i64(&v) {
            Ok(n) => n,
            Err(_) => return Reply::err(ERR_NOT_INTEGER),
        },
        Ok(None) => 0,
        Err(e) => return e,
    };
    let Some(next) = current.checked_add(delta) else {
        return Reply::err(ERR_OVERFLOW);
    };
    let value = Value::String(next.to_string().into_bytes());
    node.keyspace.put_keep_ttl(key, value, node.now);
    node.propagate(args.to_vec());
    Reply::Integer(next)
}

pub fn incr(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    incr_by(node, args, 1)
}

pub fn decr(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    incr_by(node, args, -1)
}

pub fn incrby(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match parse_i64(&args[2]) {
        Ok(d) => incr_by(node, args, d),
        Err(e) => e,
    }
}

pub fn decrby(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match parse_i64(&args[2]) {
        Ok(i64::MIN) => Reply::err("ERR decrement would overflow"),
        Ok(d) => incr_by(node, args, -d),
        Err(e) => e,
    }
}

/// `INCRBYFLOAT key increment`, propagated as `SET key value KEEPTTL` so that replicas
/// store the same digits, computed in x87 `long double` as Redis computes them.
pub fn incrbyfloat(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    use crate::long_double::LongDouble;
    let not_float = || Reply::err(super::args::ERR_NOT_FLOAT);
    let key = &args[1];
    let current = match get_string(node, key) {
        Ok(Some(v)) => match LongDouble::parse(&v) {
            Some(n) => n,
            None => return not_float(),
        },
        Ok(None) => LongDouble::ZERO,
        Err(e) => return e,
    };
    let Some(delta) = LongDouble::parse(&args[2]) else {
        return not_float();
    };
    let next = current + delta;
    if !next.is_finite() {
        return Reply::err("ERR increment would produce NaN or Infinity");
    }
    let text = next.to_human().into_bytes();
    node.keyspace
        .put_keep_ttl(key, Value::String(text.clone()), node.now);
    node.keyspace.set_written(key, StringWrite::FromFloat);
    node.propagate(vec![
        b"SET".to_vec(),
        key.clone(),
        text.clone(),
        b"KEEPTTL".to_vec(),
    ]);
    Reply::bulk(text)
}
