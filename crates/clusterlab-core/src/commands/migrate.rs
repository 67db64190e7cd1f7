//! MIGRATE and its other half, RESTORE-ASKING: keys move from one node to another over a
//! connection the source opens to the target (`node/migrate_link.rs`), as
//! `redis-cli --cluster reshard` moves them. The client waits for the target's answer;
//! Redis blocks the whole source meanwhile.

use super::args::{is, parse_i64, ERR_SYNTAX};
use crate::ip::IpText;
use crate::node::{
    Dest, Exec, MigrateMessage, MovingKey, Node, Outgoing, Payload, PendingMigrate, Via,
};
use crate::rdb::{self, PayloadError};
use crate::reply::Reply;
use crate::time::SimDuration;

/// `MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH pw]
/// [AUTH2 user pw] [KEYS key …]`, checked in `migrateCommand`'s order.
pub fn migrate(n: &mut Node, client: u64, args: &[Vec<u8>]) -> Exec {
    let mut copy = false;
    let mut replace = false;
    let mut auth: Option<(Option<Vec<u8>>, Vec<u8>)> = None;
    let mut keys: Vec<Vec<u8>> = vec![args[3].clone()];
    let mut j = 6;
    while j < args.len() {
        let more = args.len() - 1 - j;
        let a = &args[j];
        if is(a, "copy") {
            copy = true;
        } else if is(a, "replace") {
            replace = true;
        } else if is(a, "auth") || is(a, "auth2") {
            let two = is(a, "auth2");
            if more < if two { 2 } else { 1 } {
                return Exec::Reply(Reply::err(ERR_SYNTAX));
            }
            auth = Some(if two {
                (Some(args[j + 1].clone()), args[j + 2].clone())
            } else {
                (None, args[j + 1].clone())
            });
            j += if two { 2 } else { 1 };
        } else if is(a, "keys") {
            if !args[3].is_empty() {
                return Exec::Reply(Reply::err(
                    "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
                ));
            }
            keys = args[j + 1..].to_vec();
            break;
        } else {
            return Exec::Reply(Reply::err(ERR_SYNTAX));
        }
        j += 1;
    }
    let timeout = match parse_i64(&args[5]) {
        Ok(t) => t,
        Err(e) => return Exec::Reply(e),
    };
    let db = match parse_i64(&args[4]) {
        Ok(d) => d,
        Err(e) => return Exec::Reply(e),
    };
    let timeout = if timeout <= 0 { 1000 } else { timeout as u64 };
    let now = n.now;
    let shape = n.rdb_shape();
    let mut moving = Vec::new();
    for key in keys {
        let Some(value) = n.keyspace.get(&key, now) else {
            continue;
        };
        let ttl_ms = n.keyspace.expiry(&key).map_or(0, |at| at.since(now).max(1));
        moving.push(MovingKey {
            payload: rdb::dump(value, &shape),
            key,
            ttl_ms,
        });
    }
    if moving.is_empty() {
        return Exec::Reply(Reply::status("NOKEY"));
    }
    let host = String::from_utf8_lossy(&args[1]).into_owned();
    let Some(port) = std::str::from_utf8(&args[2])
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
    else {
        return Exec::Reply(Reply::err(
            "IOERR error or timeout connecting to the client",
        ));
    };
    n.migrate.next_id += 1;
    let id = n.migrate.next_id;
    n.migrate.pending.push(PendingMigrate {
        id,
        client,
        keys: moving.iter().map(|k| k.key.clone()).collect(),
        copy,
        deadline: now + SimDuration(timeout),
        host: host.clone(),
        port,
    });
    n.send(Outgoing {
        dest: Dest::Addr {
            ip: IpText::new(&host),
            port,
        },
        via: Via::SenderLink(0),
        payload: Payload::Migrate(MigrateMessage::Restore {
            id,
            auth,
            db,
            keys: moving,
            replace,
        }),
    });
    Exec::Blocked
}

impl Node {
    /// `RESTORE-ASKING key ttl payload [REPLACE]` on the target: routed as a command with
    /// the ASKING flag, so an IMPORTING slot accepts it.
    pub(crate) fn restore_asking(&mut self, k: MovingKey, replace: bool) -> Reply {
        const MIGRATE_CLIENT: u64 = u64::MAX;
        let args = vec![b"RESTORE-ASKING".to_vec(), k.key.clone()];
        self.session(MIGRATE_CLIENT).asking = true;
        let routed = self.route_keys(MIGRATE_CLIENT, &[k.key.as_slice()], true, &args);
        self.disconnect_client(MIGRATE_CLIENT);
        if let Some(redirect) = routed {
            return redirect;
        }
        if self.myself().is_replica() {
            return Reply::err("READONLY You can't write against a read only replica.");
        }
        if !replace && self.keyspace.is_live(&k.key, self.now) {
            return Reply::err("BUSYKEY Target key name already exists.");
        }
        let value = match rdb::restore(&k.payload, &self.keyspace.limits) {
            Ok(v) => v,
            Err(e) => return Reply::err(payload_error(e)),
        };
        let expires = (k.ttl_ms > 0).then(|| self.now + SimDuration(k.ttl_ms));
        self.keyspace.remove(&k.key);
        self.keyspace.set_with_expiry(k.key.clone(), value, expires);
        self.signal_ready(&k.key);
        // Replicas get it with an absolute TTL, as `restoreCommand` rewrites it.
        let mut command = vec![
            b"RESTORE-ASKING".to_vec(),
            k.key.clone(),
            expires
                .map_or(0, |t| self.unix_ms(t))
                .to_string()
                .into_bytes(),
            k.payload,
        ];
        if replace {
            command.push(b"REPLACE".to_vec());
        }
        if expires.is_some() {
            command.push(b"ABSTTL".to_vec());
        }
        self.propagate(command);
        self.touch_watched(&k.key);
        Reply::ok()
    }
}

/// RESTORE's text for a payload it cannot read.
pub(crate) fn payload_error(e: PayloadError) -> &'static str {
    match e {
        PayloadError::VersionOrChecksum => "ERR DUMP payload version or checksum are wrong",
        PayloadError::BadFormat => "ERR Bad data format",
    }
}
