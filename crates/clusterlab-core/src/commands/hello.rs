//! HELLO (switches a connection between RESP2 and RESP3 and describes the server) and
//! AUTH, as the default user (whose password `requirepass` sets) or any ACL user.

use super::args::is;
use crate::node::Node;
use crate::reply::{Protocol, Reply};

/// The Redis version the simulation answers as.
pub const REDIS_VERSION: &str = "7.0.15";

/// `AUTH [username] password`.
pub fn auth(n: &mut Node, c: u64, args: &[Vec<u8>]) -> Reply {
    if args.len() > 3 {
        return Reply::err(super::args::ERR_SYNTAX);
    }
    let (user, password) = match args.len() {
        2 => (None, &args[1]),
        _ => (Some(&args[1][..]), &args[2]),
    };
    match n.authenticate(c, user, password, &args[0]) {
        Ok(()) => Reply::ok(),
        Err(e) => Reply::err(e.text()),
    }
}

/// `HELLO [protover [AUTH username password] [SETNAME clientname]]`, in Redis's order:
/// the version, then each option as it comes (AUTH authenticates at once), then the
/// authentication check, then the switch.
pub fn hello(n: &mut Node, c: u64, args: &[Vec<u8>]) -> Reply {
    let mut protocol = None;
    if let Some(v) = args.get(1) {
        protocol = match crate::keyspace::parse_canonical_i64(v) {
            None => return Reply::err("ERR Protocol version is not an integer or out of range"),
            Some(2) => Some(Protocol::Resp2),
            Some(3) => Some(Protocol::Resp3),
            Some(_) => return Reply::err("NOPROTO unsupported protocol version"),
        };
    }
    let mut j = 2;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if is(&args[j], "auth") && more >= 2 {
            if let Err(e) = n.authenticate(c, Some(&args[j + 1]), &args[j + 2], &args[0]) {
                return Reply::err(e.text());
            }
            j += 3;
        } else if is(&args[j], "setname") && more >= 1 {
            if let Err(e) = super::client::set_name(n, c, &args[j + 1]) {
                return e;
            }
            j += 2;
        } else {
            let opt = String::from_utf8_lossy(&args[j]);
            return Reply::err(super::sanitize_error(&format!(
                "ERR Syntax error in HELLO option '{opt}'"
            )));
        }
    }
    if !n.session(c).authenticated {
        return Reply::err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
    }
    if let Some(p) = protocol {
        n.session(c).protocol = p;
    }
    let proto = match n.protocol(c) {
        Protocol::Resp2 => 2,
        Protocol::Resp3 => 3,
    };
    let role = if n.is_master() { "master" } else { "replica" };
    Reply::Map(vec![
        (Reply::bulk("server"), Reply::bulk("redis")),
        (Reply::bulk("version"), Reply::bulk(REDIS_VERSION)),
        (Reply::bulk("proto"), Reply::int(proto)),
        (Reply::bulk("id"), Reply::int(c as i64 + 1)),
        (Reply::bulk("mode"), Reply::bulk("cluster")),
        (Reply::bulk("role"), Reply::bulk(role)),
        (Reply::bulk("modules"), Reply::array(vec![])),
    ])
}
