//! The world: virtual time, the event queue ordered by `(time, sequence)`, the network,
//! the one seeded generator, every simulated process, and the event log.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::config::{ClusterShape, NodeConfig};
use crate::event::{Event, EventKind};
use crate::faults::NetFaults;
use crate::name::NodeIdx;
use crate::net::{Envelope, Network};
use crate::node::{Input, Node};
use crate::reply::Reply;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

mod clients;
mod delivery;
mod faults;
mod ledger;
mod observe;
mod replay;

pub use clients::{ConnError, ConnId, Submitted, MAX_BLOCK_MS};
pub use ledger::{AckedWrite, Ledger};
pub use observe::{Observer, SentMessage, Wire, SENT_LOG_CAPACITY};
pub use replay::Moment;

/// How many events the log keeps for display (the trace hash covers all of them).
pub const EVENT_LOG_CAPACITY: usize = 100_000;

/// Stream ids of the seeded generator family.
const NETWORK_STREAM: u64 = 0;
const WORLD_STREAM: u64 = 1;
const NODE_STREAM_BASE: u64 = 1000;

#[derive(Clone, Debug)]
enum Item {
    /// A cron tick of a process's current life (a restart starts a new generation).
    Cron(NodeIdx, u64),
    Deliver(Box<Envelope>),
    /// A connection of `node` to the process at `ip`/ports closed or was refused.
    ConnLost {
        node: NodeIdx,
        ip: String,
        port: u16,
        cport: u16,
        /// The bus link that was refused, when it was one.
        link: Option<crate::node::LinkId>,
    },
    /// A paused process wakes up.
    Resume(NodeIdx),
    /// `node`'s outbound bus link `link` is established.
    LinkUp {
        node: NodeIdx,
        link: crate::node::LinkId,
    },
    /// A client's command that reached a paused process, read when it wakes.
    Command {
        node: NodeIdx,
        conn: ConnId,
        args: Vec<Vec<u8>>,
    },
    /// A client connected to a paused process, accepted when it wakes.
    Accept {
        node: NodeIdx,
        conn: ConnId,
    },
    /// A client closed its connection to a paused process, noticed when it wakes.
    Disconnect {
        node: NodeIdx,
        conn: ConnId,
    },
}

impl Item {
    /// The process this item happens on.
    fn target(&self) -> NodeIdx {
        match self {
            Item::Cron(i, _) | Item::Resume(i) => *i,
            Item::Deliver(e) => e.to,
            Item::ConnLost { node, .. }
            | Item::LinkUp { node, .. }
            | Item::Command { node, .. }
            | Item::Accept { node, .. }
            | Item::Disconnect { node, .. } => *node,
        }
    }
}

#[derive(Clone, Debug)]
struct Scheduled {
    at: SimTime,
    seq: u64,
    item: Item,
}

impl PartialEq for Scheduled {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(o.at, o.seq))
    }
}

/// Whether a process runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessState {
    Running,
    /// Alive but silent until the given time (or a heal).
    Paused {
        until: SimTime,
    },
    /// The process is gone; its node keeps the cluster config for a restart.
    Killed,
}

/// A simulated process: a node and where it listens.
#[derive(Clone, Debug)]
pub struct Process {
    pub node: Node,
    pub ip: String,
    pub port: u16,
    pub state: ProcessState,
    /// Which life of the process its cron ticks belong to.
    cron_generation: u64,
}

impl Process {
    pub fn is_running(&self) -> bool {
        self.state == ProcessState::Running
    }
}

/// Counters of what the world delivered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrafficStats {
    pub bus_messages: u64,
    pub bus_bytes: u64,
    pub repl_messages: u64,
}

/// Feeds formatted text straight into the trace hash.
struct HashWriter<'a>(&'a mut Sha256);

impl std::fmt::Write for HashWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// The simulated world.
#[derive(Clone)]
pub struct World {
    seed: u64,
    now: SimTime,
    seq: u64,
    queue: BinaryHeap<Reverse<Scheduled>>,
    procs: Vec<Process>,
    net: Network,
    rng: SimRng,
    log: VecDeque<Event>,
    logged: u64,
    hasher: Sha256,
    conns: Vec<Option<NodeIdx>>,
    traffic: TrafficStats,
    node_config: NodeConfig,
    faults: NetFaults,
    faults_log: Vec<(SimTime, crate::faults::Fault)>,
    ledger: Ledger,
    by_data_port: crate::types::vec_map::VecMap<u16, NodeIdx>,
    by_cport: crate::types::vec_map::VecMap<u16, NodeIdx>,
    /// Items held for paused processes, released in order when they wake.
    held: Vec<Vec<Item>>,
    /// Replies produced for client connections, until their `execute` takes them.
    replies: Vec<(ConnId, Reply)>,
    /// Connections a process closed itself (idle clients), until `take_closed` takes them.
    closed: Vec<ConnId>,
    /// Bytes processes pushed to connections (a SYNC client's stream), until
    /// `take_pushes` takes them.
    pushes: Vec<(ConnId, Vec<u8>)>,
    /// Submitted commands still waiting for their reply, with their arguments.
    blocked: crate::types::vec_map::VecMap<ConnId, (NodeIdx, Vec<Vec<u8>>)>,
    observer: Observer,
}

