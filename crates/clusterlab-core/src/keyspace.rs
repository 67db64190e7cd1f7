//! One node's dataset: typed values, expiry in virtual time, and the slot → keys index
//! that CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT read.

use std::collections::BTreeMap;

use crate::slot::{key_hash_slot, Slot};
use crate::time::SimTime;
pub use crate::types::{parse_canonical_i64, Hash, List, SetValue, SortedSet, Stream};

pub type Bytes = Vec<u8>;

/// A typed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    String(Bytes),
    List(List),
    Hash(Hash),
    Set(SetValue),
    ZSet(SortedSet),
    Stream(Box<Stream>),
}

impl Value {
    /// Whether the value is an empty collection (Redis deletes the key then).
    pub fn is_empty_collection(&self) -> bool {
        match self {
            Value::String(_) => false,
            Value::List(x) => x.is_empty(),
            Value::Hash(x) => x.is_empty(),
            Value::Set(x) => x.is_empty(),
            Value::ZSet(x) => x.is_empty(),
            Value::Stream(_) => false,
        }
    }

    /// The name TYPE prints.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }
}

/// A lookup found a value of another type (Redis's WRONGTYPE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrongType;

/// Typed lookups of one value type: the live value, mutably, or created empty when the
/// key is absent (a command that leaves it empty removes it with `remove_if_empty`).
macro_rules! typed_access {
    ($get:ident, $get_mut:ident, $create:ident, $variant:ident, $ty:ty) => {
        impl Keyspace {
            pub fn $get(&self, key: &[u8], now: SimTime) -> Result<Option<&$ty>, WrongType> {
                match self.get(key, now) {
                    None => Ok(None),
                    Some(Value::$variant(x)) => Ok(Some(x)),
                    Some(_) => Err(WrongType),
                }
            }

            pub fn $get_mut(
                &mut self,
                key: &[u8],
                now: SimTime,
            ) -> Result<Option<&mut $ty>, WrongType> {
                match self.get_mut(key, now) {
                    None => Ok(None),
                    Some(Value::$variant(x)) => Ok(Some(x)),
                    Some(_) => Err(WrongType),
                }
            }

            pub fn $create(&mut self, key: &[u8], now: SimTime) -> Result<&mut $ty, WrongType> {
                if !self.is_live(key, now) {
                    self.remove(key);
                    self.set(key.to_vec(), Value::$variant(<$ty>::default()));
                }
                match self.get_mut(key, now) {
                    Some(Value::$variant(x)) => Ok(x),
                    _ => Err(WrongType),
                }
            }
        }
    };
}

typed_access!(list, list_mut, list_or_create, List, List);
typed_access!(hash, hash_mut, hash_or_create, Hash, Hash);
typed_access!(set_value, set_mut, set_or_create, Set, SetValue);
typed_access!(zset, zset_mut, zset_or_create, ZSet, SortedSet);
typed_access!(stream, stream_mut, stream_or_create, Stream, Box<Stream>);

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    value: Value,
    expires_at: Option<SimTime>,
    /// The last access in simulated ms (the object's LRU field), for OBJECT IDLETIME;
    /// before simulated time zero after a RESTORE … IDLETIME.
    accessed: i64,
    /// How a string value was written, which decides its encoding.
    written: StringWrite,
}

/// How a string value was written: Redis picks a string's encoding when it stores the
/// object and never looks again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StringWrite {
    /// Stored whole (SET and the like): `int` if it reads as one, else `embstr` up to 44
    /// bytes, else `raw`.
    #[default]
    Whole,
    /// Changed in place (APPEND, SETRANGE on an existing key): always `raw`.
    InPlace,
    /// Made from a float (INCRBYFLOAT): `embstr` or `raw` by length, never `int`.
    FromFloat,
    /// A copy (COPY) of a value stored whole: the same encoding, but a shared integer
    /// is duplicated (`dupStringObject`), so it has one reference.
    Copied,
}

