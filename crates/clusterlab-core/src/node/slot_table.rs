//! A node's slot → owner table (`server.cluster->slots`).

use crate::node::PeerRef;
use crate::slot::{Slot, SLOTS};

const NONE: u32 = u32::MAX;

/// Who owns each of the 16384 slots, in one node's view.
#[derive(Clone, Debug)]
pub struct SlotTable {
    owners: Vec<u32>,
}

impl Default for SlotTable {
    fn default() -> Self {
        Self::new()
    }
}

impl SlotTable {
    pub fn new() -> Self {
        SlotTable {
            owners: vec![NONE; SLOTS],
        }
    }

    pub fn owner(&self, slot: Slot) -> Option<PeerRef> {
        match self.owners[usize::from(slot)] {
            NONE => None,
            r => Some(PeerRef(r)),
        }
    }

    pub(crate) fn set(&mut self, slot: Slot, owner: Option<PeerRef>) {
        self.owners[usize::from(slot)] = owner.map_or(NONE, |r| r.0);
    }

    /// Maximal runs of consecutive slots with the same owner: `(start, end, owner)`.
    pub fn runs(&self) -> Vec<(Slot, Slot, PeerRef)> {
        let mut out: Vec<(Slot, Slot, PeerRef)> = Vec::new();
        for (i, &o) in self.owners.iter().enumerate() {
            if o == NONE {
                continue;
            }
            let s = i as Slot;
            match out.last_mut() {
                Some((_, end, owner)) if owner.0 == o && *end + 1 == s => *end = s,
                _ => out.push((s, s, PeerRef(o))),
            }
        }
        out
    }
}
