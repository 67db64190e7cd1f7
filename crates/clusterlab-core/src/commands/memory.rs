//! MEMORY USAGE and MEMORY HELP (`memoryCommand`). USAGE answers the simulation's own
//! estimate of a key (its name, a dictionary entry and the value), the same that INFO's
//! `used_memory` adds up; a real server asks jemalloc. The allocator's reports (STATS,
//! DOCTOR, MALLOC-STATS, PURGE) are not modelled.

use super::args::{is, parse_i64, ERR_SYNTAX};
use crate::node::Node;
use crate::reply::Reply;

/// Redis 7.0.15's MEMORY subcommands and their arities.
pub(crate) const SUBCOMMANDS: &[(&str, i32)] = &[
    ("doctor", 2),
    ("help", 2),
    ("malloc-stats", 2),
    ("purge", 2),
    ("stats", 2),
    ("usage", -3),
];

pub fn memory(n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let sub = &args[1];
    if is(sub, "help") {
        return super::help_reply(
            "MEMORY",
            &[
                "DOCTOR",
                "    Return memory problems reports.",
                "MALLOC-STATS",
                "    Return internal statistics report from the memory allocator.",
                "PURGE",
                "    Attempt to purge dirty pages for reclamation by the allocator.",
                "STATS",
                "    Return information about the memory usage of the server.",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).",
            ],
        );
    }
    if !is(sub, "usage") {
        let name = String::from_utf8_lossy(sub).to_ascii_uppercase();
        return Reply::err(format!("ERR MEMORY {name} is not modelled by ClusterLab"));
    }
    let mut j = 3;
    while j < args.len() {
        if is(&args[j], "samples") && j + 1 < args.len() {
            match parse_i64(&args[j + 1]) {
                Ok(s) if s < 0 => return Reply::err(ERR_SYNTAX),
                Ok(_) => {}
                Err(e) => return e,
            }
            j += 2;
        } else {
            return Reply::err(ERR_SYNTAX);
        }
    }
    let key = &args[2];
    match n.keyspace.get(key, n.now) {
        Some(v) => Reply::int(super::info::key_estimate(key, v)),
        None => Reply::nil(),
    }
}
