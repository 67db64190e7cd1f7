//! Event fields as readers query them: each value's text for scenario patterns
//! (`rank=0`, `ok=false`, `reason=orphaned-master`) and the nodes it names, for the
//! playground's "nodes this event concerns".

use super::{
    CantFailoverReason, DenyReason, EpochReason, FailClearReason, LearnedVia, LinkDownCause, Loss,
    LossReason, NodeTag, Redirect, ReplicaReason, SlotCommand, StateReason, SyncRefusal,
};
use crate::faults::Fault;
use crate::ip::IpText;
use crate::name::NodeName;
use crate::time::SimTime;

/// A node an event names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mention {
    /// A node by ID (with its port, if the logging node knew it).
    Node(NodeTag),
    /// A node by its client port.
    Port(u16),
}

/// One field of an event.
pub trait Field {
    /// The value as a scenario pattern compares it.
    fn text(&self) -> String;

    /// The nodes the value names; `field` is the field's name.
    fn mentions(&self, _field: &str, _out: &mut Vec<Mention>) {}
}

macro_rules! plain_fields {
    ($($t:ty),*) => {
        $(impl Field for $t {
            fn text(&self) -> String {
                self.to_string()
            }
        })*
    };
}

plain_fields!(u64, usize, u32, bool, String, NodeName, IpText);

impl Field for u16 {
    fn text(&self) -> String {
        self.to_string()
    }

    /// A field named `port` is a node's client port; other `u16`s are slots.
    fn mentions(&self, field: &str, out: &mut Vec<Mention>) {
        if field == "port" {
            out.push(Mention::Port(*self));
        }
    }
}

impl Field for SimTime {
    /// Milliseconds.
    fn text(&self) -> String {
        self.as_millis().to_string()
    }
}

impl Field for Vec<String> {
    fn text(&self) -> String {
        self.join(",")
    }
}

impl<T: Field> Field for Option<T> {
    /// The value, or `-` for none.
    fn text(&self) -> String {
        self.as_ref().map_or_else(|| "-".to_string(), Field::text)
    }

    fn mentions(&self, field: &str, out: &mut Vec<Mention>) {
        if let Some(v) = self {
            v.mentions(field, out);
        }
    }
}

impl Field for NodeTag {
    /// As the event shows it: the port, or the ID prefix.
    fn text(&self) -> String {
        self.to_string()
    }

    fn mentions(&self, _field: &str, out: &mut Vec<Mention>) {
        out.push(Mention::Node(*self));
    }
}

impl Field for LearnedVia {
    fn text(&self) -> String {
        match self {
            LearnedVia::Meet => "meet".into(),
            LearnedVia::Gossip { .. } => "gossip".into(),
        }
    }

    fn mentions(&self, field: &str, out: &mut Vec<Mention>) {
        if let LearnedVia::Gossip { from, .. } = self {
            from.mentions(field, out);
        }
    }
}

impl Field for Redirect {
    /// The error's first word: `MOVED`, `ASK`, `CROSSSLOT`, …
    fn text(&self) -> String {
        self.code().to_string()
    }

    fn mentions(&self, _field: &str, out: &mut Vec<Mention>) {
        if let Redirect::Moved { port, .. } | Redirect::Ask { port, .. } = self {
            out.push(Mention::Port(*port));
        }
    }
}

impl Field for Fault {
    /// The fault's console command without its dot: `kill`, `partition`, …
    fn text(&self) -> String {
        self.command().trim_start_matches('.').to_string()
    }

    fn mentions(&self, _field: &str, out: &mut Vec<Mention>) {
        out.extend(self.ports().into_iter().map(Mention::Port));
    }
}

impl Field for Loss {
    /// The reason's name: `promoted`, `demoted`, `restarted-empty`.
    fn text(&self) -> String {
        match self.reason {
            LossReason::Promoted { .. } => "promoted",
            LossReason::Demoted { .. } => "demoted",
            LossReason::RestartedEmpty { .. } => "restarted-empty",
        }
        .to_string()
    }

