//! A map kept as a vector sorted by key, for a stream's entries, nodes, groups, pending
//! lists and consumers: lookups by binary search, appends at the end in O(1), ordered
//! iteration for free, and far less WebAssembly than a B-tree per key and value type.

use std::borrow::Borrow;
use std::ops::{Bound, RangeBounds};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap(Vec::new())
    }
}

/// A place in a [`VecMap`] for one key, as `BTreeMap::entry` gives.
pub struct Entry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    at: Result<usize, usize>,
    key: K,
}

impl<'a, K: Ord, V> Entry<'a, K, V> {
    pub fn or_insert_with(self, f: impl FnOnce() -> V) -> &'a mut V {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.map.0.insert(i, (self.key, f()));
                i
            }
        };
        &mut self.map.0[i].1
    }

    pub fn or_insert(self, v: V) -> &'a mut V {
        self.or_insert_with(|| v)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub fn new() -> Self {
        VecMap(Vec::new())
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, at, key }
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> {
        self.0.iter_mut().map(|(_, v)| v)
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn retain(&mut self, mut f: impl FnMut(&K, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| f(k, v));
    }

    /// The entries whose keys fall in `r`, in order.
    pub fn range<R: RangeBounds<K>>(&self, r: R) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        let a = match r.start_bound() {
            Bound::Included(k) => self.find(k).unwrap_or_else(|i| i),
            Bound::Excluded(k) => self.find(k).map_or_else(|i| i, |i| i + 1),
            Bound::Unbounded => 0,
        };
        let b = match r.end_bound() {
            Bound::Included(k) => self.find(k).map_or_else(|i| i, |i| i + 1),
            Bound::Excluded(k) => self.find(k).unwrap_or_else(|i| i),
            Bound::Unbounded => self.0.len(),
        };
        self.0[a..b.max(a)].iter().map(|(k, v)| (k, v))
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    fn find<Q: Ord + ?Sized>(&self, k: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(x, _)| x.borrow().cmp(k))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get<Q: Ord + ?Sized>(&self, k: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(k).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, k: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(k).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, k: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(k).is_ok()
    }

    /// Inserts or replaces; appending past the last key costs no search.
    pub fn insert(&mut self, k: K, v: V) {
        if self.0.last().is_none_or(|(last, _)| *last < k) {
            self.0.push((k, v));
            return;
        }
        match self.find(&k) {
            Ok(i) => self.0[i].1 = v,
            Err(i) => self.0.insert(i, (k, v)),
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, k: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(k).ok().map(|i| self.0.remove(i).1)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn first(&self) -> Option<(&K, &V)> {
        self.0.first().map(|(k, v)| (k, v))
    }

    pub fn last(&self) -> Option<(&K, &V)> {
        self.0.last().map(|(k, v)| (k, v))
    }

    pub fn first_mut(&mut self) -> Option<(&K, &mut V)> {
        self.0.first_mut().map(|(k, v)| (&*k, v))
    }

    pub fn last_mut(&mut self) -> Option<(&K, &mut V)> {
        self.0.last_mut().map(|(k, v)| (&*k, v))
    }

    /// The entries from `lo` to `hi`, both included.
    pub fn between(&self, lo: &K, hi: &K) -> &[(K, V)] {
        let a = self.find(lo).unwrap_or_else(|i| i);
        let b = self.find(hi).map_or_else(|i| i, |i| i + 1);
        self.0.get(a..b.max(a)).unwrap_or_default()
    }

    /// The entries from `lo` on.
    pub fn from(&self, lo: &K) -> &[(K, V)] {
        &self.0[self.find(lo).unwrap_or_else(|i| i)..]
    }

    /// The entry with the greatest key not above `k`.
    pub fn floor_mut(&mut self, k: &K) -> Option<(&K, &mut V)> {
        let i = self.find(k).map_or_else(|i| i.checked_sub(1), Some)?;
        self.0.get_mut(i).map(|(k, v)| (&*k, v))
    }

    /// Removes the entries from `lo` to `hi`, both included.
    pub fn remove_between(&mut self, lo: &K, hi: &K) {
        let a = self.find(lo).unwrap_or_else(|i| i);
        let b = self.find(hi).map_or_else(|i| i, |i| i + 1);
        if a < b {
            self.0.drain(a..b);
        }
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;

    /// The value under `k`, which must be there (as `BTreeMap`'s index).
    fn index(&self, k: &Q) -> &V {
        match self.get(k) {
            Some(v) => v,
            None => panic!("no entry for the key"),
        }
    }
}
