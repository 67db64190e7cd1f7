//! Observer events: what happened, where, and the rule with the numbers that caused it.
//!
//! Every kind is a variant with the facts as typed fields (nodes, epochs, offsets, ranks,
//! delays, counts, slots, the fault). The explanation shown anywhere (console, UI,
//! narration) is generated from those fields by `Display` (`explain.rs`): Redis's own log
//! line where it has one, then our "why". Readers match on variants, or, in scenario
//! files, on a kind's stable [`EventKind::name`] and its [`EventKind::fields`]; nothing
//! reads facts back out of the text.

mod explain;
mod field;
mod reasons;

pub use field::{Field, Mention};
pub use reasons::{
    CantFailoverReason, DenyReason, EpochReason, FailClearReason, LearnedVia, LinkDownCause, Loss,
    LossReason, Redirect, ReplicaReason, SlotCommand, StateReason, SyncRefusal,
};

use std::fmt;

use crate::faults::Fault;
use crate::ip::IpText;
use crate::name::{NodeIdx, NodeName};
use crate::slot::Slot;
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

/// A node as the node that logged an event names it: its ID, and its client port if that
/// node knows it (0 otherwise). It displays as the port, or the ID's first 8 characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeTag {
    pub name: NodeName,
    pub port: u16,
}

impl fmt::Display for NodeTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.port != 0 {
            write!(f, "{}", self.port)
        } else {
            f.write_str(self.name.short())
        }
    }
}

/// Declares [`EventKind`] with, per variant, its stable name and its category, and derives
/// [`EventKind::name`], [`EventKind::category`], [`EventKind::fields`],
/// [`EventKind::field_names`] and [`EventKind::mentions`] from the one declaration.
macro_rules! event_kinds {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal, $cat:ident {
            $( $(#[$fdoc:meta])* $field:ident: $ty:ty ),* $(,)?
        }
    )*) => {
        /// What happened, with the facts that explain it.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum EventKind {
            $( $(#[$doc])* $variant { $( $(#[$fdoc])* $field: $ty ),* }, )*
        }

        impl EventKind {
            /// Every kind's stable name, as scenario patterns write it.
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            /// The field names of the kind called `name`, if there is one.
            pub fn field_names(name: &str) -> Option<&'static [&'static str]> {
                match name {
                    $( $name => Some(&[$(stringify!($field)),*]), )*
                    _ => None,
                }
            }

            /// The kind's stable name: `possibly-failing`, `auth-granted`, …
            pub fn name(&self) -> &'static str {
                match self { $( EventKind::$variant { .. } => $name, )* }
            }

            pub fn category(&self) -> EventCategory {
                match self { $( EventKind::$variant { .. } => EventCategory::$cat, )* }
            }

            /// Every field by name, with its value as a pattern compares it.
            pub fn fields(&self) -> Vec<(&'static str, String)> {
                match self {
                    $( EventKind::$variant { $($field),* } => {
                        vec![$( (stringify!($field), Field::text($field)) ),*]
                    } )*
                }
            }

            /// The nodes the event names (besides the node it happened on).
            pub fn mentions(&self) -> Vec<Mention> {
                let mut out = Vec::new();
                match self {
                    $( EventKind::$variant { $($field),* } => {
                        $( Field::mentions($field, stringify!($field), &mut out); )*
                    } )*
                }
                out
            }
        }
    };
}

