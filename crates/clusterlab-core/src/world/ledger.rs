//! The ledger of acknowledged writes. Replication is asynchronous, so a write a master
//! acknowledged can still be lost: when a replica that never received it is promoted, or
//! when a master that kept accepting writes in a minority is demoted, or when a master
//! without persistence restarts. The ledger finds each such write and names the fault
//! behind it.

use std::collections::BTreeMap;

use super::World;
use crate::event::{EventKind, Loss, LossReason};
use crate::faults::Fault;
use crate::name::NodeIdx;
use crate::time::SimTime;

/// One write a master acknowledged to a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AckedWrite {
    pub id: u64,
    pub at: SimTime,
    /// Client port of the master that acknowledged it.
    pub port: u16,
    /// The command as typed (first words).
    pub command: String,
    /// Replication ID and offset of the master right after the write.
    pub replid: String,
    pub offset: u64,
    /// Why it was lost, once it is.
    pub lost: Option<Loss>,
}

/// Acknowledged writes and the points where a replication history forked.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub writes: Vec<AckedWrite>,
    /// replid → the offset at which a replica took over that history.
    forks: BTreeMap<String, u64>,
}

impl World {
    /// Every acknowledged write so far.
    pub fn acknowledged_writes(&self) -> &[AckedWrite] {
        &self.ledger.writes
    }

    /// The acknowledged writes that were lost.
    pub fn lost_writes(&self) -> impl Iterator<Item = &AckedWrite> {
        self.ledger.writes.iter().filter(|w| w.lost.is_some())
    }

    pub(super) fn record_ack(&mut self, idx: NodeIdx, args: &[Vec<u8>]) {
        let node = &self.procs[idx.index()].node;
        if !node.is_master() {
            return;
        }
        let command = crate::commands::command_text(args, 4);
        let id = self.ledger.writes.len() as u64;
        self.ledger.writes.push(AckedWrite {
            id,
            at: self.now,
            port: self.procs[idx.index()].port,
            command,
            replid: node.replication().replid.clone(),
            offset: node.replication().offset,
            lost: None,
        });
    }

    /// The latest fault that touched `port` (directly, or by cutting the network).
    fn blame(&self, port: u16) -> Option<(SimTime, Fault)> {
        self.faults_log
            .iter()
            .rev()
            .find(|(_, f)| match f {
                Fault::Kill(p) | Fault::Pause { port: p, .. } | Fault::Restart { port: p, .. } => {
                    *p == port
                }
                Fault::Partition(_)
                | Fault::OneWay { .. }
                | Fault::BlockBus(_)
                | Fault::Loss { .. } => true,
                Fault::Delay { .. } | Fault::Heal => false,
            })
            .cloned()
    }

    fn mark_lost(&mut self, replid: &str, after: u64, reason: LossReason, port: u16) {
        let loss = Loss {
            reason,
            blame: self.blame(port),
        };
        let mut lost = Vec::new();
        for w in self.ledger.writes.iter_mut() {
            if w.lost.is_none() && w.replid == replid && w.offset > after {
                w.lost = Some(loss.clone());
                lost.push(w.clone());
            }
        }
        for w in lost {
            let kind = EventKind::LostWrite {
                command: w.command,
                port: w.port,
                at: w.at,
                offset: w.offset,
                loss: loss.clone(),
            };
            self.log_event(None, Some(w.port), kind);
        }
    }

    /// A replica won an election: writes its old master acknowledged past the replica's
    /// offset are gone.
    pub(super) fn on_promotion(&mut self, idx: NodeIdx) {
        let r = self.procs[idx.index()].node.replication();
        let (Some(old), Some(second)) = (r.replid2.clone(), r.second_offset) else {
            return;
        };
        let fork = second - 1;
        let entry = self.ledger.forks.entry(old.clone()).or_insert(fork);
        *entry = (*entry).min(fork);
        let port = self.procs[idx.index()].port;
        let old_master = self
            .ledger
            .writes
            .iter()
            .rev()
            .find(|w| w.replid == old)
            .map_or(0, |w| w.port);
        let reason = LossReason::Promoted { port, fork };
        self.mark_lost(&old, fork, reason, old_master);
    }

    /// A master became a replica (or restarted empty): what it acknowledged after the
    /// point where its history forked is gone.
    pub(super) fn on_demotion(&mut self, idx: NodeIdx, replid: &str, restarted_empty: bool) {
        let port = self.procs[idx.index()].port;
        if restarted_empty {
            // Writes up to a fork live on in the promoted replica; the rest are gone.
            let after = self.ledger.forks.get(replid).copied().unwrap_or(0);
            self.mark_lost(replid, after, LossReason::RestartedEmpty { port }, port);
            return;
        }
        if let Some(&fork) = self.ledger.forks.get(replid) {
            let reason = LossReason::Demoted { port, fork };
            self.mark_lost(replid, fork, reason, port);
        }
    }
}
