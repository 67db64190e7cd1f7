//! The stream commands without consumer groups' bookkeeping: XADD XTRIM XDEL XLEN
//! XRANGE XREVRANGE XSETID, with Redis's argument order and the forms they replicate
//! as (the generated ID written out, `~` trimming as the `=` trim it came to).

use super::args::{is, parse_i64, ERR_SYNTAX};
pub(super) use crate::node::stream_reads::entry_reply;
use crate::node::Node;
use crate::reply::Reply;
use crate::types::stream::{parse_id, AddError, IdForm, Stream, StreamId, Trim};

pub(super) type Result = std::result::Result<Reply, Reply>;
type Bytes = Vec<u8>;

pub(super) const ERR_ID: &str = "ERR Invalid stream ID specified as stream command argument";

/// A strict ID argument (`-` and `+` refused), the sequence 0 when left out.
pub(super) fn strict_id(arg: &[u8]) -> std::result::Result<StreamId, Reply> {
    parse_id(arg, 0, IdForm::Strict)
        .map(|(id, _)| id)
        .ok_or_else(|| Reply::err(ERR_ID))
}

/// `streamParseIntervalIDOrReply` then the step past an exclusive `(` bound: the start
/// of a range (`end` false) or its end.
pub(super) fn bound(arg: &[u8], end: bool) -> std::result::Result<StreamId, Reply> {
    let missing = if end { u64::MAX } else { 0 };
    let exclusive = arg.len() > 1 && arg[0] == b'(';
    let form = if exclusive {
        IdForm::Strict
    } else {
        IdForm::Range
    };
    let text = if exclusive { &arg[1..] } else { arg };
    let (id, _) = parse_id(text, missing, form).ok_or_else(|| Reply::err(ERR_ID))?;
    if !exclusive {
        return Ok(id);
    }
    let stepped = if end { id.prev() } else { id.next() };
    stepped.ok_or_else(|| {
        Reply::err(if end {
            "ERR invalid end ID for the interval"
        } else {
            "ERR invalid start ID for the interval"
        })
    })
}

/// A key or group name as `%s` prints it: up to its first NUL byte.
pub(super) fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

/// An error whose text carries a client's argument (newlines become spaces).
pub(super) fn err_text(text: String) -> Reply {
    Reply::err(super::sanitize_error(&text))
}

/// XADD's and XTRIM's options (`streamParseAddOrTrimArgsOrReply`).
struct TrimArgs {
    rule: Option<Trim>,
    approx: bool,
    limit: u64,
    /// Where the MAXLEN count or the MINID ID is, for the rewrite.
    arg_at: usize,
    nomkstream: bool,
    id: Option<(StreamId, bool)>,
    /// XADD: where the ID is.
    id_at: usize,
}

