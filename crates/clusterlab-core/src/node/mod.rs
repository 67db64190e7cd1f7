//! A node: one simulated `redis-server` in cluster mode, as a pure state machine.
//!
//! A node is fed bus messages, replication messages, cron ticks and client commands, each
//! with the current [`SimTime`]; it writes messages to its outbox and observer events to
//! its event list. It never sees another node's memory: everything it knows about the
//! cluster is in its own [`PeerTable`] and slot table, learned through messages.

pub mod flags;
pub mod peers;

mod cron;
mod epochs;
mod expire;
mod failover;
mod failure;
mod gossip;
mod handshake;
mod links;
mod manual_failover;
mod migration;
mod name_index;
mod replication;
mod slot_table;
mod state;
mod voting;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::bus::{BusMessage, Header, MessageType};
use crate::config::NodeConfig;
use crate::event::{EventKind, NodeTag};
use crate::keyspace::Keyspace;
use crate::name::{NodeIdx, NodeName};
use crate::rng::SimRng;
use crate::slot::{Slot, SlotSet, SLOTS};
use crate::time::SimTime;

pub use cron::CRON_PERIOD_MS;
pub use failover::Election;
pub use manual_failover::{FailoverMode, ManualFailover};
pub use peers::{Peer, PeerRef, PeerTable};
pub use replication::{AttachedReplica, ReplMessage, Replication, Upstream, UpstreamState};
pub use slot_table::SlotTable;

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

/// What a node hands to the world.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// Opening a bus connection (the TCP handshake).
    Connect,
    Bus(BusMessage),
    Repl(ReplMessage),
    /// A MIGRATE connection (source to target and back).
    Migrate(crate::commands::MigrateMessage),
}

/// One message in a node's outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    pub dest: Dest,
    pub via: Via,
    pub payload: Payload,
}

/// Per-connection client state on a node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientSession {
    /// READONLY was sent (until READWRITE).
    pub readonly: bool,
    /// ASKING was sent for the next command only.
    pub asking: bool,
    /// The master offset after this client's last write (WAIT waits for it).
    pub woff: u64,
    /// CLIENT SETNAME.
    pub name: Option<Vec<u8>>,
    /// RESP2, or RESP3 after `HELLO 3`.
    pub protocol: crate::reply::Protocol,
    /// When the connection sent its first command, and its latest.
    pub since: SimTime,
    pub last_at: SimTime,
    /// The latest known command's full name (`client|info`), and its sizes: the request's
    /// RESP length and its arguments' bytes.
    pub last_command: String,
    pub request_len: u64,
    pub argv_mem: u64,
    /// Inside MULTI: the queued commands.
    pub queued: Option<Vec<Vec<Vec<u8>>>>,
    /// A command was rejected while queueing: EXEC aborts.
    pub dirty_exec: bool,
    /// WATCHed keys, and whether one of them was written since.
    pub watched: Vec<Vec<u8>>,
    pub dirty_cas: bool,
}

/// A command blocked on a node (WAIT).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedWait {
    pub client: u64,
    pub numreplicas: usize,
    pub woff: u64,
    pub deadline: Option<SimTime>,
}

