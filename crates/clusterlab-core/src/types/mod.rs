//! The value types a key can hold, each in its own home: its representation, the
//! encodings Redis 7.0 gives it (and when it converts), and its operations. Command
//! handlers parse arguments, call these, and build replies.

pub mod bits;
mod dict;
pub mod geo;
mod hash;
pub mod hll;
pub(crate) mod rax;
mod set;
mod skiplist;
pub mod stream;
mod stream_group;
pub mod vec_map;
mod zset;

pub use dict::Dict;
pub use hash::Hash;
pub use set::SetValue;
pub use stream::{Stream, StreamId};
pub use zset::SortedSet;

/// A list. Redis 7.0 keeps every list as a quicklist; a double-ended queue gives the same
/// costs (O(1) at both ends and by index).
pub type List = std::collections::VecDeque<Vec<u8>>;

/// The encoding limits CONFIG SET changes (`hash-max-listpack-entries` and the others),
/// read at each write as Redis reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub hash_entries: usize,
    pub hash_value: usize,
    pub zset_entries: usize,
    pub zset_value: usize,
    pub intset_entries: usize,
    /// `stream-node-max-bytes` and `stream-node-max-entries`.
    pub stream_bytes: usize,
    pub stream_entries: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            hash_entries: HASH_LISTPACK_ENTRIES,
            hash_value: LISTPACK_VALUE,
            zset_entries: ZSET_LISTPACK_ENTRIES,
            zset_value: LISTPACK_VALUE,
            intset_entries: INTSET_ENTRIES,
            stream_bytes: 4096,
            stream_entries: 100,
        }
    }
}

/// `hash-max-listpack-entries` as 7.0.15 starts without a config file.
pub const HASH_LISTPACK_ENTRIES: usize = 512;
/// `zset-max-listpack-entries`.
pub const ZSET_LISTPACK_ENTRIES: usize = 128;
/// `set-max-intset-entries`.
pub const INTSET_ENTRIES: usize = 512;
/// `hash-max-listpack-value` and `zset-max-listpack-value`: the longest element a
/// listpack holds.
pub const LISTPACK_VALUE: usize = 64;

/// An integer written the way Redis would print it back (no `+`, no leading zeros, not
/// `-0`): what `string2ll` accepts, and so what an intset or a listpack integer holds.
pub fn parse_canonical_i64(b: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(b).ok()?;
    let n: i64 = s.parse().ok()?;
    (n.to_string() == s).then_some(n)
}
