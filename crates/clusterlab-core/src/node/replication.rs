//! Asynchronous replication: full sync, the command stream, offsets and acks.
//!
//! A replica connects to its master's data port and asks for a sync; the master waits
//! `repl-diskless-sync-delay` (5 s in Redis 7.0), then sends a snapshot with its offset, and
//! after that every write as RESP bytes. Offsets count those bytes exactly as Redis does:
//! `SELECT 0` (23 bytes) before the first write after a sync, a `PING` (14 bytes) every
//! `repl-ping-replica-period`, and `REPLCONF GETACK *` (37 bytes) when WAIT asks for acks.

use crate::event::{EventKind, LinkDownCause, ReplicaReason, SyncRefusal};
use crate::keyspace::Keyspace;
use crate::name::{NodeIdx, NodeName};
use crate::node::{flags, Dest, Node, Outgoing, Payload, Via};
use crate::reply::command_resp_len;
use crate::rng::SimRng;
use crate::time::SimTime;

/// `repl-timeout` of Redis 7.0, in ms.
pub const REPL_TIMEOUT_MS: u64 = 60_000;

/// `repl-diskless-sync-delay` of Redis 7.0, in ms.
pub const DISKLESS_SYNC_DELAY_MS: u64 = 5000;

/// Replication messages (on the data port, not the bus).
#[derive(Clone, Debug, PartialEq)]
pub enum ReplMessage {
    /// Replica → master: `PSYNC ? -1` after `REPLCONF listening-port`, and before them
    /// `AUTH [masteruser] masterauth` when the replica has a `masterauth`.
    Psync {
        listening_port: u16,
        auth: Option<MasterAuth>,
    },
    /// Master → replica: the handshake's AUTH, or PSYNC, was refused; `master_port` says
    /// by whom, so that a late refusal from a former master is ignored.
    Refused {
        refusal: SyncRefusal,
        master_port: u16,
    },
    /// Master → replica: `+FULLRESYNC <replid> <offset>` and the snapshot.
    FullResync {
        replid: String,
        offset: u64,
        dataset: Box<Keyspace>,
    },
    /// Master → replica: commands of the stream, with their byte length.
    Stream {
        commands: Vec<Vec<Vec<u8>>>,
        bytes: u64,
    },
    /// Replica → master: `REPLCONF ACK <offset>`.
    Ack { offset: u64 },
}

/// What a replica authenticates to its master with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MasterAuth {
    pub user: Option<Vec<u8>>,
    pub password: Vec<u8>,
}

/// A replica as its master sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachedReplica {
    pub conn: NodeIdx,
    pub ip: String,
    pub port: u16,
    /// Waiting for the snapshot (`wait_bgsave`) until this time.
    pub sync_at: Option<SimTime>,
    pub ack_offset: u64,
    pub ack_time: SimTime,
}

/// The state of a replica's link to its master.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpstreamState {
    /// No connection; the replication cron retries every second.
    Disconnected,
    /// Asked for a sync, waiting for the snapshot.
    Syncing,
    /// Snapshot loaded, streaming.
    Connected,
}

/// A replica's view of its master link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upstream {
    pub master: NodeName,
    pub ip: crate::ip::IpText,
    pub port: u16,
    pub state: UpstreamState,
    /// Last time anything arrived from the master (`master->lastinteraction`).
    pub last_io: SimTime,
    /// When the link last went down (`repl_down_since`); `None` if it never was up.
    pub down_since: Option<SimTime>,
    /// How the master last refused a sync (said once, not at every retry).
    pub refused: Option<SyncRefusal>,
}

