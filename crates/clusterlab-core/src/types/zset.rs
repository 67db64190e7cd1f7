//! Sorted sets: member → score, and the elements in (score, member) order in a skiplist.
//! Redis 7.0 keeps a small sorted set in a listpack (at most `zset-max-listpack-entries`
//! members of at most `zset-max-listpack-value` bytes) and converts to a skiplist past
//! either; the order, and so every reply, is the same in both, so only the encoding name
//! is tracked here.

use std::collections::BTreeMap;

use super::skiplist::{Iter, SkipList};
use super::Limits;

type Bytes = Vec<u8>;

#[derive(Clone, Debug)]
pub struct SortedSet {
    scores: BTreeMap<Bytes, f64>,
    order: SkipList,
    listpack: bool,
}

impl Default for SortedSet {
    fn default() -> Self {
        SortedSet {
            scores: BTreeMap::new(),
            order: SkipList::default(),
            listpack: true,
        }
    }
}

impl PartialEq for SortedSet {
    fn eq(&self, other: &Self) -> bool {
        self.listpack == other.listpack
            && self.scores.len() == other.scores.len()
            && self
                .scores
                .iter()
                .zip(&other.scores)
                .all(|((a, x), (b, y))| a == b && x.to_bits() == y.to_bits())
    }
}

impl SortedSet {
    /// An empty set in a skiplist from the start (`createZsetObject`), as the result sets
    /// of ZUNION and the other store commands are built.
    pub fn skiplist() -> Self {
        SortedSet {
            listpack: false,
            ..SortedSet::default()
        }
    }

    pub fn is_listpack(&self) -> bool {
        self.listpack
    }

    pub fn encoding(&self) -> &'static str {
        if self.listpack {
            "listpack"
        } else {
            "skiplist"
        }
    }

    pub fn len(&self) -> usize {
        self.scores.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.scores.get(member).copied()
    }

    /// Sets `member`'s score; returns true when the member is new.
    pub fn insert(&mut self, member: Bytes, score: f64, limits: &Limits) -> bool {
        let new = !self.scores.contains_key(&member);
        // A new member that does not fit turns the listpack into a skiplist before it is
        // inserted, as `zsetAdd` checks first.
        if new
            && self.listpack
            && (self.scores.len() + 1 > limits.zset_entries || member.len() > limits.zset_value)
        {
            self.listpack = false;
        }
        // A listpack keeps -0 as 0 (a skiplist keeps it; a reply computed before storing,
        // like ZINCRBY's, says -0 either way).
        let score = if score == 0.0 && self.listpack {
            0.0
        } else {
            score
        };
        match self.scores.get_mut(&member) {
            Some(old) => {
                if old.to_bits() != score.to_bits() {
                    self.order.remove(*old, &member);
                    *old = score;
                    self.order.insert(score, member);
                }
                false
            }
            None => {
                self.scores.insert(member.clone(), score);
                self.order.insert(score, member);
                true
            }
        }
    }

    /// Removes a member; returns true when it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self.scores.remove(member) {
            Some(score) => self.order.remove(score, member),
            None => false,
        }
    }

    /// A set ZADD creates: a skiplist from the start when its first member is too long
    /// for a listpack.
    pub fn for_first_member(member: &[u8], limits: &Limits) -> Self {
        SortedSet {
            listpack: limits.zset_entries > 0 && member.len() <= limits.zset_value,
            ..SortedSet::default()
        }
    }

    /// `zsetConvert(…, OBJ_ENCODING_SKIPLIST)`, which SORT does to the set it reads.
    pub fn to_skiplist(&mut self) {
        self.listpack = false;
    }

    /// Removes up to `count` elements from the low end (the high end when `max`), in the
    /// order they leave (`genericZpopCommand`).
    pub fn pop(&mut self, max: bool, count: usize) -> Vec<(f64, Bytes)> {
        let mut popped = Vec::with_capacity(count.min(self.len()));
        while popped.len() < count && !self.is_empty() {
            let rank = if max { self.len() - 1 } else { 0 };
            let Some((s, m)) = self.get(rank).map(|(s, m)| (s, m.clone())) else {
                break;
            };
            self.remove(&m);
            popped.push((s, m));
        }
        popped
    }

    /// `zsetConvertToListpackIfNeeded`, for a set a store command just built.
    pub fn shrink_encoding(&mut self, limits: &Limits) {
        let max_len = self.scores.keys().map(Vec::len).max().unwrap_or(0);
        if self.listpack || self.len() > limits.zset_entries || max_len > limits.zset_value {
            return;
        }
        self.listpack = true;
        let negative_zeros: Vec<Bytes> = self
            .scores
            .iter()
            .filter(|(_, s)| **s == 0.0 && s.is_sign_negative())
            .map(|(m, _)| m.clone())
            .collect();
        for m in negative_zeros {
            self.insert(m, 0.0, limits);
        }
    }

    /// A member's 0-based rank in ascending order.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        let score = self.score(member)?;
        Some(self.order.rank(score, member))
    }

    /// The element at a 0-based ascending rank.
    pub fn get(&self, rank: usize) -> Option<(f64, &Bytes)> {
        self.order.get(rank)
    }

    /// How many leading elements (ascending) satisfy `pred`, which must hold for a
    /// prefix.
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        self.order.count_while(pred)
    }

    /// Elements from ascending rank `rank` on, towards the end, or towards rank 0 when
    /// `rev`.
    pub fn iter_from(&self, rank: usize, rev: bool) -> Iter<'_> {
        self.order.iter_from(rank, rev)
    }

    /// Every element in ascending order.
    pub fn iter(&self) -> Iter<'_> {
        self.order.iter_from(0, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_score_then_member_and_converts_past_the_listpack_limits() {
        let lim = Limits::default();
        let mut z = SortedSet::default();
        assert!(z.insert(b"b".to_vec(), 1.0, &lim));
        assert!(z.insert(b"a".to_vec(), 1.0, &lim));
        assert!(z.insert(b"c".to_vec(), 0.5, &lim));
        assert!(!z.insert(b"c".to_vec(), 2.0, &lim));
        let order: Vec<_> = z.iter().map(|(_, m)| m.clone()).collect();
        assert_eq!(order, vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(z.rank(b"c"), Some(2));
        assert_eq!(z.encoding(), "listpack");
        z.insert(vec![b'x'; 65], 0.0, &lim);
        assert_eq!(z.encoding(), "skiplist");
        assert!(z.remove(&[b'x'; 65]));
        assert_eq!(z.encoding(), "skiplist");
        z.shrink_encoding(&lim);
        assert_eq!(z.encoding(), "listpack");
        assert_eq!(SortedSet::skiplist().encoding(), "skiplist");
    }
}
