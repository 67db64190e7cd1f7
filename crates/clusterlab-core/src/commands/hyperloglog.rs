//! PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST (`hyperloglog.c`) over the byte-exact
//! representation in `types/hll.rs`. A HyperLogLog is a raw string; a command that
//! changes one (PFCOUNT refreshing the cached cardinality included) is replicated as
//! sent, as Redis propagates it.

use super::args::{is, ERR_WRONGTYPE};
use crate::keyspace::{StringWrite, Value};
use crate::node::Node;
use crate::reply::Reply;
use crate::types::hll::{self, Corrupt};

const ERR_NOT_HLL: &str = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const ERR_CORRUPT: &str = "INVALIDOBJ Corrupted HLL object detected";

fn corrupt(_: Corrupt) -> Reply {
    Reply::err(ERR_CORRUPT)
}

/// `isHLLObjectOrReply`: the key's bytes if it holds a valid HyperLogLog (None when
/// missing): WRONGTYPE for another type, and the HyperLogLog error for an integer-encoded
/// string or bytes without the header.
fn lookup(node: &Node, key: &[u8]) -> Result<Option<Vec<u8>>, Reply> {
    match node.keyspace.get(key, node.now) {
        None => Ok(None),
        Some(v @ Value::String(s)) => {
            let int = super::object::encoding(v, node.keyspace.written(key)) == "int";
            if int || !hll::is_valid(s) {
                Err(Reply::err(ERR_NOT_HLL))
            } else {
                Ok(Some(s.clone()))
            }
        }
        Some(_) => Err(Reply::err(ERR_WRONGTYPE)),
    }
}

/// Stores a HyperLogLog back as a raw string (`dbUnshareStringValue`), keeping its TTL.
fn store(node: &mut Node, key: &[u8], s: Vec<u8>) {
    node.keyspace.put_keep_ttl(key, Value::String(s), node.now);
    node.keyspace.set_written(key, StringWrite::InPlace);
}

fn max_bytes(node: &Node) -> u64 {
    node.config.hll_sparse_max_bytes
}

/// PFADD key [element ...]: 1 when a register changed or the key was created.
pub fn pfadd(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let key = &args[1];
    let (mut s, mut updated) = match lookup(node, key)? {
        Some(s) => (s, false),
        None => (hll::new_sparse(), true),
    };
    let limit = max_bytes(node);
    for element in &args[2..] {
        updated |= hll::add(&mut s, element, limit).map_err(corrupt)?;
    }
    if updated {
        hll::invalidate_cache(&mut s);
        node.propagate(args.to_vec());
    }
    store(node, key, s);
    Ok(Reply::int(i64::from(updated)))
}

/// PFCOUNT key [key ...]: one key's cardinality (cached in its header, refreshed when
/// stale), or the union's of several.
pub fn pfcount(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    if args.len() > 2 {
        let mut max = vec![0u8; 16384];
        for key in &args[1..] {
            if let Some(s) = lookup(node, key)? {
                hll::merge_into(&mut max, &s).map_err(corrupt)?;
            }
        }
        return Ok(Reply::int(hll::count_registers(&max) as i64));
    }
    let key = &args[1];
    let Some(mut s) = lookup(node, key)? else {
        return Ok(Reply::int(0));
    };
    let card = match hll::cached(&s) {
        Some(card) => card,
        None => {
            let card = hll::count_value(&s).map_err(corrupt)?;
            hll::set_cached(&mut s, card);
            node.propagate(args.to_vec());
            card
        }
    };
    store(node, key, s);
    Ok(Reply::int(card as i64))
}

/// PFMERGE destkey [sourcekey ...]: the registers' maximum over every key, destkey
/// included, written into destkey (dense if any input was).
pub fn pfmerge(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let mut max = vec![0u8; 16384];
    let mut dense = false;
    for key in &args[1..] {
        if let Some(s) = lookup(node, key)? {
            dense |= !hll::is_sparse(&s);
            hll::merge_into(&mut max, &s).map_err(corrupt)?;
        }
    }
    let key = &args[1];
    let mut s = lookup(node, key)?.unwrap_or_else(hll::new_sparse);
    if dense {
        hll::to_dense(&mut s).map_err(corrupt)?;
    }
    let limit = max_bytes(node);
    for (i, &m) in max.iter().enumerate() {
        if m != 0 {
            hll::raise(&mut s, i, m, limit).map_err(corrupt)?;
        }
    }
    hll::invalidate_cache(&mut s);
    store(node, key, s);
    node.propagate(args.to_vec());
    Ok(Reply::ok())
}

/// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: the key is looked up (and made raw)
/// before the subcommand is read.
pub fn pfdebug(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let key = &args[2];
    let Some(mut s) = lookup(node, key)? else {
        return Err(Reply::err("ERR The specified key does not exist"));
    };
    let was_sparse = hll::is_sparse(&s);
    let reply = debug(&mut s, args);
    // GETREG and TODENSE turn a sparse value dense, which replicas must do too.
    if was_sparse && !hll::is_sparse(&s) {
        node.propagate(args.to_vec());
    }
    store(node, key, s);
    reply
}

fn debug(s: &mut Vec<u8>, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let sub = String::from_utf8_lossy(&args[1]).into_owned();
    let known = ["getreg", "decode", "encoding", "todense"]
        .into_iter()
        .any(|w| is(&args[1], w));
    if !known {
        return Err(Reply::err(format!(
            "ERR Unknown PFDEBUG subcommand '{sub}'"
        )));
    }
    if args.len() != 3 {
        return Err(Reply::err(format!(
            "ERR Wrong number of arguments for the '{sub}' subcommand"
        )));
    }
    if is(&args[1], "getreg") {
        hll::to_dense(s).map_err(corrupt)?;
        let regs = hll::registers(s).map_err(corrupt)?;
        Ok(Reply::array(regs.into_iter().map(Reply::int).collect()))
    } else if is(&args[1], "decode") {
        if !hll::is_sparse(s) {
            return Err(Reply::err("ERR HLL encoding is not sparse"));
        }
        Ok(Reply::bulk(hll::decode(s)))
    } else if is(&args[1], "encoding") {
        Ok(Reply::status(if hll::is_sparse(s) {
            "sparse"
        } else {
            "dense"
        }))
    } else {
        let was_sparse = hll::is_sparse(s);
        hll::to_dense(s).map_err(corrupt)?;
        Ok(Reply::int(i64::from(was_sparse)))
    }
}

/// PFSELFTEST: checks the register layout and the estimator, as Redis's self test does
/// for its own code.
pub fn pfselftest(_node: &mut Node, _c: u64, _args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let mut sparse = hll::new_sparse();
    let mut dense = hll::new_sparse();
    hll::to_dense(&mut dense).map_err(corrupt)?;
    for i in 0..1000u32 {
        let e = i.to_le_bytes();
        let a = hll::add(&mut sparse, &e, u64::MAX).map_err(corrupt)?;
        let b = hll::add(&mut dense, &e, 0).map_err(corrupt)?;
        if a != b {
            return Err(Reply::err("ERR TESTFAILED Register error"));
        }
    }
    if hll::registers(&sparse).ok() != hll::registers(&dense).ok() {
        return Err(Reply::err("ERR TESTFAILED Register error"));
    }
    Ok(Reply::ok())
}