/// Replication state of one node, master side and replica side.
#[derive(Clone, Debug, PartialEq)]
pub struct Replication {
    pub replid: String,
    /// `master_repl_offset`: bytes of stream produced (master) or processed (replica).
    pub offset: u64,
    /// The replication ID this node served before its last promotion (`master_replid2`).
    pub replid2: Option<String>,
    /// First offset of the current ID's history after a promotion (`second_repl_offset`).
    pub second_offset: Option<u64>,
    /// Whether a backlog exists (offsets only move once a replica has attached).
    pub backlog: bool,
    /// Whether the stream already selected DB 0 since the last sync.
    pub db_selected: bool,
    pub replicas: Vec<AttachedReplica>,
    /// Client connections that ran SYNC or PSYNC: replicas outside the simulation (a
    /// test reading the stream, `redis-cli --replica`), fed the stream as bytes.
    pub streams: Vec<u64>,
    pub upstream: Option<Upstream>,
    /// GETACK must be sent before the next event-loop sleep.
    pub getack_pending: bool,
}

impl Replication {
    pub fn new(rng: &mut SimRng) -> Self {
        Replication {
            replid: String::from_utf8_lossy(&rng.hex40()).into_owned(),
            offset: 0,
            replid2: None,
            second_offset: None,
            backlog: false,
            db_selected: false,
            replicas: Vec::new(),
            streams: Vec::new(),
            upstream: None,
            getack_pending: false,
        }
    }

    /// The offset a bus header carries.
    pub fn header_offset(&self, _is_master: bool) -> u64 {
        self.offset
    }

    /// Whether the replica link is up (`master_link_status:up`).
    pub fn link_up(&self) -> bool {
        self.upstream
            .as_ref()
            .is_some_and(|u| u.state == UpstreamState::Connected)
    }

    /// Replicas whose acknowledged offset reached `offset`.
    pub fn acked(&self, offset: u64) -> usize {
        self.replicas
            .iter()
            .filter(|r| r.sync_at.is_none() && r.ack_offset >= offset)
            .count()
    }
}

impl Node {
    /// `clusterSetMaster`: I become a replica of `master`, dropping my slots.
    pub(crate) fn set_my_master(&mut self, master: NodeName, reason: ReplicaReason) {
        if self.myself().is_master() {
            self.unbind_all_slots_of(Self::ME);
            self.view.migrating.clear();
            self.view.importing.clear();
            let me = self.myself_mut();
            me.flags &= !(flags::MASTER | flags::MIGRATE_TO);
            me.flags |= flags::SLAVE;
        }
        self.view.peers.set_master(Self::ME, Some(master));
        self.state.dirty = true;
        let tag = self.tag(&master);
        self.emit(EventKind::BecameReplica {
            master: tag,
            reason,
        });
        self.replicate_from(master);
        // `clusterSetMaster` ends any manual failover: a paused old master releases the
        // writes it held, which now get redirected to the new master.
        self.reset_manual_failover();
    }

    /// `replicationSetMaster`: connect to the master's data port and ask for a sync.
    pub(crate) fn replicate_from(&mut self, master: NodeName) {
        let Some(m) = self.view.peers.by_name(&master) else {
            return;
        };
        let (ip, port) = (m.ip, m.port);
        self.unblock_all_for_replica();
        // Stop serving my own replicas' stream and drop the old link
        // (`disconnectSlaves`): clients that ran SYNC are closed.
        self.repl.replicas.clear();
        for client in std::mem::take(&mut self.repl.streams) {
            self.disconnect_client(client);
            self.out.push(super::Output::CloseClient {
                client,
                after_reply: false,
            });
        }
        let (last_io, down_since, refused) = match &self.repl.upstream {
            Some(u) if u.master == master => (u.last_io, u.down_since, u.refused),
            _ => (self.now, None, None),
        };
        self.repl.upstream = Some(Upstream {
            master,
            ip,
            port,
            state: UpstreamState::Syncing,
            last_io,
            down_since,
            refused,
        });
        let listening_port = self.port();
        let auth = self.config.masterauth.clone().map(|password| MasterAuth {
            user: self.config.masteruser.clone(),
            password,
        });
        self.send(Outgoing {
            dest: Dest::Addr { ip, port },
            via: Via::SenderLink(0),
            payload: Payload::Repl(ReplMessage::Psync {
                listening_port,
                auth,
            }),
        });
    }

