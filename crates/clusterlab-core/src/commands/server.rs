//! Connection and server commands: PING ECHO SELECT ASKING READONLY READWRITE DBSIZE
//! FLUSHALL ROLE WAIT, and INFO's replication section.

use super::args::{is, parse_i64, ERR_SYNTAX};
use crate::node::{BlockedWait, Exec, Node, UpstreamState};
use crate::reply::Reply;
use crate::time::SimDuration;

pub fn ping(_n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match args.len() {
        1 => Reply::status("PONG"),
        2 => Reply::bulk(args[1].clone()),
        _ => super::arity_error("ping"),
    }
}

pub fn echo(_n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    Reply::bulk(args[1].clone())
}

/// `TIME`: the node's Unix time as seconds and microseconds (simulated time counts whole
/// milliseconds).
pub fn time(n: &mut Node, _c: u64, _args: &[Vec<u8>]) -> Reply {
    let ms = n.unix_ms(n.now);
    Reply::bulks(vec![
        (ms / 1000).to_string().into_bytes(),
        ((ms % 1000) * 1000).to_string().into_bytes(),
    ])
}

pub fn select(_n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    match parse_i64(&args[1]) {
        Err(e) => e,
        Ok(0) => Reply::ok(),
        Ok(n) if !(0..16).contains(&n) => Reply::err("ERR DB index is out of range"),
        Ok(_) => Reply::err("ERR SELECT is not allowed in cluster mode"),
    }
}

pub fn asking(_n: &mut Node, c: u64, _args: &[Vec<u8>]) -> Reply {
    _n.session(c).asking = true;
    Reply::ok()
}

pub fn readonly(n: &mut Node, c: u64, _args: &[Vec<u8>]) -> Reply {
    n.session(c).readonly = true;
    Reply::ok()
}

pub fn readwrite(n: &mut Node, c: u64, _args: &[Vec<u8>]) -> Reply {
    n.session(c).readonly = false;
    Reply::ok()
}

pub fn dbsize(n: &mut Node, _c: u64, _args: &[Vec<u8>]) -> Reply {
    Reply::int(n.keyspace.len() as i64)
}

pub fn flushall(n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    if args.len() > 2 || (args.len() == 2 && !is(&args[1], "sync") && !is(&args[1], "async")) {
        return Reply::err(ERR_SYNTAX);
    }
    // `scanDatabaseForDeletedStreams`: clients blocked on a stream that goes are tried.
    let now = n.now;
    let streams: Vec<Vec<u8>> = n
        .clients
        .blocked_pops
        .iter()
        .flat_map(|b| b.keys.iter())
        .filter(|k| n.keyspace.stream(k, now).is_ok_and(|s| s.is_some()))
        .cloned()
        .collect();
    n.keyspace.clear();
    for k in streams {
        n.signal_ready(&k);
    }
    n.propagate(args.to_vec());
    Reply::ok()
}

/// WAIT numreplicas timeout: blocks until enough replicas acknowledged this client's writes.
pub fn wait(n: &mut Node, client: u64, args: &[Vec<u8>]) -> Exec {
    if !n.is_master() {
        return Exec::Reply(Reply::err(
            "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.",
        ));
    }
    let numreplicas = match parse_i64(&args[1]) {
        Ok(v) => v,
        Err(e) => return Exec::Reply(e),
    };
    let timeout = match parse_i64(&args[2]) {
        Ok(t) if t < 0 => return Exec::Reply(Reply::err("ERR timeout is negative")),
        Ok(t) => t as u64,
        Err(_) => return Exec::Reply(Reply::err("ERR timeout is not an integer or out of range")),
    };
    let woff = n.session(client).woff;
    let acked = n.repl.acked(woff);
    if acked as i64 >= numreplicas {
        return Exec::Reply(Reply::int(acked as i64));
    }
    n.clients.blocked.push(BlockedWait {
        client,
        numreplicas: numreplicas.max(0) as usize,
        woff,
        deadline: (timeout > 0).then(|| n.now + SimDuration(timeout)),
    });
    n.repl.getack_pending = true;
    Exec::Blocked
}

/// Never called: WAIT is dispatched before the table's handlers because it can block.
pub fn wait_unused(_n: &mut Node, _c: u64, _args: &[Vec<u8>]) -> Reply {
    Reply::err("ERR internal: WAIT dispatched without blocking support")
}

