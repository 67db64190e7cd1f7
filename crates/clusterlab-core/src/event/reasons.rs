//! The typed reasons events carry: why a vote was denied, why a node became a replica,
//! why the cluster state flipped, what a client was redirected with, how a write was lost.
//! Each displays as the words of its explanation.

use std::fmt;

use super::NodeTag;
use crate::faults::Fault;
use crate::ip::IpText;
use crate::name::NodeName;
use crate::slot::Slot;
use crate::time::SimTime;

/// How a node was learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnedVia {
    /// From its MEET: a handshake entry with a temporary name.
    Meet,
    /// From gossip: with its real ID, as the sender described it.
    Gossip { id: NodeName, from: NodeTag },
}

/// The admin command that changed a node's slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotCommand {
    AddSlots,
    AddSlotsRange,
    DelSlots,
    DelSlotsRange,
    FlushSlots,
}

impl SlotCommand {
    /// The subcommand as typed in lower case (`addslots`), if it is one of these.
    pub fn from_subcommand(sub: &str) -> Option<SlotCommand> {
        Some(match sub {
            "addslots" => SlotCommand::AddSlots,
            "addslotsrange" => SlotCommand::AddSlotsRange,
            "delslots" => SlotCommand::DelSlots,
            "delslotsrange" => SlotCommand::DelSlotsRange,
            "flushslots" => SlotCommand::FlushSlots,
            _ => return None,
        })
    }
}

impl fmt::Display for SlotCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SlotCommand::AddSlots => "CLUSTER ADDSLOTS",
            SlotCommand::AddSlotsRange => "CLUSTER ADDSLOTSRANGE",
            SlotCommand::DelSlots => "CLUSTER DELSLOTS",
            SlotCommand::DelSlotsRange => "CLUSTER DELSLOTSRANGE",
            SlotCommand::FlushSlots => "CLUSTER FLUSHSLOTS",
        })
    }
}

/// Why configEpoch changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochReason {
    /// A replica won an election and takes the election's epoch.
    Failover,
    /// Two masters had the same configEpoch; the one with the smaller ID moves.
    Collision { with: NodeTag },
    /// CLUSTER SET-CONFIG-EPOCH on a node that knows nobody yet.
    SetConfigEpoch,
    /// CLUSTER BUMPEPOCH.
    BumpEpoch,
    /// CLUSTER FAILOVER TAKEOVER bumps the epoch without asking anyone.
    Takeover,
    /// The last SETSLOT NODE of an import: the importer bumps its epoch.
    Imported { slot: Slot },
}

/// Why a node became a replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicaReason {
    /// Another master claimed our last slot with a greater configEpoch.
    ConfigChange { epoch: u64 },
    /// My master became a replica: I follow its master.
    SubReplica,
    /// Replica migration to a master left without working replicas.
    OrphanedMaster {
        orphaned_ms: u64,
        my_master_keeps: usize,
        barrier: u32,
    },
    /// It gave its last slot away with CLUSTER SETSLOT NODE.
    GaveLastSlot { slot: Slot },
    /// CLUSTER REPLICATE.
    Replicate,
}

/// Why the cluster state flipped, as this node counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateReason {
    Unassigned {
        count: usize,
    },
    FailedSlots {
        count: usize,
    },
    Minority {
        reachable: usize,
        size: usize,
        needed: usize,
    },
    Healthy {
        reachable: usize,
        size: usize,
    },
}

impl fmt::Display for StateReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateReason::Unassigned { count } => write!(
                f,
                "{count} of 16384 slots are unassigned (cluster-require-full-coverage yes)"
            ),
            StateReason::FailedSlots { count } => write!(
                f,
                "{count} slots are served by a node flagged FAIL (cluster-require-full-coverage yes)"
            ),
            StateReason::Minority {
                reachable,
                size,
                needed,
            } => write!(
                f,
                "only {reachable} of {size} slot-owning masters are reachable (needed {needed})"
            ),
            StateReason::Healthy { reachable, size } => write!(
                f,
                "all 16384 slots are served and {reachable} of {size} masters are reachable"
            ),
        }
    }
}

/// A redirect or cluster error a command got (`clusterRedirectClient`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redirect {
    Moved {
        slot: Slot,
        ip: IpText,
        port: u16,
    },
    Ask {
        slot: Slot,
        ip: IpText,
        port: u16,
    },
    CrossSlot,
    TryAgain,
    /// The slot is not bound to any node.
    Unbound,
    /// The cluster is down.
    Down,
    /// The cluster is down, and only reads are allowed (`cluster-allow-reads-when-down`).
    DownReadOnly,
}

impl Redirect {
    /// The error's first word: `MOVED`, `ASK`, `CROSSSLOT`, `TRYAGAIN`, `CLUSTERDOWN`.
    pub fn code(&self) -> &'static str {
        match self {
            Redirect::Moved { .. } => "MOVED",
            Redirect::Ask { .. } => "ASK",
            Redirect::CrossSlot => "CROSSSLOT",
            Redirect::TryAgain => "TRYAGAIN",
            Redirect::Unbound | Redirect::Down | Redirect::DownReadOnly => "CLUSTERDOWN",
        }
    }
}

