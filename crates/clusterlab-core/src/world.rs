//! The world: virtual time, the event queue ordered by `(time, sequence)`, the network,
//! the one seeded generator, every simulated process, and the event log.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use sha2::{Digest, Sha256};

use crate::config::{ClusterShape, NodeConfig};
use crate::event::{Event, EventKind};
use crate::name::NodeIdx;
use crate::net::{Envelope, Network};
use crate::node::{Dest, Exec, Node, Payload};
use crate::reply::Reply;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// How many events the log keeps for display (the trace hash covers all of them).
pub const EVENT_LOG_CAPACITY: usize = 100_000;

/// The longest a blocked command (WAIT 0) is simulated before the client gives up.
pub const MAX_BLOCK_MS: u64 = 3_600_000;

/// Stream ids of the seeded generator family.
const NETWORK_STREAM: u64 = 0;
const WORLD_STREAM: u64 = 1;
const NODE_STREAM_BASE: u64 = 1000;

#[derive(Clone, Debug)]
enum Item {
    Cron(NodeIdx),
    Deliver(Box<Envelope>),
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

/// A simulated process: a node and where it listens.
#[derive(Clone, Debug)]
pub struct Process {
    pub node: Node,
    pub ip: String,
    pub port: u16,
}

/// A client connection to one process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u64);

/// Counters of what the world delivered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrafficStats {
    pub bus_messages: u64,
    pub bus_bytes: u64,
    pub repl_messages: u64,
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
        };
        for i in 0..shape.node_count() {
            world.start_process(&shape.ip, shape.base_port + i as u16);
        }
        world
    }

    /// Starts one more process listening on `ip:port` (a fresh node with a new ID).
    pub fn start_process(&mut self, ip: &str, port: u16) -> NodeIdx {
        let idx = NodeIdx(self.procs.len() as u32);
        let rng = SimRng::stream(self.seed, NODE_STREAM_BASE + u64::from(idx.0));
        let node = Node::new(idx, port, self.node_config.clone(), rng, self.now);
        self.procs.push(Process {
            node,
            ip: ip.to_string(),
            port,
        });
        // Each process's cron has its own phase within the 100 ms period.
        let phase = SimDuration(1 + self.rng.below(crate::node::CRON_PERIOD_MS));
        self.schedule(self.now + phase, Item::Cron(idx));
        self.collect(idx);
        idx
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

    /// The process listening on `port`, if any.
    pub fn by_port(&self, port: u16) -> Option<NodeIdx> {
        self.procs
            .iter()
            .position(|p| p.port == port)
            .map(|i| NodeIdx(i as u32))
    }

    /// The retained tail of the event log.
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &Event> + ExactSizeIterator {
        self.log.iter()
    }

    /// How many events were ever logged.
    pub fn events_logged(&self) -> u64 {
        self.logged
    }

    pub fn traffic(&self) -> &TrafficStats {
        &self.traffic
    }

    /// Messages in flight, for drawing (unordered).
    pub fn in_flight(&self) -> impl Iterator<Item = &Envelope> {
        self.queue.iter().filter_map(|Reverse(s)| match &s.item {
            Item::Deliver(e) => Some(e.as_ref()),
            Item::Cron(_) => None,
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
        match s.item {
            Item::Cron(idx) => {
                self.hasher.update([0u8]);
                self.hasher.update(idx.0.to_le_bytes());
                self.hasher.update(self.now.0.to_le_bytes());
                self.procs[idx.index()].node.on_cron(self.now);
                self.schedule(
                    self.now + SimDuration(crate::node::CRON_PERIOD_MS),
                    Item::Cron(idx),
                );
                self.collect(idx);
            }
            Item::Deliver(env) => self.deliver(*env),
        }
        true
    }

    fn deliver(&mut self, env: Envelope) {
        let to = env.to;
        self.hasher.update([1u8]);
        self.hasher.update(env.from.0.to_le_bytes());
        self.hasher.update(to.0.to_le_bytes());
        self.hasher.update(self.now.0.to_le_bytes());
        let src_ip = self.procs[env.from.index()].ip.clone();
        let local_ip = self.procs[to.index()].ip.clone();
        match env.payload {
            Payload::Bus(msg) => {
                self.traffic.bus_messages += 1;
                self.traffic.bus_bytes += msg.wire_size() as u64;
                self.hasher.update([msg.kind() as u8]);
                self.procs[to.index()]
                    .node
                    .on_bus_message(self.now, env.from, &src_ip, &local_ip, env.via, msg);
            }
            Payload::Repl(msg) => {
                self.traffic.repl_messages += 1;
                self.hasher.update([2u8]);
                self.procs[to.index()]
                    .node
                    .on_repl_message(self.now, env.from, &src_ip, msg);
            }
        }
        self.collect(to);
    }

    /// Moves a node's outbox into the queue and its events into the log.
    fn collect(&mut self, idx: NodeIdx) {
        let outputs = self.procs[idx.index()].node.take_outputs();
        for out in outputs {
            let target = match &out.dest {
                Dest::Conn(n) => Some(*n),
                Dest::Addr { ip, port } => self.resolve(ip, *port, &out.payload),
            };
            if let Some(to) = target {
                let env = self.net.send(self.now, idx, to, out.via, out.payload);
                let at = env.deliver_at;
                self.schedule(at, Item::Deliver(Box::new(env)));
            }
        }
        let events = self.procs[idx.index()].node.take_events();
        let port = self.procs[idx.index()].port;
        for kind in events {
            self.log_event(Some(idx), Some(port), kind);
        }
    }

    fn resolve(&self, ip: &str, port: u16, payload: &Payload) -> Option<NodeIdx> {
        self.procs
            .iter()
            .position(|p| {
                p.ip == ip
                    && match payload {
                        Payload::Bus(_) => p.node.myself().cport == port,
                        Payload::Repl(_) => p.port == port,
                    }
            })
            .map(|i| NodeIdx(i as u32))
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
        self.hasher.update(event.to_string().as_bytes());
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

    /// Opens a client connection to the process on `port`.
    pub fn connect(&mut self, port: u16) -> Option<ConnId> {
        let idx = self.by_port(port)?;
        self.conns.push(Some(idx));
        Some(ConnId(self.conns.len() as u64 - 1))
    }

    /// Closes a client connection.
    pub fn disconnect(&mut self, conn: ConnId) {
        if let Some(Some(idx)) = self.conns.get(conn.0 as usize).copied() {
            self.procs[idx.index()].node.disconnect_client(conn.0);
            self.conns[conn.0 as usize] = None;
        }
    }

    /// Sends a command on `conn` and waits (in simulated time) for its reply: the request
    /// travels with one link latency, the node executes it, the reply travels back.
    pub fn execute(&mut self, conn: ConnId, args: &[Vec<u8>]) -> Reply {
        let Some(Some(idx)) = self.conns.get(conn.0 as usize).copied() else {
            return Reply::err("ERR connection closed");
        };
        let there = self.now + self.net.sample_latency();
        self.run_until(there);
        self.hasher.update([4u8]);
        for a in args {
            self.hasher.update((a.len() as u64).to_le_bytes());
            self.hasher.update(a);
        }
        let exec = self.procs[idx.index()].node.execute(self.now, conn.0, args);
        self.collect(idx);
        let reply = match exec {
            Exec::Reply(r) => r,
            Exec::Blocked => self.wait_unblocked(idx, conn),
        };
        let back = self.now + self.net.sample_latency();
        self.run_until(back);
        reply
    }

    fn wait_unblocked(&mut self, idx: NodeIdx, conn: ConnId) -> Reply {
        let give_up = self.now + SimDuration(MAX_BLOCK_MS);
        loop {
            if let Some(r) = self.procs[idx.index()].node.take_unblocked(conn.0) {
                return r;
            }
            if self.next_event_time().is_none_or(|t| t > give_up) || !self.step() {
                self.run_until(give_up);
                self.procs[idx.index()].node.disconnect_client(conn.0);
                return Reply::err(
                    "ERR ClusterLab stopped waiting after one hour of simulated time",
                );
            }
        }
    }
}
