//! Generic key commands: DEL UNLINK EXISTS EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL
//! EXPIRETIME PEXPIRETIME PERSIST TYPE KEYS RENAME RENAMENX COPY RANDOMKEY, and MOVE and
//! SWAPDB, which cluster mode refuses.

use super::args::{is, parse_i64};
use crate::glob::glob_match;
use crate::node::Node;
use crate::reply::Reply;
use crate::time::SimTime;

/// DEL and UNLINK: how many of the keys existed. Replicas get the command as it was
/// sent when it deleted any.
pub fn del(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let mut n = 0;
    for k in &args[1..] {
        // A master already dropped expired keys (lazy expiry); a replica applying its
        // master's DEL must remove the key even if it looks expired here.
        if node.keyspace.remove(k) {
            n += 1;
        }
    }
    if n > 0 {
        node.propagate(args.to_vec());
    }
    Reply::int(n)
}

/// RENAME and RENAMENX (`renameGenericCommand`): the value moves with its TTL, its
/// encoding and its access time.
fn rename_generic(node: &mut Node, args: &[Vec<u8>], nx: bool) -> Reply {
    let (from, to) = (&args[1], &args[2]);
    if !node.keyspace.is_live(from, node.now) {
        return Reply::err("ERR no such key");
    }
    if from == to {
        return if nx { Reply::int(0) } else { Reply::ok() };
    }
    if nx && node.keyspace.is_live(to, node.now) {
        return Reply::int(0);
    }
    node.keyspace.rename(from, to);
    node.propagate(args.to_vec());
    if nx {
        Reply::int(1)
    } else {
        Reply::ok()
    }
}

pub fn rename(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    rename_generic(node, args, false)
}

pub fn renamenx(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    rename_generic(node, args, true)
}

/// `COPY source destination [DB db] [REPLACE]`: 1 if copied (with the TTL), 0 if the
/// source is missing or the destination exists without REPLACE.
pub fn copy(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let mut replace = false;
    let mut db = 0;
    let mut j = 3;
    while j < args.len() {
        if is(&args[j], "replace") {
            replace = true;
        } else if is(&args[j], "db") && j + 1 < args.len() {
            db = match parse_i64(&args[j + 1]) {
                Ok(v) if i32::try_from(v).is_ok() => v,
                _ => return Reply::err(super::args::ERR_NOT_INTEGER),
            };
            if !(0..16).contains(&db) {
                return Reply::err("ERR DB index is out of range");
            }
            j += 1;
        } else {
            return Reply::err(super::args::ERR_SYNTAX);
        }
        j += 1;
    }
    if db != 0 {
        return Reply::err("ERR Copying to another database is not allowed in cluster mode");
    }
    let (from, to) = (&args[1], &args[2]);
    if from == to {
        return Reply::err("ERR source and destination objects are the same");
    }
    if !node.keyspace.is_live(from, node.now) {
        return Reply::int(0);
    }
    if node.keyspace.is_live(to, node.now) && !replace {
        return Reply::int(0);
    }
    node.keyspace.copy(from, to);
    node.propagate(args.to_vec());
    Reply::int(1)
}

/// `MOVE key db`: cluster mode has database 0 only (`moveCommand`).
pub fn move_(_n: &mut Node, _c: u64, _args: &[Vec<u8>]) -> Reply {
    Reply::err("ERR MOVE is not allowed in cluster mode")
}

/// `SWAPDB index1 index2`: cluster mode has database 0 only (`swapdbCommand`).
pub fn swapdb(_n: &mut Node, _c: u64, _args: &[Vec<u8>]) -> Reply {
    Reply::err("ERR SWAPDB is not allowed in cluster mode")
}

/// `RANDOMKEY`: a live key drawn from the node's seeded RNG, or nil.
pub fn randomkey(node: &mut Node, _c: u64, _args: &[Vec<u8>]) -> Reply {
    let now = node.now;
    let live: Vec<&Vec<u8>> = node
        .keyspace
        .keys()
        .filter(|k| node.keyspace.is_live(k, now))
        .collect();
    if live.is_empty() {
        return Reply::nil();
    }
    let i = node.rng.index(live.len());
    Reply::bulk(live[i].clone())
}

pub fn exists(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    Reply::int(
        args[1..]
            .iter()
            .filter(|k| node.keyspace.is_live(k, node.now))
            .count() as i64,
    )
}

