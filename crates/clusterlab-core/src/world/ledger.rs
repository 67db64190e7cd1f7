//! The ledger of acknowledged writes. Replication is asynchronous, so a write a master
//! acknowledged can still be lost: when a replica that never received it is promoted, or
//! when a master that kept accepting writes in a minority is demoted, or when a master
//! without persistence restarts. The ledger finds each such write and names the fault
//! behind it.

use crate::types::vec_map::VecMap;

use super::World;
use crate::event::{EventKind, Loss, LossReason};
use crate::faults::Fault;
use crate::name::NodeIdx;
use crate::time::SimTime;

/// One write a master acknowledged to a client, as the ledger reports it.
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

/// How the ledger keeps a write: small and without an allocation of its own, because
/// `clusterlab serve` enters every write a benchmark sends.
#[derive(Clone, Copy, Debug)]
struct Record {
    at: SimTime,
    offset: u64,
    /// Where its command's text ends in [`Ledger::text`] (it starts where the previous one ends).
    text_end: u32,
    /// Index of its replication ID in [`Ledger::histories`].
    history: u32,
    port: u16,
}

/// Acknowledged writes and the points where a replication history forked.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    records: Vec<Record>,
    /// The records' command texts, one after the other.
    text: String,
    /// Every replication ID a write was acknowledged under.
    histories: Vec<String>,
    /// Why each lost write (by id) was lost.
    lost: VecMap<u64, Loss>,
    /// replid → the offset at which a replica took over that history.
    forks: VecMap<String, u64>,
}

/// The ledger keeps at most this much command text (64 MiB); past it, writes are
/// still counted and checked, with their command shortened to nothing.
const TEXT_LIMIT: usize = 1 << 26;

impl Ledger {
    fn write(&self, id: usize) -> AckedWrite {
        let r = self.records[id];
        let start = id
            .checked_sub(1)
            .map_or(0, |p| self.records[p].text_end as usize);
        AckedWrite {
            id: id as u64,
            at: r.at,
            port: r.port,
            command: self.text[start..r.text_end as usize].to_string(),
            replid: self.histories[r.history as usize].clone(),
            offset: r.offset,
            lost: self.lost.get(&(id as u64)).cloned(),
        }
    }

    fn history(&mut self, replid: &str) -> u32 {
        let found = self.histories.iter().rposition(|h| h == replid);
        let index = found.unwrap_or_else(|| {
            self.histories.push(replid.to_string());
            self.histories.len() - 1
        });
        index as u32
    }
}

impl World {
    /// How many writes were acknowledged so far.
    pub fn acknowledged_count(&self) -> usize {
        self.ledger.records.len()
    }

    /// The acknowledged writes that were lost.
    pub fn lost_writes(&self) -> impl Iterator<Item = AckedWrite> + '_ {
        self.ledger
            .lost
            .keys()
            .map(|&id| self.ledger.write(id as usize))
    }

    pub(super) fn record_ack(&mut self, idx: NodeIdx, args: &[Vec<u8>]) {
        let node = &self.procs[idx.index()].node;
        if !node.is_master() {
            return;
        }
        let r = node.replication();
        let (offset, history) = (r.offset, self.ledger.history(&r.replid));
        let ledger = &mut self.ledger;
        if ledger.text.len() < TEXT_LIMIT {
            for (i, word) in args.iter().take(4).enumerate() {
                if i > 0 {
                    ledger.text.push(' ');
                }
                ledger.text.push_str(&String::from_utf8_lossy(word));
            }
        }
        ledger.records.push(Record {
            at: self.now,
            offset,
            text_end: u32::try_from(ledger.text.len()).unwrap_or(u32::MAX),
            history,
            port: self.procs[idx.index()].port,
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
        let Some(history) = self.ledger.histories.iter().position(|h| h == replid) else {
            return;
        };
        let lost: Vec<usize> = (0..self.ledger.records.len())
            .filter(|&id| {
                let r = &self.ledger.records[id];
                r.history as usize == history
                    && r.offset > after
                    && !self.ledger.lost.contains_key(&(id as u64))
            })
            .collect();
        for id in lost {
            self.ledger.lost.insert(id as u64, loss.clone());
            let w = self.ledger.write(id);
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
            .histories
            .iter()
            .position(|h| *h == old)
            .map_or(0, |h| {
                let mut records = self.ledger.records.iter().rev();
                records
                    .find(|w| w.history as usize == h)
                    .map_or(0, |w| w.port)
            });
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