/// The dataset of one node (database 0; cluster mode has only one).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keyspace {
    entries: BTreeMap<Bytes, Entry>,
    /// Keys per slot, oldest first (GETKEYSINSLOT lists newest first, as Redis 7.0 does).
    by_slot: BTreeMap<Slot, Vec<Bytes>>,
    expires_count: usize,
    /// The time of the command being run: new values are stamped with it.
    pub(crate) clock: SimTime,
    /// The encoding limits of this node's configuration.
    pub limits: crate::types::Limits,
}

impl Keyspace {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of keys, including logically expired ones not yet deleted (like DBSIZE).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn expires_count(&self) -> usize {
        self.expires_count
    }

    /// Whether `key` is present and not past its expiry at `now`.
    pub fn is_live(&self, key: &[u8], now: SimTime) -> bool {
        self.entries
            .get(key)
            .is_some_and(|e| e.expires_at.is_none_or(|t| t > now))
    }

    /// Whether `key` is stored and past its expiry.
    pub fn is_expired(&self, key: &[u8], now: SimTime) -> bool {
        self.entries
            .get(key)
            .is_some_and(|e| e.expires_at.is_some_and(|t| t <= now))
    }

    /// The value of a live key.
    pub fn get(&self, key: &[u8], now: SimTime) -> Option<&Value> {
        self.entries
            .get(key)
            .filter(|e| e.expires_at.is_none_or(|t| t > now))
            .map(|e| &e.value)
    }

    /// The value of a live key, mutably.
    pub fn get_mut(&mut self, key: &[u8], now: SimTime) -> Option<&mut Value> {
        self.entries
            .get_mut(key)
            .filter(|e| e.expires_at.is_none_or(|t| t > now))
            .map(|e| &mut e.value)
    }

    /// Stores a value, clearing any expiry (like SET without KEEPTTL).
    pub fn set(&mut self, key: Bytes, value: Value) {
        self.set_with_expiry(key, value, None);
    }

    pub fn set_with_expiry(&mut self, key: Bytes, value: Value, expires_at: Option<SimTime>) {
        let entry = Entry {
            value,
            expires_at,
            accessed: self.clock.0 as i64,
            written: StringWrite::Whole,
        };
        if expires_at.is_some() {
            self.expires_count += 1;
        }
        match self.entries.insert(key.clone(), entry) {
            Some(old) => {
                if old.expires_at.is_some() {
                    self.expires_count -= 1;
                }
            }
            None => self
                .by_slot
                .entry(key_hash_slot(&key))
                .or_default()
                .push(key),
        }
    }

    /// Writes `value` under `key`, keeping the TTL if the key is live (what every command
    /// that modifies a value in place does), else storing it fresh.
    pub fn put_keep_ttl(&mut self, key: &[u8], value: Value, now: SimTime) {
        if self.is_live(key, now) {
            self.replace_keep_ttl(key, value);
        } else {
            self.set(key.to_vec(), value);
        }
    }

    /// Replaces the value of an existing key and keeps its expiry.
    pub fn replace_keep_ttl(&mut self, key: &[u8], value: Value) {
        match self.entries.get_mut(key) {
            Some(e) => {
                e.value = value;
                e.written = StringWrite::Whole;
            }
            None => self.set(key.to_vec(), value),
        }
    }

    /// Moves the entry under `from` (value, TTL, encoding, access time) to `to`,
    /// replacing what was there.
    pub fn rename(&mut self, from: &[u8], to: &[u8]) {
        let Some(entry) = self.entries.get(from).cloned() else {
            return;
        };
        self.remove(from);
        self.insert_entry(to.to_vec(), entry);
    }

    /// Copies the entry under `from` to `to` (a new object: accessed now), replacing
    /// what was there.
    pub fn copy(&mut self, from: &[u8], to: &[u8]) {
        let Some(mut entry) = self.entries.get(from).cloned() else {
            return;
        };
        entry.accessed = self.clock.0 as i64;
        if entry.written == StringWrite::Whole {
            entry.written = StringWrite::Copied;
        }
        self.insert_entry(to.to_vec(), entry);
    }

