//! Slot ownership through epochs: the slot-table update rule, UPDATE messages, configEpoch
//! collisions, and bumps without consensus.

use std::sync::Arc;

use crate::bus::{Body, BusMessage, MessageType};
use crate::event::{EpochReason, EventKind, ReplicaReason};
use crate::name::NodeName;
use crate::node::{Node, PeerRef};
use crate::slot::{Slot, SlotSet, SLOTS};

impl Node {
    /// `clusterUpdateSlotsConfigWith`: rebinds every slot `sender` claims whose owner has
    /// a lower configEpoch (or none); a master that loses its last slot follows the taker.
    pub(crate) fn update_slots_config_with(
        &mut self,
        sender: PeerRef,
        sender_epoch: u64,
        claimed: &SlotSet,
    ) {
        if sender == Self::ME {
            return;
        }
        let curmaster = if self.is_master() {
            Some(Self::ME)
        } else {
            self.master_ref()
        };
        let mut dirty_slots: Vec<Slot> = Vec::new();
        let mut sender_slots = 0usize;
        let mut migrated_our_slots = 0usize;
        let mut newmaster = false;
        let mut rebound: Vec<(Option<PeerRef>, Slot)> = Vec::new();
        for j in 0..SLOTS as Slot {
            let owner = self.view.slots.owner(j);
            if claimed.contains(j) {
                sender_slots += 1;
                if owner == Some(sender) {
                    self.view.owner_not_claiming.remove(j);
                    continue;
                }
                if self.view.importing.contains_key(&j) {
                    continue;
                }
                let owner_epoch = owner
                    .and_then(|o| self.view.peers.get(o))
                    .map(|p| p.config_epoch);
                if owner.is_none()
                    || self.view.owner_not_claiming.contains(j)
                    || owner_epoch.is_some_and(|e| e < sender_epoch)
                {
                    if owner == Some(Self::ME) && self.keyspace.count_in_slot(j) > 0 {
                        dirty_slots.push(j);
                    }
                    if owner.is_some() && owner == curmaster {
                        newmaster = true;
                        migrated_our_slots += 1;
                    }
                    rebound.push((owner, j));
                    self.bind_slot(j, sender);
                    self.view.owner_not_claiming.remove(j);
                }
            } else if owner == Some(sender) {
                self.view.owner_not_claiming.insert(j);
            }
        }
        self.explain_rebinds(sender, sender_epoch, &rebound);
        let curmaster_empty = curmaster
            .and_then(|m| self.view.peers.get(m))
            .is_some_and(|p| p.num_slots() == 0);
        let sender_name = self.view.peers.get(sender).expect("sender is known").name;
        if newmaster
            && curmaster_empty
            && (self.config.allow_replica_migration || sender_slots == migrated_our_slots)
        {
            self.set_my_master(
                sender_name,
                ReplicaReason::ConfigChange {
                    epoch: sender_epoch,
                },
            );
        } else if let Some(grand) = self.sub_replica_target() {
            self.set_my_master(grand, ReplicaReason::SubReplica);
        } else {
            for j in dirty_slots {
                self.delete_keys_in_slot(j);
            }
        }
    }

    fn explain_rebinds(
        &mut self,
        sender: PeerRef,
        sender_epoch: u64,
        rebound: &[(Option<PeerRef>, Slot)],
    ) {
        if rebound.is_empty() {
            return;
        }
        let to_name = self.view.peers.get(sender).expect("sender is known").name;
        let to = self.tag(&to_name);
        // Group by previous owner, in slot order of first appearance.
        let mut groups: Vec<(Option<PeerRef>, usize)> = Vec::new();
        for (owner, _) in rebound {
            match groups.iter_mut().find(|(o, _)| o == owner) {
                Some((_, c)) => *c += 1,
                None => groups.push((*owner, 1)),
            }
        }
        for (owner, count) in groups {
            let (from, from_epoch) = match owner.and_then(|o| self.view.peers.get(o)) {
                Some(p) => (Some(self.tag(&p.name)), p.config_epoch),
                None => (None, 0),
            };
            self.emit(EventKind::SlotsRebound {
                count,
                from,
                from_epoch,
                to,
                sender_epoch,
            });
        }
    }