event_kinds! {
    /// A process started (or restarted) with this node ID.
    NodeStarted = "node-started", Membership { port: u16, id: NodeName }
    /// CLUSTER MEET created a handshake entry.
    MeetRequested = "meet-requested", Membership { ip: IpText, port: u16 }
    /// A handshake completed: the temporary entry learned the real ID.
    HandshakeCompleted = "handshake-completed", Membership { ip: IpText, port: u16, id: NodeName }
    /// An unknown node was added, from a MEET (as a handshake entry) or from gossip.
    NodeLearned = "node-learned", Membership { ip: IpText, port: u16, via: LearnedVia }
    /// A handshake entry timed out and was dropped.
    HandshakeTimedOut = "handshake-timed-out", Membership { ip: IpText, port: u16, timeout_ms: u64 }
    /// The node learned its own IP from a MEET.
    OwnIpLearned = "own-ip-learned", Membership { ip: IpText }
    /// Slots were assigned or removed by an admin command.
    SlotsChanged = "slots-changed", Slots { command: SlotCommand, count: usize }
    /// Gossip or an UPDATE rebound slots to another owner (`from: None` = unassigned).
    SlotsRebound = "slots-rebound", Slots {
        count: usize,
        from: Option<NodeTag>,
        from_epoch: u64,
        to: NodeTag,
        sender_epoch: u64,
    }
    /// An UPDATE message was sent because the sender advertised a stale slot config.
    UpdateSent = "update-sent", Slots {
        to: NodeTag,
        about: NodeTag,
        slot: Slot,
        owner_epoch: u64,
        sender_epoch: u64,
    }
    /// CLUSTER SETSLOT MIGRATING: the slot's keys are about to leave for `to`.
    SlotMigrating = "slot-migrating", Slots { slot: Slot, to: NodeTag }
    /// CLUSTER SETSLOT IMPORTING: the slot's keys are about to arrive from `from`.
    SlotImporting = "slot-importing", Slots { slot: Slot, from: NodeTag }
    /// CLUSTER SETSLOT STABLE closed an open slot.
    SlotStable = "slot-stable", Slots { slot: Slot }
    /// CLUSTER SETSLOT NODE bound the slot in this node's own table.
    SlotAssigned = "slot-assigned", Slots { slot: Slot, to: NodeTag }
    /// MIGRATE moved keys to another node (the keys are the first few, of `count`).
    KeysMigrated = "keys-migrated", Slots {
        host: String,
        port: u16,
        count: usize,
        keys: Vec<String>,
        copy: bool,
    }
    /// MIGRATE failed: the target answered with an error.
    MigrateFailed = "migrate-failed", Slots { host: String, port: u16, error: String }
    /// MIGRATE gave up: no answer from the target within the timeout.
    MigrateTimedOut = "migrate-timed-out", Slots { host: String, port: u16 }
    /// configEpoch changed.
    ConfigEpochSet = "config-epoch-set", Epoch { epoch: u64, reason: EpochReason }
    /// currentEpoch rose to a value seen in a header.
    CurrentEpochRaised = "current-epoch-raised", Epoch { from: u64, to: u64, sender: NodeTag }
    /// This node became a replica of another.
    BecameReplica = "became-replica", Replication { master: NodeTag, reason: ReplicaReason }
    /// This replica won an election and took over its master's slots.
    BecameMaster = "became-master", Replication { old_master: NodeTag, slots: usize }
    /// Replication finished a full sync.
    FullSync = "full-sync", Replication { master: NodeTag, offset: u64, keys: usize }
    /// The cluster state seen by this node flipped.
    StateChanged = "state-changed", State { ok: bool, reason: StateReason }
    /// A client command got a redirect or a cluster error.
    Redirected = "redirected", Client { command: String, error: Redirect }
    /// No answer to a ping for longer than node-timeout: PFAIL.
    PossiblyFailing = "possibly-failing", Failure {
        peer: NodeTag,
        /// How long the ping has waited.
        ping_ms: u64,
        /// How long nothing at all arrived (the smaller of the two delays).
        silent_ms: u64,
        node_timeout_ms: u64,
    }
    /// Enough masters reported the node: FAIL, broadcast to everyone.
    MarkedFailing = "marked-failing", Failure {
        peer: NodeTag,
        agree: usize,
        masters: usize,
        needed: usize,
    }
    /// A FAIL message was believed.
    FailReceived = "fail-received", Failure { from: NodeTag, about: NodeTag }
    /// A FAIL flag was cleared.
    FailCleared = "fail-cleared", Failure { peer: NodeTag, reason: FailClearReason }
    /// A master refused a replica's sync: authentication failed (`masterauth`).
    SyncRefused = "sync-refused", Failure { master: NodeTag, refusal: SyncRefusal }
    /// A replica link to its master went down.
    ReplicationLinkDown = "replication-link-down", Failure { master: NodeTag, cause: LinkDownCause }
    /// A replica whose master failed cannot fail over yet (logged as Redis rate-limits it).
    CantFailover = "cant-failover", Failure { reason: CantFailoverReason, needed: usize, votes: usize }
    /// A master refused its vote.
    AuthDenied = "auth-denied", Election { to: NodeTag, reason: DenyReason }
    /// A master gave its one vote for this epoch.
    AuthGranted = "auth-granted", Election {
        to: NodeTag,
        epoch: u64,
        /// FORCEACK: a manual failover asked, so the master need not be FAIL.
        forced: bool,
    }
    /// A replica in a manual failover learned its paused master's final offset.
    PausedMasterOffset = "paused-master-offset", Election { offset: u64 }
    /// CLUSTER FAILOVER TAKEOVER: no vote, the epoch is bumped without consensus.
    TakeoverStarted = "takeover-started", Election {}
    /// CLUSTER FAILOVER FORCE: no catch-up with the master, votes still needed.
    ForcedFailoverAccepted = "forced-failover-accepted", Election {}
    /// CLUSTER FAILOVER: MFSTART asks the master to pause writes.
    ManualFailoverAccepted = "manual-failover-accepted", Election {}
    /// A master got MFSTART from its replica and paused writes.
    MfStartReceived = "mfstart-received", Election { replica: NodeTag }
    /// The replica caught up with its paused master: the election can start.
    ManualFailoverCanStart = "manual-failover-can-start", Election { offset: u64 }
    /// The manual failover was not done within 5 s.
    ManualFailoverTimedOut = "manual-failover-timed-out", Election {}
    /// The replica scheduled its election (`jitter_ms: None` for a manual failover).
    ElectionDelayed = "election-delayed", Election {
        delay_ms: u64,
        rank: usize,
        offset: u64,
        jitter_ms: Option<u64>,
    }
    /// A sibling reported a larger offset: the election moves later.
    RankUpdated = "rank-updated", Election { rank: usize, added_ms: u64 }
    /// The replica raised the epoch and asked every master for a vote.
    ElectionStarted = "election-started", Election { epoch: u64, needed: usize, masters: usize }
    /// A vote arrived and counted.
    VoteCounted = "vote-counted", Election { from: NodeTag, count: usize, epoch: u64 }
    /// A majority voted: the replica takes over.
    ElectionWon = "election-won", Election { votes: usize, needed: usize, masters: usize }
    /// An acknowledged write that was lost, with the fault that lost it.
    LostWrite = "lost-write", LostWrite {
        command: String,
        port: u16,
        at: SimTime,
        offset: u64,
        loss: Loss,
    }
    /// A fault or an operator action from the public API.
    FaultApplied = "fault", Fault { fault: Fault }
    /// A paused process woke up.
    Woke = "woke", Fault { port: u16 }
    /// CLUSTER RESET forgot every other node.
    ClusterReset = "cluster-reset", Fault { hard: bool }
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