    fn insert_entry(&mut self, key: Bytes, entry: Entry) {
        self.remove(&key);
        if entry.expires_at.is_some() {
            self.expires_count += 1;
        }
        self.by_slot
            .entry(key_hash_slot(&key))
            .or_default()
            .push(key.clone());
        self.entries.insert(key, entry);
    }

    /// Records how the string under `key` was just written.
    pub fn set_written(&mut self, key: &[u8], written: StringWrite) {
        if let Some(e) = self.entries.get_mut(key) {
            e.written = written;
        }
    }

    /// How the string under `key` was written.
    pub fn written(&self, key: &[u8]) -> StringWrite {
        self.entries
            .get(key)
            .map_or(StringWrite::Whole, |e| e.written)
    }

    pub fn remove(&mut self, key: &[u8]) -> bool {
        match self.entries.remove(key) {
            Some(old) => {
                if old.expires_at.is_some() {
                    self.expires_count -= 1;
                }
                let slot = key_hash_slot(key);
                if let Some(keys) = self.by_slot.get_mut(&slot) {
                    keys.retain(|k| k != key);
                    if keys.is_empty() {
                        self.by_slot.remove(&slot);
                    }
                }
                true
            }
            None => false,
        }
    }

    /// Deletes `key` if a command left its collection empty; returns true if it did.
    pub fn remove_if_empty(&mut self, key: &[u8]) -> bool {
        let empty = self
            .entries
            .get(key)
            .is_some_and(|e| e.value.is_empty_collection());
        if empty {
            self.remove(key);
        }
        empty
    }

    /// What saving and loading an RDB file does to the dataset (DEBUG RELOAD): every
    /// value is built again as loading builds it, so encodings are chosen afresh from the
    /// content and the limits (a shrunk hash table becomes a listpack, an appended string
    /// `embstr`), and access times start now.
    pub fn reload(&mut self, now: SimTime) {
        let limits = self.limits;
        for e in self.entries.values_mut() {
            e.accessed = now.0 as i64;
            e.written = StringWrite::Whole;
            e.value = match &e.value {
                Value::Hash(h) => {
                    let mut fresh = Hash::default();
                    for (f, v) in h.iter() {
                        fresh.prepare_for([f, v], &limits);
                        fresh.set(f.clone(), v.clone(), &limits);
                    }
                    Value::Hash(fresh)
                }
                Value::Set(s) => Value::Set(SetValue::from_members(s.iter(), &limits)),
                Value::ZSet(z) => {
                    let mut fresh = SortedSet::skiplist();
                    for (score, m) in z.iter() {
                        fresh.insert(m.clone(), score, &limits);
                    }
                    fresh.shrink_encoding(&limits);
                    Value::ZSet(fresh)
                }
                // Loading keeps the listpacks but builds the radix tree by insertion.
                Value::Stream(st) => Value::Stream(Box::new(st.reloaded())),
                other => other.clone(),
            };
        }
    }

    /// Pops up to `count` elements from one end of the list under `key` (none if it is
    /// not a live list), deleting the key when it empties.
    pub fn pop_list(&mut self, key: &[u8], now: SimTime, left: bool, count: usize) -> Vec<Bytes> {
        let Ok(Some(l)) = self.list_mut(key, now) else {
            return Vec::new();
        };
        let n = count.min(l.len());
        let popped = if left {
            l.drain(..n).collect()
        } else {
            let mut tail: Vec<Bytes> = l.drain(l.len() - n..).collect();
            tail.reverse();
            tail
        };
        self.remove_if_empty(key);
        popped
    }

    /// Pops up to `count` elements from the low (or, with `max`, high) end of the sorted
    /// set under `key`, deleting the key when it empties.
    pub fn pop_zset(
        &mut self,
        key: &[u8],
        now: SimTime,
        max: bool,
        count: usize,
    ) -> Vec<(f64, Bytes)> {
        let Ok(Some(z)) = self.zset_mut(key, now) else {
            return Vec::new();
        };
        let popped = z.pop(max, count);
        self.remove_if_empty(key);
        popped
    }