    /// My master's master, when I am a replica of a replica.
    fn sub_replica_target(&self) -> Option<NodeName> {
        let m = self.master_ref().and_then(|r| self.view.peers.get(r))?;
        let grand = m.master?;
        (grand != self.name()).then_some(grand)
    }

    /// Sends `sender` an UPDATE about the first slot it claims whose owner in my table has
    /// a greater configEpoch.
    pub(crate) fn maybe_send_update(
        &mut self,
        sender: PeerRef,
        sender_epoch: u64,
        claimed: &SlotSet,
    ) {
        for j in claimed.iter() {
            let Some(owner) = self.view.slots.owner(j) else {
                continue;
            };
            if owner == sender || self.view.owner_not_claiming.contains(j) {
                continue;
            }
            let owner_peer = self.view.peers.get(owner).expect("owner is known");
            if owner_peer.config_epoch > sender_epoch {
                let about = owner_peer.name;
                let owner_epoch = owner_peer.config_epoch;
                let mut slots = (*owner_peer.slots).clone();
                for s in self.view.owner_not_claiming.iter() {
                    slots.remove(s);
                }
                let to_name = self.view.peers.get(sender).expect("sender is known").name;
                let msg = BusMessage {
                    header: self.build_header(MessageType::Update),
                    body: Body::Update {
                        node: about,
                        config_epoch: owner_epoch,
                        slots: Arc::new(slots),
                    },
                };
                if self
                    .view
                    .peers
                    .get(sender)
                    .is_some_and(|p| p.link.is_some())
                {
                    let (to, about) = (self.tag(&to_name), self.tag(&about));
                    self.emit(EventKind::UpdateSent {
                        to,
                        about,
                        slot: j,
                        owner_epoch,
                        sender_epoch,
                    });
                    self.send_on_link(sender, msg);
                }
                return;
            }
        }
    }

    /// An UPDATE message: adopt the newer config of `node` if its epoch is higher.
    pub(crate) fn on_update_message(&mut self, node: &NodeName, epoch: u64, slots: &SlotSet) {
        let Some(r) = self.view.peers.lookup(node) else {
            return;
        };
        if self
            .view
            .peers
            .get(r)
            .is_some_and(|p| p.config_epoch >= epoch)
        {
            return;
        }
        if self.view.peers.get(r).is_some_and(|p| p.is_replica()) {
            self.set_node_as_master(r);
        }
        self.view.peers.get_mut(r).expect("looked up").config_epoch = epoch;
        self.update_slots_config_with(r, epoch, slots);
    }

    /// `clusterHandleConfigEpochCollision`: of two masters with the same configEpoch, the
    /// one with the smaller node ID takes a new epoch.
    pub(crate) fn handle_config_epoch_collision(&mut self, sender: PeerRef) {
        let other = self.view.peers.get(sender).expect("sender is known").name;
        if other.0 <= self.name().0 {
            return;
        }
        self.view.current_epoch += 1;
        let e = self.view.current_epoch;
        self.myself_mut().config_epoch = e;
        let with = self.tag(&other);
        self.emit(EventKind::ConfigEpochSet {
            epoch: e,
            reason: EpochReason::Collision { with },
        });
    }

    /// `clusterBumpConfigEpochWithoutConsensus`: returns true when the epoch moved.
    pub(crate) fn bump_epoch_without_consensus(&mut self, reason: EpochReason) -> bool {
        let max_epoch = self
            .view
            .peers
            .iter()
            .map(|(_, p)| p.config_epoch)
            .max()
            .unwrap_or(0)
            .max(self.view.current_epoch);
        let mine = self.myself().config_epoch;
        if mine == 0 || mine != max_epoch {
            self.view.current_epoch += 1;
            let e = self.view.current_epoch;
            self.myself_mut().config_epoch = e;
            self.emit(EventKind::ConfigEpochSet { epoch: e, reason });
            true
        } else {
            false
        }
    }

    /// Deletes every key of `slot` and propagates the DELs.
    pub(crate) fn delete_keys_in_slot(&mut self, slot: Slot) {
        let keys = self.keyspace.keys_in_slot(slot, usize::MAX);
        for k in keys {
            self.keyspace.remove(&k);
            self.propagate(vec![b"DEL".to_vec(), k]);
        }
    }
}