/// `parseExtendedExpireArgumentsOrReply`: NX, XX, GT, LT, and which may go together.
fn expire_flags(args: &[Vec<u8>]) -> Result<(bool, bool, bool, bool), Reply> {
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for a in &args[3..] {
        if is(a, "nx") {
            nx = true;
        } else if is(a, "xx") {
            xx = true;
        } else if is(a, "gt") {
            gt = true;
        } else if is(a, "lt") {
            lt = true;
        } else {
            return Err(Reply::err(super::sanitize_error(&format!(
                "ERR Unsupported option {}",
                String::from_utf8_lossy(a)
            ))));
        }
    }
    if nx && (xx || gt || lt) {
        return Err(Reply::err(
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if gt && lt {
        return Err(Reply::err(
            "ERR GT and LT options at the same time are not compatible",
        ));
    }
    Ok((nx, xx, gt, lt))
}

/// `expireGenericCommand`: EXPIRE and PEXPIRE count from now, EXPIREAT and PEXPIREAT
/// from the Unix epoch. Replicas get `PEXPIREAT key ms [options]`, or `DEL key` when the
/// time is already past.
fn expire_generic(node: &mut Node, args: &[Vec<u8>], relative: bool, seconds: bool) -> Reply {
    let key = &args[1];
    let (nx, xx, gt, lt) = match expire_flags(args) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let mut when = match parse_i64(&args[2]) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
    let invalid = || Reply::err(format!("ERR invalid expire time in '{name}' command"));
    if seconds {
        if !(i64::MIN / 1000..=i64::MAX / 1000).contains(&when) {
            return invalid();
        }
        when *= 1000;
    }
    let now_unix = node.unix_ms(node.now) as i64;
    let basetime = if relative { now_unix } else { 0 };
    if when > i64::MAX - basetime {
        return invalid();
    }
    when += basetime;
    if !node.keyspace.is_live(key, node.now) {
        return Reply::int(0);
    }
    let current = node.keyspace.expiry(key).map(|t| node.unix_ms(t) as i64);
    // A key without TTL counts as an infinite TTL for GT and LT.
    let refuse = (nx && current.is_some())
        || (xx && current.is_none())
        || (gt && current.is_none_or(|c| when <= c))
        || (lt && current.is_some_and(|c| when >= c));
    if refuse {
        return Reply::int(0);
    }
    if when <= now_unix && node.is_master() {
        node.keyspace.remove(key);
        node.propagate(vec![b"DEL".to_vec(), key.clone()]);
    } else {
        let t = SimTime((when.max(0) as u64).saturating_sub(node.config.unix_epoch_ms));
        node.keyspace.set_expiry(key, Some(t));
        // PEXPIREAT itself goes as it was sent; the others as PEXPIREAT with the time.
        let mut propagated = args.to_vec();
        if name != "pexpireat" {
            propagated[0] = b"PEXPIREAT".to_vec();
            propagated[2] = when.to_string().into_bytes();
        }
        node.propagate(propagated);
    }
    Reply::int(1)
}

pub fn expire(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    expire_generic(node, args, true, true)
}

pub fn pexpire(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    expire_generic(node, args, true, false)
}

pub fn expireat(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    expire_generic(node, args, false, true)
}

pub fn pexpireat(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    expire_generic(node, args, false, false)
}

/// `ttlGenericCommand`: -2 for no key, -1 for no TTL, else the time left (or the
/// absolute time), in seconds rounded to the nearest or in ms.
fn ttl_generic(node: &Node, key: &[u8], ms: bool, absolute: bool) -> Reply {
    if !node.keyspace.is_live(key, node.now) {
        return Reply::int(-2);
    }
    match node.keyspace.expiry(key) {
        None => Reply::int(-1),
        Some(t) => {
            let v = if absolute {
                node.unix_ms(t) as i64
            } else {
                t.since(node.now) as i64
            };
            Reply::int(if ms { v } else { (v + 500) / 1000 })
        }
    }
}

pub fn ttl(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    ttl_generic(node, &args[1], false, false)
}

pub fn pttl(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    ttl_generic(node, &args[1], true, false)
}

pub fn expiretime(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    ttl_generic(node, &args[1], false, true)
}

pub fn pexpiretime(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    ttl_generic(node, &args[1], true, true)
}

pub fn persist(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let key = &args[1];
    if node.keyspace.is_live(key, node.now) && node.keyspace.expiry(key).is_some() {
        node.keyspace.set_expiry(key, None);
        node.propagate(args.to_vec());
        Reply::int(1)
    } else {
        Reply::int(0)
    }
}

pub fn type_(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    Reply::status(
        node.keyspace
            .get(&args[1], node.now)
            .map_or("none", |v| v.type_name()),
    )
}

pub fn keys(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let pattern = &args[1];
    let now = node.now;
    Reply::bulks(
        node.keyspace
            .keys()
            .filter(|k| node.keyspace.is_live(k, now) && glob_match(pattern, k))
            .cloned()
            .collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use crate::glob::glob_match;

    #[test]
    fn glob_patterns() {
        assert!(glob_match(b"*", b"anything"));
        assert!(glob_match(b"h?llo", b"hello"));
        assert!(glob_match(b"h[ae]llo", b"hallo"));
        assert!(!glob_match(b"h[^e]llo", b"hello"));
        assert!(glob_match(b"h[a-b]llo", b"hbllo"));
        assert!(glob_match(b"{user1000}*", b"{user1000}.following"));
        assert!(!glob_match(b"a*b", b"acd"));
    }
}