    /// `replicationUnsetMaster` after winning an election: keep the data and the offset,
    /// start a new replication ID (the old one stays valid as `master_replid2`).
    pub(crate) fn promote_replication(&mut self) {
        let old = std::mem::replace(
            &mut self.repl.replid,
            String::from_utf8_lossy(&self.rng.hex40()).into_owned(),
        );
        self.repl.replid2 = Some(old);
        self.repl.second_offset = Some(self.repl.offset + 1);
        self.repl.upstream = None;
        self.repl.backlog = true;
        self.repl.db_selected = false;
    }

    /// Appends a write to the replication stream (`propagate` / `replicationFeedSlaves`).
    pub(crate) fn propagate(&mut self, args: Vec<Vec<u8>>) {
        if !self.is_master() || !self.repl.backlog {
            return;
        }
        if let Some(held) = self.clients.held_propagation.as_mut() {
            held.push(args);
            return;
        }
        let mut commands = Vec::with_capacity(2);
        if !self.repl.db_selected {
            self.repl.db_selected = true;
            commands.push(vec![b"SELECT".to_vec(), b"0".to_vec()]);
        }
        commands.push(args);
        self.feed_replicas(commands);
    }

    /// Propagates the several writes one command made (`alsoPropagate`): wrapped in
    /// MULTI/EXEC when there is more than one, unless a transaction already wraps them.
    pub(crate) fn propagate_all(&mut self, commands: Vec<Vec<Vec<u8>>>) {
        let wrap = commands.len() > 1 && self.clients.held_propagation.is_none();
        if wrap {
            self.propagate(vec![b"MULTI".to_vec()]);
        }
        for c in commands {
            self.propagate(c);
        }
        if wrap {
            self.propagate(vec![b"EXEC".to_vec()]);
        }
    }

    fn feed_replicas(&mut self, commands: Vec<Vec<Vec<u8>>>) {
        let bytes: u64 = commands.iter().map(|c| command_resp_len(c)).sum();
        self.repl.offset += bytes;
        let targets: Vec<NodeIdx> = self
            .repl
            .replicas
            .iter()
            .filter(|r| r.sync_at.is_none())
            .map(|r| r.conn)
            .collect();
        if !self.repl.streams.is_empty() {
            let mut wire = Vec::with_capacity(bytes as usize);
            for c in &commands {
                wire.extend_from_slice(&crate::reply::encode_command(c));
            }
            for &client in &self.repl.streams {
                self.out.push(super::Output::Push {
                    client,
                    bytes: wire.clone(),
                });
            }
        }
        for conn in targets {
            self.send(Outgoing {
                dest: Dest::Conn(conn),
                via: Via::SenderLink(0),
                payload: Payload::Repl(ReplMessage::Stream {
                    commands: commands.clone(),
                    bytes,
                }),
            });
        }
    }

    /// Sends `REPLCONF GETACK *` through the stream if WAIT asked for it.
    pub(crate) fn flush_getack(&mut self) {
        if std::mem::take(&mut self.repl.getack_pending)
            && self.is_master()
            && !self.repl.replicas.is_empty()
        {
            self.feed_replicas(vec![vec![
                b"REPLCONF".to_vec(),
                b"GETACK".to_vec(),
                b"*".to_vec(),
            ]]);
        }
    }

