//! A lookup from node name to table entry, as an open-addressing hash table. Node names
//! are random hex, so their own bits make a good hash. It is only ever probed, never
//! iterated, so it cannot make the simulation depend on an iteration order.

use crate::name::NodeName;
use crate::node::PeerRef;

const EMPTY: u32 = u32::MAX;
const TOMBSTONE: u32 = u32::MAX - 1;

/// Name → entry index.
#[derive(Clone, Debug, Default)]
pub struct NameIndex {
    /// Entry index per bucket, or `EMPTY` / `TOMBSTONE`.
    buckets: Vec<u32>,
    /// The name stored in each bucket (compared before trusting a hit).
    names: Vec<NodeName>,
    live: usize,
    used: usize,
}

fn hash(name: &NodeName) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for chunk in name.0.chunks_exact(8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8-byte chunk"));
        h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
    }
    h
}

impl NameIndex {
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    fn mask(&self) -> usize {
        self.buckets.len() - 1
    }

    pub fn get(&self, name: &NodeName) -> Option<PeerRef> {
        if self.buckets.is_empty() {
            return None;
        }
        let mut i = hash(name) as usize & self.mask();
        loop {
            match self.buckets[i] {
                EMPTY => return None,
                TOMBSTONE => {}
                r if self.names[i] == *name => return Some(PeerRef(r)),
                _ => {}
            }
            i = (i + 1) & self.mask();
        }
    }

    pub fn insert(&mut self, name: NodeName, r: PeerRef) {
        if (self.used + 1) * 2 > self.buckets.len() {
            self.rebuild((self.live + 1) * 2);
        }
        let mut i = hash(&name) as usize & self.mask();
        let mut reuse = None;
        loop {
            match self.buckets[i] {
                EMPTY => break,
                TOMBSTONE => {
                    reuse.get_or_insert(i);
                }
                _ if self.names[i] == name => {
                    self.buckets[i] = r.0;
                    return;
                }
                _ => {}
            }
            i = (i + 1) & self.mask();
        }
        let at = match reuse {
            Some(t) => t,
            None => {
                self.used += 1;
                i
            }
        };
        self.buckets[at] = r.0;
        self.names[at] = name;
        self.live += 1;
    }

    pub fn remove(&mut self, name: &NodeName) {
        if self.buckets.is_empty() {
            return;
        }
        let mut i = hash(name) as usize & self.mask();
        loop {
            match self.buckets[i] {
                EMPTY => return,
                TOMBSTONE => {}
                _ if self.names[i] == *name => {
                    self.buckets[i] = TOMBSTONE;
                    self.live -= 1;
                    return;
                }
                _ => {}
            }
            i = (i + 1) & self.mask();
        }
    }

    fn rebuild(&mut self, at_least: usize) {
        let cap = at_least.next_power_of_two().max(16);
        let old_buckets = std::mem::replace(&mut self.buckets, vec![EMPTY; cap]);
        let old_names = std::mem::replace(&mut self.names, vec![NodeName::NULL; cap]);
        self.live = 0;
        self.used = 0;
        for (b, n) in old_buckets.into_iter().zip(old_names) {
            if b != EMPTY && b != TOMBSTONE {
                self.insert(n, PeerRef(b));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;

    #[test]
    fn inserts_finds_and_removes() {
        let mut rng = SimRng::new(5);
        let names: Vec<NodeName> = (0..500).map(|_| NodeName(rng.hex40())).collect();
        let mut idx = NameIndex::default();
        for (i, n) in names.iter().enumerate() {
            idx.insert(*n, PeerRef(i as u32));
        }
        assert_eq!(idx.len(), 500);
        for (i, n) in names.iter().enumerate() {
            assert_eq!(idx.get(n), Some(PeerRef(i as u32)));
        }
        for n in names.iter().step_by(2) {
            idx.remove(n);
        }
        assert_eq!(idx.len(), 250);
        for (i, n) in names.iter().enumerate() {
            assert_eq!(idx.get(n), (i % 2 == 1).then_some(PeerRef(i as u32)));
        }
        idx.insert(names[0], PeerRef(7));
        assert_eq!(idx.get(&names[0]), Some(PeerRef(7)));
    }
}
