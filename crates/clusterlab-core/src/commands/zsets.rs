//! Sorted set commands: ZADD ZINCRBY ZSCORE ZRANGE (index or BYSCORE, REV, LIMIT,
//! WITHSCORES) ZCARD.

use super::args::{format_double, is, parse_f64, parse_i64, ERR_NOT_FLOAT, ERR_SYNTAX};
use super::lists::index_range;
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::{Protocol, Reply};
use crate::types::SortedSet;

fn read(node: &Node, key: &[u8]) -> Result<Option<SortedSet>, Reply> {
    Ok(node.keyspace.zset(key, node.now)?.cloned())
}

fn store(node: &mut Node, key: &[u8], x: SortedSet) {
    if x.is_empty() {
        node.keyspace.remove(key);
    } else {
        node.keyspace.put_keep_ttl(key, Value::ZSet(x), node.now);
    }
}

pub fn zadd(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let (mut nx, mut xx, mut gt, mut lt, mut ch, mut incr) =
        (false, false, false, false, false, false);
    let mut i = 2;
    while i < args.len() {
        let a = &args[i];
        if is(a, "nx") {
            nx = true;
        } else if is(a, "xx") {
            xx = true;
        } else if is(a, "gt") {
            gt = true;
        } else if is(a, "lt") {
            lt = true;
        } else if is(a, "ch") {
            ch = true;
        } else if is(a, "incr") {
            incr = true;
        } else {
            break;
        }
        i += 1;
    }
    let elements = args.len() - i;
    if elements == 0 || elements % 2 == 1 {
        return Reply::err(ERR_SYNTAX);
    }
    if nx && xx {
        return Reply::err("ERR XX and NX options at the same time are not compatible");
    }
    if ((gt || lt) && nx) || (gt && lt) {
        return Reply::err("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if incr && elements > 2 {
        return Reply::err("ERR INCR option supports a single increment-element pair");
    }
    let mut pairs = Vec::new();
    for p in args[i..].chunks(2) {
        match parse_f64(&p[0], ERR_NOT_FLOAT) {
            Ok(s) => pairs.push((s, p[1].clone())),
            Err(e) => return e,
        }
    }
    let mut z = match read(node, &args[1]) {
        Ok(z) => z.unwrap_or_default(),
        Err(e) => return e,
    };
    let (mut added, mut changed) = (0, 0);
    let mut incr_result: Option<f64> = None;
    for (score, member) in pairs {
        let current = z.score(&member);
        let mut new_score = score;
        if let Some(cur) = current {
            if nx {
                continue;
            }
            if incr {
                new_score = cur + score;
                if new_score.is_nan() {
                    return Reply::err("ERR resulting score is not a number (NaN)");
                }
            }
            if (gt && new_score <= cur) || (lt && new_score >= cur) {
                continue;
            }
            incr_result = Some(new_score);
            if new_score != cur {
                z.insert(member, new_score);
                changed += 1;
            }
        } else {
            if xx {
                continue;
            }
            z.insert(member, new_score);
            incr_result = Some(new_score);
            added += 1;
        }
    }
    if added + changed > 0 {
        store(node, &args[1], z);
        node.propagate(args.to_vec());
    }
    if incr {
        return incr_result.map_or(Reply::nil(), |s| Reply::Double(format_double(s)));
    }
    Reply::int(if ch { added + changed } else { added })
}

pub fn zincrby(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let delta = match parse_f64(&args[2], ERR_NOT_FLOAT) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let mut z = match read(node, &args[1]) {
        Ok(z) => z.unwrap_or_default(),
        Err(e) => return e,
    };
    let next = z.score(&args[3]).unwrap_or(0.0) + delta;
    if next.is_nan() {
        return Reply::err("ERR resulting score is not a number (NaN)");
    }
    z.insert(args[3].clone(), next);
    store(node, &args[1], z);
    node.propagate(args.to_vec());
    Reply::Double(format_double(next))
}

pub fn zscore(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(z) => z
            .and_then(|z| z.score(&args[2]))
            .map_or(Reply::nil(), |s| Reply::Double(format_double(s))),
        Err(e) => e,
    }
}

