//! MIGRATE and its other half, RESTORE-ASKING: keys move from one node to another over a
//! connection the source opens to the target, as `redis-cli --cluster reshard` moves them.
//! The client waits for the target's answer; Redis blocks the whole source meanwhile.

use super::args::{is, parse_i64, ERR_SYNTAX};
use crate::dump;
use crate::event::EventKind;
use crate::ip::IpText;
use crate::node::{Dest, Exec, Node, Output, Payload, Via};
use crate::reply::Reply;
use crate::time::{SimDuration, SimTime};

/// One key on its way: name, serialised value, remaining TTL in ms (0 = none).
#[derive(Clone, Debug, PartialEq)]
pub struct MovingKey {
    pub key: Vec<u8>,
    pub payload: Vec<u8>,
    pub ttl_ms: u64,
}

/// What travels on a MIGRATE connection.
#[derive(Clone, Debug, PartialEq)]
pub enum MigrateMessage {
    /// Source → target: `AUTH` if asked (`AUTH2`'s user name, or none), `SELECT db`, then
    /// one `RESTORE-ASKING` per key.
    Restore {
        id: u64,
        auth: Option<Option<Vec<u8>>>,
        db: i64,
        keys: Vec<MovingKey>,
        replace: bool,
    },
    /// Target → source: the AUTH and SELECT replies and one reply per RESTORE-ASKING.
    Replies {
        id: u64,
        auth: Option<Reply>,
        select: Reply,
        restores: Vec<Reply>,
    },
    /// Nobody accepted the connection.
    Refused { id: u64 },
}

/// A MIGRATE waiting for the target.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingMigrate {
    pub id: u64,
    pub client: u64,
    pub keys: Vec<Vec<u8>>,
    pub copy: bool,
    pub deadline: SimTime,
    /// The target as the client named it.
    pub host: String,
    pub port: u16,
}

