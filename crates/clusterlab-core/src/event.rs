//! Observer events: what happened, where, and the rule with the numbers that caused it.
//! Explanations shown anywhere (console, UI) are generated from these, never scripted.

use std::fmt;

use crate::name::NodeIdx;
use crate::time::SimTime;

/// A category, for filtering the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventCategory {
    Membership,
    Slots,
    Epoch,
    Replication,
    State,
    Failure,
    Election,
    LostWrite,
    Client,
    Fault,
}

/// What happened, with the facts that explain it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A process started (or restarted) with this node ID.
    NodeStarted { port: u16, id: String },
    /// CLUSTER MEET created a handshake entry.
    MeetRequested { target: String },
    /// A handshake completed: the temporary entry learned the real ID.
    HandshakeCompleted { peer: String, id: String },
    /// An unknown node was added from a MEET (as a handshake) or from gossip.
    NodeLearned {
        peer: String,
        id: String,
        via: String,
    },
    /// A handshake entry timed out and was dropped.
    HandshakeTimedOut { peer: String, timeout_ms: u64 },
    /// The node learned its own IP from a MEET.
    OwnIpLearned { ip: String },
    /// Slots were assigned or removed by an admin command.
    SlotsChanged { command: String, count: usize },
    /// Gossip or an UPDATE rebound slots to another owner (`from: None` = unassigned).
    SlotsRebound {
        count: usize,
        from: Option<String>,
        from_epoch: u64,
        to: String,
        sender_epoch: u64,
    },
    /// An UPDATE message was sent because the sender advertised a stale slot config.
    UpdateSent {
        to: String,
        about: String,
        slot: u16,
        owner_epoch: u64,
        sender_epoch: u64,
    },
    /// configEpoch changed.
    ConfigEpochSet { epoch: u64, reason: String },
    /// currentEpoch rose to a value seen in a header.
    CurrentEpochRaised { from: u64, to: u64, sender: String },
    /// This node became a replica of another.
    BecameReplica { master: String, reason: String },
    /// This node became a master.
    BecameMaster { reason: String },
    /// Replication finished a full sync.
    FullSync {
        master: String,
        offset: u64,
        keys: usize,
    },
    /// The cluster state seen by this node flipped.
    StateChanged { ok: bool, reason: String },
    /// A client command got a redirect or a cluster error.
    Redirected { command: String, reply: String },
    /// Elections and votes.
    Election { what: String },
    /// Failure detection: PFAIL, reports, FAIL, and clearing it.
    Failure { what: String },
    /// An acknowledged write that was lost, with the fault that lost it.
    LostWrite { what: String },
    /// A fault or an operator action from the public API.
    Fault { what: String },
    /// MIGRATE moving keys between nodes.
    Migration { what: String },
}

impl EventKind {
    pub fn category(&self) -> EventCategory {
        use EventKind::*;
        match self {
            NodeStarted { .. }
            | MeetRequested { .. }
            | HandshakeCompleted { .. }
            | NodeLearned { .. }
            | HandshakeTimedOut { .. }
            | OwnIpLearned { .. } => EventCategory::Membership,
            SlotsChanged { .. } | SlotsRebound { .. } | UpdateSent { .. } | Migration { .. } => {
                EventCategory::Slots
            }
            ConfigEpochSet { .. } | CurrentEpochRaised { .. } => EventCategory::Epoch,
            BecameReplica { .. } | BecameMaster { .. } | FullSync { .. } => {
                EventCategory::Replication
            }
            StateChanged { .. } => EventCategory::State,
            Redirected { .. } => EventCategory::Client,
            Failure { .. } => EventCategory::Failure,
            Election { .. } => EventCategory::Election,
            LostWrite { .. } => EventCategory::LostWrite,
            Fault { .. } => EventCategory::Fault,
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use EventKind::*;
        match self {
            NodeStarted { port, id } => write!(f, "started on port {port}: \"No cluster configuration found, I'm {id}\""),
            MeetRequested { target } => write!(f, "CLUSTER MEET {target}: handshake entry created, MEET goes out on the next cron tick"),
            HandshakeCompleted { peer, id } => write!(f, "handshake with {peer} completed: its ID is {id}"),
            NodeLearned { peer, id, via } => write!(f, "learned node {peer} ({id}) {via}"),
            HandshakeTimedOut { peer, timeout_ms } => write!(f, "handshake with {peer} dropped: no reply within {timeout_ms} ms (max(node_timeout, 1000))"),
            OwnIpLearned { ip } => write!(f, "\"IP address for this node updated to {ip}\" (learned from the socket of a MEET)"),
            SlotsChanged { command, count } => write!(f, "{command}: {count} slots changed in its own table; gossip will tell the others"),
            SlotsRebound { count, from: None, to, sender_epoch, .. } => write!(
                f,
                "binds {count} unassigned slots to {to}: {to} claims them (configEpoch {sender_epoch})"
            ),
            SlotsRebound { count, from: Some(from), from_epoch, to, sender_epoch } if from_epoch < sender_epoch => write!(
                f,
                "rebinds {count} slots from {from} to {to}: {to} claims them with configEpoch {sender_epoch} > {from_epoch}"
            ),
            SlotsRebound { count, from: Some(from), to, .. } => {
                write!(f, "rebinds {count} slots from {from} to {to}: {from} no longer claims them")
            }
            UpdateSent { to, about, slot, owner_epoch, sender_epoch } => write!(
                f,
                "\"Node {to} has old slots configuration, sending an UPDATE message about {about}\": slot {slot} has configEpoch {owner_epoch} > {sender_epoch}"
            ),
            ConfigEpochSet { epoch, reason } => write!(f, "configEpoch set to {epoch}: {reason}"),
            CurrentEpochRaised { from, to, sender } => write!(f, "currentEpoch {from} -> {to}: a header from {sender} carried a higher epoch"),
            BecameReplica { master, reason } => write!(f, "becomes a replica of {master}: {reason}"),
            BecameMaster { reason } => write!(f, "becomes a master: {reason}"),
            FullSync { master, offset, keys } => write!(
                f,
                "full resync from {master} done: {keys} keys loaded at offset {offset} (the master waited repl-diskless-sync-delay, 5 s, before sending)"
            ),
            StateChanged { ok, reason } => write!(f, "\"Cluster state changed: {}\": {reason}", if *ok { "ok" } else { "fail" }),
            Redirected { command, reply } => write!(f, "{command} -> {reply}"),
            Failure { what } | Fault { what } | Election { what } | LostWrite { what } | Migration { what } => write!(f, "{what}"),
        }
    }
}

/// One entry of the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Position in the log, from 0.
    pub seq: u64,
    pub at: SimTime,
    /// The node it happened on, if any.
    pub node: Option<NodeIdx>,
    /// That node's client port, for display.
    pub port: Option<u16>,
    pub kind: EventKind,
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(p) => write!(f, "[{}] {p} {}", self.at, self.kind),
            None => write!(f, "[{}] {}", self.at, self.kind),
        }
    }
}
