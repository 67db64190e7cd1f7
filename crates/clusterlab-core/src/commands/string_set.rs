//! SET and its relatives (SETNX, SETEX, PSETEX) and GETEX: the extended arguments as
//! `parseExtendedStringArgumentsOrReply` reads them, expiry times as
//! `getExpireMillisecondsOrReply` checks them, and the forms replicas receive (an expiring
//! SET as `SET key value PXAT ms`, GETEX as `PEXPIREAT`, `PERSIST` or `DEL`).

use super::args::{is, parse_i64, ERR_SYNTAX};
use super::strings::get_string;
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::Reply;
use crate::time::SimTime;

/// Which expiry option was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expire {
    Ex,
    Px,
    ExAt,
    PxAt,
}

impl Expire {
    fn seconds(self) -> bool {
        matches!(self, Expire::Ex | Expire::ExAt)
    }

    fn relative(self) -> bool {
        matches!(self, Expire::Ex | Expire::Px)
    }
}

/// The options of SET (`NX XX GET KEEPTTL EX PX EXAT PXAT`) or GETEX (`PERSIST EX PX
/// EXAT PXAT`), syntax only: the expiry's value is checked later, as Redis does.
#[derive(Default)]
struct Extended<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    expire: Option<(Expire, &'a [u8])>,
}

fn parse_extended(args: &[Vec<u8>], set: bool) -> Result<Extended<'_>, Reply> {
    let mut o = Extended::default();
    let mut j = if set { 3 } else { 2 };
    while j < args.len() {
        let opt = &args[j];
        let next = args.get(j + 1);
        // The same expiry option may repeat (the last wins); two different ones may not.
        let expiry = [
            ("ex", Expire::Ex),
            ("px", Expire::Px),
            ("exat", Expire::ExAt),
            ("pxat", Expire::PxAt),
        ]
        .into_iter()
        .find(|(name, _)| is(opt, name))
        .map(|(_, kind)| kind);
        let expire_free = |kind: Expire| o.expire.is_none_or(|(k, _)| k == kind);
        if set && is(opt, "nx") && !o.xx {
            o.nx = true;
        } else if set && is(opt, "xx") && !o.nx {
            o.xx = true;
        } else if set && is(opt, "get") {
            o.get = true;
        } else if set && is(opt, "keepttl") && !o.persist && o.expire.is_none() {
            o.keepttl = true;
        } else if !set && is(opt, "persist") && o.expire.is_none() && !o.keepttl {
            o.persist = true;
        } else if let (Some(kind), Some(value)) = (expiry, next) {
            if o.keepttl || o.persist || !expire_free(kind) {
                return Err(Reply::err(ERR_SYNTAX));
            }
            o.expire = Some((kind, value));
            j += 1;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        j += 1;
    }
    Ok(o)
}

/// The expiry as an absolute Unix time in ms, or `invalid expire time in '<command>'`.
fn expire_at_ms(node: &Node, kind: Expire, value: &[u8], command: &str) -> Result<i64, Reply> {
    let invalid = || Reply::err(format!("ERR invalid expire time in '{command}' command"));
    let mut ms = parse_i64(value)?;
    if ms <= 0 || (kind.seconds() && ms > i64::MAX / 1000) {
        return Err(invalid());
    }
    if kind.seconds() {
        ms *= 1000;
    }
    if kind.relative() {
        ms = ms.wrapping_add(node.unix_ms(node.now) as i64);
    }
    if ms <= 0 {
        return Err(invalid());
    }
    Ok(ms)
}

fn sim_time(node: &Node, unix_ms: i64) -> SimTime {
    SimTime((unix_ms as u64).saturating_sub(node.config.unix_epoch_ms))
}

