//! Manual failover: `CLUSTER FAILOVER [FORCE|TAKEOVER]` on a replica, and MFSTART with the
//! write pause on its master.

use crate::bus::{Body, BusMessage, MessageType};
use crate::event::{EpochReason, EventKind};
use crate::node::{Node, PeerRef};
use crate::time::{SimDuration, SimTime};

/// `CLUSTER_MF_TIMEOUT`.
pub const MF_TIMEOUT_MS: u64 = 5000;
/// The master pauses writes for `CLUSTER_MF_TIMEOUT × CLUSTER_MF_PAUSE_MULT`.
pub const MF_PAUSE_MULT: u64 = 2;

/// Manual failover state (`mf_*` in Redis), on both the replica and the master.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ManualFailover {
    /// When it times out; `None` when no manual failover is in progress.
    pub end: Option<SimTime>,
    /// Replica: the election may start.
    pub can_start: bool,
    /// Replica: the paused master's final offset.
    pub master_offset: Option<u64>,
    /// Master: the replica that asked.
    pub replica: Option<PeerRef>,
}

/// How `CLUSTER FAILOVER` was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailoverMode {
    Default,
    Force,
    Takeover,
}

impl Node {
    /// `resetManualFailover`: a master that paused for it resumes writes.
    pub(crate) fn reset_manual_failover(&mut self) {
        if self.failover.mf.replica.is_some() {
            self.failover.write_pause_until = None;
            self.release_paused_writes();
        }
        self.failover.mf = Default::default();
    }

    /// CLUSTER FAILOVER on this replica (the checks are done by the command).
    pub(crate) fn start_manual_failover(&mut self, mode: FailoverMode) {
        self.reset_manual_failover();
        self.failover.mf.end = Some(self.now + SimDuration(MF_TIMEOUT_MS));
        match mode {
            FailoverMode::Takeover => {
                self.emit(EventKind::TakeoverStarted {});
                self.bump_epoch_without_consensus(EpochReason::Takeover);
                self.replace_my_master();
            }
            FailoverMode::Force => {
                self.emit(EventKind::ForcedFailoverAccepted {});
                self.failover.mf.can_start = true;
            }
            FailoverMode::Default => {
                self.emit(EventKind::ManualFailoverAccepted {});
                if let Some(m) = self.master_ref() {
                    let msg = BusMessage {
                        header: self.build_header(MessageType::MfStart),
                        body: Body::Empty,
                    };
                    self.send_on_link(m, msg);
                }
            }
        }
    }

    /// MFSTART on the master: pause writes for 10 s and ping the replica every tick.
    pub(crate) fn on_mfstart(&mut self, sender: PeerRef) {
        let me = self.name();
        if self
            .view
            .peers
            .get(sender)
            .is_none_or(|p| p.master != Some(me))
        {
            return;
        }
        self.reset_manual_failover();
        self.failover.mf.end = Some(self.now + SimDuration(MF_TIMEOUT_MS));
        self.failover.mf.replica = Some(sender);
        self.failover.write_pause_until =
            Some(self.now + SimDuration(MF_TIMEOUT_MS * MF_PAUSE_MULT));
        let name = self.view.peers.get(sender).expect("known").name;
        let replica = self.tag(&name);
        self.emit(EventKind::MfStartReceived { replica });
        self.send_ping(sender, MessageType::Ping);
    }

    /// `clusterHandleManualFailover` on the replica: start once caught up with the master.
    pub(crate) fn handle_manual_failover(&mut self) {
        if self.failover.mf.end.is_none() || self.failover.mf.can_start {
            return;
        }
        let Some(target) = self.failover.mf.master_offset else {
            return;
        };
        if target == self.repl.offset {
            self.failover.mf.can_start = true;
            self.emit(EventKind::ManualFailoverCanStart { offset: target });
            self.handle_replica_failover();
        }
    }

    /// What `clusterBeforeSleep` does for a manual failover after every event: notice that
    /// the replica caught up, and start the election scheduled with no delay.
    pub(crate) fn manual_failover_before_sleep(&mut self) {
        if self.failover.mf.end.is_some() {
            self.handle_manual_failover();
        }
        if self.failover.todo {
            self.failover.todo = false;
            self.handle_replica_failover();
        }
    }

    /// `manualFailoverCheckTimeout`.
    pub(crate) fn check_manual_failover_timeout(&mut self) {
        if self.failover.mf.end.is_some_and(|t| t < self.now) {
            if self.myself().is_replica() {
                self.emit(EventKind::ManualFailoverTimedOut {});
            }
            self.reset_manual_failover();
        }
    }

    /// Whether client writes are paused (a master in a manual failover).
    pub(crate) fn writes_paused(&self) -> bool {
        self.failover
            .write_pause_until
            .is_some_and(|t| self.now < t)
    }
}
