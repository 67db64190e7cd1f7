//! Replica migration (`clusterHandleSlaveMigration`): a replica of the best-covered master
//! moves to an orphaned master, if its own master keeps more than the migration barrier.

use crate::event::ReplicaReason;
use crate::node::{flags, Node, PeerRef};

/// An orphaned master must stay orphaned this long before a replica moves to it.
pub const REPLICA_MIGRATION_DELAY_MS: u64 = 5000;

impl Node {
    /// Replicas of `master` that are neither FAIL (for counting) — `clusterCountNonFailingSlaves`.
    pub(crate) fn non_failing_replicas(&self, master: PeerRef) -> usize {
        let Some(m) = self.view.peers.get(master) else {
            return 0;
        };
        m.replicas
            .iter()
            .filter(|&&r| {
                self.view
                    .peers
                    .get(r)
                    .is_some_and(|p| p.is_replica() && !p.has(flags::FAIL))
            })
            .count()
    }

    /// `clusterHandleSlaveMigration`; the cron counted the orphaned masters.
    pub(crate) fn handle_replica_migration(&mut self, max_replicas: usize) {
        if !self.state.ok {
            return;
        }
        let Some(my_master) = self.master_ref() else {
            return;
        };
        let my_master_name = self.view.peers.get(my_master).expect("known").name;
        let ok_replicas = self
            .view
            .peers
            .replicas_of(&my_master_name)
            .into_iter()
            .filter(|&r| {
                self.view
                    .peers
                    .get(r)
                    .is_some_and(|p| !p.has(flags::FAIL | flags::PFAIL))
            })
            .count();
        let barrier = self.config.migration_barrier as usize;
        if ok_replicas <= barrier {
            return;
        }
        let now = self.now;
        let mut candidate = self.name();
        let mut target: Option<PeerRef> = None;
        for r in self.view.peers.refs() {
            let ok = if self.peer_is_master(r) {
                self.non_failing_replicas(r)
            } else {
                0
            };
            let Some(p) = self.view.peers.get(r) else {
                continue;
            };
            let orphan =
                p.is_master() && !p.has(flags::FAIL) && p.has(flags::MIGRATE_TO) && ok == 0;
            let has_slots = p.num_slots() > 0;
            let name = p.name;
            let Some(p) = self.view.peers.get_mut(r) else {
                continue;
            };
            if orphan {
                if target.is_none() && has_slots {
                    target = Some(r);
                }
                p.orphaned_since.get_or_insert(now);
            } else {
                p.orphaned_since = None;
            }
            if ok == max_replicas {
                for rep in self.view.peers.replicas_of(&name) {
                    let rn = self.view.peers.get(rep).expect("known").name;
                    if rn.0 < candidate.0 {
                        candidate = rn;
                    }
                }
            }
        }
        let Some(t) = target else { return };
        let since = self
            .view
            .peers
            .get(t)
            .and_then(|p| p.orphaned_since)
            .map_or(0, |s| now.since(s));
        if candidate == self.name() && since > REPLICA_MIGRATION_DELAY_MS {
            let name = self.view.peers.get(t).expect("known").name;
            self.set_my_master(
                name,
                ReplicaReason::OrphanedMaster {
                    orphaned_ms: since,
                    my_master_keeps: ok_replicas,
                    barrier: self.config.migration_barrier,
                },
            );
        }
    }

    fn peer_is_master(&self, r: PeerRef) -> bool {
        self.view.peers.get(r).is_some_and(|p| p.is_master())
    }
}
