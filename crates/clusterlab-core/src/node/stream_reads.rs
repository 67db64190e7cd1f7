//! What serving a stream read writes, shared by XREAD/XREADGROUP answered at once
//! (`commands/stream_read.rs`) and by the clients blocked on a stream
//! (`node/blocking.rs`): entries as replies show them, deliveries into a group's pending
//! list, and the XCLAIM and XGROUP forms that replicate them.

use crate::reply::{Protocol, Reply};
use crate::types::stream::{Nack, Stream, StreamId};

type Bytes = Vec<u8>;

/// One entry as replies show it: `[id, [field, value, …]]`.
pub fn entry_reply(id: StreamId, pairs: &[Bytes]) -> Reply {
    Reply::array(vec![
        Reply::bulk(id.text()),
        Reply::bulks(pairs.iter().cloned()),
    ])
}

/// `streamPropagateXCLAIM`: the idempotent XCLAIM that gives a replica the same
/// pending entry.
pub fn xclaim_form(key: &[u8], group: &[u8], id: Bytes, nack: &Nack, last: StreamId) -> Vec<Bytes> {
    let num = |n: u64| n.to_string().into_bytes();
    vec![
        b"XCLAIM".to_vec(),
        key.to_vec(),
        group.to_vec(),
        nack.consumer.clone(),
        b"0".to_vec(),
        id,
        b"TIME".to_vec(),
        num(nack.delivered_at),
        b"RETRYCOUNT".to_vec(),
        num(nack.deliveries),
        b"FORCE".to_vec(),
        b"JUSTID".to_vec(),
        b"LASTID".to_vec(),
        last.text(),
    ]
}

/// `XGROUP SETID key group id ENTRIESREAD n`, as a NOACK read replicates its progress.
pub fn setid_form(key: &[u8], group: &[u8], last: StreamId, read: i64) -> Vec<Bytes> {
    vec![
        b"XGROUP".to_vec(),
        b"SETID".to_vec(),
        key.to_vec(),
        group.to_vec(),
        last.text(),
        b"ENTRIESREAD".to_vec(),
        read.to_string().into_bytes(),
    ]
}

/// `XGROUP CREATECONSUMER key group consumer`, as a NOACK read replicates the consumer
/// it created.
pub fn createconsumer_form(key: &[u8], r: &GroupRead) -> Vec<Bytes> {
    vec![
        b"XGROUP".to_vec(),
        b"CREATECONSUMER".to_vec(),
        key.to_vec(),
        r.group.to_vec(),
        r.consumer.to_vec(),
    ]
}

/// A read through a group: who reads, and whether deliveries skip the pending list.
pub struct GroupRead<'a> {
    pub group: &'a [u8],
    pub consumer: &'a [u8],
    pub noack: bool,
}

/// `streamReplyWithRange` from `start` to the end, at most `count` entries (0: all),
/// through a group when one is given; the writes it replicates go to `out`.
pub fn read_range(
    s: &mut Stream,
    key: &[u8],
    start: StreamId,
    count: usize,
    read: Option<&GroupRead>,
    now: u64,
    out: &mut Vec<Vec<Bytes>>,
) -> Reply {
    let entries: Vec<(StreamId, Vec<Bytes>)> = s
        .range(start, StreamId::MAX, count, false)
        .into_iter()
        .map(|(i, p)| (i, p.to_vec()))
        .collect();
    let Some(r) = read else {
        return Reply::array(entries.iter().map(|(i, p)| entry_reply(*i, p)).collect());
    };
    let Some(mut g) = s.groups.remove(r.group) else {
        return Reply::array(Vec::new());
    };
    let mut moved = false;
    let mut replies = Vec::with_capacity(entries.len());
    for (id, pairs) in &entries {
        if *id > g.last_id {
            if g.entries_read != -1 && !s.has_tombstones_from(*id) {
                g.entries_read += 1;
            } else if s.entries_added > 0 {
                g.entries_read = s.estimate_read(*id);
            }
            g.last_id = *id;
            moved |= r.noack;
        }
        replies.push(entry_reply(*id, pairs));
        if !r.noack {
            g.deliver(*id, r.consumer, now);
            if let Some(nack) = g.pel.get(id) {
                out.push(xclaim_form(key, r.group, id.text(), nack, g.last_id));
            }
        }
    }
    if moved {
        out.push(setid_form(key, r.group, g.last_id, g.entries_read));
    }
    s.groups.insert(r.group.to_vec(), g);
    Reply::array(replies)
}

/// The reply of one key's entries: `[[key, entries], …]` in RESP2, a map in RESP3.
pub fn keyed(protocol: Protocol, items: Vec<(Bytes, Reply)>) -> Reply {
    if protocol == Protocol::Resp3 {
        Reply::Map(
            items
                .into_iter()
                .map(|(k, v)| (Reply::bulk(k), v))
                .collect(),
        )
    } else {
        Reply::array(
            items
                .into_iter()
                .map(|(k, v)| Reply::array(vec![Reply::bulk(k), v]))
                .collect(),
        )
    }
}
