//! FUNCTION, as far as `redis-cli --cluster add-node` uses it: a cluster without functions
//! dumps them as Redis 7.0.15 does, and restoring that dump works. Loading and running
//! functions (Lua) is not modelled.

use super::args::is;
use crate::node::Node;
use crate::reply::Reply;

/// Redis 7.0.15's FUNCTION subcommands and their arities.
pub(crate) const SUBCOMMANDS: &[(&str, i32)] = &[
    ("delete", 3),
    ("dump", 2),
    ("flush", -2),
    ("help", 2),
    ("kill", 2),
    ("list", -2),
    ("load", -3),
    ("restore", -3),
    ("stats", 2),
];

/// `FUNCTION DUMP` of a server without functions: RDB version 10 and its CRC64.
pub const EMPTY_DUMP: &[u8] = b"\n\x00]\x9b\\@\x0f\x7f\xa2\xda";

pub fn function(_n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let sub = &args[1];
    if is(sub, "dump") {
        Reply::bulk(EMPTY_DUMP)
    } else if is(sub, "list") {
        let mut i = 2;
        while i < args.len() {
            if is(&args[i], "withcode") {
                i += 1;
            } else if is(&args[i], "libraryname") && i + 1 < args.len() {
                i += 2;
            } else {
                let a = String::from_utf8_lossy(&args[i]);
                return Reply::err(super::sanitize_error(&format!("ERR Unknown argument {a}")));
            }
        }
        Reply::array(vec![])
    } else if is(sub, "restore") {
        if args[2] == EMPTY_DUMP {
            Reply::ok()
        } else {
            Reply::err("ERR DUMP payload version or checksum are wrong")
        }
    } else if is(sub, "flush") {
        Reply::ok()
    } else {
        let text = String::from_utf8_lossy(sub).to_ascii_uppercase();
        Reply::err(format!("ERR FUNCTION {text} is not modelled by ClusterLab"))
    }
}
