//! DEBUG, where `enable-debug-command` allows it: PROTOCOL (every RESP3 reply type),
//! POPULATE, SET-ACTIVE-EXPIRE, SLEEP 0, RELOAD, OBJECT, DIGEST and DIGEST-VALUE. Its other subcommands reach into a real
//! process (its allocator, its RDB file, a crash) and are not modelled.

use super::args::is;
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::{Protocol, Reply};

/// `processCommand`'s refusal while `enable-debug-command` is `no`.
pub(crate) const NOT_ALLOWED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

pub fn debug(n: &mut Node, c: u64, args: &[Vec<u8>]) -> Reply {
    let sub = &args[1];
    let argc = args.len();
    if is(sub, "protocol") && argc == 3 {
        let resp3 = n.protocol(c) == Protocol::Resp3;
        protocol(&args[2], resp3)
    } else if is(sub, "populate") && (3..=5).contains(&argc) {
        populate(n, &args[2..])
    } else if is(sub, "set-active-expire") && argc == 3 {
        // `atoi`: anything that does not start with a non-zero number turns it off.
        let text = String::from_utf8_lossy(&args[2]);
        let digits: String = text
            .trim_start()
            .chars()
            .enumerate()
            .take_while(|(i, ch)| ch.is_ascii_digit() || (*i == 0 && (*ch == '-' || *ch == '+')))
            .map(|(_, ch)| ch)
            .collect();
        n.active_expire_enabled = digits.parse::<i64>().unwrap_or(0) != 0;
        Reply::ok()
    } else if is(sub, "quicklist-packed-threshold") && argc == 3 {
        // Lists are not stored in quicklist nodes here, so the threshold changes nothing.
        match super::config::memory_value(&args[2]) {
            Some(sz) if sz <= (1u64 << 32) - (1 << 20) => Reply::ok(),
            _ => {
                Reply::err("ERR argument must be a memory value bigger than 1 and smaller than 4gb")
            }
        }
    } else if is(sub, "digest") && argc == 2 {
        super::digest::digest(n)
    } else if is(sub, "digest-value") && argc >= 2 {
        super::digest::digest_value(n, &args[2..])
    } else if is(sub, "object") && argc == 3 {
        object(n, &args[2])
    } else if is(sub, "reload") {
        // Saving and loading an RDB file: the data stay, encodings are chosen afresh.
        let now = n.now;
        n.keyspace.reload(now);
        Reply::ok()
    } else if is(sub, "sleep")
        && argc == 3
        && String::from_utf8_lossy(&args[2]).parse::<f64>() == Ok(0.0)
    {
        Reply::ok()
    } else {
        let text: String = String::from_utf8_lossy(sub).chars().take(128).collect();
        Reply::err(super::sanitize_error(&format!(
            "ERR DEBUG {} is not modelled by ClusterLab",
            text.to_ascii_uppercase()
        )))
    }
}

/// `DEBUG OBJECT key`: the value's address (made up, stable per key), references,
/// encoding, RDB length and LRU clock, and a quicklist's node figures.
fn object(n: &Node, key: &[u8]) -> Reply {
    let Some(value) = n.keyspace.get(key, n.now) else {
        return Reply::err("ERR no such key");
    };
    let shape = n.rdb_shape();
    let address = key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let (lru, idle) = super::object::lru_seconds(n, key);
    let mut extra = String::new();
    if let Value::List(l) = value {
        let (nodes, bytes) = crate::rdb::quicklist_shape(l, &shape);
        extra = format!(
            " ql_nodes:{nodes} ql_avg_node:{:.2} ql_listpack_max:{} ql_compressed:{} \
             ql_uncompressed_size:{bytes}",
            l.len() as f64 / nodes as f64,
            shape.list_fill,
            i32::from(shape.list_compress_depth != 0),
        );
    }
    Reply::status(format!(
        "Value at:0x7f{:010x} refcount:{} encoding:{} serializedlength:{} lru:{lru} \
         lru_seconds_idle:{idle}{extra}",
        address & 0xff_ffff_fff0,
        super::object::refcount(n, key, value),
        super::object::encoding(value, n.keyspace.written(key)),
        crate::rdb::serialized_len(value, &shape),
    ))
}