impl World {
    /// A world with the processes of `shape` started but not joined (like fresh
    /// `redis-server --cluster-enabled yes` instances).
    pub fn new(shape: &ClusterShape) -> World {
        let node_config = NodeConfig {
            node_timeout: shape.node_timeout,
            ..NodeConfig::default()
        };
        let mut world = World {
            seed: shape.seed,
            now: SimTime::ZERO,
            seq: 0,
            queue: BinaryHeap::new(),
            procs: Vec::new(),
            net: Network::new(
                shape.latency.clone(),
                SimRng::stream(shape.seed, NETWORK_STREAM),
            ),
            rng: SimRng::stream(shape.seed, WORLD_STREAM),
            log: VecDeque::new(),
            logged: 0,
            hasher: Sha256::new(),
            conns: Vec::new(),
            traffic: TrafficStats::default(),
            node_config,
            faults: NetFaults::default(),
            faults_log: Vec::new(),
            ledger: Ledger::default(),
            by_data_port: Default::default(),
            by_cport: Default::default(),
            held: Vec::new(),
            replies: Vec::new(),
            pushes: Vec::new(),
            closed: Vec::new(),
            blocked: Default::default(),
            observer: Observer::default(),
        };
        for i in 0..shape.node_count() {
            world.start_process(&shape.ip, shape.base_port + i as u16);
        }
        world
    }

    /// The configuration processes started from now on begin with (`.start`): what a
    /// deployment's redis.conf gives every new node.
    pub fn set_new_process_config(&mut self, config: NodeConfig) {
        self.node_config = config;
    }

    /// The Unix time (ms) of simulated time zero, for every process now and started
    /// later: `clusterlab serve` sets it so that the nodes' Unix clock is the wall clock.
    pub fn set_unix_epoch_ms(&mut self, epoch_ms: u64) {
        self.node_config.unix_epoch_ms = epoch_ms;
        for p in &mut self.procs {
            p.node.config.unix_epoch_ms = epoch_ms;
        }
    }

    /// `enable-debug-command` for every process, now and started later: a startup
    /// option (it is immutable to CONFIG SET).
    pub fn set_enable_debug_command(&mut self, allowed: crate::config::ProtectedAction) {
        self.node_config.enable_debug_command = allowed;
        for p in &mut self.procs {
            p.node.config.enable_debug_command = allowed;
        }
    }

    /// That configuration.
    pub fn new_process_config(&self) -> &NodeConfig {
        &self.node_config
    }

    /// Starts one more process listening on `ip:port` (a fresh node with a new ID).
    pub fn start_process(&mut self, ip: &str, port: u16) -> NodeIdx {
        let idx = NodeIdx(self.procs.len() as u32);
        let rng = SimRng::stream(self.seed, NODE_STREAM_BASE + u64::from(idx.0));
        let node = Node::new(idx, port, self.node_config.clone(), rng, self.now);
        self.by_data_port.insert(port, idx);
        self.by_cport.insert(node.myself().cport, idx);
        self.procs.push(Process {
            node,
            ip: ip.to_string(),
            port,
            state: ProcessState::Running,
            cron_generation: 0,
        });
        self.held.push(Vec::new());
        self.start_cron(idx);
        self.collect(idx);
        idx
    }

