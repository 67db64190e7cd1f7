//! A node: one simulated `redis-server` in cluster mode, as a pure state machine.
//!
//! # The contract
//!
//! A node has one way in and one way out, as a sans-IO protocol machine:
//!
//! * **In**: [`Node::handle`]`(now, input)` with an [`Input`]: a cron tick, a bus,
//!   replication or MIGRATE message, a link coming up, a connection lost, a client
//!   command or disconnect, a restart. It sets the node's clock once, runs the input's
//!   handler (each protocol concern has its own file), then runs the before-sleep step
//!   (`beforeSleep`: paused writes, a manual failover's next move, the cluster state,
//!   WAIT) once, as Redis's event loop does after every event.
//! * **Out**: [`Node::take_outputs`] drains everything the node produced, in order, as
//!   [`Output`]s: messages for the world to carry, explained events, and the replies to
//!   client commands (at once, or later for a client that blocked).
//!
//! A node never sees another node's memory: everything it knows about the cluster is in
//! its own [`ClusterView`], learned through messages. Its state is grouped by concern:
//! the view (kept across restarts, like nodes.conf), the cluster state, the bus
//! counters, the failover state, replication, the keyspace, the clients, and MIGRATEs
//! in flight. A restart rebuilds the volatile parts from their defaults.

pub mod flags;
pub mod peers;

mod blocking;
mod bus;
mod clients;
mod cron;
mod epochs;
mod expire;
mod failover;
mod failure;
mod gossip;
mod handshake;
mod links;
mod manual_failover;
mod migrate_link;
mod name_index;
pub mod query_buffer;
mod replica_migration;
mod replication;
mod slot_table;
mod state;
pub mod stats;
pub(crate) mod stream_reads;
mod view;
mod voting;

use crate::types::vec_map::VecMap;

use crate::bus::BusMessage;
use crate::config::NodeConfig;
use crate::event::EventKind;
use crate::faults::DataOnRestart;
use crate::keyspace::Keyspace;
use crate::name::{NodeIdx, NodeName};
use crate::reply::Reply;
use crate::rng::SimRng;
use crate::slot::Slot;
use crate::time::SimTime;

pub use blocking::{BlockedPop, PopKind, StreamWait};
pub use bus::BusState;
pub use clients::{BlockedWait, ClientSession, Clients, ReplyMode};
pub use cron::CRON_PERIOD_MS;
pub use failover::{Election, FailoverState};
pub use manual_failover::{FailoverMode, ManualFailover};
pub use migrate_link::{MigrateLink, MigrateMessage, MovingKey, PendingMigrate};
pub use peers::{Peer, PeerRef, PeerTable};
pub use replication::{AttachedReplica, ReplMessage, Replication, Upstream, UpstreamState};
pub use slot_table::SlotTable;
pub use state::ClusterState;
pub use view::ClusterView;

/// Identifies one of a node's outbound bus links (a connection it opened).
pub type LinkId = u64;

/// How a message travels: on the sender's outbound link, or back on the receiver's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// Sent on the sender's own outbound link `id`: it arrives on the receiver's inbound side.
    SenderLink(LinkId),
    /// A reply on the connection the receiver opened (its outbound link `id`).
    ReceiverLink(LinkId),
}

/// Where an outgoing message goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dest {
    /// Connect (or use the open connection) to this address.
    Addr { ip: crate::ip::IpText, port: u16 },
    /// Answer on the connection that process opened to us.
    Conn(NodeIdx),
}

/// What a message carries.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// Opening a bus connection (the TCP handshake).
    Connect,
    Bus(BusMessage),
    Repl(ReplMessage),
    /// A MIGRATE connection (source to target and back).
    Migrate(MigrateMessage),
}

/// One message for the world to carry.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub dest: Dest,
    pub via: Via,
    pub payload: Payload,
}

/// Everything that can happen to a node; [`Node::handle`] takes one at a time.
#[derive(Clone, Debug)]
pub enum Input<'a> {
    /// A `clusterCron` tick (every [`CRON_PERIOD_MS`]).
    Cron,
    /// A bus message from process `from` at `src_ip`, which connected to `local_ip`
    /// (what `connSockName` would report).
    Bus {
        from: NodeIdx,
        src_ip: &'a str,
        local_ip: &'a str,
        via: Via,
        msg: BusMessage,
    },
    /// My outbound bus link is established: the greeting can go out.
    LinkUp(LinkId),
    /// A connection to the process at `ip` (client port `port`, bus port `cport`) closed
    /// or was refused: exactly the bus link `link`, or, for `None`, every connection.
    ConnectionLost {
        ip: &'a str,
        port: u16,
        cport: u16,
        link: Option<LinkId>,
    },
    /// A replication message from process `from` at `src_ip`.
    Repl {
        from: NodeIdx,
        src_ip: &'a str,
        msg: ReplMessage,
    },
    /// A MIGRATE connection's message from process `from`.
    Migrate { from: NodeIdx, msg: MigrateMessage },
    /// A client connected on connection `client`.
    Accept { client: u64 },
    /// A client command on connection `client`.
    Command { client: u64, args: &'a [Vec<u8>] },
    /// The client connection closed.
    Disconnect { client: u64 },
    /// The process starts again from its nodes.conf (after it was killed).
    Restart(DataOnRestart),
}

