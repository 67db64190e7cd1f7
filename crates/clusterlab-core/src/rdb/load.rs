//! `rdbLoadObject`: a value back from its RDB type byte and body, with the encodings a
//! load chooses (kept listpacks and intsets unless they hold too many elements, tables
//! built element by element).

use super::listpack::{self, Entry};
use super::lzf;
use super::save::*;
use crate::keyspace::{Bytes, Hash, SetValue, Value};
use crate::types::stream::{Consumer, Group, LpNode, Nack, Stream, StreamId};
use crate::types::{Dict, Limits, List, SortedSet};

/// Reads a value from the start of `body`; `None` when the bytes are not one (what
/// follows the value is not read, as Redis does not read it).
pub fn load_value(body: &[u8], limits: &Limits) -> Option<Value> {
    let mut r = Reader { bytes: body, at: 0 };
    let value = match r.byte()? {
        TYPE_STRING => Value::String(r.string()?),
        TYPE_LIST => {
            let n = r.len()?;
            Value::List((0..n).map(|_| r.string()).collect::<Option<List>>()?)
        }
        TYPE_SET => {
            let n = r.len()?;
            let mut members = Vec::new();
            for _ in 0..n {
                members.push(r.string()?);
            }
            let set = SetValue::from_members(members, limits);
            (set.len() as u64 == n).then_some(Value::Set(set))?
        }
        TYPE_SET_INTSET => Value::Set(intset(&r.string()?, limits)?),
        t @ (TYPE_ZSET | TYPE_ZSET_2) => {
            let n = r.len()?;
            let mut z = SortedSet::skiplist();
            for _ in 0..n {
                let m = r.string()?;
                let score = if t == TYPE_ZSET_2 {
                    f64::from_le_bytes(r.take(8)?.try_into().ok()?)
                } else {
                    r.text_double()?
                };
                if score.is_nan() || !z.insert(m, score, limits) {
                    return None;
                }
            }
            z.shrink_encoding(limits);
            Value::ZSet(z)
        }
        TYPE_HASH => {
            let n = r.len()?;
            let mut h = Hash::default();
            if n > limits.hash_entries as u64 {
                h = Hash::Table(Dict::default());
            }
            for _ in 0..n {
                let (f, v) = (r.string()?, r.string()?);
                h.prepare_for([&f, &v], limits);
                if !h.set(f, v, limits) {
                    return None;
                }
            }
            Value::Hash(h)
        }
        TYPE_HASH_LISTPACK => {
            let lp = r.string()?;
            let entries = listpack::read(&lp)?;
            if entries.is_empty() || entries.len() % 2 != 0 {
                return None;
            }
            let pairs: Vec<(Bytes, Bytes)> = entries
                .chunks(2)
                .map(|p| (p[0].to_bytes(), p[1].to_bytes()))
                .collect();
            let mut h = Hash::Listpack(pairs);
            if h.len() > limits.hash_entries {
                let Hash::Listpack(pairs) = h else {
                    unreachable!("built above")
                };
                let mut d = Dict::default();
                for (f, v) in pairs {
                    d.insert(f, v);
                }
                h = Hash::Table(d);
            }
            Value::Hash(h)
        }
        TYPE_ZSET_LISTPACK => {
            let lp = r.string()?;
            let entries = listpack::read(&lp)?;
            if entries.is_empty() || entries.len() % 2 != 0 {
                return None;
            }
            let open = Limits {
                zset_entries: usize::MAX,
                zset_value: usize::MAX,
                ..*limits
            };
            let mut z = SortedSet::default();
            for p in entries.chunks(2) {
                let score = match &p[1] {
                    Entry::Int(n) => *n as f64,
                    // Written by `d2string`: `%.17g`, `inf` or `-inf`.
                    Entry::Bytes(b) => std::str::from_utf8(b).ok()?.parse().ok()?,
                };
                z.insert(p[0].to_bytes(), score, &open);
            }
            if z.len() > limits.zset_entries {
                z.to_skiplist();
            }
            Value::ZSet(z)
        }
        TYPE_LIST_QUICKLIST_2 => {
            let nodes = r.len()?;
            let mut l = List::new();
            for _ in 0..nodes {
                let container = r.len()?;
                let data = r.string()?;
                match container {
                    1 if !data.is_empty() => l.push_back(data),
                    2 => l.extend(listpack::read(&data)?.iter().map(Entry::to_bytes)),
                    _ => return None,
                }
            }
            Value::List(l)
        }
        TYPE_STREAM_LISTPACKS_2 => Value::Stream(Box::new(stream(&mut r)?)),
        _ => return None,
    };
    (!value.is_empty_collection()).then_some(value)
}

