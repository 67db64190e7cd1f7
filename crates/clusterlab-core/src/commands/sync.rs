//! SYNC and PSYNC from a client (`syncCommand`): the client becomes a replica outside the
//! simulation. A full resync answers `+FULLRESYNC <replid> <offset>` (PSYNC only), then
//! the RDB file as a bulk without its final CRLF (the disk-based transfer a replica
//! without the EOF capability gets), then every write of the replication stream as it
//! happens. PSYNC continues (`+CONTINUE`) when the replica is already at this offset.

use super::args::parse_i64;
use crate::node::Node;
use crate::rdb::{self, Header};
use crate::reply::Reply;

pub fn sync(n: &mut Node, client: u64, args: &[Vec<u8>]) -> Reply {
    // Already a replica (or monitoring): ignored.
    if n.repl.streams.contains(&client) || n.clients.monitors.contains(&client) {
        return Reply::Silent;
    }
    let psync = args[0].eq_ignore_ascii_case(b"psync");
    if psync && args.len() > 3 && args[3].eq_ignore_ascii_case(b"failover") {
        // A replica told to take over from its master (FAILOVER's last step) is not
        // modelled from a client.
        if n.is_master() {
            return Reply::err("ERR PSYNC FAILOVER can't be sent to a master.");
        }
        return Reply::err("ERR PSYNC FAILOVER replid must match my replid.");
    }
    if !n.is_master() && !n.repl.link_up() {
        return Reply::err("NOMASTERLINK Can't SYNC while not connected with my master");
    }
    let mut out = Vec::new();
    if psync {
        let offset = match parse_i64(&args[2]) {
            Ok(o) => o,
            Err(e) => return e,
        };
        let replid = &args[1];
        let known = *replid == n.repl.replid.as_bytes()
            || n.repl.replid2.as_ref().is_some_and(|r| {
                *replid == r.as_bytes() && n.repl.second_offset.is_some_and(|s| offset as u64 <= s)
            });
        // The backlog's bytes are not kept: only a replica with nothing to catch up
        // continues.
        if n.repl.backlog && known && offset as u64 == n.repl.offset + 1 {
            n.repl.streams.push(client);
            return Reply::Raw(format!("+CONTINUE {}\r\n", n.repl.replid).into_bytes());
        }
        out.extend_from_slice(
            format!("+FULLRESYNC {} {}\r\n", n.repl.replid, n.repl.offset)
                .into_bytes()
                .as_slice(),
        );
    }
    n.stats.sync_full += 1;
    n.repl.backlog = true;
    n.repl.db_selected = false;
    n.repl.streams.push(client);
    let file = rdb_file(n);
    out.extend_from_slice(format!("${}\r\n", file.len()).as_bytes());
    out.extend_from_slice(&file);
    Reply::Raw(out)
}

/// `REPLICAOF host port` and `SLAVEOF`: cluster mode sets up replication itself
/// (CLUSTER REPLICATE).
pub fn replicaof(_n: &mut Node, _c: u64, _args: &[Vec<u8>]) -> Reply {
    Reply::err("ERR REPLICAOF not allowed in cluster mode.")
}

/// `FAILOVER [TO host port] …`: cluster mode has CLUSTER FAILOVER instead.
pub fn failover(_n: &mut Node, _c: u64, _args: &[Vec<u8>]) -> Reply {
    Reply::err("ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.")
}

/// The dataset as an RDB file, with this node's replication ID and offset.
fn rdb_file(n: &Node) -> Vec<u8> {
    let now = n.now;
    let header = Header {
        ctime: n.unix_ms(now) / 1000,
        used_mem: super::info::used_memory(n),
        repl_id: n.repl.replid.clone(),
        repl_offset: n.repl.offset,
    };
    let keys: Vec<rdb::Key> = n
        .keyspace
        .keys()
        .filter(|k| n.keyspace.is_live(k, now))
        .filter_map(|k| {
            let v = n.keyspace.get(k, now)?;
            let at = n.keyspace.expiry(k).map(|t| n.unix_ms(t));
            Some((k.as_slice(), v, at))
        })
        .collect();
    rdb::file(&header, &keys, &n.rdb_shape())
}