pub fn zcard(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match read(node, &args[1]) {
        Ok(z) => Reply::int(z.map_or(0, |z| z.len() as i64)),
        Err(e) => e,
    }
}

/// A score bound of BYSCORE: value and whether it is exclusive (`(1.5`).
fn parse_bound(arg: &[u8]) -> Result<(f64, bool), Reply> {
    let err = "ERR min or max is not a float";
    match arg.strip_prefix(b"(") {
        Some(rest) => parse_f64(rest, err).map(|v| (v, true)),
        None => parse_f64(arg, err).map(|v| (v, false)),
    }
}

pub fn zrange(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Reply {
    let (mut byscore, mut bylex, mut rev, mut withscores) = (false, false, false, false);
    let mut limit: Option<(i64, i64)> = None;
    let mut i = 4;
    while i < args.len() {
        let a = &args[i];
        if is(a, "byscore") {
            byscore = true;
        } else if is(a, "bylex") {
            bylex = true;
        } else if is(a, "rev") {
            rev = true;
        } else if is(a, "withscores") {
            withscores = true;
        } else if is(a, "limit") && i + 2 < args.len() {
            match (parse_i64(&args[i + 1]), parse_i64(&args[i + 2])) {
                (Ok(o), Ok(c)) => limit = Some((o, c)),
                (Err(e), _) | (_, Err(e)) => return e,
            }
            i += 2;
        } else {
            return Reply::err(ERR_SYNTAX);
        }
        i += 1;
    }
    if byscore && bylex {
        return Reply::err(ERR_SYNTAX);
    }
    if limit.is_some() && !byscore && !bylex {
        return Reply::err(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        );
    }
    if bylex {
        return Reply::err(
            "ERR ClusterLab does not model ZRANGE BYLEX yet (see the fidelity page)",
        );
    }
    let z = match read(node, &args[1]) {
        Ok(z) => z.unwrap_or_default(),
        Err(e) => return e,
    };
    let mut items: Vec<(f64, Vec<u8>)> = z.iter().map(|(s, m)| (s, m.clone())).collect();
    if rev {
        items.reverse();
    }
    let selected: Vec<(f64, Vec<u8>)> = if byscore {
        // With REV the arguments are max then min.
        let (a, b) = if rev {
            (&args[3], &args[2])
        } else {
            (&args[2], &args[3])
        };
        let ((min, minx), (max, maxx)) = match (parse_bound(a), parse_bound(b)) {
            (Ok(x), Ok(y)) => (x, y),
            (Err(e), _) | (_, Err(e)) => return e,
        };
        let in_range = |s: f64| {
            (if minx { s > min } else { s >= min }) && (if maxx { s < max } else { s <= max })
        };
        let matching = items.into_iter().filter(|(s, _)| in_range(*s));
        match limit {
            Some((off, cnt)) if off < 0 => {
                let _ = cnt;
                Vec::new()
            }
            Some((off, cnt)) => {
                let it = matching.skip(off as usize);
                if cnt < 0 {
                    it.collect()
                } else {
                    it.take(cnt as usize).collect()
                }
            }
            None => matching.collect(),
        }
    } else {
        let (start, stop) = match (parse_i64(&args[2]), parse_i64(&args[3])) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => return e,
        };
        match index_range(start, stop, items.len()) {
            Some((s, e)) => items[s..=e].to_vec(),
            None => Vec::new(),
        }
    };
    // RESP3 pairs each member with its score; RESP2 flattens them.
    let pairs = node.protocol(c) == Protocol::Resp3;
    let mut out = Vec::new();
    for (s, m) in selected {
        let score = Reply::Double(format_double(s));
        match (withscores, pairs) {
            (false, _) => out.push(Reply::bulk(m)),
            (true, true) => out.push(Reply::array(vec![Reply::bulk(m), score])),
            (true, false) => out.extend([Reply::bulk(m), score]),
        }
    }
    Reply::array(out)
}
