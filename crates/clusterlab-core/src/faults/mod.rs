//! The one fault vocabulary: what tests, the console and the UI can do to a running
//! cluster. Each fault is data; [`crate::World::apply`] carries it out, and `line.rs`
//! reads and writes it as a console line.

mod line;

pub use line::FAULT_COMMANDS;

use crate::types::vec_map::VecMap;
use std::fmt;

use crate::name::NodeIdx;
use crate::time::SimDuration;

/// What happens to a restarted node's dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataOnRestart {
    /// Redis without persistence: the node comes back empty.
    Empty,
    /// Redis with AOF (`appendfsync always`): every acknowledged write is reloaded.
    Keep,
}

/// A fault or repair, by client port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The process dies: its sockets close, connections to it are refused.
    Kill(u16),
    /// The process starts again with the same ID and cluster config (nodes.conf).
    Restart { port: u16, data: DataOnRestart },
    /// The process is alive but silent (like `DEBUG SLEEP` or SIGSTOP) for a while.
    Pause { port: u16, duration: SimDuration },
    /// Nodes in different groups cannot exchange anything; nodes not listed form one more group.
    Partition(Vec<Vec<u16>>),
    /// Messages from one node to another are dropped (the reverse direction still works).
    OneWay { from: u16, to: u16 },
    /// Connections to these nodes' cluster bus ports are blocked; clients and replication
    /// still reach them (a firewall that blocks 17001-17006).
    BlockBus(Vec<u16>),
    /// A percentage of the messages from one node to another is dropped.
    Loss { from: u16, to: u16, percent: u8 },
    /// Extra latency on the link from one node to another.
    Delay { from: u16, to: u16, ms: u64 },
    /// Removes every network fault and wakes paused nodes (killed nodes stay down).
    Heal,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Kill(p) => write!(f, "kill {p}: the process is gone, its connections close"),
            Fault::Restart { port, data } => write!(
                f,
                "restart {port} with the same node ID and nodes.conf, {}",
                match data {
                    DataOnRestart::Empty => "empty dataset (no persistence)",
                    DataOnRestart::Keep => "dataset reloaded from the AOF",
                }
            ),
            Fault::Pause { port, duration } => {
                write!(f, "pause {port} for {duration}: alive but silent")
            }
            Fault::Partition(groups) => {
                let g: Vec<String> = groups
                    .iter()
                    .map(|g| g.iter().map(u16::to_string).collect::<Vec<_>>().join(","))
                    .collect();
                write!(f, "partition {}", g.join(" / "))
            }
            Fault::OneWay { from, to } => write!(f, "drop everything from {from} to {to}"),
            Fault::BlockBus(ports) => {
                let p: Vec<String> = ports.iter().map(u16::to_string).collect();
                write!(
                    f,
                    "block the cluster bus ports of {} (clients still reach them)",
                    p.join(",")
                )
            }
            Fault::Loss { from, to, percent } => {
                write!(f, "drop {percent}% of messages from {from} to {to}")
            }
            Fault::Delay { from, to, ms } => {
                write!(f, "add {ms} ms of latency from {from} to {to}")
            }
            Fault::Heal => write!(f, "heal: every network fault removed, paused nodes resumed"),
        }
    }
}

/// Why a fault could not be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FaultError {
    #[error("no simulated node listens on port {0}")]
    UnknownPort(u16),
    #[error("{0} is already down")]
    AlreadyKilled(u16),
    #[error("{0} is running; only a killed node can be restarted")]
    NotKilled(u16),
    #[error("{0} is down; restart it first")]
    Killed(u16),
    #[error("a node cannot be cut off from itself")]
    SameNode,
    #[error("port {0} appears in more than one group")]
    RepeatedPort(u16),
    #[error("loss must be a percentage from 0 to 100")]
    BadPercent,
}

/// The network faults in force, by process index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetFaults {
    /// Directed pairs that exchange nothing (partitions and one-way cuts).
    pub cut: VecMap<(NodeIdx, NodeIdx), ()>,
    /// Processes whose cluster bus port is unreachable.
    pub bus_blocked: VecMap<NodeIdx, ()>,
    /// Loss percentage per directed pair.
    pub loss: VecMap<(NodeIdx, NodeIdx), u8>,
    /// Extra latency per directed pair, in ms.
    pub delay: VecMap<(NodeIdx, NodeIdx), u64>,
}

impl NetFaults {
    pub fn is_empty(&self) -> bool {
        self.cut.is_empty()
            && self.bus_blocked.is_empty()
            && self.loss.is_empty()
            && self.delay.is_empty()
    }
}