    /// A lookup that is not `LOOKUP_NOTOUCH` updates the key's access time.
    pub fn touch(&mut self, key: &[u8], now: SimTime) {
        if let Some(e) = self.entries.get_mut(key) {
            e.accessed = now.0 as i64;
        }
    }

    /// Sets the key's access time in simulated ms (RESTORE's IDLETIME).
    pub fn set_accessed(&mut self, key: &[u8], at: i64) {
        if let Some(e) = self.entries.get_mut(key) {
            e.accessed = at;
        }
    }

    /// When the key was last accessed, in simulated ms.
    pub fn accessed(&self, key: &[u8]) -> Option<i64> {
        self.entries.get(key).map(|e| e.accessed)
    }

    pub fn expiry(&self, key: &[u8]) -> Option<SimTime> {
        self.entries.get(key).and_then(|e| e.expires_at)
    }

    /// Sets or clears the expiry of a stored key; returns false when the key is absent.
    pub fn set_expiry(&mut self, key: &[u8], at: Option<SimTime>) -> bool {
        match self.entries.get_mut(key) {
            Some(e) => {
                match (e.expires_at.is_some(), at.is_some()) {
                    (false, true) => self.expires_count += 1,
                    (true, false) => self.expires_count -= 1,
                    _ => {}
                }
                e.expires_at = at;
                true
            }
            None => false,
        }
    }

    /// Keys whose expiry has passed at `now`, in key order.
    pub fn expired_keys(&self, now: SimTime) -> Vec<Bytes> {
        if self.expires_count == 0 {
            return Vec::new();
        }
        self.entries
            .iter()
            .filter(|(_, e)| e.expires_at.is_some_and(|t| t <= now))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// All stored keys in byte order.
    pub fn keys(&self) -> impl Iterator<Item = &Bytes> {
        self.entries.keys()
    }

    pub fn count_in_slot(&self, slot: Slot) -> usize {
        self.by_slot.get(&slot).map_or(0, Vec::len)
    }

    /// Up to `count` keys of `slot`, newest first.
    pub fn keys_in_slot(&self, slot: Slot, count: usize) -> Vec<Bytes> {
        self.by_slot
            .get(&slot)
            .map(|keys| keys.iter().rev().take(count).cloned().collect())
            .unwrap_or_default()
    }

    /// Slots holding at least one key.
    pub fn slots_with_keys(&self) -> impl Iterator<Item = (Slot, usize)> + '_ {
        self.by_slot.iter().map(|(&s, k)| (s, k.len()))
    }

    pub fn clear(&mut self) {
        *self = Keyspace {
            clock: self.clock,
            limits: self.limits,
            ..Keyspace::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_hides_keys_in_virtual_time() {
        let mut ks = Keyspace::new();
        ks.set_with_expiry(
            b"k".to_vec(),
            Value::String(b"v".to_vec()),
            Some(SimTime(100)),
        );
        assert!(ks.is_live(b"k", SimTime(99)));
        assert!(!ks.is_live(b"k", SimTime(100)));
        assert_eq!(ks.expired_keys(SimTime(100)), vec![b"k".to_vec()]);
        assert_eq!(ks.expires_count(), 1);
        assert!(ks.remove(b"k"));
        assert_eq!(ks.expires_count(), 0);
    }

    #[test]
    fn slot_index_lists_newest_first() {
        let mut ks = Keyspace::new();
        ks.set(b"{hello}a".to_vec(), Value::String(vec![]));
        ks.set(b"{hello}b".to_vec(), Value::String(vec![]));
        assert_eq!(ks.count_in_slot(866), 2);
        assert_eq!(
            ks.keys_in_slot(866, 10),
            vec![b"{hello}b".to_vec(), b"{hello}a".to_vec()]
        );
        ks.remove(b"{hello}a");
        assert_eq!(ks.count_in_slot(866), 1);
    }
}
