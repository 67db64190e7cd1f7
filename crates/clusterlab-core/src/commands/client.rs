//! CLIENT: the subcommands a connection uses about itself (ID, GETNAME, SETNAME), with
//! Redis 7.0's subcommand lookup; the others exist in Redis but are not modelled.

use super::args::is;
use crate::node::Node;
use crate::reply::Reply;

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
    } else if is(sub, "setname") {
        let name = &args[2];
        // `clientSetName`: printable ASCII without spaces; empty clears the name.
        if name.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
            return Reply::err(
                "ERR Client names cannot contain spaces, newlines or special characters.",
            );
        }
        n.session(c).name = (!name.is_empty()).then(|| name.clone());
        Reply::ok()
    } else {
        let text = String::from_utf8_lossy(sub).to_ascii_uppercase();
        Reply::err(format!("ERR CLIENT {text} is not modelled by ClusterLab"))
    }
}
