//! XREAD and XREADGROUP (`xreadCommand`): served at once when a stream has what the
//! client asked for, else blocked in simulated time with BLOCK (`node/blocking.rs`
//! serves them when an XADD arrives). Reads through a group deliver entries into its
//! pending list and replicate as the XCLAIMs that rebuild it.

use super::args::{is, parse_i64, ERR_SYNTAX};
use super::streams::{cstr, err_text, strict_id, Result};
use crate::node::stream_reads::{createconsumer_form, entry_reply, keyed, read_range, GroupRead};
use crate::node::{BlockedPop, Node, PopKind, StreamWait};
use crate::reply::Reply;
use crate::time::{SimDuration, SimTime};
use crate::types::stream::{Stream, StreamId};

type Bytes = Vec<u8>;

/// `streamReplyWithRangeFromConsumerPEL`: the consumer's own pending entries from
/// `start`, each delivered again (a deleted one comes back as its ID and nil).
fn read_history(s: &mut Stream, r: &GroupRead, start: StreamId, count: usize, now: u64) -> Reply {
    let Some(g) = s.groups.get(r.group) else {
        return Reply::array(Vec::new());
    };
    let ids: Vec<StreamId> = g
        .consumers
        .get(r.consumer)
        .map(|c| c.pel.from(&start).iter().map(|(i, _)| *i).collect())
        .unwrap_or_default();
    let take = if count == 0 { usize::MAX } else { count };
    let mut out = Vec::new();
    for id in ids.into_iter().take(take) {
        match s.get(id).map(<[Bytes]>::to_vec) {
            Some(pairs) => {
                out.push(entry_reply(id, &pairs));
                if let Some(n) = s.groups.get_mut(r.group).and_then(|g| g.pel.get_mut(&id)) {
                    n.delivered_at = now;
                    n.deliveries += 1;
                }
            }
            None => out.push(Reply::array(vec![
                Reply::bulk(id.text()),
                Reply::Array(None),
            ])),
        }
    }
    Reply::array(out)
}

pub fn xread(node: &mut Node, c: u64, args: &[Bytes]) -> Result {
    read_generic(node, c, args, false)
}

pub fn xreadgroup(node: &mut Node, c: u64, args: &[Bytes]) -> Result {
    read_generic(node, c, args, true)
}

fn read_generic(node: &mut Node, c: u64, args: &[Bytes], grouped: bool) -> Result {
    let (mut timeout, mut count) = (None, 0usize);
    let mut streams_at = 0;
    let mut group: Option<(&Bytes, &Bytes)> = None;
    let mut noack = false;
    let argc = args.len();
    let mut i = 1;
    while i < argc {
        let more = argc - i - 1;
        let o = &args[i];
        if is(o, "block") && more > 0 {
            i += 1;
            let ms = parse_i64(&args[i])
                .map_err(|_| Reply::err("ERR timeout is not an integer or out of range"))?;
            if ms < 0 {
                return Err(Reply::err("ERR timeout is negative"));
            }
            timeout = Some(ms as u64);
        } else if is(o, "count") && more > 0 {
            i += 1;
            count = parse_i64(&args[i])?.max(0) as usize;
        } else if is(o, "streams") && more > 0 {
            streams_at = i + 1;
            if (argc - streams_at) % 2 != 0 {
                return Err(Reply::err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."));
            }
            break;
        } else if is(o, "group") && more >= 2 {
            if !grouped {
                return Err(Reply::err(
                    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            group = Some((&args[i + 1], &args[i + 2]));
            i += 2;
        } else if is(o, "noack") {
            if !grouped {
                return Err(Reply::err(
                    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            noack = true;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        i += 1;
    }
    if streams_at == 0 {
        return Err(Reply::err(ERR_SYNTAX));
    }
    if grouped && group.is_none() {
        return Err(Reply::err("ERR Missing GROUP option for XREADGROUP"));
    }
    let n = (argc - streams_at) / 2;
    let keys = &args[streams_at..streams_at + n];
    let now = node.now;
    let mut ids = Vec::with_capacity(n);
    for (k, arg) in keys.iter().zip(&args[streams_at + n..]) {
        let s = node.keyspace.stream(k, now)?;
        if let Some((g, _)) = group {
            if !s.is_some_and(|s| s.groups.contains_key(g.as_slice())) {
                return Err(err_text(format!(
                    "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option",
                    cstr(k),
                    cstr(g)
                )));
            }
        }
        ids.push(if arg == b"$" {
            if grouped {
                return Err(Reply::err("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."));
            }
            s.map_or(StreamId::default(), |s| s.last_id)
        } else if arg == b">" {
            if !grouped {
                return Err(Reply::err("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."));
            }
            StreamId::MAX
        } else {
            strict_id(arg)?
        });
    }
    let now_ms = node.unix_ms(now);
    let read = group.map(|(g, consumer)| GroupRead {
        group: g,
        consumer,
        noack,
    });
    let mut served = Vec::new();
    let mut written = Vec::new();
    for (k, &gt) in keys.iter().zip(&ids) {
        let Ok(Some(s)) = node.keyspace.stream_mut(k, now) else {
            continue;
        };
        let (start, history) = match &read {
            Some(_) if gt != StreamId::MAX => (gt, true),
            Some(r) => {
                let last = s.groups.get(r.group).map_or(StreamId::MAX, |g| g.last_id);
                if s.is_empty() || s.last_valid() <= last {
                    continue;
                }
                (last, false)
            }
            None if !s.is_empty() && s.last_valid() > gt => (gt, false),
            None => continue,
        };
        let start = start.next().unwrap_or_default();
        if let Some(r) = &read {
            if let Some(g) = s.groups.get_mut(r.group) {
                if g.consumer(r.consumer, now_ms) && r.noack {
                    written.push(createconsumer_form(k, r));
                }
            }
        }
        let entries = match &read {
            Some(r) if history => read_history(s, r, start, count, now_ms),
            _ => read_range(s, k, start, count, read.as_ref(), now_ms, &mut written),
        };
        served.push((k.clone(), entries));
    }
    node.propagate_all(written);
    node.clients.unmodified = true;
    if !served.is_empty() {
        return Ok(keyed(node.protocol(c), served));
    }
    let Some(ms) = timeout else {
        return Ok(Reply::Array(None));
    };
    if !node.may_block() {
        return Ok(Reply::Array(None));
    }
    let deadline: Option<SimTime> = (ms > 0).then(|| now + SimDuration(ms));
    let wait = StreamWait {
        ids,
        count: if count == 0 { 1000 } else { count },
        group: group.map(|(g, consumer)| (g.clone(), consumer.clone(), noack)),
    };
    node.block_pop(BlockedPop {
        client: c,
        keys: keys.to_vec(),
        kind: PopKind::Stream(Box::new(wait)),
        deadline,
    });
    Ok(Reply::Silent)
}