/// An intset blob: kept as one unless it holds more than `set-max-intset-entries`.
fn intset(blob: &[u8], limits: &Limits) -> Option<SetValue> {
    let width = u32::from_le_bytes(blob.get(..4)?.try_into().ok()?) as usize;
    let n = u32::from_le_bytes(blob.get(4..8)?.try_into().ok()?) as usize;
    if ![2, 4, 8].contains(&width) || blob.len() != 8 + n.checked_mul(width)? {
        return None;
    }
    let mut members: Vec<i64> = blob[8..]
        .chunks(width)
        .map(|c| {
            let mut raw = [0u8; 8];
            raw[..width].copy_from_slice(c);
            let shift = 64 - 8 * width as u32;
            ((u64::from_le_bytes(raw) << shift) as i64) >> shift
        })
        .collect();
    if n > limits.intset_entries {
        let mut d = Dict::default();
        for m in members {
            d.insert(m.to_string().into_bytes(), ());
        }
        return Some(SetValue::Table(d));
    }
    members.sort_unstable();
    members.dedup();
    Some(SetValue::Intset(members))
}

/// A stream: nodes (their live entries and counters), then counters and groups.
fn stream(r: &mut Reader) -> Option<Stream> {
    let mut s = Stream::default();
    for _ in 0..r.len()? {
        let key = r.string()?;
        if key.len() != 16 {
            return None;
        }
        let master = StreamId {
            ms: u64::from_be_bytes(key[..8].try_into().ok()?),
            seq: u64::from_be_bytes(key[8..].try_into().ok()?),
        };
        let lp = r.string()?;
        let entries = listpack::read(&lp)?;
        let node = stream_node(&mut s, master, &entries, lp.len())?;
        s.insert_node(master, node);
    }
    let length = r.len()?;
    let mut ids = [StreamId::default(); 3];
    for id in &mut ids {
        *id = StreamId {
            ms: r.len()?,
            seq: r.len()?,
        };
    }
    [s.last_id, s.first_id, s.max_deleted] = ids;
    s.entries_added = r.len()?;
    if length != s.len() {
        return None;
    }
    for _ in 0..r.len()? {
        let name = r.string()?;
        let last = StreamId {
            ms: r.len()?,
            seq: r.len()?,
        };
        let mut g = Group::new(last, r.len()? as i64);
        for _ in 0..r.len()? {
            let id = r.raw_id()?;
            let delivered_at = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
            let deliveries = r.len()?;
            let nack = Nack {
                consumer: Vec::new(),
                delivered_at,
                deliveries,
            };
            g.pel.insert(id, nack);
        }
        for _ in 0..r.len()? {
            let cname = r.string()?;
            let seen_at = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
            let mut c = Consumer {
                seen_at,
                ..Consumer::default()
            };
            for _ in 0..r.len()? {
                let id = r.raw_id()?;
                // Every consumer's pending ID is in the group's list, owned once.
                let nack = g.pel.get_mut(&id)?;
                if !nack.consumer.is_empty() {
                    return None;
                }
                nack.consumer = cname.clone();
                c.pel.insert(id, ());
            }
            g.consumers.insert(cname, c);
        }
        if g.pel.values().any(|n| n.consumer.is_empty()) {
            return None;
        }
        s.groups.insert(name, g);
    }
    Some(s)
}

