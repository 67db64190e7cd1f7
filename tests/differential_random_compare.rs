//! The random differential's comparison: everything it normalises is written down here.

#![allow(dead_code)]

use crate::resp_client::{render, Client, Value};

/// Commands whose outcome is random: compared by their properties.
const RANDOM: &[&str] = &[
    "hrandfield",
    "randomkey",
    "spop",
    "srandmember",
    "zrandmember",
];

/// Commands whose reply lists a hash table in its order: compared as sorted when a key
/// involved is hashtable-encoded on the real server (KEYS always).
const UNORDERED: &[&str] = &[
    "hgetall", "hkeys", "hvals", "keys", "sdiff", "sinter", "smembers", "sort", "sort_ro", "sunion",
];

/// The SCAN family: a reply is one step of an iteration whose steps follow the hash
/// table, so a differing reply is compared as the whole iteration it belongs to (the same
/// options from cursor 0 to 0), as sorted elements.
const SCANS: &[&str] = &["hscan", "scan", "sscan", "zscan"];

/// Every element of a complete iteration of `cmd`'s options, sorted (field and value, or
/// member and score, kept together); None when a step fails.
fn full_scan(cmd: &[Vec<u8>], client: &mut Client) -> Option<Vec<String>> {
    let at = if cmd[0].eq_ignore_ascii_case(b"scan") {
        1
    } else {
        2
    };
    let pairs = cmd[0].eq_ignore_ascii_case(b"hscan") || cmd[0].eq_ignore_ascii_case(b"zscan");
    let mut step = cmd.to_vec();
    step[at] = b"0".to_vec();
    let mut out = Vec::new();
    for _ in 0..10_000 {
        let reply = items(&client.call(&step).ok()?);
        let (Some(Value::Bulk(Some(cursor))), Some(found)) = (reply.first(), reply.get(1)) else {
            return None;
        };
        let found = items(found);
        if pairs {
            out.extend(
                found
                    .chunks(2)
                    .map(|p| p.iter().map(render).collect::<String>()),
            );
        } else {
            out.extend(found.iter().map(render));
        }
        if cursor == b"0" {
            out.sort();
            out.dedup();
            return Some(out);
        }
        step[at] = cursor.clone();
    }
    None
}

/// The same reply but for integers that are times: idle times within a second of each
/// other, and Unix times in milliseconds (any two).
fn times_close(r: &Value, s: &Value) -> bool {
    match (r, s) {
        (Value::Integer(a), Value::Integer(b)) => {
            a == b
                || (*a >= 0 && *b >= 0 && ((a - b).abs() <= 1000 || (*a > 1 << 40 && *b > 1 << 40)))
        }
        _ => {
            let (x, y) = (items(r), items(s));
            if x.is_empty() && y.is_empty() {
                return render(r) == render(s);
            }
            std::mem::discriminant(r) == std::mem::discriminant(s)
                && x.len() == y.len()
                && x.iter().zip(&y).all(|(a, b)| times_close(a, b))
        }
    }
}

pub enum Verdict {
    Identical,
    /// Equal once a hash table's order is set aside.
    Unordered,
    /// A random outcome with the same properties on both sides.
    Random,
    Different,
}

fn words(args: &[&[u8]]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.to_vec()).collect()
}

fn items(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(Some(items)) | Value::Set(items) => items.clone(),
        Value::Map(pairs) => pairs
            .iter()
            .flat_map(|(k, v)| [k.clone(), v.clone()])
            .collect(),
        _ => Vec::new(),
    }
}

/// The elements rendered and sorted (pairs kept together for HGETALL).
fn sorted(name: &str, v: &Value) -> Vec<String> {
    let items = items(v);
    let mut out: Vec<String> = if name == "hgetall" {
        items
            .chunks(2)
            .map(|p| p.iter().map(render).collect::<String>())
            .collect()
    } else {
        items.iter().map(render).collect()
    };
    out.sort();
    out
}

fn encoding(client: &mut Client, key: &[u8]) -> String {
    client
        .call(&words(&[b"OBJECT", b"ENCODING", key]))
        .map(|v| render(&v))
        .unwrap_or_default()
}

fn shape(v: &Value) -> (std::mem::Discriminant<Value>, usize, bool) {
    (
        std::mem::discriminant(v),
        items(v).len(),
        matches!(v, Value::Bulk(None) | Value::Array(None)),
    )
}

