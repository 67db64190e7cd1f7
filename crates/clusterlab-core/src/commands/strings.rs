//! String commands: GET SET (EX PX EXAT PXAT NX XX GET KEEPTTL) APPEND STRLEN INCR… MGET MSET.

use super::args::{is, parse_i64, ERR_NOT_INTEGER, ERR_OVERFLOW, ERR_SYNTAX, ERR_WRONGTYPE};
use crate::keyspace::{StringWrite, Value};
use crate::node::Node;
use crate::reply::Reply;
use crate::time::SimTime;

/// The string value of a live key: `Ok(None)` if absent, an error for another type.
pub(crate) fn get_string(node: &Node, key: &[u8]) -> Result<Option<Vec<u8>>, Reply> {
    match node.keyspace.get(key, node.now) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Reply::err(ERR_WRONGTYPE)),
    }
}

pub fn get(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match get_string(node, &args[1]) {
        Ok(Some(v)) => Reply::bulk(v),
        Ok(None) => Reply::nil(),
        Err(e) => e,
    }
}

#[derive(Default)]
struct SetOptions {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    /// Absolute expiry in Unix ms.
    expire_unix_ms: Option<i64>,
}

fn parse_set_options(node: &Node, args: &[Vec<u8>]) -> Result<SetOptions, Reply> {
    let mut o = SetOptions::default();
    let mut expire_seen = false;
    let mut i = 3;
    while i < args.len() {
        let a = &args[i];
        let next = args.get(i + 1);
        if is(a, "nx") && !o.xx {
            o.nx = true;
        } else if is(a, "xx") && !o.nx {
            o.xx = true;
        } else if is(a, "get") {
            o.get = true;
        } else if is(a, "keepttl") && !expire_seen {
            o.keepttl = true;
        } else if let Some(next) = next.filter(|_| {
            (is(a, "ex") || is(a, "px") || is(a, "exat") || is(a, "pxat"))
                && !o.keepttl
                && !expire_seen
        }) {
            expire_seen = true;
            let v = parse_i64(next)?;
            let unit_ms = if is(a, "ex") || is(a, "exat") {
                1000
            } else {
                1
            };
            if v <= 0 || v.checked_mul(unit_ms).is_none() {
                return Err(Reply::err("ERR invalid expire time in 'set' command"));
            }
            let now_unix = node.unix_ms(node.now) as i64;
            let at = if is(a, "ex") || is(a, "px") {
                now_unix.checked_add(v * unit_ms)
            } else {
                Some(v * unit_ms)
            };
            o.expire_unix_ms =
                Some(at.ok_or_else(|| Reply::err("ERR invalid expire time in 'set' command"))?);
            i += 1;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        i += 1;
    }
    Ok(o)
}

pub fn set(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let o = match parse_set_options(node, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let key = &args[1];
    let old = if o.get {
        match get_string(node, key) {
            Ok(v) => Some(v),
            Err(e) => return e,
        }
    } else {
        None
    };
    let exists = node.keyspace.is_live(key, node.now);
    if (o.nx && exists) || (o.xx && !exists) {
        return match old {
            Some(Some(v)) => Reply::bulk(v),
            _ => Reply::nil(),
        };
    }
    let value = Value::String(args[2].clone());
    match o.expire_unix_ms {
        Some(at) => {
            let t = SimTime((at as u64).saturating_sub(node.config.unix_epoch_ms));
            node.keyspace.set_with_expiry(key.clone(), value, Some(t));
            // Redis 7.0 propagates every expiring SET as SET key value PXAT <ms>.
            node.propagate(vec![
                b"SET".to_vec(),
                key.clone(),
                args[2].clone(),
                b"PXAT".to_vec(),
                at.to_string().into_bytes(),
            ]);
        }
        None => {
            if o.keepttl && exists {
                node.keyspace.replace_keep_ttl(key, value);
            } else {
                node.keyspace.set(key.clone(), value);
            }
            node.propagate(args.to_vec());
        }
    }
    match old {
        Some(Some(v)) => Reply::bulk(v),
        Some(None) => Reply::nil(),
        None => Reply::ok(),
    }
}

pub fn append(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let key = &args[1];
    let (mut v, existed) = match get_string(node, key) {
        Ok(Some(v)) => (v, true),
        Ok(None) => (Vec::new(), false),
        Err(e) => return e,
    };
    v.extend_from_slice(&args[2]);
    let len = v.len();
    node.keyspace.put_keep_ttl(key, Value::String(v), node.now);
    if existed {
        node.keyspace.set_written(key, StringWrite::InPlace);
    }
    node.propagate(args.to_vec());
    Reply::int(len as i64)
}

pub fn strlen(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match get_string(node, &args[1]) {
        Ok(v) => Reply::int(v.map_or(0, |v| v.len() as i64)),
        Err(e) => e,
    }
}

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

pub fn mget(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    Reply::array(
        args[1..]
            .iter()
            .map(|k| match node.keyspace.get(k, node.now) {
                Some(Value::String(s)) => Reply::bulk(s.clone()),
                _ => Reply::nil(),
            })
            .collect(),
    )
}

pub fn mset(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    if args.len() % 2 == 0 {
        return super::arity_error("mset");
    }
    for pair in args[1..].chunks(2) {
        node.keyspace
            .set(pair[0].clone(), Value::String(pair[1].clone()));
    }
    node.propagate(args.to_vec());
    Reply::ok()
}