/// One node's listpack: the master entry, then each entry (live ones kept).
fn stream_node(s: &mut Stream, master: StreamId, e: &[Entry], lp_len: usize) -> Option<LpNode> {
    let int = |i: usize| match e.get(i)? {
        Entry::Int(n) => Some(*n),
        Entry::Bytes(_) => None,
    };
    let (live, deleted, nfields) = (int(0)?, int(1)?, usize::try_from(int(2)?).ok()?);
    let fields: Vec<Bytes> = e
        .get(3..3usize.checked_add(nfields)?)?
        .iter()
        .map(Entry::to_bytes)
        .collect();
    let mut at = 3 + nfields + 1;
    let (mut seen_live, mut seen_deleted) = (0, 0);
    let mut last = master;
    while at < e.len() {
        let flags = int(at)?;
        let id = StreamId {
            ms: master.ms.wrapping_add(int(at + 1)? as u64),
            seq: master.seq.wrapping_add(int(at + 2)? as u64),
        };
        at += 3;
        let pairs: Vec<Bytes> = if flags & 2 != 0 {
            let values = e.get(at..at.checked_add(nfields)?)?;
            at += nfields;
            fields
                .iter()
                .zip(values)
                .flat_map(|(f, v)| [f.clone(), v.to_bytes()])
                .collect()
        } else {
            let n = usize::try_from(int(at)?).ok()?;
            let end = n.checked_mul(2)?.checked_add(at + 1)?;
            let items = e.get(at + 1..end)?;
            at = end;
            items.iter().map(Entry::to_bytes).collect()
        };
        at += 1; // lp-count
        if flags & 1 != 0 {
            seen_deleted += 1;
            s.tombstones.insert(id, pairs);
        } else {
            seen_live += 1;
            s.entries.insert(id, pairs);
        }
        last = id;
    }
    if at != e.len() || seen_live != live || seen_deleted != deleted || live == 0 && deleted == 0 {
        return None;
    }
    let counters = int_len(live) + int_len(deleted);
    Some(LpNode {
        fields,
        live: live as u64,
        deleted: deleted as u64,
        body: lp_len.checked_sub(7 + counters)?,
        last,
    })
}

/// A listpack integer element's bytes with its back length.
fn int_len(v: i64) -> usize {
    match v {
        0..=127 => 2,
        -4096..=4095 => 3,
        -32768..=32767 => 4,
        -8388608..=8388607 => 5,
        -2147483648..=2147483647 => 6,
        _ => 10,
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    /// `rdbLoadLenByRef`: the length, or `Err(encoding)` for a special string encoding.
    fn len_or_encoding(&mut self) -> Option<Result<u64, u8>> {
        let b = self.byte()?;
        Some(match b >> 6 {
            0 => Ok((b & 0x3f) as u64),
            1 => Ok((((b & 0x3f) as u64) << 8) | self.byte()? as u64),
            3 => Err(b & 0x3f),
            _ if b == 0x80 => Ok(u32::from_be_bytes(self.take(4)?.try_into().ok()?) as u64),
            _ if b == 0x81 => Ok(u64::from_be_bytes(self.take(8)?.try_into().ok()?)),
            _ => return None,
        })
    }

    fn len(&mut self) -> Option<u64> {
        self.len_or_encoding()?.ok()
    }

    /// `rdbGenericLoadStringObject`: integer encodings, LZF, or length and bytes.
    fn string(&mut self) -> Option<Bytes> {
        match self.len_or_encoding()? {
            Ok(n) => Some(self.take(usize::try_from(n).ok()?)?.to_vec()),
            Err(0) => Some((self.byte()? as i8).to_string().into_bytes()),
            Err(1) => Some(
                i16::from_le_bytes(self.take(2)?.try_into().ok()?)
                    .to_string()
                    .into_bytes(),
            ),
            Err(2) => Some(
                i32::from_le_bytes(self.take(4)?.try_into().ok()?)
                    .to_string()
                    .into_bytes(),
            ),
            Err(3) => {
                let clen = usize::try_from(self.len()?).ok()?;
                let len = usize::try_from(self.len()?).ok()?;
                let compressed = self.take(clen)?;
                lzf::decompress(compressed, len)
            }
            Err(_) => None,
        }
    }

    /// `rdbLoadDoubleValue`: a length-prefixed text, or 253/254/255 for nan/inf/-inf.
    fn text_double(&mut self) -> Option<f64> {
        match self.byte()? {
            255 => Some(f64::NEG_INFINITY),
            254 => Some(f64::INFINITY),
            253 => Some(f64::NAN),
            n => {
                let text = std::str::from_utf8(self.take(n as usize)?).ok()?;
                text.trim().parse().ok()
            }
        }
    }

    fn raw_id(&mut self) -> Option<StreamId> {
        let b = self.take(16)?;
        Some(StreamId {
            ms: u64::from_be_bytes(b[..8].try_into().ok()?),
            seq: u64::from_be_bytes(b[8..].try_into().ok()?),
        })
    }
}