pub fn role(n: &mut Node, _c: u64, _args: &[Vec<u8>]) -> Reply {
    let r = &n.repl;
    if n.is_master() {
        let replicas = r
            .replicas
            .iter()
            .filter(|x| x.sync_at.is_none())
            .map(|x| {
                Reply::array(vec![
                    Reply::bulk(x.ip.clone()),
                    Reply::bulk(x.port.to_string()),
                    Reply::bulk(x.ack_offset.to_string()),
                ])
            })
            .collect();
        Reply::array(vec![
            Reply::bulk("master"),
            Reply::int(r.offset as i64),
            Reply::array(replicas),
        ])
    } else {
        let (ip, port, state) = match &r.upstream {
            Some(u) => (
                u.ip.to_string(),
                i64::from(u.port),
                match u.state {
                    UpstreamState::Connected => "connected",
                    UpstreamState::Syncing => "sync",
                    UpstreamState::Disconnected => "connect",
                },
            ),
            None => (String::new(), 0, "connect"),
        };
        let offset = if r.link_up() { r.offset as i64 } else { -1 };
        Reply::array(vec![
            Reply::bulk("slave"),
            Reply::bulk(ip),
            Reply::int(port),
            Reply::bulk(state),
            Reply::int(offset),
        ])
    }
}

pub(crate) fn replication_section(n: &Node) -> String {
    let r = &n.repl;
    let mut s = String::from("# Replication\r\n");
    if n.is_master() {
        s.push_str("role:master\r\n");
    } else {
        s.push_str("role:slave\r\n");
        let (ip, port) = r
            .upstream
            .as_ref()
            .map_or((String::new(), 0), |u| (u.ip.to_string(), u.port));
        let up = r.link_up();
        s.push_str(&format!("master_host:{ip}\r\nmaster_port:{port}\r\n"));
        s.push_str(&format!(
            "master_link_status:{}\r\n",
            if up { "up" } else { "down" }
        ));
        let last_io = r
            .upstream
            .as_ref()
            .map_or(-1, |u| (n.now.since(u.last_io) / 1000) as i64);
        s.push_str(&format!(
            "master_last_io_seconds_ago:{}\r\n",
            if up { last_io } else { -1 }
        ));
        s.push_str(&format!("master_sync_in_progress:{}\r\n", u8::from(!up)));
        if !up {
            let down = r
                .upstream
                .as_ref()
                .and_then(|u| u.down_since)
                .map_or(-1, |t| (n.now.since(t) / 1000) as i64);
            s.push_str(&format!("master_link_down_since_seconds:{down}\r\n"));
        }
        let off = if up { r.offset } else { 0 };
        s.push_str(&format!(
            "slave_read_repl_offset:{off}\r\nslave_repl_offset:{off}\r\n"
        ));
        s.push_str("slave_priority:100\r\nslave_read_only:1\r\nreplica_announced:1\r\n");
    }
    s.push_str(&format!("connected_slaves:{}\r\n", r.replicas.len()));
    for (i, x) in r.replicas.iter().enumerate() {
        let (state, offset, lag) = match x.sync_at {
            Some(_) => ("wait_bgsave", 0, 0),
            None => ("online", x.ack_offset, n.now.since(x.ack_time) / 1000),
        };
        s.push_str(&format!(
            "slave{i}:ip={},port={},state={state},offset={offset},lag={lag}\r\n",
            x.ip, x.port
        ));
    }
    s.push_str("master_failover_state:no-failover\r\n");
    s.push_str(&format!("master_replid:{}\r\n", r.replid));
    s.push_str(&format!(
        "master_replid2:{}\r\n",
        r.replid2
            .as_deref()
            .unwrap_or("0000000000000000000000000000000000000000")
    ));
    s.push_str(&format!(
        "master_repl_offset:{}\r\nsecond_repl_offset:{}\r\n",
        r.offset,
        r.second_offset.map_or(-1, |o| o as i64)
    ));
    if r.backlog || !n.is_master() && r.link_up() {
        s.push_str("repl_backlog_active:1\r\nrepl_backlog_size:1048576\r\n");
        s.push_str(&format!(
            "repl_backlog_first_byte_offset:1\r\nrepl_backlog_histlen:{}\r\n",
            r.offset
        ));
    } else {
        s.push_str("repl_backlog_active:0\r\nrepl_backlog_size:1048576\r\n");
        s.push_str("repl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n");
    }
    s
}