    /// `replicationCron`, once a second.
    pub(crate) fn replication_cron(&mut self) {
        let now = self.now;
        if self.is_master() {
            let period = self.config.repl_ping_replica_period.max(1);
            let loops = now.since(self.started_at) / 1000;
            let any = !self.repl.replicas.is_empty() || !self.repl.streams.is_empty();
            if loops % period == 0 && any {
                self.feed_replicas(vec![vec![b"PING".to_vec()]]);
            }
            let ready: Vec<usize> = (0..self.repl.replicas.len())
                .filter(|&i| self.repl.replicas[i].sync_at.is_some_and(|t| t <= now))
                .collect();
            for i in ready {
                self.start_full_sync(i);
            }
        } else if let Some(up) = self.repl.upstream.clone() {
            match up.state {
                UpstreamState::Connected if now.since(up.last_io) > REPL_TIMEOUT_MS => {
                    // `repl-timeout`: nothing from the master for 60 s.
                    let u = self.repl.upstream.as_mut().expect("cloned above");
                    u.state = UpstreamState::Disconnected;
                    u.down_since = Some(now);
                    let master = self.tag(&up.master);
                    self.emit(EventKind::ReplicationLinkDown {
                        master,
                        cause: LinkDownCause::Timeout,
                    });
                }
                UpstreamState::Connected => self.send_ack(),
                UpstreamState::Disconnected => self.replicate_from(up.master),
                UpstreamState::Syncing => {}
            }
        }
    }

    fn start_full_sync(&mut self, i: usize) {
        self.stats.sync_full += 1;
        self.repl.backlog = true;
        self.repl.db_selected = false;
        let r = &mut self.repl.replicas[i];
        r.sync_at = None;
        r.ack_offset = 0;
        r.ack_time = self.now;
        let conn = r.conn;
        let msg = ReplMessage::FullResync {
            replid: self.repl.replid.clone(),
            offset: self.repl.offset,
            dataset: Box::new(self.keyspace.clone()),
        };
        self.send(Outgoing {
            dest: Dest::Conn(conn),
            via: Via::SenderLink(0),
            payload: Payload::Repl(msg),
        });
    }

    /// How the handshake of a replica with these credentials fails here, if it does: its
    /// `AUTH` first (when it sent one), then PSYNC's authentication check, then the ACL
    /// check of PSYNC and of the SYNC the replica falls back to.
    fn sync_refusal(&self, auth: Option<&MasterAuth>) -> Option<SyncRefusal> {
        let user: &[u8] = match auth {
            Some(a) => match self.acl.login(a.user.as_deref(), &a.password) {
                Ok(user) => user,
                Err(crate::acl::LoginError::NoPasswordSet) => {
                    return Some(SyncRefusal::NoPasswordConfigured)
                }
                Err(_) => return Some(SyncRefusal::WrongPass),
            },
            None if !self.acl.default_needs_no_auth() => return Some(SyncRefusal::NoAuth),
            None => b"default",
        };
        let u = self.acl.users.get(user)?;
        let can = |name: &[u8]| crate::acl::Acl::check_args(u, &[name.to_vec()], &[]).is_ok();
        (!can(b"psync") && !can(b"sync")).then_some(SyncRefusal::NoPerm)
    }