/// Makes the simulation's set under `key` the real one's again after an SPOP drew
/// different members: members and encoding.
fn resync_set(key: &[u8], real: &mut Client, sim: &mut Client) {
    let members = |c: &mut Client| -> Vec<Vec<u8>> {
        match c.call(&words(&[b"SMEMBERS", key])) {
            Ok(v) => items(&v)
                .into_iter()
                .filter_map(|i| match i {
                    Value::Bulk(Some(b)) => Some(b),
                    _ => None,
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    };
    let want = members(real);
    let have = members(sim);
    if want.iter().collect::<std::collections::BTreeSet<_>>()
        != have.iter().collect::<std::collections::BTreeSet<_>>()
    {
        let mut add = words(&[b"SADD", key]);
        add.extend(want.iter().cloned());
        let mut rem = words(&[b"SREM", key]);
        rem.extend(have.iter().filter(|m| !want.contains(m)).cloned());
        if want.is_empty() {
            let _ = sim.call(&words(&[b"DEL", key]));
        } else {
            let _ = sim.call(&add);
            if rem.len() > 2 {
                let _ = sim.call(&rem);
            }
        }
    }
    let (re, se) = (encoding(real, key), encoding(sim, key));
    if re != se && !want.is_empty() {
        // An intset the simulation built as a hash table, or the other way round.
        let _ = sim.call(&words(&[b"DEL", key]));
        let mut add = words(&[b"SADD", key]);
        add.extend(want.iter().cloned());
        let _ = sim.call(&add);
        if re.contains("hashtable") && !encoding(sim, key).contains("hashtable") {
            let _ = sim.call(&words(&[b"SADD", key, b"\x00resync"]));
            let _ = sim.call(&words(&[b"SREM", key, b"\x00resync"]));
        }
    }
}

/// Whether a command reads a lex range (`ZRANGEBYLEX`, `ZRANGE … BYLEX` and the others).
fn lex_command(name: &str, cmd: &[Vec<u8>]) -> bool {
    name.contains("bylex")
        || name == "zlexcount"
        || (name.starts_with("zrange") && cmd.iter().any(|a| a.eq_ignore_ascii_case(b"bylex")))
}

/// The (score, member) pairs of a sorted set, as `ZRANGE key 0 -1 WITHSCORES` lists them.
fn zset_pairs(c: &mut Client, key: &[u8]) -> Vec<Vec<u8>> {
    match c.call(&words(&[b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"])) {
        Ok(v) => items(&v)
            .into_iter()
            .filter_map(|i| match i {
                Value::Bulk(Some(b)) => Some(b),
                Value::Double(d) => Some(d.into_bytes()),
                _ => None,
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// A lex range over a skiplist whose scores differ: Redis documents the outcome as
/// unspecified (it follows its skiplist's random levels). The simulation's set is made
/// the real one's again afterwards (members, scores, skiplist encoding).
fn unspecified_lex(key: &[u8], real: &mut Client, sim: &mut Client) -> bool {
    if !encoding(real, key).contains("skiplist") {
        return false;
    }
    let pairs = zset_pairs(real, key);
    let scores: std::collections::BTreeSet<&Vec<u8>> = pairs.iter().skip(1).step_by(2).collect();
    let _ = sim.call(&words(&[b"DEL", key]));
    if !pairs.is_empty() {
        let mut add = words(&[b"ZADD", key]);
        for p in pairs.chunks(2) {
            add.extend([p[1].clone(), p[0].clone()]);
        }
        let _ = sim.call(&add);
        let long = vec![b'~'; 80];
        let _ = sim.call(&words(&[b"ZADD", key, b"0", &long]));
        let _ = sim.call(&words(&[b"ZREM", key, &long]));
    }
    scores.len() > 1
}

/// Compares one command's replies; may ask both sides more (encodings, members) and
/// bring the simulation's data back to the real one's after a random outcome.
/// Whether two payloads restore on the real server to values with one digest (without
/// TTLs, which the digest counts and a payload does not carry).
fn holds_the_same(a: &[u8], b: &[u8], real: &mut Client) -> bool {
    let mut digests = Vec::new();
    for (scratch, payload) in [(&b"dump-check-a"[..], a), (b"dump-check-b", b)] {
        let restore = [
            b"RESTORE".to_vec(),
            scratch.to_vec(),
            b"0".to_vec(),
            payload.to_vec(),
            b"REPLACE".to_vec(),
        ];
        if !real.call(&restore).is_ok_and(|v| render(&v) == "OK\n") {
            return false;
        }
        let digest = [
            b"DEBUG".to_vec(),
            b"DIGEST-VALUE".to_vec(),
            scratch.to_vec(),
        ];
        digests.push(real.call(&digest).map(|v| render(&v)).ok());
        let _ = real.call(&[b"DEL".to_vec(), scratch.to_vec()]);
    }
    digests[0].is_some() && digests[0] == digests[1]
}

pub fn compare(
    cmd: &[Vec<u8>],
    r: &Value,
    s: &Value,
    real: &mut Client,
    sim: &mut Client,
) -> Verdict {
    let name = String::from_utf8_lossy(&cmd[0]).to_lowercase();
    let same = render(r) == render(s);
    if RANDOM.contains(&name.as_str()) {
        if name == "spop" && !same && cmd.len() >= 2 {
            resync_set(&cmd[1], real, sim);
        }
        if same {
            return Verdict::Identical;
        }
        let errors = matches!(r, Value::Error(_)) || matches!(s, Value::Error(_));
        return if !errors && shape(r) == shape(s) {
            Verdict::Random
        } else {
            Verdict::Different
        };
    }
    if same {
        return Verdict::Identical;
    }
    let key = if name == "zrangestore" {
        cmd.get(2)
    } else {
        cmd.get(1)
    };
    if lex_command(&name, cmd) && key.is_some_and(|k| unspecified_lex(k, real, sim)) {
        if let Some(dst) = cmd.get(1).filter(|_| name == "zrangestore") {
            let _ = unspecified_lex(dst, real, sim);
        }
        return Verdict::Random;
    }
    let replies = |v: &Value| matches!(v, Value::Array(Some(items)) if items.len() == 2);
    if SCANS.contains(&name.as_str()) && replies(r) && replies(s) {
        let whole = full_scan(cmd, real);
        return if whole.is_some() && whole == full_scan(cmd, sim) {
            Verdict::Unordered
        } else {
            Verdict::Different
        };
    }
    // SORT … BY nosort LIMIT over a hash-table set takes a slice of the table's order, so
    // the two sides take different members: compared by the slice's size.
    let nosort = cmd.iter().any(|a| a.eq_ignore_ascii_case(b"nosort"));
    let limit = cmd.iter().any(|a| a.eq_ignore_ascii_case(b"limit"));
    if (name == "sort" || name == "sort_ro")
        && nosort
        && limit
        && encoding(real, &cmd[1]).contains("hashtable")
        && shape(r) == shape(s)
    {
        return Verdict::Random;
    }
    if UNORDERED.contains(&name.as_str()) && sorted(&name, r) == sorted(&name, s) {
        let hashtable = name == "keys"
            || cmd[1..]
                .iter()
                .any(|k| encoding(real, k).contains("hashtable"));
        if hashtable {
            return Verdict::Unordered;
        }
    }
    // DUMP of a hash table (its order), of a long list built at both ends (its quicklist
    // nodes) or of a stream with consumer groups (delivery times): compared by what the
    // payload holds, the simulation's restored on the real server beside the key, by
    // DEBUG DIGEST-VALUE.
    if name == "dump" {
        if let (Value::Bulk(Some(a)), Value::Bulk(Some(b))) = (r, s) {
            return if holds_the_same(a, b, real) {
                Verdict::Unordered
            } else {
                Verdict::Different
            };
        }
    }
    // XPENDING's and XINFO's idle times, and XINFO STREAM FULL's delivery and seen
    // times, which the two servers take from their own clocks.
    if (name == "xpending" || name == "xinfo") && times_close(r, s) {
        return Verdict::Identical;
    }
    // Times the two servers computed a few milliseconds apart: equal within a second.
    let tolerance = match name.as_str() {
        "pexpiretime" | "pttl" => 1000,
        "expiretime" | "ttl" => 1,
        _ => 0,
    };
    if let (Value::Integer(a), Value::Integer(b)) = (r, s) {
        if tolerance > 0 && *a > 0 && *b > 0 && (a - b).abs() <= tolerance {
            return Verdict::Identical;
        }
    }
    Verdict::Different
}
