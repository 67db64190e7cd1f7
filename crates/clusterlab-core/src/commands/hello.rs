//! HELLO: switches a connection between RESP2 and RESP3 and describes the server.

use super::args::is;
use crate::node::Node;
use crate::reply::{Protocol, Reply};

/// The Redis version the simulation answers as.
pub const REDIS_VERSION: &str = "7.0.15";

/// `HELLO [protover [AUTH username password] [SETNAME clientname]]`, checked in Redis's
/// order: the version, every option, the credentials, the name, then the switch.
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
    let mut user = None;
    let mut name = None;
    let mut j = 2;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if is(&args[j], "auth") && more >= 2 {
            user = Some(&args[j + 1]);
            j += 3;
        } else if is(&args[j], "setname") && more >= 1 {
            name = Some(&args[j + 1]);
            j += 2;
        } else {
            let opt = String::from_utf8_lossy(&args[j]);
            return Reply::err(super::sanitize_error(&format!(
                "ERR Syntax error in HELLO option '{opt}'"
            )));
        }
    }
    // The default user has no password (`nopass`); there are no other users.
    if user.is_some_and(|u| u.as_slice() != b"default") {
        return Reply::err("WRONGPASS invalid username-password pair or user is disabled.");
    }
    if let Some(name) = name {
        if let Err(e) = super::client::set_name(n, c, name) {
            return e;
        }
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
