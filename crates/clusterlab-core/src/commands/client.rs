//! CLIENT: the subcommands a connection uses about itself (ID, GETNAME, SETNAME, INFO,
//! REPLY, NO-EVICT, GETREDIR), CLIENT LIST and CLIENT KILL, with Redis 7.0's subcommand
//! lookup; the others exist in Redis but are not modelled.

use super::args::is;
use crate::node::{ClientSession, Node, Output, ReplyMode};
use crate::reply::{Protocol, Reply};

/// Redis 7.0.15's CLIENT subcommands and their arities.
pub(crate) const SUBCOMMANDS: &[(&str, i32)] = &[
    ("caching", 3),
    ("getname", 2),
    ("getredir", 2),
    ("help", 2),
    ("id", 2),
    ("info", 2),
    ("kill", -3),
    ("list", -2),
    ("no-evict", 3),
    ("pause", -3),
    ("reply", 3),
    ("setname", 3),
    ("tracking", -3),
    ("trackinginfo", 2),
    ("unblock", -3),
    ("unpause", 2),
];

pub fn client(n: &mut Node, c: u64, args: &[Vec<u8>]) -> Reply {
    let sub = &args[1];
    if is(sub, "id") {
        // Redis numbers connections from 1 in the order they arrive.
        Reply::int(c as i64 + 1)
    } else if is(sub, "getname") {
        match &n.session(c).name {
            Some(name) => Reply::bulk(name.clone()),
            None => Reply::nil(),
        }
    } else if is(sub, "info") {
        let session = n.session(c).clone();
        let line = info_line(n, c, &session, c);
        Reply::Verbatim(line + "\n")
    } else if is(sub, "list") {
        list(n, c, &args[2..])
    } else if is(sub, "reply") {
        let mode = if is(&args[2], "on") {
            ReplyMode::On
        } else if is(&args[2], "off") {
            ReplyMode::Off
        } else if is(&args[2], "skip") {
            // SKIP while replies are off changes nothing.
            match n.session(c).reply_mode {
                ReplyMode::Off => ReplyMode::Off,
                _ => ReplyMode::SkipNext,
            }
        } else {
            return Reply::err(super::args::ERR_SYNTAX);
        };
        n.session(c).reply_mode = mode;
        // Only ON is answered; the others are silenced by the mode they set.
        Reply::ok()
    } else if is(sub, "no-evict") {
        if is(&args[2], "on") || is(&args[2], "off") {
            n.session(c).no_evict = is(&args[2], "on");
            Reply::ok()
        } else {
            Reply::err(super::args::ERR_SYNTAX)
        }
    } else if is(sub, "getredir") {
        // No client tracking: there is never a redirection.
        Reply::int(-1)
    } else if is(sub, "kill") {
        kill(n, c, &args[2..])
    } else if is(sub, "setname") {
        match set_name(n, c, &args[2]) {
            Ok(()) => Reply::ok(),
            Err(e) => e,
        }
    } else {
        let text = String::from_utf8_lossy(sub).to_ascii_uppercase();
        Reply::err(format!("ERR CLIENT {text} is not modelled by ClusterLab"))
    }
}

/// The address CLIENT LIST shows for a connection, and its local address.
/// A client's `ip:port` as its peer (`getClientPeerId`).
pub(super) fn peer_address(n: &Node, c: u64) -> String {
    addresses(n, c).0
}

fn addresses(n: &Node, c: u64) -> (String, String) {
    let me = n.myself();
    (
        format!("127.0.0.1:{}", 40_000 + c % 20_000),
        format!("{}:{}", me.ip, me.port),
    )
}

/// `CLIENT KILL addr` (the old form, which may kill the caller) or
/// `CLIENT KILL [ID id] [TYPE type] [USER name] [ADDR addr] [LADDR addr] [SKIPME yes|no]`.
fn kill(n: &mut Node, c: u64, opts: &[Vec<u8>]) -> Reply {
    let old_form = opts.len() == 1;
    let mut addr: Option<&[u8]> = None;
    let mut laddr: Option<&[u8]> = None;
    let mut user: Option<Option<Vec<u8>>> = None;
    let mut normal_only = false;
    let mut id: Option<u64> = None;
    let mut skipme = !old_form;
    if old_form {
        addr = Some(&opts[0]);
    } else {
        for pair in opts.chunks(2) {
            let [opt, value] = pair else {
                return Reply::err(super::args::ERR_SYNTAX);
            };
            if is(opt, "id") {
                match crate::keyspace::parse_canonical_i64(value).filter(|&v| v >= 1) {
                    Some(v) => id = Some(v as u64),
                    None => return Reply::err("ERR client-id should be greater than 0"),
                }
            } else if is(opt, "type") {
                let known = ["normal", "master", "replica", "slave", "pubsub"];
                if !known.iter().any(|k| is(value, k)) {
                    let t = String::from_utf8_lossy(value);
                    return Reply::err(super::sanitize_error(&format!(
                        "ERR Unknown client type '{t}'"
                    )));
                }
                // Replication links are not client connections here.
                normal_only = !is(value, "normal");
            } else if is(opt, "addr") {
                addr = Some(value);
            } else if is(opt, "laddr") {
                laddr = Some(value);
            } else if is(opt, "user") {
                if !n.acl.users.contains_key(value.as_slice()) {
                    let u = String::from_utf8_lossy(value);
                    return Reply::err(super::sanitize_error(&format!("ERR No such user '{u}'")));
                }
                user = Some((value.as_slice() != b"default").then(|| value.clone()));
            } else if is(opt, "skipme") {
                if is(value, "yes") {
                    skipme = true;
                } else if is(value, "no") {
                    skipme = false;
                } else {
                    return Reply::err(super::args::ERR_SYNTAX);
                }
            } else {
                return Reply::err(super::args::ERR_SYNTAX);
            }
        }
    }
    let victims: Vec<u64> = n
        .clients
        .sessions
        .iter()
        .filter(|&(&v, s)| {
            let (peer, local) = addresses(n, v);
            !normal_only
                && addr.is_none_or(|a| a == peer.as_bytes())
                && laddr.is_none_or(|a| a == local.as_bytes())
                && id.is_none_or(|id| id == v + 1)
                && user.as_ref().is_none_or(|u| *u == s.user)
                && !(skipme && v == c)
        })
        .map(|(&v, _)| v)
        .collect();
    for &v in &victims {
        if v == c {
            n.clients.close_after_reply = true;
        } else {
            n.disconnect_client(v);
            n.out.push(Output::CloseClient {
                client: v,
                after_reply: false,
            });
        }
    }
    match (old_form, victims.len()) {
        (true, 0) => Reply::err("ERR No such client"),
        (true, _) => Reply::ok(),
        (false, killed) => Reply::int(killed as i64),
    }
}

