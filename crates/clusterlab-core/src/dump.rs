//! The serialised form of a value that MIGRATE carries and RESTORE reads: the simulation's
//! stand-in for Redis's DUMP payload (an RDB encoding, which is not modelled). Only the
//! simulation ever reads it.

use crate::keyspace::{Bytes, Hash, SetValue, SortedSet, Value};
use crate::types::stream::{Consumer, Group, LpNode, Nack, Stream, StreamId};
use crate::types::Limits;

const STRING: u8 = 0;
const LIST: u8 = 1;
const HASH: u8 = 2;
const SET: u8 = 3;
const ZSET: u8 = 4;
const STREAM: u8 = 5;

/// Serialises a value.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let count = |out: &mut Vec<u8>, n: usize| out.extend_from_slice(&(n as u32).to_le_bytes());
    match value {
        Value::String(s) => {
            out.push(STRING);
            put(&mut out, s);
        }
        Value::List(items) => {
            out.push(LIST);
            count(&mut out, items.len());
            for i in items {
                put(&mut out, i);
            }
        }
        Value::Hash(pairs) => {
            out.push(HASH);
            count(&mut out, pairs.len());
            for (f, v) in pairs.iter() {
                put(&mut out, f);
                put(&mut out, v);
            }
        }
        Value::Set(set) => {
            out.push(SET);
            count(&mut out, set.len());
            for m in set.iter() {
                put(&mut out, &m);
            }
        }
        Value::ZSet(z) => {
            out.push(ZSET);
            count(&mut out, z.len());
            for (score, member) in z.iter() {
                put(&mut out, member);
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
        Value::Stream(s) => {
            out.push(STREAM);
            stream_encode(&mut out, s);
        }
    }
    out
}

fn put(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

fn num(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn id(out: &mut Vec<u8>, i: StreamId) {
    num(out, i.ms);
    num(out, i.seq);
}

/// A stream whole: its counters, its nodes, its live entries and its groups.
fn stream_encode(out: &mut Vec<u8>, s: &Stream) {
    for i in [s.last_id, s.first_id, s.max_deleted] {
        id(out, i);
    }
    num(out, s.entries_added);
    num(out, s.nodes.len() as u64);
    for (m, n) in s.nodes.iter() {
        id(out, *m);
        num(out, n.fields.len() as u64);
        for f in &n.fields {
            put(out, f);
        }
        for v in [n.live, n.deleted, n.body as u64] {
            num(out, v);
        }
        id(out, n.last);
    }
    num(out, s.entries.len() as u64);
    for (i, pairs) in s.entries.iter() {
        id(out, *i);
        num(out, pairs.len() as u64);
        for p in pairs {
            put(out, p);
        }
    }
    num(out, s.groups.len() as u64);
    for (name, g) in s.groups.iter() {
        put(out, name);
        id(out, g.last_id);
        num(out, g.entries_read as u64);
        num(out, g.consumers.len() as u64);
        for (c, consumer) in g.consumers.iter() {
            put(out, c);
            num(out, consumer.seen_at);
        }
        num(out, g.pel.len() as u64);
        for (i, nack) in g.pel.iter() {
            id(out, *i);
            put(out, &nack.consumer);
            num(out, nack.delivered_at);
            num(out, nack.deliveries);
        }
    }
}

fn stream_decode(r: &mut Reader) -> Option<Stream> {
    let mut s = Stream {
        last_id: r.id()?,
        first_id: r.id()?,
        max_deleted: r.id()?,
        entries_added: r.num()?,
        ..Stream::default()
    };
    for _ in 0..r.num()? {
        let master = r.id()?;
        let fields = (0..r.num()?).map(|_| r.bytes()).collect::<Option<_>>()?;
        let node = LpNode {
            fields,
            live: r.num()?,
            deleted: r.num()?,
            body: r.num()? as usize,
            last: r.id()?,
        };
        s.insert_node(master, node);
    }
    for _ in 0..r.num()? {
        let i = r.id()?;
        let pairs = (0..r.num()?).map(|_| r.bytes()).collect::<Option<_>>()?;
        s.entries.insert(i, pairs);
    }
    for _ in 0..r.num()? {
        let name = r.bytes()?;
        let mut g = Group::new(r.id()?, r.num()? as i64);
        for _ in 0..r.num()? {
            let c = r.bytes()?;
            g.consumers.insert(
                c,
                Consumer {
                    seen_at: r.num()?,
                    ..Consumer::default()
                },
            );
        }
        for _ in 0..r.num()? {
            let i = r.id()?;
            let consumer = r.bytes()?;
            g.consumers.get_mut(&consumer)?.pel.insert(i, ());
            let nack = Nack {
                consumer,
                delivered_at: r.num()?,
                deliveries: r.num()?,
            };
            g.pel.insert(i, nack);
        }
        s.groups.insert(name, g);
    }
    Some(s)
}

/// Reads a serialised value back; `None` if the bytes are not one.
pub fn decode(bytes: &[u8], limits: &Limits) -> Option<Value> {
    let mut r = Reader { bytes, at: 0 };
    let value = match r.byte()? {
        STRING => Value::String(r.bytes()?),
        LIST => {
            let n = r.count()?;
            Value::List((0..n).map(|_| r.bytes()).collect::<Option<_>>()?)
        }
        HASH => {
            let n = r.count()?;
            let mut h = Hash::default();
            for _ in 0..n {
                let (f, v) = (r.bytes()?, r.bytes()?);
                h.prepare_for([&f, &v], limits);
                h.set(f, v, limits);
            }
            Value::Hash(h)
        }
        SET => {
            let n = r.count()?;
            let members: Vec<Bytes> = (0..n).map(|_| r.bytes()).collect::<Option<_>>()?;
            Value::Set(SetValue::from_members(members, limits))
        }
        ZSET => {
            let n = r.count()?;
            let mut z = SortedSet::default();
            for _ in 0..n {
                let member = r.bytes()?;
                let score = f64::from_le_bytes(r.take(8)?.try_into().ok()?);
                z.insert(member, score, limits);
            }
            Value::ZSet(z)
        }
        STREAM => Value::Stream(Box::new(stream_decode(&mut r)?)),
        _ => return None,
    };
    (r.at == bytes.len()).then_some(value)
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
    fn count(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }
    fn num(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn id(&mut self) -> Option<StreamId> {
        Some(StreamId {
            ms: self.num()?,
            seq: self.num()?,
        })
    }
    fn bytes(&mut self) -> Option<Bytes> {
        let n = self.count()?;
        Some(self.take(n)?.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips() {
        let lim = Limits::default();
        let mut z = SortedSet::default();
        z.insert(b"a".to_vec(), 1.5, &lim);
        z.insert(b"b".to_vec(), -2.0, &lim);
        let values = [
            Value::String(b"myvalue".to_vec()),
            Value::List([b"x".to_vec(), b"".to_vec()].into()),
            Value::Hash({
                let mut h = Hash::default();
                h.set(b"f".to_vec(), b"v".to_vec(), &lim);
                h
            }),
            Value::Set(SetValue::from_members([b"m".to_vec()], &lim)),
            Value::ZSet(z),
        ];
        for v in values {
            assert_eq!(decode(&encode(&v), &lim), Some(v));
        }
        assert_eq!(decode(b"", &lim), None);
        assert_eq!(decode(&[0, 9, 0, 0, 0, b'x'], &lim), None);
    }
}