fn trim_args(node: &Node, args: &[Bytes], xadd: bool) -> std::result::Result<TrimArgs, Reply> {
    let mut t = TrimArgs {
        rule: None,
        approx: false,
        limit: 0,
        arg_at: 0,
        nomkstream: false,
        id: None,
        id_at: 0,
    };
    let mut limit_given = false;
    let argc = args.len();
    let mut i = 2;
    while i < argc {
        let more = argc - 1 - i;
        let opt = &args[i];
        let maxlen = is(opt, "maxlen");
        if xadd && opt == b"*" {
            break;
        } else if (maxlen || is(opt, "minid")) && more > 0 {
            if t.rule.is_some() {
                return Err(Reply::err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"));
            }
            let next = &args[i + 1];
            t.approx = more >= 2 && next == b"~";
            if more >= 2 && (next == b"~" || next == b"=") {
                i += 1;
            }
            t.rule = Some(if maxlen {
                let n = parse_i64(&args[i + 1])?;
                if n < 0 {
                    return Err(Reply::err("ERR The MAXLEN argument must be >= 0."));
                }
                Trim::MaxLen(n as u64)
            } else {
                Trim::MinId(strict_id(&args[i + 1])?)
            });
            i += 1;
            t.arg_at = i;
        } else if is(opt, "limit") && more > 0 {
            let n = parse_i64(&args[i + 1])?;
            if n < 0 {
                return Err(Reply::err("ERR The LIMIT argument must be >= 0."));
            }
            t.limit = n as u64;
            limit_given = true;
            i += 1;
        } else if xadd && is(opt, "nomkstream") {
            t.nomkstream = true;
        } else if xadd {
            t.id = Some(parse_id(opt, 0, IdForm::Add).ok_or_else(|| Reply::err(ERR_ID))?);
            break;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        i += 1;
    }
    t.id_at = i;
    if t.limit != 0 && t.rule.is_none() {
        return Err(Reply::err(
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && t.rule.is_none() {
        return Err(Reply::err(
            "ERR syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    if node.clients.from_master {
        t.limit = 0;
    } else if limit_given {
        if !t.approx {
            return Err(Reply::err(
                "ERR syntax error, LIMIT cannot be used without the special ~ option",
            ));
        }
    } else if t.approx {
        // At most 100 nodes' worth, within Redis's bounds.
        t.limit = match node.keyspace.limits.stream_entries.saturating_mul(100) {
            0 => 10_000,
            n => n.min(1_000_000),
        };
    } else {
        t.limit = 0;
    }
    Ok(t)
}

/// Trims as the options say; an approximate trim is replicated as the exact trim it
/// came to (`streamRewriteTrimArgument`).
fn apply_trim(s: &mut Stream, t: &TrimArgs, written: &mut [Bytes]) -> u64 {
    let Some(rule) = t.rule else { return 0 };
    let removed = s.trim(rule, t.approx, t.limit);
    if t.approx {
        written[t.arg_at - 1] = b"=".to_vec();
        written[t.arg_at] = match rule {
            Trim::MaxLen(_) => s.len().to_string().into_bytes(),
            Trim::MinId(_) => s.first_with_tombstones().text(),
        };
    }
    removed
}

/// `XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value …`.
pub fn xadd(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let t = trim_args(node, args, true)?;
    let fields_at = t.id_at + 1;
    if args.len() < fields_at + 2 || (args.len() - fields_at) % 2 == 1 {
        return Err(super::arity_error("xadd"));
    }
    if let Some((id, true)) = t.id {
        if id == StreamId::default() {
            return Err(Reply::err(
                "ERR The ID specified in XADD must be greater than 0-0",
            ));
        }
    }
    let (now, key) = (node.now, &args[1]);
    if node.keyspace.stream(key, now)?.is_none() && t.nomkstream {
        node.clients.unmodified = true;
        return Ok(Reply::nil());
    }
    let now_ms = node.unix_ms(now);
    let limits = node.keyspace.limits;
    let s = node.keyspace.stream_or_create(key, now)?;
    if s.last_id == StreamId::MAX {
        return Err(Reply::err(
            "ERR The stream has exhausted the last possible ID, unable to add more items",
        ));
    }
    let id = s
        .add(&args[fields_at..], t.id, now_ms, &limits)
        .map_err(|e| match e {
            AddError::NotAfterTop => Reply::err(
                "ERR The ID specified in XADD is equal or smaller than the target stream top item",
            ),
            AddError::TooLarge => Reply::err("ERR Elements are too large to be stored"),
        })?;
    let mut written = args.to_vec();
    apply_trim(s, &t, &mut written);
    if !matches!(t.id, Some((_, true))) {
        written[t.id_at] = id.text();
    }
    node.propagate(written);
    Ok(Reply::bulk(id.text()))
}

/// `XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]`.
pub fn xtrim(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let t = trim_args(node, args, false)?;
    let Some(s) = node.keyspace.stream_mut(&args[1], node.now)? else {
        return Ok(Reply::int(0));
    };
    let mut written = args.to_vec();
    let removed = apply_trim(s, &t, &mut written);
    if removed > 0 {
        node.propagate(written);
    } else {
        node.clients.unmodified = true;
    }
    Ok(Reply::int(removed))
}

/// `XDEL key id …`: the key first, then every ID, then the deletes.
pub fn xdel(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let Some(s) = node.keyspace.stream_mut(&args[1], node.now)? else {
        return Ok(Reply::int(0));
    };
    let ids = args[2..]
        .iter()
        .map(|a| strict_id(a))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let deleted = s.delete_ids(&ids);
    if deleted > 0 {
        node.propagate(args.to_vec());
    } else {
        node.clients.unmodified = true;
    }
    Ok(Reply::int(deleted))
}

pub fn xlen(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let s = node.keyspace.stream(&args[1], node.now)?;
    Ok(Reply::int(s.map_or(0, |s| s.len())))
}

fn range_generic(node: &mut Node, args: &[Bytes], rev: bool) -> Result {
    let (start, end) = if rev {
        (&args[3], &args[2])
    } else {
        (&args[2], &args[3])
    };
    let start = bound(start, false)?;
    let end = bound(end, true)?;
    let mut count: i64 = -1;
    let mut j = 4;
    while j < args.len() {
        if is(&args[j], "count") && j + 1 < args.len() {
            count = parse_i64(&args[j + 1])?.max(0);
            j += 2;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
    }
    let Some(s) = node.keyspace.stream(&args[1], node.now)? else {
        return Ok(Reply::array(Vec::new()));
    };
    if count == 0 {
        return Ok(Reply::Array(None));
    }
    let take = usize::try_from(count.max(0)).unwrap_or(usize::MAX);
    let entries = s.range(start, end, take, rev);
    Ok(Reply::array(
        entries
            .into_iter()
            .map(|(i, p)| entry_reply(i, p))
            .collect(),
    ))
}

/// `XRANGE key start end [COUNT count]`.
pub fn xrange(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    range_generic(node, args, false)
}

/// `XREVRANGE key end start [COUNT count]`.
pub fn xrevrange(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    range_generic(node, args, true)
}

/// `XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]`.
pub fn xsetid(node: &mut Node, _c: u64, args: &[Bytes]) -> Result {
    let id = strict_id(&args[2])?;
    let mut added: i64 = -1;
    let mut max_deleted = StreamId::default();
    let mut i = 3;
    while i < args.len() {
        let more = i + 1 < args.len();
        if is(&args[i], "entriesadded") && more {
            added = parse_i64(&args[i + 1])?;
            if added < 0 {
                return Err(Reply::err("ERR entries_added must be positive"));
            }
        } else if is(&args[i], "maxdeletedid") && more {
            max_deleted = strict_id(&args[i + 1])?;
            if id < max_deleted {
                return Err(Reply::err("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"));
            }
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        i += 2;
    }
    let Some(s) = node.keyspace.stream_mut(&args[1], node.now)? else {
        return Err(Reply::err("ERR no such key"));
    };
    if !s.is_empty() {
        if id < s.last_valid() {
            return Err(Reply::err(
                "ERR The ID specified in XSETID is smaller than the target stream top item",
            ));
        }
        if added != -1 && s.len() > added as u64 {
            return Err(Reply::err("ERR The entries_added specified in XSETID is smaller than the target stream length"));
        }
    }
    s.last_id = id;
    if added != -1 {
        s.entries_added = added as u64;
    }
    if max_deleted != StreamId::default() {
        s.max_deleted = max_deleted;
    }
    node.propagate(args.to_vec());
    node.clients.unmodified = true;
    Ok(Reply::ok())
}