/// `setGenericCommand`: the replies for success and for an NX/XX refusal are the caller's.
fn set_generic(
    node: &mut Node,
    args: &[Vec<u8>],
    o: &Extended,
    (key, value): (&[u8], &[u8]),
    command: &str,
    replies: (Reply, Reply),
) -> Reply {
    let expire = match o.expire {
        Some((kind, v)) => match expire_at_ms(node, kind, v, command) {
            Ok(ms) => Some(ms),
            Err(e) => return e,
        },
        None => None,
    };
    let old = if o.get {
        match get_string(node, key) {
            Ok(v) => Some(v),
            Err(e) => return e,
        }
    } else {
        None
    };
    let found = node.keyspace.is_live(key, node.now);
    let got = || match &old {
        Some(Some(v)) => Reply::bulk(v.clone()),
        _ => Reply::nil(),
    };
    if (o.nx && found) || (o.xx && !found) {
        return if o.get { got() } else { replies.1 };
    }
    let stored = Value::String(value.to_vec());
    match expire {
        Some(at) => {
            let t = sim_time(node, at);
            node.keyspace.set_with_expiry(key.to_vec(), stored, Some(t));
            node.propagate(vec![
                b"SET".to_vec(),
                key.to_vec(),
                value.to_vec(),
                b"PXAT".to_vec(),
                at.to_string().into_bytes(),
            ]);
        }
        None => {
            if o.keepttl && found {
                node.keyspace.replace_keep_ttl(key, stored);
            } else {
                node.keyspace.set(key.to_vec(), stored);
            }
            // Replicas get the command without its GET options.
            let propagated = args
                .iter()
                .enumerate()
                .filter(|(j, a)| !(o.get && *j >= 3 && is(a, "get")))
                .map(|(_, a)| a.clone())
                .collect();
            node.propagate(propagated);
        }
    }
    if o.get {
        got()
    } else {
        replies.0
    }
}

/// `SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT t|KEEPTTL]`.
pub fn set(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let o = match parse_extended(args, true) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let kv = (args[1].as_slice(), args[2].as_slice());
    set_generic(node, args, &o, kv, "set", (Reply::ok(), Reply::nil()))
}

/// `SETNX key value`: 1 if it set the key, 0 if the key existed.
pub fn setnx(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let o = Extended {
        nx: true,
        ..Extended::default()
    };
    let kv = (args[1].as_slice(), args[2].as_slice());
    set_generic(node, args, &o, kv, "setnx", (Reply::int(1), Reply::int(0)))
}

fn setex_generic(node: &mut Node, args: &[Vec<u8>], kind: Expire, command: &str) -> Reply {
    let o = Extended {
        expire: Some((kind, args[2].as_slice())),
        ..Extended::default()
    };
    let kv = (args[1].as_slice(), args[3].as_slice());
    set_generic(node, args, &o, kv, command, (Reply::ok(), Reply::nil()))
}

/// `SETEX key seconds value`.
pub fn setex(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    setex_generic(node, args, Expire::Ex, "setex")
}

/// `PSETEX key milliseconds value`.
pub fn psetex(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    setex_generic(node, args, Expire::Px, "psetex")
}

/// `GETEX key [EX|PX|EXAT|PXAT t|PERSIST]`: the value, and its TTL changed.
pub fn getex(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let o = match parse_extended(args, false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let key = &args[1];
    let value = match get_string(node, key) {
        Ok(Some(v)) => v,
        Ok(None) => return Reply::nil(),
        Err(e) => return e,
    };
    let expire = match o.expire {
        Some((kind, v)) => match expire_at_ms(node, kind, v, "getex") {
            Ok(ms) => Some((kind, ms)),
            Err(e) => return e,
        },
        None => None,
    };
    let now_ms = node.unix_ms(node.now) as i64;
    match expire {
        // An absolute time already past deletes the key (on a master).
        Some((kind, at)) if !kind.relative() && at <= now_ms && node.is_master() => {
            node.keyspace.remove(key);
            node.propagate(vec![b"DEL".to_vec(), key.clone()]);
        }
        Some((_, at)) => {
            let t = sim_time(node, at);
            node.keyspace.set_expiry(key, Some(t));
            node.propagate(vec![
                b"PEXPIREAT".to_vec(),
                key.clone(),
                at.to_string().into_bytes(),
            ]);
        }
        None if o.persist && node.keyspace.expiry(key).is_some() => {
            node.keyspace.set_expiry(key, None);
            node.propagate(vec![b"PERSIST".to_vec(), key.clone()]);
        }
        None => {}
    }
    Reply::bulk(value)
}