/// The simulated server.
#[derive(Clone, Debug)]
pub struct Node {
    pub(crate) idx: NodeIdx,
    pub(crate) config: NodeConfig,
    pub(crate) peers: PeerTable,
    pub(crate) slots: SlotTable,
    /// Slots whose owner in my table stopped claiming them (`owner_not_claiming_slot`).
    pub(crate) owner_not_claiming: SlotSet,
    pub(crate) migrating: BTreeMap<Slot, NodeName>,
    pub(crate) importing: BTreeMap<Slot, NodeName>,
    pub(crate) blacklist: BTreeMap<NodeName, SimTime>,
    pub(crate) current_epoch: u64,
    pub(crate) last_vote_epoch: u64,
    pub(crate) state_ok: bool,
    pub(crate) size: usize,
    pub(crate) stats_sent: [u64; 11],
    pub(crate) stats_received: [u64; 11],
    pub(crate) cron_ticks: u64,
    pub(crate) pfail_count: usize,
    pub(crate) keyspace: Keyspace,
    pub(crate) repl: Replication,
    pub(crate) clients: BTreeMap<u64, ClientSession>,
    /// During EXEC: the writes to send to replicas afterwards, wrapped in MULTI/EXEC.
    pub(crate) held_propagation: Option<Vec<Vec<Vec<u8>>>>,
    /// MIGRATEs waiting for their target, and the last id given to one.
    pub(crate) migrations: Vec<crate::commands::PendingMigrate>,
    pub(crate) next_migrate_id: u64,
    pub(crate) blocked: Vec<BlockedWait>,
    pub(crate) unblocked: Vec<(u64, crate::reply::Reply)>,
    pub(crate) rng: SimRng,
    pub(crate) now: SimTime,
    pub(crate) started_at: SimTime,
    pub(crate) first_state_call: Option<SimTime>,
    pub(crate) among_minority_since: Option<SimTime>,
    pub(crate) state_dirty: bool,
    /// `CLUSTER_TODO_HANDLE_FAILOVER`: run the failover state machine again before sleeping
    /// (a manual failover starts its election without waiting for the next cron tick).
    pub(crate) failover_todo: bool,
    pub(crate) next_link_id: LinkId,
    /// Outbound link id → entry; an id is trusted only if the entry still has that link.
    pub(crate) links: BTreeMap<LinkId, PeerRef>,
    pub(crate) election: Election,
    pub(crate) mf: ManualFailover,
    /// A master in a manual failover pauses client writes until then.
    pub(crate) write_pause_until: Option<SimTime>,
    /// Writes that arrived while paused: (client, command).
    pub(crate) paused_writes: Vec<(u64, Vec<Vec<u8>>)>,
    /// Scratch marks for building gossip sections (no meaning outside `build_ping`).
    pub(crate) gossip_mark: Vec<u32>,
    pub(crate) gossip_gen: u32,
    /// Replica-migration counts (orphaned masters, most ok replicas, my master's), valid
    /// for the table version they were computed at.
    pub(crate) migration_counts: Option<(u64, usize, usize, usize)>,
    pub(crate) outbox: Vec<Output>,
    pub(crate) events: Vec<EventKind>,
}

/// The outcome of a client command.
#[derive(Clone, Debug, PartialEq)]
pub enum Exec {
    Reply(crate::reply::Reply),
    /// The client is blocked (WAIT); the world polls [`Node::take_unblocked`].
    Blocked,
}

impl Node {
    /// Starts a fresh node: a random 40-hex ID, no peers, no slots, empty IP.
    pub fn new(idx: NodeIdx, port: u16, config: NodeConfig, mut rng: SimRng, now: SimTime) -> Node {
        let name = NodeName(rng.hex40());
        let mut peers = PeerTable::default();
        let mut me = Peer::new(name, flags::MYSELF | flags::MASTER, now);
        me.port = port;
        me.cport = port.saturating_add(10_000);
        peers.insert(me);
        let mut node = Node {
            idx,
            config,
            peers,
            slots: SlotTable::new(),
            owner_not_claiming: SlotSet::new(),
            migrating: BTreeMap::new(),
            importing: BTreeMap::new(),
            blacklist: BTreeMap::new(),
            current_epoch: 0,
            last_vote_epoch: 0,
            state_ok: false,
            // clusterInit starts with size 1; clusterUpdateState recomputes it after 2 s.
            size: 1,
            stats_sent: [0; 11],
            stats_received: [0; 11],
            cron_ticks: 0,
            pfail_count: 0,
            keyspace: Keyspace::new(),
            repl: Replication::new(&mut rng),
            clients: BTreeMap::new(),
            held_propagation: None,
            migrations: Vec::new(),
            next_migrate_id: 0,
            failover_todo: false,
            blocked: Vec::new(),
            unblocked: Vec::new(),
            rng,
            now,
            started_at: now,
            first_state_call: None,
            among_minority_since: None,
            state_dirty: true,
            next_link_id: 1,
            links: BTreeMap::new(),
            election: Election::default(),
            mf: ManualFailover::default(),
            write_pause_until: None,
            paused_writes: Vec::new(),
            gossip_mark: Vec::new(),
            gossip_gen: 0,
            migration_counts: None,
            outbox: Vec::new(),
            events: Vec::new(),
        };
        node.emit(EventKind::NodeStarted { port, id: name });
        node
    }

