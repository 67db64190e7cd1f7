//! The stand-in for Redis's hash table: entries in a vector (so a random entry is one
//! index away, as `dictGetFairRandomKey` needs) and an ordered index from key to slot.
//! Iteration follows the vector; Redis's own order depends on its per-process hash seed,
//! so no order is more faithful than another (FIDELITY.md says so).

use std::collections::BTreeMap;

type Bytes = Vec<u8>;

#[derive(Clone, Debug, PartialEq)]
pub struct Dict<V> {
    entries: Vec<(Bytes, V)>,
    index: BTreeMap<Bytes, usize>,
}

impl<V> Default for Dict<V> {
    fn default() -> Self {
        Dict {
            entries: Vec::new(),
            index: BTreeMap::new(),
        }
    }
}

impl<V> Dict<V> {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.index.get(key).map(|&i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        match self.index.get(key) {
            Some(&i) => Some(&mut self.entries[i].1),
            None => None,
        }
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        self.index.contains_key(key)
    }

    /// Sets `key` to `value`; returns true when the key is new.
    pub fn insert(&mut self, key: Bytes, value: V) -> bool {
        match self.index.get(&key) {
            Some(&i) => {
                self.entries[i].1 = value;
                false
            }
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
                true
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &[u8]) -> Option<V> {
        let i = self.index.remove(key)?;
        let (_, value) = self.entries.swap_remove(i);
        if let Some((moved, _)) = self.entries.get(i) {
            *self.index.get_mut(moved).expect("indexed") = i;
        }
        Some(value)
    }

    /// The entry at position `i` (for random picks).
    pub fn at(&self, i: usize) -> (&Bytes, &V) {
        let (k, v) = &self.entries[i];
        (k, v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Bytes, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_keeps_the_index_true() {
        let mut d = Dict::default();
        for k in ["a", "b", "c", "d"] {
            assert!(d.insert(k.as_bytes().to_vec(), k.len()));
        }
        assert!(!d.insert(b"b".to_vec(), 9));
        assert_eq!(d.remove(b"a"), Some(1));
        assert_eq!(d.get(b"d"), Some(&1));
        assert_eq!(d.get(b"b"), Some(&9));
        assert_eq!(d.remove(b"d"), Some(1));
        assert_eq!(d.remove(b"d"), None);
        assert_eq!(d.len(), 2);
        let keys: Vec<_> = d.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(keys, vec![b"c".to_vec(), b"b".to_vec()]);
    }
}
