//! The cluster state as one node sees it (`clusterUpdateState`).

use crate::event::{EventKind, StateReason};
use crate::node::{flags, Node};

/// A restarted master stays FAIL this long, to let the cluster reconfigure it first.
pub const WRITABLE_DELAY_MS: u64 = 2000;

impl Node {
    /// Recomputes `cluster_state` and `cluster_size` from my own table.
    pub(crate) fn update_state(&mut self) {
        let now = self.now;
        let first = *self.first_state_call.get_or_insert(now);
        if self.is_master() && !self.state_ok && now.since(first) < WRITABLE_DELAY_MS {
            return;
        }
        let mut new_ok = true;
        let mut reason = None;
        if self.config.require_full_coverage {
            let (assigned, _, _, fail) = self.slot_counts();
            if assigned < crate::slot::SLOTS {
                new_ok = false;
                reason = Some(StateReason::Unassigned {
                    count: crate::slot::SLOTS - assigned,
                });
            } else if fail > 0 {
                new_ok = false;
                reason = Some(StateReason::FailedSlots { count: fail });
            }
        }
        let mut size = 0;
        let mut reachable = 0;
        for (_, p) in self.peers.iter() {
            if p.is_master() && p.num_slots() > 0 {
                size += 1;
                if !p.has(flags::PFAIL | flags::FAIL) {
                    reachable += 1;
                }
            }
        }
        self.size = size;
        let needed = size / 2 + 1;
        if reachable < needed {
            new_ok = false;
            self.among_minority_since = Some(now);
            reason.get_or_insert(StateReason::Minority {
                reachable,
                size,
                needed,
            });
        }
        if new_ok == self.state_ok {
            return;
        }
        if new_ok && self.is_master() {
            let rejoin = self.config.node_timeout.clamp(500, 5000);
            if let Some(t) = self.among_minority_since {
                if now.since(t) < rejoin {
                    return;
                }
            }
        }
        let reason = match reason {
            Some(r) if !new_ok => r,
            _ => StateReason::Healthy { reachable, size },
        };
        self.state_ok = new_ok;
        self.emit(EventKind::StateChanged { ok: new_ok, reason });
    }
}