impl fmt::Display for Redirect {
    /// The error text exactly as Redis sends it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Redirect::Moved { slot, ip, port } => write!(f, "MOVED {slot} {ip}:{port}"),
            Redirect::Ask { slot, ip, port } => write!(f, "ASK {slot} {ip}:{port}"),
            Redirect::CrossSlot => {
                f.write_str("CROSSSLOT Keys in request don't hash to the same slot")
            }
            Redirect::TryAgain => {
                f.write_str("TRYAGAIN Multiple keys request during rehashing of slot")
            }
            Redirect::Unbound => f.write_str("CLUSTERDOWN Hash slot not served"),
            Redirect::Down => f.write_str("CLUSTERDOWN The cluster is down"),
            Redirect::DownReadOnly => {
                f.write_str("CLUSTERDOWN The cluster is down and only accepts read commands")
            }
        }
    }
}

/// Why a FAIL flag was cleared (`clearNodeFailureIfNeeded`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailClearReason {
    Replica,
    SlotlessMaster,
    /// A master that is reachable again while nobody took over its slots.
    Unserved,
}

/// Why a replica's link to its master went down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkDownCause {
    ConnectionLost,
    /// Nothing from the master for `repl-timeout`.
    Timeout,
}

/// Why a master refused a replica's sync: the handshake's authentication failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncRefusal {
    /// The master has a password and the replica sent no AUTH (no `masterauth`): PSYNC
    /// got `-NOAUTH`.
    NoAuth,
    /// The replica's AUTH was wrong.
    WrongPass,
    /// The replica sent `AUTH masterauth` to a master without a password.
    NoPasswordConfigured,
    /// The user the replica logged in as (`masteruser`) may run neither PSYNC nor SYNC.
    NoPerm,
}

/// Why a replica is not failing over (`cant_failover_reason`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CantFailoverReason {
    #[default]
    None,
    DataAge,
    WaitingDelay,
    Expired,
    WaitingVotes,
}

impl fmt::Display for CantFailoverReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CantFailoverReason::None => "",
            CantFailoverReason::DataAge => "Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option.",
            CantFailoverReason::WaitingDelay => "Waiting the delay before I can start a new failover.",
            CantFailoverReason::Expired => "Failover attempt expired.",
            CantFailoverReason::WaitingVotes => "Waiting for votes, but majority still not reached.",
        })
    }
}

/// Why a master refused its vote (`clusterSendFailoverAuthIfNeeded`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DenyReason {
    StaleEpoch {
        requested: u64,
        current: u64,
    },
    AlreadyVoted {
        epoch: u64,
    },
    IsMaster,
    UnknownMaster,
    MasterUp,
    TooSoon {
        wait_ms: u64,
    },
    NewerSlotConfig {
        slot: Slot,
        epoch: u64,
        requested: u64,
    },
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DenyReason::StaleEpoch { requested, current } => {
                write!(f, "reqEpoch ({requested}) < curEpoch({current})")
            }
            DenyReason::AlreadyVoted { epoch } => write!(f, "already voted for epoch {epoch}"),
            DenyReason::IsMaster => f.write_str("it is a master node"),
            DenyReason::UnknownMaster => f.write_str("I don't know its master"),
            DenyReason::MasterUp => f.write_str("its master is up"),
            DenyReason::TooSoon { wait_ms } => write!(
                f,
                "can't vote about this master before {wait_ms} milliseconds"
            ),
            DenyReason::NewerSlotConfig {
                slot,
                epoch,
                requested,
            } => write!(f, "slot {slot} epoch ({epoch}) > reqEpoch ({requested})"),
        }
    }
}

/// Why an acknowledged write is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossReason {
    /// A replica that never received it was promoted at this offset.
    Promoted { port: u16, fork: u64 },
    /// The master that acknowledged it was demoted; its history was replaced.
    Demoted { port: u16, fork: u64 },
    /// The master that acknowledged it restarted without persistence.
    RestartedEmpty { port: u16 },
}

impl fmt::Display for LossReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LossReason::Promoted { port, fork } => write!(
                f,
                "{port} was promoted with replication offset {fork}, so it never received it"
            ),
            LossReason::Demoted { port, fork } => write!(
                f,
                "{port} was demoted; its history was replaced from offset {fork}"
            ),
            LossReason::RestartedEmpty { port } => {
                write!(
                    f,
                    "{port} restarted without persistence and came back empty"
                )
            }
        }
    }
}

/// How a write was lost, and the fault behind it (the latest one that touched its
/// master), if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    pub reason: LossReason,
    pub blame: Option<(SimTime, Fault)>,
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; caused by ", self.reason)?;
        match &self.blame {
            Some((t, fault)) => write!(f, "\"{fault}\" at {t}"),
            None => f.write_str("no fault (asynchronous replication alone)"),
        }
    }
}
