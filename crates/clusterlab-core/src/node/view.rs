//! What a node knows of the cluster: its table of nodes, the slot owners, the epochs, the
//! slots it has open, and the links it opened. This is what nodes.conf keeps, so it
//! survives a restart; the helpers here keep the slot table and every peer's slot bitmap
//! in step.

use crate::types::vec_map::VecMap;
use std::sync::Arc;

use crate::event::NodeTag;
use crate::name::NodeName;
use crate::node::{flags, LinkId, Node, Peer, PeerRef, PeerTable, SlotTable};
use crate::slot::{Slot, SlotSet, SLOTS};
use crate::time::SimTime;

/// One node's own view of the cluster, learned only from messages.
#[derive(Clone, Debug)]
pub struct ClusterView {
    pub peers: PeerTable,
    pub slots: SlotTable,
    /// Slots whose owner in my table stopped claiming them (`owner_not_claiming_slot`).
    pub owner_not_claiming: SlotSet,
    pub migrating: VecMap<Slot, NodeName>,
    pub importing: VecMap<Slot, NodeName>,
    /// Nodes CLUSTER FORGET dropped, and until when gossip may not add them back.
    pub blacklist: VecMap<NodeName, SimTime>,
    pub current_epoch: u64,
    pub last_vote_epoch: u64,
    /// Outbound link id → entry; an id is trusted only if the entry still has that link.
    pub links: VecMap<LinkId, PeerRef>,
    /// Link ids are never reused in a process's table, across restarts too.
    pub next_link_id: LinkId,
}

impl ClusterView {
    /// A table that knows only `me`.
    pub fn new(me: Peer) -> ClusterView {
        let mut peers = PeerTable::default();
        peers.insert(me);
        ClusterView {
            peers,
            slots: SlotTable::new(),
            owner_not_claiming: SlotSet::new(),
            migrating: VecMap::new(),
            importing: VecMap::new(),
            blacklist: VecMap::new(),
            current_epoch: 0,
            last_vote_epoch: 0,
            links: VecMap::new(),
            next_link_id: 1,
        }
    }
}

impl Node {
    /// A peer as events name it: its ID, and its port if I know it.
    pub(crate) fn tag(&self, name: &NodeName) -> NodeTag {
        NodeTag {
            name: *name,
            port: self.view.peers.by_name(name).map_or(0, |p| p.port),
        }
    }

    /// The slots I advertise: mine, or my master's if I am a replica.
    pub(crate) fn advertised_slots(&self) -> Arc<SlotSet> {
        let me = self.myself();
        let source = if me.is_replica() {
            self.master_ref()
                .and_then(|r| self.view.peers.get(r))
                .unwrap_or(me)
        } else {
            me
        };
        Arc::clone(&source.slots)
    }

    /// Every slot count, for CLUSTER INFO: (assigned, ok, pfail, fail).
    pub fn slot_counts(&self) -> (usize, usize, usize, usize) {
        let (mut assigned, mut ok, mut pfail, mut fail) = (0, 0, 0, 0);
        for (_, p) in self.view.peers.iter() {
            let n = p.num_slots();
            if n == 0 {
                continue;
            }
            assigned += n;
            if p.has(flags::FAIL) {
                fail += n;
            } else if p.has(flags::PFAIL) {
                pfail += n;
            } else {
                ok += n;
            }
        }
        (assigned, ok, pfail, fail)
    }

    /// Owner of `slot` in my table.
    pub fn slot_owner(&self, slot: Slot) -> Option<&Peer> {
        self.view
            .slots
            .owner(slot)
            .and_then(|r| self.view.peers.get(r))
    }

    /// Binds `slot` to `r` in my table, keeping the peers' bitmaps in step.
    pub(crate) fn bind_slot(&mut self, slot: Slot, r: PeerRef) {
        self.unbind_slot(slot);
        self.view.slots.set(slot, Some(r));
        self.view.peers.touch();
        if let Some(p) = self.view.peers.get_mut(r) {
            Arc::make_mut(&mut p.slots).insert(slot);
            p.slot_count += 1;
            p.slots_version += 1;
        }
        self.state.dirty = true;
    }

    pub(crate) fn unbind_slot(&mut self, slot: Slot) {
        if let Some(old) = self.view.slots.owner(slot) {
            if let Some(p) = self.view.peers.get_mut(old) {
                Arc::make_mut(&mut p.slots).remove(slot);
                p.slot_count -= 1;
                p.slots_version += 1;
            }
            self.view.slots.set(slot, None);
            self.view.peers.touch();
            self.state.dirty = true;
        }
    }

    /// Removes every slot of `r` (a master turning replica, or a forgotten node).
    pub(crate) fn unbind_all_slots_of(&mut self, r: PeerRef) {
        let owned: Vec<Slot> = self
            .view
            .peers
            .get(r)
            .map(|p| p.slots.iter().collect())
            .unwrap_or_default();
        for s in owned {
            self.unbind_slot(s);
        }
    }

    /// Node count for invariants and tests.
    pub fn known_nodes(&self) -> usize {
        self.view.peers.len()
    }

    /// Total of all slots in the table (a sanity figure).
    pub fn assigned_slots(&self) -> usize {
        (0..SLOTS as u16)
            .filter(|&s| self.view.slots.owner(s).is_some())
            .count()
    }
}