/// `DEBUG PROTOCOL <type>`: one reply of each RESP3 type.
fn protocol(name: &[u8], resp3: bool) -> Reply {
    let ints = || (0..3).map(Reply::int).collect::<Vec<_>>();
    if is(name, "string") {
        Reply::bulk("Hello World")
    } else if is(name, "integer") {
        Reply::int(12345)
    } else if is(name, "double") {
        // Redis's own sample value, not an approximation of pi.
        Reply::Double("3.141".into())
    } else if is(name, "bignum") {
        Reply::BigNumber("1234567999999999999999999999999999999".into())
    } else if is(name, "null") {
        Reply::nil()
    } else if is(name, "array") {
        Reply::array(ints())
    } else if is(name, "set") {
        Reply::Set(ints())
    } else if is(name, "map") {
        Reply::Map(
            (0..3)
                .map(|j| (Reply::int(j), Reply::Boolean(j == 1)))
                .collect(),
        )
    } else if is(name, "attrib") {
        let reply = Reply::bulk("Some real reply following the attribute");
        if !resp3 {
            return reply;
        }
        Reply::Attribute(
            vec![(
                Reply::bulk("key-popularity"),
                Reply::array(vec![Reply::bulk("key:123"), Reply::int(90)]),
            )],
            Box::new(reply),
        )
    } else if is(name, "push") && !resp3 {
        Reply::err("ERR RESP2 is not supported by this command")
    } else if is(name, "push") {
        Reply::err("ERR DEBUG PROTOCOL PUSH is not modelled by ClusterLab")
    } else if is(name, "true") {
        Reply::Boolean(true)
    } else if is(name, "false") {
        Reply::Boolean(false)
    } else if is(name, "verbatim") {
        Reply::Verbatim("This is a verbatim\nstring".into())
    } else {
        Reply::err("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
    }
}

/// The most value bytes one DEBUG POPULATE writes.
const MAX_POPULATE_BYTES: u64 = 1 << 30;

/// `DEBUG POPULATE count [prefix] [size]`: `prefix:N` keys (`key:N` by default) holding
/// `value:N`, cut or zero-padded to `size`; existing keys are left alone. Like Redis, it
/// ignores which slots the node serves and tells no replica.
fn populate(n: &mut Node, args: &[Vec<u8>]) -> Reply {
    const NOT_POSITIVE: &str = "ERR value is out of range, must be positive";
    let positive = |a: &[u8]| match super::args::parse_i64(a) {
        Ok(v) if v >= 0 => Ok(v as u64),
        _ => Err(Reply::err(NOT_POSITIVE)),
    };
    let keys = match positive(&args[0]) {
        Ok(v) => v,
        Err(e) => return e,
    };
    if keys > super::MAX_REPLY_ELEMENTS {
        return Reply::err(super::TOO_MANY_ELEMENTS);
    }
    let size = match args.get(2).map(|a| positive(a)) {
        None => 0,
        Some(Ok(v)) => v,
        Some(Err(e)) => return e,
    };
    if keys.saturating_mul(size.max(16)) > MAX_POPULATE_BYTES {
        return Reply::err("ERR ClusterLab populates at most 1 GB of values at once");
    }
    let prefix = args.get(1).map_or(b"key".to_vec(), Clone::clone);
    for j in 0..keys {
        let mut key = prefix.clone();
        key.extend_from_slice(format!(":{j}").as_bytes());
        if n.keyspace.is_live(&key, n.now) {
            continue;
        }
        let mut value = format!("value:{j}").into_bytes();
        if size > 0 {
            value.resize(size as usize, 0);
        }
        n.keyspace.set(key, Value::String(value));
    }
    Reply::ok()
}
