//! DUMP and RESTORE with Redis's own payload (`rdb/`): a value's RDB encoding, the RDB
//! version and a CRC64, so payloads move between the simulation and real servers.

use super::args::{is, parse_i64, ERR_SYNTAX};
use super::migrate::payload_error;
use crate::node::Node;
use crate::rdb;
use crate::reply::Reply;
use crate::time::SimTime;

/// `DUMP key`: the payload, or nil.
pub fn dump(n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let shape = n.rdb_shape();
    match n.keyspace.get(&args[1], n.now) {
        Some(v) => Reply::bulk(rdb::dump(v, &shape)),
        None => Reply::nil(),
    }
}

/// `RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]`, checked in
/// `restoreCommand`'s order: options, the key's absence, the TTL, the payload.
pub fn restore(n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq): (Option<i64>, Option<i64>) = (None, None);
    let mut j = 4;
    while j < args.len() {
        let more = args.len() - j - 1;
        let a = &args[j];
        if is(a, "replace") {
            replace = true;
        } else if is(a, "absttl") {
            absttl = true;
        } else if is(a, "idletime") && more >= 1 && freq.is_none() {
            let v = match parse_i64(&args[j + 1]) {
                Ok(v) => v,
                Err(e) => return e,
            };
            if v < 0 {
                return Reply::err("ERR Invalid IDLETIME value, must be >= 0");
            }
            idle = Some(v);
            j += 1;
        } else if is(a, "freq") && more >= 1 && idle.is_none() {
            let v = match parse_i64(&args[j + 1]) {
                Ok(v) => v,
                Err(e) => return e,
            };
            if !(0..=255).contains(&v) {
                return Reply::err("ERR Invalid FREQ value, must be >= 0 and <= 255");
            }
            freq = Some(v);
            j += 1;
        } else {
            return Reply::err(ERR_SYNTAX);
        }
        j += 1;
    }
    let key = &args[1];
    if !replace && n.keyspace.is_live(key, n.now) {
        return Reply::err("BUSYKEY Target key name already exists.");
    }
    let ttl = match parse_i64(&args[2]) {
        Ok(t) if t < 0 => return Reply::err("ERR Invalid TTL value, must be >= 0"),
        Ok(t) => t,
        Err(e) => return e,
    };
    let value = match rdb::restore(&args[3], &n.keyspace.limits) {
        Ok(v) => v,
        Err(e) => return Reply::err(payload_error(e)),
    };
    let deleted = replace && n.keyspace.remove(key);
    let now_unix = n.unix_ms(n.now) as i64;
    let at = if ttl != 0 && !absttl {
        ttl.saturating_add(now_unix)
    } else {
        ttl
    };
    // `checkAlreadyExpired`: a replica keeps what its master sends.
    if at != 0 && at <= now_unix && !n.myself().is_replica() {
        if deleted {
            n.propagate(vec![b"DEL".to_vec(), key.clone()]);
        }
        return Reply::ok();
    }
    let expires = (at != 0).then(|| SimTime((at as u64).saturating_sub(n.config().unix_epoch_ms)));
    n.keyspace.set_with_expiry(key.clone(), value, expires);
    if let Some(s) = idle {
        let at = (n.now.0 as i64).saturating_sub(s.saturating_mul(1000));
        n.keyspace.set_accessed(key, at);
    }
    // FREQ only counts under an LFU policy, which is not modelled (noeviction).
    let _ = freq;
    let mut propagated = args.to_vec();
    if at != 0 && !absttl {
        propagated[2] = at.to_string().into_bytes();
        propagated.push(b"ABSTTL".to_vec());
    }
    n.propagate(propagated);
    Reply::ok()
}