    /// Schedules the first cron tick of a (re)started process: each process's cron has
    /// its own phase within the 100 ms period.
    fn start_cron(&mut self, idx: NodeIdx) {
        let phase = SimDuration(1 + self.rng.below(crate::node::CRON_PERIOD_MS));
        let generation = self.procs[idx.index()].cron_generation;
        self.schedule(self.now + phase, Item::Cron(idx, generation));
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn processes(&self) -> &[Process] {
        &self.procs
    }

    pub fn node(&self, idx: NodeIdx) -> &Node {
        &self.procs[idx.index()].node
    }

    /// The network faults in force.
    pub fn net_faults(&self) -> &NetFaults {
        &self.faults
    }

    /// The process listening on `port`, if any.
    pub fn by_port(&self, port: u16) -> Option<NodeIdx> {
        self.by_data_port.get(&port).copied()
    }

    /// The retained tail of the event log.
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &Event> + ExactSizeIterator {
        self.log.iter()
    }

    /// How many events were ever logged.
    pub fn events_logged(&self) -> u64 {
        self.logged
    }

    /// What observers may watch: messages sent, hits per slot, steps taken.
    pub fn observer(&self) -> &Observer {
        &self.observer
    }

    pub fn traffic(&self) -> &TrafficStats {
        &self.traffic
    }

    /// Messages in flight, for drawing (unordered).
    pub fn in_flight(&self) -> impl Iterator<Item = &Envelope> {
        self.queue.iter().filter_map(|Reverse(s)| match &s.item {
            Item::Deliver(e) => Some(e.as_ref()),
            _ => None,
        })
    }

    /// A hex digest of everything that happened so far: every delivery, every cron tick,
    /// every event. Same seed and same inputs give the same hash, natively and in wasm.
    pub fn trace_hash(&self) -> String {
        let digest = self.hasher.clone().finalize();
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    fn schedule(&mut self, at: SimTime, item: Item) {
        self.seq += 1;
        self.queue.push(Reverse(Scheduled {
            at,
            seq: self.seq,
            item,
        }));
    }

    /// The time of the next queued event.
    pub fn next_event_time(&self) -> Option<SimTime> {
        self.queue.peek().map(|Reverse(s)| s.at)
    }

    /// Processes the next event, if any; returns false when the queue is empty.
    pub fn step(&mut self) -> bool {
        let Some(Reverse(s)) = self.queue.pop() else {
            return false;
        };
        self.now = s.at;
        self.observer.steps += 1;
        let target = s.item.target();
        match self.procs[target.index()].state {
            ProcessState::Killed => {
                // Nothing happens on a dead process: its cron stops, messages are lost.
                if let Item::Resume(_) = s.item {
                } else if let Item::Deliver(env) = &s.item {
                    self.refuse(env);
                }
                return true;
            }
            ProcessState::Paused { .. } if !matches!(s.item, Item::Resume(_)) => {
                self.held[target.index()].push(s.item);
                return true;
            }
            _ => {}
        }
        match s.item {
            Item::Cron(idx, generation)
                if generation != self.procs[idx.index()].cron_generation => {}
            Item::Cron(idx, generation) => {
                self.hasher.update([0u8]);
                self.hasher.update(idx.0.to_le_bytes());
                self.hasher.update(self.now.0.to_le_bytes());
                self.procs[idx.index()].node.handle(self.now, Input::Cron);
                self.schedule(
                    self.now + SimDuration(crate::node::CRON_PERIOD_MS),
                    Item::Cron(idx, generation),
                );
                self.collect(idx);
            }
            Item::Deliver(env) => self.deliver(*env),
            Item::ConnLost {
                node,
                ip,
                port,
                cport,
                link,
            } => {
                self.hasher.update([5u8]);
                self.hasher.update(node.0.to_le_bytes());
                self.hasher.update(port.to_le_bytes());
                let lost = Input::ConnectionLost {
                    ip: &ip,
                    port,
                    cport,
                    link,
                };
                self.procs[node.index()].node.handle(self.now, lost);
                self.collect(node);
            }
            Item::LinkUp { node, link } => {
                self.hasher.update([6u8]);
                self.hasher.update(node.0.to_le_bytes());
                self.procs[node.index()]
                    .node
                    .handle(self.now, Input::LinkUp(link));
                self.collect(node);
            }
            Item::Command { node, conn, args } => {
                if self.process_of(conn) == Some(node) {
                    // The reply waits for `take_unblocked`, which enters it in the ledger.
                    self.dispatch_command(node, conn, &args);
                }
            }
            Item::Accept { node, conn } => {
                if self.process_of(conn) == Some(node) {
                    self.accept_client(node, conn);
                }
            }
            Item::Disconnect { node, conn } => self.forget_client(node, conn),
            Item::Resume(idx) => {
                if let ProcessState::Paused { until } = self.procs[idx.index()].state {
                    if until <= self.now {
                        self.wake(idx);
                    }
                }
            }
        }
        true
    }

    /// Wakes a paused process and releases what it missed, in order.
    fn wake(&mut self, idx: NodeIdx) {
        self.procs[idx.index()].state = ProcessState::Running;
        // What waited on its sockets is read before its timers run, as an event loop
        // handles file events before time events.
        let (timers, events): (Vec<Item>, Vec<Item>) = std::mem::take(&mut self.held[idx.index()])
            .into_iter()
            .partition(|item| matches!(item, Item::Cron(..)));
        for item in events.into_iter().chain(timers) {
            self.schedule(self.now, item);
        }
        let port = self.procs[idx.index()].port;
        self.log_event(Some(idx), Some(port), EventKind::Woke { port });
    }

    /// Appends an event to the log and to the trace hash.
    pub fn log_event(&mut self, node: Option<NodeIdx>, port: Option<u16>, kind: EventKind) {
        let event = Event {
            seq: self.logged,
            at: self.now,
            node,
            port,
            kind,
        };
        self.hasher.update([3u8]);
        // The explanation goes into the hash as it is written, never built as a string.
        let _ = write!(HashWriter(&mut self.hasher), "{event}");
        self.logged += 1;
        if self.log.len() == EVENT_LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(event);
    }

    /// Runs every event up to and including `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: SimTime) {
        while self.next_event_time().is_some_and(|n| n <= t) {
            self.step();
        }
        if t > self.now {
            self.now = t;
        }
    }

    /// Advances simulated time by `d`.
    pub fn advance(&mut self, d: SimDuration) {
        self.run_until(self.now + d);
    }
}
