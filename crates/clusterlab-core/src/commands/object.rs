//! OBJECT (ENCODING, REFCOUNT, IDLETIME, FREQ, HELP) and TOUCH: what Redis tells about a
//! key's value and its last access.

use super::args::is;
use crate::keyspace::{parse_canonical_i64, StringWrite, Value};
use crate::node::Node;
use crate::reply::Reply;

/// Redis 7.0.15's OBJECT subcommands and their arities.
pub(crate) const SUBCOMMANDS: &[(&str, i32)] = &[
    ("encoding", 3),
    ("freq", 3),
    ("help", 2),
    ("idletime", 3),
    ("refcount", 3),
];

/// Integers below this are shared objects (`OBJ_SHARED_INTEGERS`).
const SHARED_INTEGERS: i64 = 10_000;

/// A value's references: small integers are shared (no maxmemory policy is set), with
/// INT_MAX references.
pub(super) fn refcount(n: &Node, key: &[u8], value: &Value) -> i64 {
    let whole = n.keyspace.written(key) == StringWrite::Whole;
    let shared = whole
        && matches!(value, Value::String(s)
        if parse_canonical_i64(s).is_some_and(|v| (0..SHARED_INTEGERS).contains(&v)));
    if shared {
        i64::from(i32::MAX)
    } else {
        1
    }
}

/// The key's LRU clock (whole seconds of Unix time, in 24 bits) and its idle seconds.
pub(super) fn lru_seconds(n: &Node, key: &[u8]) -> (i64, i64) {
    let accessed = n.keyspace.accessed(key).unwrap_or(n.now.0 as i64);
    let epoch = n.config().unix_epoch_ms as i64;
    let at = (epoch + accessed).div_euclid(1000);
    (at & ((1 << 24) - 1), (n.unix_ms(n.now) as i64) / 1000 - at)
}

pub fn object(n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let sub = &args[1];
    if is(sub, "help") {
        return super::help_reply(
            "OBJECT",
            &[
                "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>.",
            ],
        );
    }
    let key = &args[2];
    let Some(value) = n.keyspace.get(key, n.now) else {
        return Reply::nil();
    };
    if is(sub, "encoding") {
        Reply::bulk(encoding(value, n.keyspace.written(key)))
    } else if is(sub, "refcount") {
        Reply::int(refcount(n, key, value))
    } else if is(sub, "idletime") {
        Reply::int(lru_seconds(n, key).1)
    } else {
        Reply::err(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. \
             Please note that when switching between policies at runtime LRU and LFU data \
             will take some time to adjust.",
        )
    }
}

/// The encoding Redis 7.0 would use for this value: a string's from how it was written;
/// a collection's as its type tracks it (converted past its limits, never back).
pub(super) fn encoding(value: &Value, written: StringWrite) -> &'static str {
    match value {
        Value::String(_) if written == StringWrite::InPlace => "raw",
        Value::String(s)
            if matches!(written, StringWrite::Whole | StringWrite::Copied)
                && s.len() <= 20
                && parse_canonical_i64(s).is_some() =>
        {
            "int"
        }
        Value::String(s) if s.len() <= 44 => "embstr",
        Value::String(_) => "raw",
        Value::List(_) => "quicklist",
        Value::Hash(h) => h.encoding(),
        Value::Set(x) => x.encoding(),
        Value::ZSet(z) => z.encoding(),
        Value::Stream(_) => "stream",
    }
}

/// `TOUCH key …`: how many of the keys exist (their access time is updated by the
/// lookup, as for every command that is not `LOOKUP_NOTOUCH`).
pub fn touch(n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let live = args[1..]
        .iter()
        .filter(|k| n.keyspace.is_live(k, n.now))
        .count();
    Reply::int(live as i64)
}