/// `clientSetName`: printable ASCII without spaces; empty clears the name.
pub(crate) fn set_name(n: &mut Node, c: u64, name: &[u8]) -> Result<(), Reply> {
    if name.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
        return Err(Reply::err(
            "ERR Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    n.session(c).name = (!name.is_empty()).then(|| name.to_vec());
    Ok(())
}

/// One line of CLIENT LIST, in Redis 7.0's field order. The simulation has no sockets or
/// allocator: `addr` is a made-up client port, `fd` counts from 8, and the buffer and
/// memory fields are those of an idle client on a real 7.0 server.
/// One client's CLIENT LIST line, as the command run by client `me` shows it.
pub(crate) fn info_line(n: &Node, c: u64, s: &ClientSession, me: u64) -> String {
    let (peer, local) = addresses(n, c);
    let mut flags = String::new();
    if s.queued.is_some() {
        flags.push('x');
    }
    if s.dirty_cas {
        flags.push('d');
    }
    if s.readonly {
        flags.push('r');
    }
    // `mstate.argv_len_sums`: each queued command's argument bytes and pointers.
    let queued = s.queued.as_ref().map_or(0, Vec::len);
    let queue_slots = if queued == 0 {
        0
    } else {
        queued.next_power_of_two().max(2) as u64
    };
    let multi_mem: u64 = s
        .queued
        .iter()
        .flatten()
        .map(|a| a.iter().map(|x| x.len() as u64).sum::<u64>() + 8 * a.len() as u64)
        .sum();
    if s.no_evict {
        flags.push('e');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    let secs = |t| n.unix_ms(t) / 1000;
    // Only the client running this command has unread bytes: its own request.
    let qbuf = if c == me { s.request_len } else { 0 };
    format!(
        "id={id} addr={peer} laddr={local} fd={fd} name={name} age={age} \
         idle={idle} flags={flags} db=0 sub=0 psub=0 ssub=0 multi={multi} qbuf={qbuf} \
         qbuf-free={free} argv-mem={argv} multi-mem={multi_mem} rbs=16384 rbp=16384 obl=0 oll=0 \
         omem=0 tot-mem={mem} events=r cmd={cmd} user={user} redir=-1 resp={resp}",
        id = c + 1,
        fd = 8 + c % 10_000,
        name = String::from_utf8_lossy(s.name.as_deref().unwrap_or_default()),
        // Both count whole seconds of Unix time, as `server.unixtime` does.
        age = secs(n.now).saturating_sub(secs(s.since)),
        idle = secs(n.now).saturating_sub(secs(s.last_at)),
        multi = s.queued.as_ref().map_or(-1, |q| q.len() as i64),
        free = s.query.alloc.saturating_sub(qbuf),
        argv = s.argv_mem,
        // The queue's array holds 2, 4, 8… entries of 24 bytes.
        mem = 37_632 + s.argv_mem + 16 + multi_mem + 24 * queue_slots,
        cmd = if s.last_command.is_empty() {
            "NULL"
        } else {
            &s.last_command
        },
        user = String::from_utf8_lossy(s.user.as_deref().unwrap_or(b"default")),
        resp = if s.protocol == Protocol::Resp3 { 3 } else { 2 },
    )
}

/// `CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id …]`: every client connection.
fn list(n: &Node, me: u64, filter: &[Vec<u8>]) -> Reply {
    let mut only_normal = true;
    let mut ids: Option<Vec<i64>> = None;
    match filter {
        [] => {}
        [kind, t] if is(kind, "type") => {
            let known = ["normal", "master", "replica", "slave", "pubsub"];
            if !known.iter().any(|k| is(t, k)) {
                let t = String::from_utf8_lossy(t);
                return Reply::err(super::sanitize_error(&format!(
                    "ERR Unknown client type '{t}'"
                )));
            }
            // Replication links are not client connections here: only normal clients.
            only_normal = is(t, "normal");
        }
        [kind, rest @ ..] if is(kind, "id") && !rest.is_empty() => {
            let mut wanted = Vec::new();
            for id in rest {
                match crate::keyspace::parse_canonical_i64(id) {
                    Some(v) => wanted.push(v),
                    _ => return Reply::err("ERR Invalid client ID"),
                }
            }
            ids = Some(wanted);
        }
        _ => return Reply::err(super::args::ERR_SYNTAX),
    }
    let mut text = String::new();
    for (&c, s) in &n.clients.sessions {
        let listed = only_normal && ids.as_ref().is_none_or(|w| w.contains(&(c as i64 + 1)));
        if listed {
            text.push_str(&info_line(n, c, s, me));
            text.push('\n');
        }
    }
    Reply::Verbatim(text)
}