/// `MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH pw]
/// [AUTH2 user pw] [KEYS key …]`, checked in `migrateCommand`'s order.
pub fn migrate(n: &mut Node, client: u64, args: &[Vec<u8>]) -> Exec {
    let mut copy = false;
    let mut replace = false;
    let mut auth: Option<Option<Vec<u8>>> = None;
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
            auth = Some(two.then(|| args[j + 1].clone()));
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
    let mut moving = Vec::new();
    for key in keys {
        let Some(value) = n.keyspace.get(&key, now) else {
            continue;
        };
        let ttl_ms = n.keyspace.expiry(&key).map_or(0, |at| at.since(now).max(1));
        moving.push(MovingKey {
            payload: dump::encode(value),
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
    n.next_migrate_id += 1;
    let id = n.next_migrate_id;
    n.migrations.push(PendingMigrate {
        id,
        client,
        keys: moving.iter().map(|k| k.key.clone()).collect(),
        copy,
        deadline: now + SimDuration(timeout),
        host: host.clone(),
        port,
    });
    n.outbox.push(Output {
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
    /// A MIGRATE connection's message: the target restores keys, the source learns how
    /// it went.
    pub fn on_migrate_message(
        &mut self,
        now: SimTime,
        from: crate::name::NodeIdx,
        msg: MigrateMessage,
    ) {
        self.now = now;
        match msg {
            MigrateMessage::Restore {
                id,
                auth,
                db,
                keys,
                replace,
            } => {
                // There is only the `default` user, without a password: AUTH with a bare
                // password fails, AUTH2 works for `default`. A failed AUTH leaves the
                // connection as it was, so the RESTOREs still run.
                let auth = auth.map(|user| match user {
                    None => Reply::err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"),
                    Some(u) if u == b"default" => Reply::ok(),
                    Some(_) => Reply::err("WRONGPASS invalid username-password pair or user is disabled."),
                });
                let select = match db {
                    0 => Reply::ok(),
                    d if !(0..16).contains(&d) => Reply::err("ERR DB index is out of range"),
                    _ => Reply::err("ERR SELECT is not allowed in cluster mode"),
                };
                let restores = keys
                    .into_iter()
                    .map(|k| self.restore_asking(k, replace))
                    .collect();
                self.outbox.push(Output {
                    dest: Dest::Conn(from),
                    via: Via::ReceiverLink(0),
                    payload: Payload::Migrate(MigrateMessage::Replies {
                        id,
                        auth,
                        select,
                        restores,
                    }),
                });
            }
            MigrateMessage::Replies {
                id,
                auth,
                select,
                restores,
            } => {
                // `migrateCommand` reports the AUTH error first, then SELECT's.
                let before = auth.filter(Reply::is_error).unwrap_or(select);
                self.finish_migrate(id, Some((before, restores)))
            }
            MigrateMessage::Refused { id } => self.finish_migrate(id, None),
        }
        self.before_sleep();
    }

    /// `RESTORE-ASKING key ttl payload [REPLACE]` on the target: routed as a command with
    /// the ASKING flag, so an IMPORTING slot accepts it.
    fn restore_asking(&mut self, k: MovingKey, replace: bool) -> Reply {
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
        let Some(value) = dump::decode(&k.payload) else {
            return Reply::err("ERR DUMP payload version or checksum are wrong");
        };
        let expires = (k.ttl_ms > 0).then(|| self.now + SimDuration(k.ttl_ms));
        self.keyspace.remove(&k.key);
        self.keyspace.set_with_expiry(k.key.clone(), value, expires);
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
        super::multi::touch_watched(self, &k.key);
        Reply::ok()
    }

    /// The target answered (or could not be reached): delete what it took, unless COPY,
    /// and answer the client.
    fn finish_migrate(&mut self, id: u64, answer: Option<(Reply, Vec<Reply>)>) {
        let Some(i) = self.migrations.iter().position(|m| m.id == id) else {
            return; // It timed out already.
        };
        let m = self.migrations.remove(i);
        let reply = match answer {
            // The non-blocking connect "succeeds" and the first write fails, as Redis 7.0.15
            // reports a refused port.
            None => Reply::err("IOERR error or timeout writing to target instance"),
            Some((select, restores)) => {
                let mut first_error = select.error_text().map(str::to_string);
                let mut moved = Vec::new();
                for (key, r) in m.keys.iter().zip(&restores) {
                    match r.error_text() {
                        Some(e) => {
                            first_error.get_or_insert_with(|| e.to_string());
                        }
                        None if select.is_error() => {}
                        None => {
                            if !m.copy {
                                self.keyspace.remove(key);
                                super::multi::touch_watched(self, key);
                                moved.push(key.clone());
                            }
                        }
                    }
                }
                if !moved.is_empty() {
                    let mut del = vec![b"DEL".to_vec()];
                    del.extend(moved.iter().cloned());
                    self.propagate(del);
                }
                let (host, port) = (m.host.clone(), m.port);
                self.emit(match &first_error {
                    None => EventKind::KeysMigrated {
                        host,
                        port,
                        count: m.keys.len(),
                        keys: m
                            .keys
                            .iter()
                            .take(3)
                            .map(|k| String::from_utf8_lossy(k).into_owned())
                            .collect(),
                        copy: m.copy,
                    },
                    Some(e) => EventKind::MigrateFailed {
                        host,
                        port,
                        error: e.clone(),
                    },
                });
                match first_error {
                    None => Reply::ok(),
                    Some(e) => Reply::err(format!("ERR Target instance replied with error: {e}")),
                }
            }
        };
        self.unblocked.push((m.client, reply));
    }

    /// MIGRATEs whose target said nothing within the timeout.
    pub(crate) fn check_migrate_timeouts(&mut self) {
        let now = self.now;
        let (late, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.migrations)
            .into_iter()
            .partition(|m| m.deadline <= now);
        self.migrations = waiting;
        for m in late {
            self.emit(EventKind::MigrateTimedOut {
                host: m.host,
                port: m.port,
            });
            self.unblocked.push((
                m.client,
                Reply::err("IOERR error or timeout reading to target instance"),
            ));
        }
    }
}
