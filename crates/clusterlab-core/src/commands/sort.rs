//! SORT and SORT_RO as `sortCommandGeneric` runs them in cluster mode: ASC/DESC, ALPHA,
//! LIMIT, STORE, and BY with a pattern without `*` (no sorting); BY with `*` and GET
//! are refused in cluster mode, as Redis refuses them.

use super::args::{is, parse_i64, strtod, ERR_SYNTAX};
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::Reply;
use crate::types::List;

type Result = std::result::Result<Reply, Reply>;
type Bytes = Vec<u8>;

/// `sortGetKeys`: the key, and the last STORE's destination (LIMIT, GET and BY skip
/// their arguments).
pub(super) fn keys(args: &[Vec<u8>]) -> Vec<usize> {
    let mut keys = vec![1];
    let mut store = None;
    let mut i = 2;
    while i < args.len() {
        if is(&args[i], "limit") {
            i += 2;
        } else if is(&args[i], "get") || is(&args[i], "by") {
            i += 1;
        } else if is(&args[i], "store") && i + 1 < args.len() {
            store = Some(i + 1);
            i += 1;
        }
        i += 1;
    }
    keys.extend(store);
    keys
}

fn generic(node: &mut Node, args: &[Vec<u8>], readonly: bool) -> Result {
    let (mut desc, mut alpha, mut dontsort) = (false, false, false);
    let (mut limit_start, mut limit_count) = (0i64, -1i64);
    let mut store: Option<&Vec<u8>> = None;
    let mut j = 2;
    while j < args.len() {
        let left = args.len() - j - 1;
        let a = &args[j];
        if is(a, "asc") {
            desc = false;
        } else if is(a, "desc") {
            desc = true;
        } else if is(a, "alpha") {
            alpha = true;
        } else if is(a, "limit") && left >= 2 {
            limit_start = parse_i64(&args[j + 1])?;
            limit_count = parse_i64(&args[j + 2])?;
            j += 2;
        } else if !readonly && is(a, "store") && left >= 1 {
            store = Some(&args[j + 1]);
            j += 1;
        } else if is(a, "by") && left >= 1 {
            if args[j + 1].contains(&b'*') {
                return Err(Reply::err("ERR BY option of SORT denied in Cluster mode."));
            }
            dontsort = true;
            j += 1;
        } else if is(a, "get") && left >= 1 {
            return Err(Reply::err("ERR GET option of SORT denied in Cluster mode."));
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        j += 1;
    }
    // SORT turns a listpack sorted set into a skiplist in place, as Redis does.
    if let Ok(Some(z)) = node.keyspace.zset_mut(&args[1], node.now) {
        z.to_skiplist();
    }
    let value = node.keyspace.get(&args[1], node.now).cloned();
    let value = match value {
        None => Value::List(List::new()),
        Some(v @ (Value::List(_) | Value::Set(_) | Value::ZSet(_))) => v,
        Some(_) => return Err(Reply::err(super::args::ERR_WRONGTYPE)),
    };
    // An unsorted set is sorted anyway when stored, so the result is reproducible.
    if dontsort && matches!(value, Value::Set(_)) && store.is_some() {
        dontsort = false;
        alpha = true;
    }
    let len = match &value {
        Value::List(l) => l.len(),
        Value::Set(s) => s.len(),
        Value::ZSet(z) => z.len(),
        _ => 0,
    } as i64;
    let mut start = limit_start.max(0).min(len);
    let count = limit_count.max(-1).min(len);
    let mut end = if count < 0 {
        len - 1
    } else {
        start + count - 1
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    end = end.min(len - 1);
    let mut items: Vec<Bytes> = match &value {
        Value::List(l) if dontsort => {
            let (s, e) = (start.max(0) as usize, (end + 1).max(0) as usize);
            let picked: Vec<Bytes> = if desc {
                l.iter()
                    .rev()
                    .skip(s)
                    .take(e.saturating_sub(s))
                    .cloned()
                    .collect()
            } else {
                l.iter()
                    .skip(s)
                    .take(e.saturating_sub(s))
                    .cloned()
                    .collect()
            };
            end -= start;
            start = 0;
            picked
        }
        Value::ZSet(z) if dontsort => {
            let (s, e) = (start.max(0) as usize, (end + 1).max(0) as usize);
            let n = e.saturating_sub(s);
            let picked: Vec<Bytes> = if desc {
                z.iter_from(z.len().saturating_sub(1 + s), true)
                    .take(n)
                    .map(|(_, m)| m.clone())
                    .collect()
            } else {
                z.iter_from(s, false)
                    .take(n)
                    .map(|(_, m)| m.clone())
                    .collect()
            };
            end -= start;
            start = 0;
            picked
        }
        Value::List(l) => l.iter().cloned().collect(),
        Value::Set(s) => s.listed(),
        Value::ZSet(z) => z.iter().map(|(_, m)| m.clone()).collect(),
        _ => Vec::new(),
    };
    if !dontsort {
        if alpha {
            crate::order::sort(&mut items);
        } else {
            let mut scored = Vec::with_capacity(items.len());
            let mut bad = false;
            for m in items {
                let (v, used, erange) = strtod(&m);
                bad |= used != m.len() || erange || v.is_nan();
                scored.push((v, m));
            }
            if bad {
                return Err(Reply::err(
                    "ERR One or more scores can't be converted into double",
                ));
            }
            crate::order::sort_by(&mut scored, |a, b| {
                a.0.partial_cmp(&b.0)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| a.1.cmp(&b.1))
            });
            items = scored.into_iter().map(|(_, m)| m).collect();
        }
        if desc {
            items.reverse();
        }
    }
    let selected: Vec<Bytes> = if end >= start && start >= 0 {
        items
            .into_iter()
            .skip(start as usize)
            .take((end - start + 1) as usize)
            .collect()
    } else {
        Vec::new()
    };
    let Some(dst) = store else {
        return Ok(Reply::bulks(selected));
    };
    let n = selected.len();
    if n > 0 {
        node.keyspace.remove(dst);
        node.keyspace
            .set(dst.clone(), Value::List(selected.into_iter().collect()));
        node.propagate(args.to_vec());
    } else if node.keyspace.remove(dst) {
        node.propagate(args.to_vec());
    }
    Ok(Reply::int(n as i64))
}

pub fn sort(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    generic(node, args, false)
}

pub fn sort_ro(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    generic(node, args, true)
}
