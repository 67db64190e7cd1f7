//! SCAN, HSCAN, SSCAN and ZSCAN (`scanGenericCommand`). A hash table is walked as
//! `dictScan` walks it: the cursor is a bucket number incremented in reverse binary, so
//! an element present for the whole iteration is returned at least once however the
//! table grows or shrinks in between. Buckets come from the simulation's own hash of
//! each element, as Redis's come from its per-process seed: the order differs from a real
//! server's as one real server's differs from another's. Small encodings (listpack,
//! intset) answer everything in one reply with cursor 0, as Redis does.

use super::args::{format_double, is, parse_i64, ERR_SYNTAX, ERR_WRONGTYPE};
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::Reply;

type Bytes = Vec<u8>;

/// `parseScanCursorOrReply`: `strtoul` in base 10 over the whole text (a sign allowed, a
/// negative value wrapping as C's does), no leading space, no overflow.
fn parse_cursor(arg: &[u8]) -> Result<u64, Reply> {
    let invalid = || Reply::err("ERR invalid cursor");
    if arg.is_empty() {
        return Ok(0);
    }
    if b" \t\n\x0b\x0c\r".contains(&arg[0]) {
        return Err(invalid());
    }
    let (negative, digits) = match arg[0] {
        b'-' => (true, &arg[1..]),
        b'+' => (false, &arg[1..]),
        _ => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let mut value: u64 = 0;
    for &d in digits {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or_else(invalid)?;
    }
    Ok(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// The options after the cursor: COUNT, MATCH, and TYPE (SCAN only), in any order.
struct Options {
    count: i64,
    pattern: Option<Bytes>,
    type_name: Option<Bytes>,
}

fn options(args: &[Vec<u8>], from: usize, keyspace: bool) -> Result<Options, Reply> {
    let mut o = Options {
        count: 10,
        pattern: None,
        type_name: None,
    };
    let mut i = from;
    while i < args.len() {
        let more = args.len() - i >= 2;
        if is(&args[i], "count") && more {
            o.count = parse_i64(&args[i + 1])?;
            if o.count < 1 {
                return Err(Reply::err(ERR_SYNTAX));
            }
        } else if is(&args[i], "match") && more {
            // Exactly "*" matches everything, so it is no filter.
            o.pattern = (args[i + 1] != b"*").then(|| args[i + 1].clone());
        } else if is(&args[i], "type") && keyspace && more {
            o.type_name = Some(args[i + 1].clone());
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        i += 2;
    }
    Ok(o)
}

/// A stand-in for the per-process seeded hash of a dict's keys: FNV-1a, then the
/// splitmix64 finaliser so every bit (the bucket bits are the low ones) depends on all.
fn element_hash(key: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// `dictScan` called until the cursor returns to 0, `count` elements are collected, or
/// `max_calls` buckets more were visited (`maxiterations`): the indices of the elements
/// returned and the next cursor. The table has the size a dict of `keys.len()` entries
/// has (a power of two, at least 4).
fn scan_table(keys: &[&[u8]], cursor: u64, count: usize, max_calls: i64) -> (Vec<usize>, u64) {
    if keys.is_empty() {
        return (Vec::new(), 0);
    }
    let bits = keys.len().max(4).next_power_of_two().trailing_zeros();
    // In reversed-bit space a bucket is a contiguous run of `step` values, and the
    // reverse-binary increment of the cursor is a plain step forward.
    let step = 1u64 << (64 - bits);
    let mut by_bucket: Vec<(u64, usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (element_hash(k).reverse_bits(), i))
        .collect();
    crate::order::sort(&mut by_bucket);
    let mut start = cursor.reverse_bits() & !(step - 1);
    let mut found = Vec::new();
    let mut calls_left = max_calls;
    loop {
        let from = by_bucket.partition_point(|&(r, _)| r < start);
        let end = start.checked_add(step);
        let to = end.map_or(by_bucket.len(), |e| {
            by_bucket.partition_point(|&(r, _)| r < e)
        });
        found.extend(by_bucket[from..to].iter().map(|&(_, i)| i));
        let next = end.map_or(0, u64::reverse_bits);
        let stop = next == 0 || calls_left == 0 || found.len() >= count;
        calls_left -= 1;
        if stop {
            return (found, next);
        }
        start = end.unwrap_or(0);
    }
}

fn reply(cursor: u64, items: Vec<Bytes>) -> Reply {
    Reply::array(vec![Reply::bulk(cursor.to_string()), Reply::bulks(items)])
}

fn matches(pattern: &Option<Bytes>, item: &[u8]) -> bool {
    pattern
        .as_ref()
        .is_none_or(|p| crate::glob::glob_match(p, item))
}

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: this node's keys only.
pub fn scan(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match scan_keys(node, args) {
        Ok(r) | Err(r) => r,
    }
}

fn scan_keys(node: &mut Node, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let cursor = parse_cursor(&args[1])?;
    let o = options(args, 2, true)?;
    let keys: Vec<Bytes> = node.keyspace.keys().cloned().collect();
    let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
    let count = usize::try_from(o.count).unwrap_or(usize::MAX);
    let (picked, next) = scan_table(&refs, cursor, count, o.count.saturating_mul(10));
    let mut out = Vec::new();
    for i in picked {
        let key = &keys[i];
        if !matches(&o.pattern, key) {
            continue;
        }
        let mut expired = node.keyspace.is_expired(key, node.now);
        if let Some(t) = &o.type_name {
            // The type lookup counts a hit or miss, and on a master deletes an expired
            // key (so the expiry check after it finds nothing to leave out).
            if expired && node.is_master() {
                expire(node, key);
                expired = false;
            }
            let name = node.keyspace.get(key, node.now).map(Value::type_name);
            if name.is_some() {
                node.stats.keyspace_hits += 1;
            } else {
                node.stats.keyspace_misses += 1;
            }
            if !t.eq_ignore_ascii_case(name.unwrap_or("none").as_bytes()) {
                continue;
            }
        }
        // An expired key is left out, and a master deletes it and tells its replicas.
        if expired {
            if node.is_master() {
                expire(node, key);
            }
            continue;
        }
        out.push(key.clone());
    }
    Ok(reply(next, out))
}

fn expire(node: &mut Node, key: &[u8]) {
    node.keyspace.remove(key);
    node.stats.expired_keys += 1;
    node.propagate(vec![b"DEL".to_vec(), key.to_vec()]);
}

/// HSCAN, SSCAN and ZSCAN: the cursor, then the key (missing: an empty scan), then the
/// options.
pub fn hscan(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    scan_value(node, args, "hash").unwrap_or_else(|r| r)
}

pub fn sscan(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    scan_value(node, args, "set").unwrap_or_else(|r| r)
}

pub fn zscan(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    scan_value(node, args, "zset").unwrap_or_else(|r| r)
}

/// An element of a collection: a member, or a field or member with its value or score.
struct Element {
    key: Bytes,
    value: Option<Bytes>,
}

fn scan_value(node: &mut Node, args: &[Vec<u8>], want: &str) -> Result<Reply, Reply> {
    let cursor = parse_cursor(&args[2])?;
    let Some(value) = node.keyspace.get(&args[1], node.now) else {
        return Ok(reply(0, Vec::new()));
    };
    if value.type_name() != want {
        return Err(Reply::err(ERR_WRONGTYPE));
    }
    // Every element, and whether the encoding is a hash table.
    let (elements, table): (Vec<Element>, bool) = match value {
        Value::Hash(h) => (
            h.iter()
                .map(|(f, v)| Element {
                    key: f.clone(),
                    value: Some(v.clone()),
                })
                .collect(),
            h.encoding() == "hashtable",
        ),
        Value::Set(s) => (
            s.iter()
                .map(|m| Element {
                    key: m,
                    value: None,
                })
                .collect(),
            s.encoding() == "hashtable",
        ),
        Value::ZSet(z) => (
            z.iter()
                .map(|(score, m)| Element {
                    key: m.clone(),
                    value: Some(format_double(score).into_bytes()),
                })
                .collect(),
            !z.is_listpack(),
        ),
        _ => (Vec::new(), false),
    };
    let o = options(args, 3, false)?;
    let (picked, next) = if table {
        let refs: Vec<&[u8]> = elements.iter().map(|e| e.key.as_slice()).collect();
        let count = usize::try_from(o.count).unwrap_or(usize::MAX);
        // Redis counts a hash's or sorted set's field and value as two.
        let calls = if want == "set" {
            o.count
        } else {
            o.count.saturating_mul(2)
        };
        scan_table(&refs, cursor, count, calls.saturating_mul(10))
    } else {
        ((0..elements.len()).collect(), 0)
    };
    let mut out = Vec::new();
    for i in picked {
        let e = &elements[i];
        if matches(&o.pattern, &e.key) {
            out.push(e.key.clone());
            out.extend(e.value.clone());
        }
    }
    Ok(reply(next, out))
}

#[cfg(test)]
mod tests {
    use super::{parse_cursor, scan_table};

    #[test]
    fn cursors_read_as_strtoul_reads_them() {
        assert_eq!(parse_cursor(b"0").ok(), Some(0));
        assert_eq!(parse_cursor(b"").ok(), Some(0));
        assert_eq!(parse_cursor(b"+7").ok(), Some(7));
        assert_eq!(parse_cursor(b"-1").ok(), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551615").ok(), Some(u64::MAX));
        for bad in [
            &b"18446744073709551616"[..],
            b" 1",
            b"1 ",
            b"x",
            b"-",
            b"0x10",
        ] {
            assert!(parse_cursor(bad).is_err(), "{bad:?}");
        }
    }

    /// Every element present throughout is returned, whatever COUNT, even when the table
    /// grows or shrinks between calls.
    #[test]
    fn a_full_iteration_returns_every_element_through_resizes() {
        let names: Vec<Vec<u8>> = (0..300).map(|i| format!("key:{i}").into_bytes()).collect();
        for (first, second) in [(300, 300), (40, 300), (300, 40), (5, 300)] {
            let mut seen = vec![false; 300];
            let mut cursor = 0;
            let mut calls = 0;
            loop {
                let size = if calls < 3 { first } else { second };
                let refs: Vec<&[u8]> = names[..size].iter().map(Vec::as_slice).collect();
                let (found, next) = scan_table(&refs, cursor, 7, 70);
                for i in found {
                    seen[i] = true;
                }
                calls += 1;
                cursor = next;
                if cursor == 0 {
                    break;
                }
            }
            let always = first.min(second);
            assert!(seen[..always].iter().all(|&s| s), "{first} then {second}");
        }
    }
}