    /// My own entry (always `PeerRef(0)`).
    pub const ME: PeerRef = PeerRef(0);

    pub fn myself(&self) -> &Peer {
        self.peers
            .get(Self::ME)
            .expect("myself is always in the table")
    }

    pub(crate) fn myself_mut(&mut self) -> &mut Peer {
        self.peers
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
        self.myself().master.and_then(|m| self.peers.lookup(&m))
    }

    /// The client port of my master, if I am a replica and know it.
    pub fn master_port(&self) -> Option<u16> {
        if !self.myself().has(flags::SLAVE) {
            return None;
        }
        self.master_ref()
            .and_then(|r| self.peers.get(r))
            .map(|m| m.port)
    }

    pub fn peers(&self) -> &PeerTable {
        &self.peers
    }

    pub fn slot_table(&self) -> &SlotTable {
        &self.slots
    }

    pub fn keyspace(&self) -> &Keyspace {
        &self.keyspace
    }

    pub fn replication(&self) -> &Replication {
        &self.repl
    }

    pub fn config(&self) -> &NodeConfig {
        &self.config
    }

    pub fn current_epoch(&self) -> u64 {
        self.current_epoch
    }

    /// configEpoch as CLUSTER INFO's `cluster_my_epoch` shows it (my master's if replica).
    pub fn my_epoch(&self) -> u64 {
        match self.master_ref().and_then(|r| self.peers.get(r)) {
            Some(m) if self.myself().is_replica() => m.config_epoch,
            _ => self.myself().config_epoch,
        }
    }

    pub fn state_ok(&self) -> bool {
        self.state_ok
    }

    /// Masters owning at least one slot, in my view.
    pub fn cluster_size(&self) -> usize {
        self.size
    }

    pub fn migrating(&self) -> &BTreeMap<Slot, NodeName> {
        &self.migrating
    }

    pub fn importing(&self) -> &BTreeMap<Slot, NodeName> {
        &self.importing
    }

    pub fn stats(&self) -> (&[u64; 11], &[u64; 11]) {
        (&self.stats_sent, &self.stats_received)
    }

    /// Drains the outbox.
    pub fn take_outputs(&mut self) -> Vec<Output> {
        std::mem::take(&mut self.outbox)
    }

    /// Drains the observer events.
    pub fn take_events(&mut self) -> Vec<EventKind> {
        std::mem::take(&mut self.events)
    }

    pub(crate) fn emit(&mut self, kind: EventKind) {
        self.events.push(kind);
    }

    /// Unix time in ms of a simulated instant (what Redis's `mstime()` would say).
    pub(crate) fn unix_ms(&self, t: SimTime) -> u64 {
        self.config.unix_epoch_ms + t.as_millis()
    }

    /// A peer as events name it: its ID, and its port if I know it.
    pub(crate) fn tag(&self, name: &NodeName) -> NodeTag {
        NodeTag {
            name: *name,
            port: self.peers.by_name(name).map_or(0, |p| p.port),
        }
    }

    /// The slots I advertise: mine, or my master's if I am a replica.
    pub(crate) fn advertised_slots(&self) -> Arc<SlotSet> {
        let me = self.myself();
        let source = if me.is_replica() {
            self.master_ref()
                .and_then(|r| self.peers.get(r))
                .unwrap_or(me)
        } else {
            me
        };
        Arc::clone(&source.slots)
    }