/// Everything a node produces, drained by [`Node::take_outputs`].
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// A message for the world to carry.
    Send(Outgoing),
    /// What happened, with the facts that explain it.
    Event(EventKind),
    /// The reply to a client's command: at once, or when a blocked client unblocks.
    Reply { client: u64, reply: Reply },
    /// Bytes for a client that did not ask for them now: the replication stream a
    /// client that ran SYNC receives.
    Push { client: u64, bytes: Vec<u8> },
    /// The process closed a client's connection: it was idle longer than `timeout`, or
    /// its ACL user was deleted. `after_reply`: the reply just produced is still sent
    /// (`CLIENT_CLOSE_AFTER_COMMAND`).
    CloseClient { client: u64, after_reply: bool },
}

/// The outcome of a client command inside the node.
#[derive(Clone, Debug, PartialEq)]
pub enum Exec {
    Reply(Reply),
    /// The client is blocked (WAIT, MIGRATE, a paused write); its reply comes later as
    /// an [`Output::Reply`].
    Blocked,
}

/// The simulated server.
#[derive(Clone, Debug)]
pub struct Node {
    pub(crate) idx: NodeIdx,
    pub(crate) config: NodeConfig,
    pub(crate) rng: SimRng,
    /// The time of the input being handled.
    pub(crate) now: SimTime,
    /// When this life of the process started.
    pub(crate) started_at: SimTime,
    pub(crate) view: ClusterView,
    pub(crate) state: ClusterState,
    pub(crate) bus: BusState,
    pub(crate) failover: FailoverState,
    pub(crate) repl: Replication,
    pub(crate) keyspace: Keyspace,
    pub(crate) clients: Clients,
    pub(crate) migrate: MigrateLink,
    /// Users and the ACL log; a restart keeps only the default user.
    pub(crate) acl: crate::acl::Acl,
    /// INFO's counters; a restart or CONFIG RESETSTAT clears them.
    pub(crate) stats: stats::Stats,
    /// DEBUG SET-ACTIVE-EXPIRE: whether the cron deletes expired keys.
    pub(crate) active_expire_enabled: bool,
    pub(crate) out: Vec<Output>,
}

impl Node {
    /// Starts a fresh node: a random 40-hex ID, no peers, no slots, empty IP.
    pub fn new(idx: NodeIdx, port: u16, config: NodeConfig, mut rng: SimRng, now: SimTime) -> Node {
        let name = NodeName(rng.hex40());
        let mut me = Peer::new(name, flags::MYSELF | flags::MASTER, now);
        me.port = port;
        me.cport = port.saturating_add(10_000);
        let repl = Replication::new(&mut rng);
        let acl = crate::acl::Acl::new(config.requirepass.as_deref());
        let mut node = Node {
            idx,
            config,
            rng,
            now,
            started_at: now,
            view: ClusterView::new(me),
            state: ClusterState::default(),
            bus: BusState::default(),
            failover: FailoverState::default(),
            repl,
            keyspace: Keyspace::new(),
            clients: Clients::default(),
            migrate: MigrateLink::default(),
            acl,
            stats: stats::Stats::default(),
            active_expire_enabled: true,
            out: Vec::new(),
        };
        node.emit(EventKind::NodeStarted { port, id: name });
        node
    }

    // ---- the way in and the way out ----

    /// Handles one input at `now`, then runs the before-sleep step. What it produced is
    /// waiting in [`Node::take_outputs`].
    pub fn handle(&mut self, now: SimTime, input: Input<'_>) {
        self.now = now;
        self.keyspace.clock = now;
        match input {
            Input::Cron => self.handle_cron(),
            Input::Bus {
                from,
                src_ip,
                local_ip,
                via,
                msg,
            } => self.handle_bus(from, src_ip, local_ip, via, msg),
            Input::LinkUp(id) => self.handle_link_up(id),
            Input::ConnectionLost {
                ip,
                port,
                cport,
                link,
            } => self.handle_connection_lost(ip, port, cport, link),
            Input::Repl { from, src_ip, msg } => self.handle_repl(from, src_ip, msg),
            Input::Migrate { from, msg } => self.handle_migrate(from, msg),
            Input::Command { client, args } => {
                if let Exec::Reply(reply) = self.execute(client, args) {
                    self.reply_to(client, reply);
                }
                // `call()`: a skip lasts one command after CLIENT REPLY SKIP.
                if let Some(s) = self.clients.sessions.get_mut(&client) {
                    s.reply_mode = match s.reply_mode {
                        ReplyMode::SkipNext => ReplyMode::Skip,
                        ReplyMode::Skip => ReplyMode::On,
                        mode => mode,
                    };
                }
                if std::mem::take(&mut self.clients.close_after_reply) {
                    self.disconnect_client(client);
                    self.out.push(Output::CloseClient {
                        client,
                        after_reply: true,
                    });
                }
            }
            Input::Accept { client } => self.accept_client(client),
            Input::Disconnect { client } => self.disconnect_client(client),
            Input::Restart(data) => self.handle_restart(data),
        }
        self.before_sleep();
    }

