//! `XINFO STREAM|GROUPS|CONSUMERS|HELP`: a stream's counters, its groups and their
//! consumers, as `xinfoCommand` lays them out.

use super::args::{is, parse_i64};
use super::streams::{cstr, entry_reply, err_text, Result};
use crate::node::Node;
use crate::reply::Reply;
use crate::types::stream::{Stream, StreamId};

type Bytes = Vec<u8>;

pub(crate) const XINFO_SUBCOMMANDS: &[(&str, i32)] =
    &[("consumers", 4), ("groups", 3), ("help", 2), ("stream", -3)];

fn subcommand_error(sub: &[u8]) -> Reply {
    err_text(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try XINFO HELP.",
        cstr(sub).chars().take(128).collect::<String>()
    ))
}

fn s(text: &str) -> Reply {
    Reply::bulk(text)
}

fn id(i: StreamId) -> Reply {
    Reply::bulk(i.text())
}

fn read_counter(n: i64) -> Reply {
    if n == -1 {
        Reply::nil()
    } else {
        Reply::int(n)
    }
}

fn lag(st: &Stream, g: &crate::types::stream::Group) -> Reply {
    st.lag(g).map_or_else(Reply::nil, Reply::int)
}

pub fn xinfo(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let sub = &args[1];
    if is(sub, "help") {
        if args.len() != 2 {
            return Err(subcommand_error(sub));
        }
        return Ok(super::help_reply(
            "XINFO",
            &[
                "CONSUMERS <key> <groupname>",
                "    Show consumers of <groupname>.",
                "GROUPS <key>",
                "    Show the stream consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream.",
            ],
        ));
    }
    if args.len() < 3 {
        return Err(subcommand_error(sub));
    }
    let now_ms = node.unix_ms(node.now) as i64;
    let Some(st) = node.keyspace.stream(&args[2], node.now)? else {
        return Err(Reply::err("ERR no such key"));
    };
    if is(sub, "consumers") && args.len() == 4 {
        let Some(g) = st.groups.get(&args[3]) else {
            return Err(err_text(format!(
                "NOGROUP No such consumer group '{}' for key name '{}'",
                cstr(&args[3]),
                cstr(&args[2])
            )));
        };
        let consumers = g.consumers.iter().map(|(name, c)| {
            Reply::Map(vec![
                (s("name"), Reply::bulk(name.clone())),
                (s("pending"), Reply::int(c.pel.len() as i64)),
                (s("idle"), Reply::int((now_ms - c.seen_at as i64).max(0))),
            ])
        });
        Ok(Reply::array(consumers.collect()))
    } else if is(sub, "groups") && args.len() == 3 {
        let groups = st.groups.iter().map(|(name, g)| {
            Reply::Map(vec![
                (s("name"), Reply::bulk(name.clone())),
                (s("consumers"), Reply::int(g.consumers.len() as i64)),
                (s("pending"), Reply::int(g.pel.len() as i64)),
                (s("last-delivered-id"), id(g.last_id)),
                (s("entries-read"), read_counter(g.entries_read)),
                (s("lag"), lag(st, g)),
            ])
        });
        Ok(Reply::array(groups.collect()))
    } else if is(sub, "stream") {
        stream_info(st, &args[3..], sub)
    } else {
        Err(subcommand_error(sub))
    }
}

/// `XINFO STREAM key [FULL [COUNT count]]`.
fn stream_info(st: &Stream, opts: &[Bytes], sub: &[u8]) -> Result {
    let full = !opts.is_empty();
    let mut count: i64 = 10;
    if full {
        if (opts.len() != 1 && opts.len() != 3)
            || !is(&opts[0], "full")
            || (opts.len() == 3 && !is(&opts[1], "count"))
        {
            return Err(subcommand_error(sub));
        }
        if opts.len() == 3 {
            count = parse_i64(&opts[2])?;
            if count < 0 {
                count = 10;
            }
        }
    }
    let mut m = vec![
        (s("length"), Reply::int(st.len() as i64)),
        (s("radix-tree-keys"), Reply::int(st.node_count() as i64)),
        (s("radix-tree-nodes"), Reply::int(st.rax_nodes() as i64)),
        (s("last-generated-id"), id(st.last_id)),
        (s("max-deleted-entry-id"), id(st.max_deleted)),
        (s("entries-added"), Reply::int(st.entries_added as i64)),
        (s("recorded-first-entry-id"), id(st.first_id)),
    ];
    let edge = |rev: bool| {
        st.range(StreamId::default(), StreamId::MAX, 1, rev)
            .first()
            .map_or_else(Reply::nil, |(i, p)| entry_reply(*i, p))
    };
    if !full {
        m.push((s("groups"), Reply::int(st.groups.len() as i64)));
        m.push((s("first-entry"), edge(false)));
        m.push((s("last-entry"), edge(true)));
        return Ok(Reply::Map(m));
    }
    let take = usize::try_from(count).unwrap_or(usize::MAX);
    let limit = if take == 0 { usize::MAX } else { take };
    let entries = st.range(StreamId::default(), StreamId::MAX, take, false);
    m.push((
        s("entries"),
        Reply::array(
            entries
                .into_iter()
                .map(|(i, p)| entry_reply(i, p))
                .collect(),
        ),
    ));
    let groups = st.groups.iter().map(|(name, g)| {
        let pending = g.pel.iter().take(limit).map(|(i, n)| {
            Reply::array(vec![
                id(*i),
                Reply::bulk(n.consumer.clone()),
                Reply::int(n.delivered_at as i64),
                Reply::int(n.deliveries as i64),
            ])
        });
        let consumers = g.consumers.iter().map(|(cn, c)| {
            let pel = c.pel.keys().take(limit).filter_map(|i| {
                let n = g.pel.get(i)?;
                Some(Reply::array(vec![
                    id(*i),
                    Reply::int(n.delivered_at as i64),
                    Reply::int(n.deliveries as i64),
                ]))
            });
            Reply::Map(vec![
                (s("name"), Reply::bulk(cn.clone())),
                (s("seen-time"), Reply::int(c.seen_at as i64)),
                (s("pel-count"), Reply::int(c.pel.len() as i64)),
                (s("pending"), Reply::array(pel.collect())),
            ])
        });
        Reply::Map(vec![
            (s("name"), Reply::bulk(name.clone())),
            (s("last-delivered-id"), id(g.last_id)),
            (s("entries-read"), read_counter(g.entries_read)),
            (s("lag"), lag(st, g)),
            (s("pel-count"), Reply::int(g.pel.len() as i64)),
            (s("pending"), Reply::array(pending.collect())),
            (s("consumers"), Reply::array(consumers.collect())),
        ])
    });
    m.push((s("groups"), Reply::array(groups.collect())));
    Ok(Reply::Map(m))
}