    /// Handles a replication message from process `from` at `src_ip`.
    pub(crate) fn handle_repl(&mut self, from: NodeIdx, src_ip: &str, msg: ReplMessage) {
        let now = self.now;
        match msg {
            ReplMessage::Psync {
                listening_port,
                auth,
            } => {
                if !self.is_master() {
                    return;
                }
                if let Some(refusal) = self.sync_refusal(auth.as_ref()) {
                    self.send(Outgoing {
                        dest: Dest::Conn(from),
                        via: Via::SenderLink(0),
                        payload: Payload::Repl(ReplMessage::Refused {
                            refusal,
                            master_port: self.myself().port,
                        }),
                    });
                    return;
                }
                // The handshake's commands, as INFO counts them: PING, AUTH when the
                // replica has a password, REPLCONF listening-port, REPLCONF capa, PSYNC.
                self.stats.called("ping", false);
                if auth.is_some() {
                    self.stats.called("auth", false);
                }
                self.stats.called("replconf", false);
                self.stats.called("replconf", false);
                self.stats.called("psync", false);
                self.repl.replicas.retain(|r| r.conn != from);
                // Wait for the diskless-sync delay, starting at the next replication cron.
                self.repl.replicas.push(AttachedReplica {
                    conn: from,
                    ip: src_ip.to_string(),
                    port: listening_port,
                    sync_at: Some(now + crate::time::SimDuration(DISKLESS_SYNC_DELAY_MS)),
                    ack_offset: 0,
                    ack_time: now,
                });
            }
            ReplMessage::Refused {
                refusal,
                master_port,
            } => {
                let Some(up) = self.repl.upstream.as_mut() else {
                    return;
                };
                // A refusal from a master this replica has left since is stale.
                if up.state != UpstreamState::Syncing || up.port != master_port {
                    return;
                }
                // The replication cron connects again in a second.
                up.state = UpstreamState::Disconnected;
                if up.refused != Some(refusal) {
                    up.refused = Some(refusal);
                    let master = up.master;
                    let master = self.tag(&master);
                    self.emit(EventKind::SyncRefused { master, refusal });
                }
            }
            ReplMessage::FullResync {
                replid,
                offset,
                dataset,
            } => {
                let Some(up) = self.repl.upstream.as_mut() else {
                    return;
                };
                up.refused = None;
                up.state = UpstreamState::Connected;
                up.last_io = now;
                up.down_since = None;
                let master = up.master;
                self.repl.replid = replid;
                self.repl.offset = offset;
                let keys = dataset.len();
                // The snapshot brings the data; the encoding limits stay this node's own.
                let limits = self.keyspace.limits;
                self.keyspace = *dataset;
                self.keyspace.limits = limits;
                let master = self.tag(&master);
                self.emit(EventKind::FullSync {
                    master,
                    offset,
                    keys,
                });
                self.send_ack();
            }
            ReplMessage::Stream { commands, bytes } => {
                if !self.repl.link_up() {
                    return;
                }
                // A sub-replica gets the master's stream as it came
                // (`replicationFeedStreamFromMasterStream`).
                if !self.repl.streams.is_empty() {
                    let wire: Vec<u8> = commands
                        .iter()
                        .flat_map(|c| crate::reply::encode_command(c))
                        .collect();
                    for &client in &self.repl.streams {
                        self.out.push(super::Output::Push {
                            client,
                            bytes: wire.clone(),
                        });
                    }
                }
                let mut getack = false;
                for args in commands {
                    if args
                        .first()
                        .is_some_and(|a| a.eq_ignore_ascii_case(b"REPLCONF"))
                    {
                        getack = true;
                        continue;
                    }
                    self.apply_replicated(&args);
                }
                self.repl.offset += bytes;
                if let Some(up) = self.repl.upstream.as_mut() {
                    up.last_io = now;
                }
                if getack {
                    self.send_ack();
                }
            }
            ReplMessage::Ack { offset } => {
                // A replica's `REPLCONF ACK` is a command like any other in INFO.
                self.stats.called("replconf", false);
                self.stats.replica_acks += 1;
                if let Some(r) = self.repl.replicas.iter_mut().find(|r| r.conn == from) {
                    r.ack_offset = r.ack_offset.max(offset);
                    r.ack_time = now;
                }
                self.check_blocked_waits();
            }
        }
    }

    /// `REPLCONF ACK <offset>` to my master.
    fn send_ack(&mut self) {
        if let Some(up) = &self.repl.upstream {
            let (ip, port) = (up.ip, up.port);
            let offset = self.repl.offset;
            self.send(Outgoing {
                dest: Dest::Addr { ip, port },
                via: Via::SenderLink(0),
                payload: Payload::Repl(ReplMessage::Ack { offset }),
            });
        }
    }

    /// Unblocks WAIT clients whose replicas caught up or whose timeout passed.
    pub(crate) fn check_blocked_waits(&mut self) {
        // Runs before every sleep: nothing to do is the common case.
        if self.clients.blocked.is_empty() {
            return;
        }
        let now = self.now;
        let mut still = Vec::new();
        for w in std::mem::take(&mut self.clients.blocked) {
            let acked = self.repl.acked(w.woff);
            if acked >= w.numreplicas || w.deadline.is_some_and(|d| now >= d) {
                self.reply_to(w.client, crate::reply::Reply::int(acked));
            } else {
                still.push(w);
            }
        }
        self.clients.blocked = still;
    }
}
