//! `rdbSaveObjectType` and `rdbSaveObject`: a value's RDB type byte and body.

use super::listpack::Writer;
use super::{lzf, Shape};
use crate::keyspace::{Hash, SetValue, Value};
use crate::types::stream::{Stream, StreamId};
use crate::types::{parse_canonical_i64, List, SortedSet};

pub(super) const TYPE_STRING: u8 = 0;
pub(super) const TYPE_LIST: u8 = 1;
pub(super) const TYPE_SET: u8 = 2;
pub(super) const TYPE_ZSET: u8 = 3;
pub(super) const TYPE_HASH: u8 = 4;
pub(super) const TYPE_ZSET_2: u8 = 5;
pub(super) const TYPE_SET_INTSET: u8 = 11;
pub(super) const TYPE_HASH_LISTPACK: u8 = 16;
pub(super) const TYPE_ZSET_LISTPACK: u8 = 17;
pub(super) const TYPE_LIST_QUICKLIST_2: u8 = 18;
pub(super) const TYPE_STREAM_LISTPACKS_2: u8 = 19;

/// A value's type byte and body, as DUMP's payload starts.
pub fn save_value(value: &Value, shape: &Shape) -> Vec<u8> {
    let mut out = Vec::new();
    match value {
        Value::String(s) => {
            out.push(TYPE_STRING);
            string(&mut out, s);
        }
        Value::List(l) => {
            out.push(TYPE_LIST_QUICKLIST_2);
            list(&mut out, l, shape);
        }
        Value::Set(SetValue::Intset(v)) => {
            out.push(TYPE_SET_INTSET);
            string(&mut out, &intset(v));
        }
        Value::Set(SetValue::Table(d)) => {
            out.push(TYPE_SET);
            len(&mut out, d.len() as u64);
            for (m, _) in d.iter() {
                string(&mut out, m);
            }
        }
        Value::Hash(Hash::Listpack(pairs)) => {
            out.push(TYPE_HASH_LISTPACK);
            let mut w = Writer::default();
            for (f, v) in pairs {
                w.push(f);
                w.push(v);
            }
            string(&mut out, &w.finish());
        }
        Value::Hash(Hash::Table(d)) => {
            out.push(TYPE_HASH);
            len(&mut out, d.len() as u64);
            for (f, v) in d.iter() {
                string(&mut out, f);
                string(&mut out, v);
            }
        }
        Value::ZSet(z) if z.is_listpack() => {
            out.push(TYPE_ZSET_LISTPACK);
            string(&mut out, &zset_listpack(z));
        }
        Value::ZSet(z) => {
            out.push(TYPE_ZSET_2);
            len(&mut out, z.len() as u64);
            // From the greatest to the smallest, so loading inserts at the head.
            for (score, m) in z.iter_from(z.len().saturating_sub(1), true) {
                string(&mut out, m);
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
        Value::Stream(s) => {
            out.push(TYPE_STREAM_LISTPACKS_2);
            stream(&mut out, s);
        }
    }
    out
}

/// `rdbSavedObjectLen`: the body's length without the type byte.
pub fn serialized_len(value: &Value, shape: &Shape) -> usize {
    save_value(value, shape).len() - 1
}

/// `rdbSaveLen`.
pub(super) fn len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.extend_from_slice(&[0x40 | (n >> 8) as u8, n as u8]);
    } else if n <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// `rdbSaveRawString`: a small integer in 1, 2 or 4 bytes, a long string LZF-compressed
/// when that saves at least four bytes, else length and bytes.
pub(super) fn string(out: &mut Vec<u8>, s: &[u8]) {
    if s.len() <= 11 {
        if let Some(v) = parse_canonical_i64(s) {
            if let Ok(v8) = i8::try_from(v) {
                out.extend_from_slice(&[0xc0, v8 as u8]);
                return;
            } else if let Ok(v16) = i16::try_from(v) {
                out.push(0xc1);
                out.extend_from_slice(&v16.to_le_bytes());
                return;
            } else if let Ok(v32) = i32::try_from(v) {
                out.push(0xc2);
                out.extend_from_slice(&v32.to_le_bytes());
                return;
            }
        }
    }
    if s.len() > 20 {
        if let Some(z) = lzf::compress(s, s.len() - 4) {
            lzf_blob(out, &z, s.len());
            return;
        }
    }
    len(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// `rdbSaveLzfBlob`.
fn lzf_blob(out: &mut Vec<u8>, compressed: &[u8], original: usize) {
    out.push(0xc3);
    len(out, compressed.len() as u64);
    len(out, original as u64);
    out.extend_from_slice(compressed);
}

/// An intset's blob: its width, its length and its members, little-endian.
fn intset(v: &[i64]) -> Vec<u8> {
    let width: usize = if v.iter().all(|&n| i16::try_from(n).is_ok()) {
        2
    } else if v.iter().all(|&n| i32::try_from(n).is_ok()) {
        4
    } else {
        8
    };
    let mut out = Vec::with_capacity(8 + v.len() * width);
    out.extend_from_slice(&(width as u32).to_le_bytes());
    out.extend_from_slice(&(v.len() as u32).to_le_bytes());
    for n in v {
        out.extend_from_slice(&n.to_le_bytes()[..width]);
    }
    out
}

/// A listpack sorted set: member, score, … by score, each score stored as `zzlInsertAt`
/// stores it (an integer when it is one, else its `%.17g` text).
fn zset_listpack(z: &SortedSet) -> Vec<u8> {
    let mut w = Writer::default();
    for (score, m) in z.iter() {
        w.push(m);
        match as_long(score) {
            Some(n) => w.push_int(n),
            None => w.push(crate::reply::format_double(score).as_bytes()),
        }
    }
    w.finish()
}

/// `double2ll`: the integer a double holds exactly, within ±2^62.
fn as_long(d: f64) -> Option<i64> {
    const HALF: f64 = (i64::MAX / 2) as f64;
    if !(-HALF..=HALF).contains(&d) {
        return None;
    }
    let n = d as i64;
    (n as f64 == d).then_some(n)
}

/// A quicklist: its nodes as RPUSH fills them (`_quicklistNodeAllowInsert`), each a
/// packed listpack, compressed past `list-compress-depth` nodes from either end.
/// The nodes RPUSH of every element in turn makes.
fn quicklist(l: &List, shape: &Shape) -> Vec<Writer> {
    let mut nodes: Vec<Writer> = Vec::new();
    let mut counts: Vec<i64> = Vec::new();
    for e in l {
        let fits = nodes.last().is_some_and(|w| {
            let new_sz = w.size() + e.len() + 8;
            let level = match shape.list_fill {
                f if f < 0 => [4096, 8192, 16384, 32768, 65536]
                    .get((-f - 1) as usize)
                    .copied(),
                _ => None,
            };
            match level {
                Some(limit) if new_sz <= limit => true,
                _ => new_sz <= 8192 && *counts.last().expect("a node") < shape.list_fill,
            }
        });
        if !fits {
            nodes.push(Writer::default());
            counts.push(0);
        }
        nodes.last_mut().expect("a node").push(e);
        *counts.last_mut().expect("a node") += 1;
    }
    nodes
}

/// A list's quicklist nodes as DEBUG OBJECT counts them: how many, and their
/// listpacks' total bytes (`ql_uncompressed_size`).
pub fn quicklist_shape(l: &List, shape: &Shape) -> (usize, usize) {
    let nodes = quicklist(l, shape);
    (nodes.len(), nodes.iter().map(Writer::size).sum())
}

fn list(out: &mut Vec<u8>, l: &List, shape: &Shape) {
    let nodes = quicklist(l, shape);
    let n = nodes.len();
    len(out, n as u64);
    let depth = shape.list_compress_depth.max(0) as usize;
    for (i, w) in nodes.into_iter().enumerate() {
        len(out, 2);
        let lp = w.finish();
        let inner = depth > 0 && i >= depth && i + depth < n;
        // `__quicklistCompressNode`: at least 48 bytes, and at least 8 saved.
        let compressed = inner
            .then(|| {
                (lp.len() >= 48)
                    .then(|| lzf::compress(&lp, lp.len()))
                    .flatten()
            })
            .flatten()
            .filter(|z| z.len() + 8 < lp.len());
        match compressed {
            Some(z) => lzf_blob(out, &z, lp.len()),
            None => string(out, &lp),
        }
    }
}

/// A stream's 16-byte radix-tree key: the ID big-endian.
pub(super) fn raw_id(out: &mut Vec<u8>, id: StreamId) {
    out.extend_from_slice(&id.ms.to_be_bytes());
    out.extend_from_slice(&id.seq.to_be_bytes());
}

/// `rdbSaveObject` for a stream: each node's key and listpack, the counters, then every
/// group with its pending entries and consumers.
fn stream(out: &mut Vec<u8>, s: &Stream) {
    len(out, s.nodes.len() as u64);
    let masters: Vec<StreamId> = s.nodes.keys().copied().collect();
    for (i, (master, node)) in s.nodes.iter().enumerate() {
        let mut key = Vec::with_capacity(16);
        raw_id(&mut key, *master);
        string(out, &key);
        // Live entries and those marked deleted, in ID order.
        let mut entries: Vec<(&StreamId, &Vec<Vec<u8>>, bool)> = match masters.get(i + 1) {
            Some(next) => s
                .entries
                .range(*master..*next)
                .map(|(k, v)| (k, v, false))
                .collect(),
            None => s
                .entries
                .range(*master..)
                .map(|(k, v)| (k, v, false))
                .collect(),
        };
        entries.extend(
            s.tombstones
                .between(master, &node.last)
                .iter()
                .map(|(k, v)| (k, v, true)),
        );
        entries.sort_by_key(|e| *e.0);
        let mut w = Writer::default();
        w.push_int(node.live as i64);
        w.push_int(node.deleted as i64);
        w.push_int(node.fields.len() as i64);
        for f in &node.fields {
            w.push(f);
        }
        w.push_int(0);
        for (id, pairs, deleted) in entries {
            let fields = pairs.len() / 2;
            let same = fields == node.fields.len()
                && pairs
                    .iter()
                    .step_by(2)
                    .zip(&node.fields)
                    .all(|(a, b)| a == b);
            w.push_int(i64::from(same) * 2 + i64::from(deleted));
            w.push_int(id.ms.wrapping_sub(master.ms) as i64);
            w.push_int(id.seq.wrapping_sub(master.seq) as i64);
            if same {
                for v in pairs.iter().skip(1).step_by(2) {
                    w.push(v);
                }
                w.push_int(fields as i64 + 3);
            } else {
                w.push_int(fields as i64);
                for e in pairs {
                    w.push(e);
                }
                w.push_int(2 * fields as i64 + 4);
            }
        }
        string(out, &w.finish());
    }
    len(out, s.len());
    for id in [s.last_id, s.first_id, s.max_deleted] {
        len(out, id.ms);
        len(out, id.seq);
    }
    len(out, s.entries_added);
    len(out, s.groups.len() as u64);
    for (name, g) in s.groups.iter() {
        string(out, name);
        len(out, g.last_id.ms);
        len(out, g.last_id.seq);
        len(out, g.entries_read as u64);
        len(out, g.pel.len() as u64);
        for (id, nack) in g.pel.iter() {
            raw_id(out, *id);
            out.extend_from_slice(&nack.delivered_at.to_le_bytes());
            len(out, nack.deliveries);
        }
        len(out, g.consumers.len() as u64);
        for (cname, c) in g.consumers.iter() {
            string(out, cname);
            out.extend_from_slice(&c.seen_at.to_le_bytes());
            len(out, c.pel.len() as u64);
            for id in c.pel.keys() {
                raw_id(out, *id);
            }
        }
    }
}