    fn mentions(&self, _field: &str, out: &mut Vec<Mention>) {
        let (LossReason::Promoted { port, .. }
        | LossReason::Demoted { port, .. }
        | LossReason::RestartedEmpty { port }) = self.reason;
        out.push(Mention::Port(port));
        if let Some((_, fault)) = &self.blame {
            fault.mentions("blame", out);
        }
    }
}

impl Field for EpochReason {
    fn text(&self) -> String {
        match self {
            EpochReason::Failover => "failover",
            EpochReason::Collision { .. } => "collision",
            EpochReason::SetConfigEpoch => "set-config-epoch",
            EpochReason::BumpEpoch => "bumpepoch",
            EpochReason::Takeover => "takeover",
            EpochReason::Imported { .. } => "imported",
        }
        .to_string()
    }

    fn mentions(&self, field: &str, out: &mut Vec<Mention>) {
        if let EpochReason::Collision { with } = self {
            with.mentions(field, out);
        }
    }
}

impl Field for ReplicaReason {
    fn text(&self) -> String {
        match self {
            ReplicaReason::ConfigChange { .. } => "config-change",
            ReplicaReason::SubReplica => "sub-replica",
            ReplicaReason::OrphanedMaster { .. } => "orphaned-master",
            ReplicaReason::GaveLastSlot { .. } => "gave-last-slot",
            ReplicaReason::Replicate => "replicate",
        }
        .to_string()
    }
}

impl Field for StateReason {
    fn text(&self) -> String {
        match self {
            StateReason::Unassigned { .. } => "unassigned",
            StateReason::FailedSlots { .. } => "failed-slots",
            StateReason::Minority { .. } => "minority",
            StateReason::Healthy { .. } => "healthy",
        }
        .to_string()
    }
}

impl Field for DenyReason {
    fn text(&self) -> String {
        match self {
            DenyReason::StaleEpoch { .. } => "stale-epoch",
            DenyReason::AlreadyVoted { .. } => "already-voted",
            DenyReason::IsMaster => "is-master",
            DenyReason::UnknownMaster => "unknown-master",
            DenyReason::MasterUp => "master-up",
            DenyReason::TooSoon { .. } => "too-soon",
            DenyReason::NewerSlotConfig { .. } => "newer-slot-config",
        }
        .to_string()
    }
}

impl Field for CantFailoverReason {
    fn text(&self) -> String {
        match self {
            CantFailoverReason::None => "none",
            CantFailoverReason::DataAge => "data-age",
            CantFailoverReason::WaitingDelay => "waiting-delay",
            CantFailoverReason::Expired => "expired",
            CantFailoverReason::WaitingVotes => "waiting-votes",
        }
        .to_string()
    }
}

impl Field for FailClearReason {
    fn text(&self) -> String {
        match self {
            FailClearReason::Replica => "replica",
            FailClearReason::SlotlessMaster => "slotless-master",
            FailClearReason::Unserved => "unserved",
        }
        .to_string()
    }
}

impl Field for LinkDownCause {
    fn text(&self) -> String {
        match self {
            LinkDownCause::ConnectionLost => "connection-lost",
            LinkDownCause::Timeout => "timeout",
        }
        .to_string()
    }
}

impl Field for SyncRefusal {
    fn text(&self) -> String {
        match self {
            SyncRefusal::NoAuth => "noauth",
            SyncRefusal::WrongPass => "wrongpass",
            SyncRefusal::NoPasswordConfigured => "no-password",
            SyncRefusal::NoPerm => "noperm",
        }
        .to_string()
    }
}

impl Field for SlotCommand {
    /// The subcommand in lower case: `addslots`, `flushslots`, …
    fn text(&self) -> String {
        self.to_string()
            .trim_start_matches("CLUSTER ")
            .to_ascii_lowercase()
    }
}
