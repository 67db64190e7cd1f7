//! The cluster state as one node sees it (`clusterUpdateState`).

use crate::event::{EventKind, StateReason};
use crate::node::{flags, Node};
use crate::time::SimTime;

/// A restarted master stays FAIL this long, to let the cluster reconfigure it first.
pub const WRITABLE_DELAY_MS: u64 = 2000;

/// `cluster_state` and `cluster_size` as this node computes them, and what the rules
/// around them remember. A restart starts them again.
#[derive(Clone, Debug)]
pub struct ClusterState {
    pub ok: bool,
    /// Masters owning at least one slot, in my view.
    pub size: usize,
    /// When the state was first computed (the writable delay counts from it).
    pub first_call: Option<SimTime>,
    /// When I last found myself among the minority (a rejoining master waits).
    pub minority_since: Option<SimTime>,
    /// Recompute before sleeping (`CLUSTER_TODO_UPDATE_STATE`).
    pub dirty: bool,
}

impl Default for ClusterState {
    fn default() -> Self {
        ClusterState {
            ok: false,
            // clusterInit starts with size 1; clusterUpdateState recomputes it after 2 s.
            size: 1,
            first_call: None,
            minority_since: None,
            dirty: true,
        }
    }
}

impl Node {
    /// Recomputes `cluster_state` and `cluster_size` from my own table.
    pub(crate) fn update_state(&mut self) {
        let now = self.now;
        let first = *self.state.first_call.get_or_insert(now);
        if self.is_master() && !self.state.ok && now.since(first) < WRITABLE_DELAY_MS {
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
        for (_, p) in self.view.peers.iter() {
            if p.is_master() && p.num_slots() > 0 {
                size += 1;
                if !p.has(flags::PFAIL | flags::FAIL) {
                    reachable += 1;
                }
            }
        }
        self.state.size = size;
        let needed = size / 2 + 1;
        if reachable < needed {
            new_ok = false;
            self.state.minority_since = Some(now);
            reason.get_or_insert(StateReason::Minority {
                reachable,
                size,
                needed,
            });
        }
        if new_ok == self.state.ok {
            return;
        }
        if new_ok && self.is_master() {
            let rejoin = self.config.node_timeout.clamp(500, 5000);
            if let Some(t) = self.state.minority_since {
                if now.since(t) < rejoin {
                    return;
                }
            }
        }
        let reason = match reason {
            Some(r) if !new_ok => r,
            _ => StateReason::Healthy { reachable, size },
        };
        self.state.ok = new_ok;
        self.emit(EventKind::StateChanged { ok: new_ok, reason });
    }
}