    /// `beforeSleep`, after every input: work flagged while handling it. A master's write
    /// pause may have ended, a manual failover may take its next step, the cluster state
    /// is recomputed if something changed it, WAIT's GETACK goes out and blocked WAITs
    /// are checked.
    fn before_sleep(&mut self) {
        if self.failover.write_pause_until.is_some() && !self.writes_paused() {
            self.failover.write_pause_until = None;
            self.release_paused_writes();
        }
        self.manual_failover_before_sleep();
        if self.state.dirty {
            self.state.dirty = false;
            self.update_state();
        }
        self.flush_getack();
        self.check_blocked_waits();
        self.serve_blocked_pops();
        self.expire_blocked_pops();
    }

    /// Drains every output produced so far, oldest first.
    pub fn take_outputs(&mut self) -> Vec<Output> {
        std::mem::take(&mut self.out)
    }

    pub(crate) fn emit(&mut self, kind: EventKind) {
        self.out.push(Output::Event(kind));
    }

    pub(crate) fn send(&mut self, message: Outgoing) {
        self.out.push(Output::Send(message));
    }

    pub(crate) fn reply_to(&mut self, client: u64, reply: Reply) {
        // Writing a reply counts as interaction for `timeout` (`writeToClient`).
        let now = self.now;
        let mut reply = reply;
        if let Some(s) = self.clients.sessions.get_mut(&client) {
            s.last_at = now;
            if s.reply_mode != ReplyMode::On {
                reply = Reply::Silent;
            }
        }
        self.out.push(Output::Reply { client, reply });
    }

    // ---- getters ----

    /// My own entry (always `PeerRef(0)`).
    pub const ME: PeerRef = PeerRef(0);

    pub fn myself(&self) -> &Peer {
        self.view
            .peers
            .get(Self::ME)
            .expect("myself is always in the table")
    }

    pub(crate) fn myself_mut(&mut self) -> &mut Peer {
        self.view
            .peers
            .get_mut(Self::ME)
            .expect("myself is always in the table")
    }

    pub fn name(&self) -> NodeName {
        self.myself().name
    }

    pub fn port(&self) -> u16 {
        self.myself().port
    }

    pub fn idx(&self) -> NodeIdx {
        self.idx
    }

    pub fn is_master(&self) -> bool {
        self.myself().is_master()
    }

    /// My master's entry, if I am a replica and know it.
    pub fn master_ref(&self) -> Option<PeerRef> {
        self.myself()
            .master
            .and_then(|m| self.view.peers.lookup(&m))
    }

    /// The client port of my master, if I am a replica and know it.
    pub fn master_port(&self) -> Option<u16> {
        if !self.myself().has(flags::SLAVE) {
            return None;
        }
        self.master_ref()
            .and_then(|r| self.view.peers.get(r))
            .map(|m| m.port)
    }

    pub fn peers(&self) -> &PeerTable {
        &self.view.peers
    }

    pub fn slot_table(&self) -> &SlotTable {
        &self.view.slots
    }

    pub fn keyspace(&self) -> &Keyspace {
        &self.keyspace
    }

    pub fn replication(&self) -> &Replication {
        &self.repl
    }

    /// Whether the default user needs a password (protected mode lets other hosts in
    /// then): `requirepass`, or `ACL SETUSER default` rules.
    pub fn default_user_has_password(&self) -> bool {
        !self.acl.default_user().nopass()
    }

    pub fn config(&self) -> &NodeConfig {
        &self.config
    }

    /// The list settings a DUMP payload's quicklist nodes follow.
    pub fn rdb_shape(&self) -> crate::rdb::Shape {
        crate::rdb::Shape {
            list_fill: self.config.list_max_listpack_size,
            list_compress_depth: self.config.list_compress_depth,
        }
    }

    pub fn current_epoch(&self) -> u64 {
        self.view.current_epoch
    }

    /// configEpoch as CLUSTER INFO's `cluster_my_epoch` shows it (my master's if replica).
    pub fn my_epoch(&self) -> u64 {
        match self.master_ref().and_then(|r| self.view.peers.get(r)) {
            Some(m) if self.myself().is_replica() => m.config_epoch,
            _ => self.myself().config_epoch,
        }
    }

    pub fn state_ok(&self) -> bool {
        self.state.ok
    }

    /// Masters owning at least one slot, in my view.
    pub fn cluster_size(&self) -> usize {
        self.state.size
    }

    pub fn migrating(&self) -> &VecMap<Slot, NodeName> {
        &self.view.migrating
    }

    pub fn importing(&self) -> &VecMap<Slot, NodeName> {
        &self.view.importing
    }

    pub fn stats(&self) -> (&[u64; 11], &[u64; 11]) {
        (&self.bus.sent, &self.bus.received)
    }

    /// Unix time in ms of a simulated instant (what Redis's `mstime()` would say).
    pub(crate) fn unix_ms(&self, t: SimTime) -> u64 {
        self.config.unix_epoch_ms + t.as_millis()
    }
}

#[cfg(test)]
mod tests;
