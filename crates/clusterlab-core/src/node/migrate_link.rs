//! MIGRATE's connection from the source to the target, beside the bus and replication:
//! the keys travelling as RESTORE-ASKING, the replies coming back, the MIGRATEs waiting
//! for them, and their timeout. The commands themselves (MIGRATE on the source,
//! RESTORE-ASKING on the target) are in `commands/migrate.rs`.

use crate::event::EventKind;
use crate::name::NodeIdx;
use crate::node::{Dest, Node, Outgoing, Payload, Via};
use crate::reply::Reply;
use crate::time::SimTime;

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
    /// Source → target: `AUTH` if asked (`AUTH2`'s user name, or none, and the password),
    /// `SELECT db`, then one `RESTORE-ASKING` per key.
    Restore {
        id: u64,
        auth: Option<(Option<Vec<u8>>, Vec<u8>)>,
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

/// The MIGRATEs a source is waiting on.
#[derive(Clone, Debug, Default)]
pub struct MigrateLink {
    pub pending: Vec<PendingMigrate>,
    /// The id given to the last MIGRATE.
    pub next_id: u64,
}

impl Node {
    /// A MIGRATE connection's message: the target restores keys, the source learns how
    /// it went.
    pub(crate) fn handle_migrate(&mut self, from: NodeIdx, msg: MigrateMessage) {
        match msg {
            MigrateMessage::Restore {
                id,
                auth,
                db,
                keys,
                replace,
            } => {
                // The connection logs in as a client would; a failed AUTH leaves it as it
                // was (logged in as `default` when that user needs no password), so the
                // RESTOREs may still run.
                let login = auth.as_ref().map(|(user, password)| {
                    self.acl
                        .login(user.as_deref(), password)
                        .map(<[u8]>::to_vec)
                        .map_err(|e| Reply::err(e.text()))
                });
                let user = match &login {
                    Some(Ok(u)) => Some(u.clone()),
                    _ => self
                        .acl
                        .default_needs_no_auth()
                        .then(|| b"default".to_vec()),
                };
                let auth = login.map(|l| l.map_or_else(|e| e, |_| Reply::ok()));
                let noauth = || Reply::err("NOAUTH Authentication required.");
                let select = match db {
                    _ if user.is_none() => noauth(),
                    0 => Reply::ok(),
                    d if !(0..16).contains(&d) => Reply::err("ERR DB index is out of range"),
                    _ => Reply::err("ERR SELECT is not allowed in cluster mode"),
                };
                let restores = keys
                    .into_iter()
                    .map(|k| match &user {
                        None => noauth(),
                        Some(u) => match self.restore_denied(u, &k.key) {
                            Some(denied) => denied,
                            None => self.restore_asking(k, replace),
                        },
                    })
                    .collect();
                self.send(Outgoing {
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
    }

    /// The ACL check of one RESTORE-ASKING for the user the MIGRATE connection logged in as.
    fn restore_denied(&self, user: &[u8], key: &[u8]) -> Option<Reply> {
        let u = self.acl.users.get(user)?;
        if u.unrestricted() {
            return None;
        }
        let args = [b"RESTORE-ASKING".to_vec(), key.to_vec()];
        let keys = [crate::acl::KeyUse {
            pos: 1,
            access: crate::acl::WRITE,
        }];
        let (denied, _) = crate::acl::Acl::check_args(u, &args, &keys).err()?;
        Some(Reply::err(denied.noperm("restore-asking")))
    }

    /// The target answered (or could not be reached): delete what it took, unless COPY,
    /// and answer the client.
    fn finish_migrate(&mut self, id: u64, answer: Option<(Reply, Vec<Reply>)>) {
        let Some(i) = self.migrate.pending.iter().position(|m| m.id == id) else {
            return; // It timed out already.
        };
        let m = self.migrate.pending.remove(i);
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
                                self.touch_watched(key);
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
        if let Reply::Error(e) = &reply {
            self.stats.failed_later("migrate", e);
        }
        self.reply_to(m.client, reply);
    }

    /// MIGRATEs whose target said nothing within the timeout.
    pub(crate) fn check_migrate_timeouts(&mut self) {
        if self.migrate.pending.is_empty() {
            return;
        }
        let now = self.now;
        let (late, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.migrate.pending)
            .into_iter()
            .partition(|m| m.deadline <= now);
        self.migrate.pending = waiting;
        for m in late {
            self.emit(EventKind::MigrateTimedOut {
                host: m.host,
                port: m.port,
            });
            let error = "IOERR error or timeout reading to target instance";
            self.stats.failed_later("migrate", error);
            self.reply_to(m.client, Reply::err(error));
        }
    }
}
