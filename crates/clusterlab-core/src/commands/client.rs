//! CLIENT: the subcommands a connection uses about itself (ID, GETNAME, SETNAME, INFO)
//! and CLIENT LIST, with Redis 7.0's subcommand lookup; the others exist in Redis but are
//! not modelled.

use super::args::is;
use crate::node::{ClientSession, Node};
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
        let line = info_line(n, c, &session);
        Reply::Verbatim(line + "\n")
    } else if is(sub, "list") {
        list(n, &args[2..])
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
pub(crate) fn info_line(n: &Node, c: u64, s: &ClientSession) -> String {
    let me = n.myself();
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
    if flags.is_empty() {
        flags.push('N');
    }
    let qbuf = s.request_len;
    format!(
        "id={id} addr=127.0.0.1:{cport} laddr={ip}:{port} fd={fd} name={name} age={age} \
         idle={idle} flags={flags} db=0 sub=0 psub=0 ssub=0 multi={multi} qbuf={qbuf} \
         qbuf-free={free} argv-mem={argv} multi-mem={multi_mem} rbs=16384 rbp=16384 obl=0 oll=0 \
         omem=0 tot-mem={mem} events=r cmd={cmd} user={user} redir=-1 resp={resp}",
        id = c + 1,
        cport = 40_000 + c % 20_000,
        ip = me.ip,
        port = me.port,
        fd = 8 + c % 10_000,
        name = String::from_utf8_lossy(s.name.as_deref().unwrap_or_default()),
        age = n.now.since(s.since) / 1000,
        idle = n.now.since(s.last_at) / 1000,
        multi = s.queued.as_ref().map_or(-1, |q| q.len() as i64),
        free = 20_474u64.saturating_sub(qbuf),
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
fn list(n: &Node, filter: &[Vec<u8>]) -> Reply {
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
            text.push_str(&info_line(n, c, s));
            text.push('\n');
        }
    }
    Reply::Verbatim(text)
}