    /// The bus header for a message of `kind` (`clusterBuildMessageHdr`).
    pub(crate) fn build_header(&self, kind: MessageType) -> Header {
        let me = self.myself();
        let master = if me.is_replica() {
            self.master_ref().and_then(|r| self.peers.get(r))
        } else {
            None
        };
        Header {
            kind,
            sender: me.name,
            current_epoch: self.current_epoch,
            config_epoch: master.map_or(me.config_epoch, |m| m.config_epoch),
            offset: self.repl.header_offset(me.is_master()),
            myslots: self.advertised_slots(),
            slaveof: if me.is_replica() { me.master } else { None },
            myip: crate::ip::IpText::EMPTY,
            port: me.port,
            cport: me.cport,
            flags: me.flags,
            state_ok: self.state_ok,
            mflags: if me.is_master() && self.mf.end.is_some() && self.writes_paused() {
                crate::bus::MFLAG_PAUSED
            } else {
                0
            },
        }
    }

    /// Sends a bus message on my outbound link to `r`, if I have one.
    pub(crate) fn send_on_link(&mut self, r: PeerRef, msg: BusMessage) {
        let Some(p) = self.peers.get(r) else { return };
        let Some(link) = p.link else { return };
        let dest = Dest::Addr {
            ip: p.ip,
            port: p.cport,
        };
        self.stats_sent[msg.kind() as usize] += 1;
        self.outbox.push(Output {
            dest,
            via: Via::SenderLink(link.id),
            payload: Payload::Bus(msg),
        });
    }

    /// Replies on an inbound connection.
    pub(crate) fn reply_on_conn(&mut self, to: NodeIdx, via_link: LinkId, msg: BusMessage) {
        self.stats_sent[msg.kind() as usize] += 1;
        self.outbox.push(Output {
            dest: Dest::Conn(to),
            via: Via::ReceiverLink(via_link),
            payload: Payload::Bus(msg),
        });
    }

    /// Every slot count, for CLUSTER INFO: (assigned, ok, pfail, fail).
    pub fn slot_counts(&self) -> (usize, usize, usize, usize) {
        let (mut assigned, mut ok, mut pfail, mut fail) = (0, 0, 0, 0);
        for (_, p) in self.peers.iter() {
            let n = p.num_slots();
            if n == 0 {
                continue;
            }
            assigned += n;
            if p.has(flags::FAIL) {
                fail += n;
            } else if p.has(flags::PFAIL) {
                pfail += n;
            } else {
                ok += n;
            }
        }
        (assigned, ok, pfail, fail)
    }

    /// Owner of `slot` in my table.
    pub fn slot_owner(&self, slot: Slot) -> Option<&Peer> {
        self.slots.owner(slot).and_then(|r| self.peers.get(r))
    }

    /// Binds `slot` to `r` in my table, keeping the peers' bitmaps in step.
    pub(crate) fn bind_slot(&mut self, slot: Slot, r: PeerRef) {
        self.unbind_slot(slot);
        self.slots.set(slot, Some(r));
        self.peers.touch();
        if let Some(p) = self.peers.get_mut(r) {
            Arc::make_mut(&mut p.slots).insert(slot);
            p.slot_count += 1;
            p.slots_version += 1;
        }
        self.state_dirty = true;
    }

    pub(crate) fn unbind_slot(&mut self, slot: Slot) {
        if let Some(old) = self.slots.owner(slot) {
            if let Some(p) = self.peers.get_mut(old) {
                Arc::make_mut(&mut p.slots).remove(slot);
                p.slot_count -= 1;
                p.slots_version += 1;
            }
            self.slots.set(slot, None);
            self.peers.touch();
            self.state_dirty = true;
        }
    }

    /// Removes every slot of `r` (a master turning replica, or a forgotten node).
    pub(crate) fn unbind_all_slots_of(&mut self, r: PeerRef) {
        let owned: Vec<Slot> = self
            .peers
            .get(r)
            .map(|p| p.slots.iter().collect())
            .unwrap_or_default();
        for s in owned {
            self.unbind_slot(s);
        }
    }

    /// Node count for invariants and tests.
    pub fn known_nodes(&self) -> usize {
        self.peers.len()
    }

    /// Total of all slots in the table (a sanity figure).
    pub fn assigned_slots(&self) -> usize {
        (0..SLOTS as u16)
            .filter(|&s| self.slots.owner(s).is_some())
            .count()
    }
}
