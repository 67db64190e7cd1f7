//! Generic key commands: DEL EXISTS EXPIRE PEXPIRE TTL PTTL PERSIST TYPE KEYS.

use super::args::{is, parse_i64};
use crate::glob::glob_match;
use crate::node::Node;
use crate::reply::Reply;
use crate::time::SimTime;

pub fn del(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let mut n = 0;
    for k in &args[1..] {
        // A master already dropped expired keys (lazy expiry); a replica applying its
        // master's DEL must remove the key even if it looks expired here.
        if node.keyspace.remove(k) {
            n += 1;
            node.propagate(vec![b"DEL".to_vec(), k.clone()]);
        }
    }
    Reply::int(n)
}

pub fn exists(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    Reply::int(
        args[1..]
            .iter()
            .filter(|k| node.keyspace.is_live(k, node.now))
            .count() as i64,
    )
}

fn expire_generic(node: &mut Node, args: &[Vec<u8>], unit_ms: i64, name: &str) -> Reply {
    let key = &args[1];
    let v = match parse_i64(&args[2]) {
        Ok(v) => v,
        Err(e) => return e,
    };
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
            return Reply::err(format!(
                "ERR Unsupported option {}",
                String::from_utf8_lossy(a)
            ));
        }
    }
    if nx && (xx || gt || lt) {
        return Reply::err("ERR NX and XX, GT or LT options at the same time are not compatible");
    }
    if gt && lt {
        return Reply::err("ERR GT and LT options at the same time are not compatible");
    }
    let now_unix = node.unix_ms(node.now) as i64;
    let Some(at) = v.checked_mul(unit_ms).and_then(|d| d.checked_add(now_unix)) else {
        return Reply::err(format!("ERR invalid expire time in '{name}' command"));
    };
    if !node.keyspace.is_live(key, node.now) {
        return Reply::int(0);
    }
    let current = node.keyspace.expiry(key).map(|t| node.unix_ms(t) as i64);
    // A key without TTL counts as an infinite TTL for GT and LT.
    let refuse = (nx && current.is_some())
        || (xx && current.is_none())
        || (gt && current.is_none_or(|c| at <= c))
        || (lt && current.is_some_and(|c| at >= c));
    if refuse {
        return Reply::int(0);
    }
    if at <= now_unix {
        node.keyspace.remove(key);
        node.propagate(vec![b"DEL".to_vec(), key.clone()]);
    } else {
        let t = SimTime((at as u64).saturating_sub(node.config.unix_epoch_ms));
        node.keyspace.set_expiry(key, Some(t));
        node.propagate(vec![
            b"PEXPIREAT".to_vec(),
            key.clone(),
            at.to_string().into_bytes(),
        ]);
    }
    Reply::int(1)
}

pub fn expire(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    expire_generic(node, args, 1000, "expire")
}

pub fn pexpire(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    expire_generic(node, args, 1, "pexpire")
}

fn ttl_generic(node: &Node, key: &[u8], ms: bool) -> Reply {
    if !node.keyspace.is_live(key, node.now) {
        return Reply::int(-2);
    }
    match node.keyspace.expiry(key) {
        None => Reply::int(-1),
        Some(t) => {
            let left = t.since(node.now) as i64;
            Reply::int(if ms { left } else { (left + 500) / 1000 })
        }
    }
}

pub fn ttl(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    ttl_generic(node, &args[1], false)
}

pub fn pttl(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    ttl_generic(node, &args[1], true)
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
