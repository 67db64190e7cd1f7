//! Streams as Redis 7.0 keeps them: entries in listpack nodes of a radix tree, keyed by
//! their first ID. The simulation keeps the live entries in one ordered map and, per
//! node, what decides where the next entry goes and what trimming removes: its master
//! fields, its live and deleted counts, its size in bytes and its last ID. Entries are
//! never removed from a node one by one; XDEL and exact trimming mark them deleted, and
//! a node goes only when nothing live is left in it (XDEL) or trimming takes it whole.

use super::rax::Rax;
pub use super::stream_group::{Consumer, Group, Nack};
use super::vec_map::VecMap;
use super::Limits;

type Bytes = Vec<u8>;

/// A stream entry ID, `ms-seq`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    /// `streamIncrID`: the next ID, or `None` past the last one.
    pub fn next(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (u64::MAX, u64::MAX) => None,
            (ms, u64::MAX) => Some(StreamId { ms: ms + 1, seq: 0 }),
            (ms, seq) => Some(StreamId { ms, seq: seq + 1 }),
        }
    }

    /// `streamDecrID`: the previous ID, or `None` before 0-0.
    pub fn prev(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (0, 0) => None,
            (ms, 0) => Some(StreamId {
                ms: ms - 1,
                seq: u64::MAX,
            }),
            (ms, seq) => Some(StreamId { ms, seq: seq - 1 }),
        }
    }

    pub fn text(self) -> Bytes {
        format!("{}-{}", self.ms, self.seq).into_bytes()
    }
}

/// How an ID argument may be written (`streamGenericParseIDOrReply`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IdForm {
    /// `-` and `+` allowed.
    Range,
    /// `-` and `+` refused.
    Strict,
    /// Strict, and `ms-*` allowed (XADD): the sequence is then not given.
    Add,
}

/// Parses a stream ID; the second value says whether the sequence was given (only
/// `ms-*` leaves it out). `missing_seq` fills an ID written as `ms` alone.
pub fn parse_id(arg: &[u8], missing_seq: u64, form: IdForm) -> Option<(StreamId, bool)> {
    if arg.len() > 127 {
        return None;
    }
    // The C string ends at the first NUL byte.
    let arg = &arg[..arg.iter().position(|&b| b == 0).unwrap_or(arg.len())];
    match arg {
        b"-" | b"+" if form != IdForm::Range => None,
        b"-" => Some((StreamId::default(), true)),
        b"+" => Some((StreamId::MAX, true)),
        _ => {
            let (ms, seq) = match arg.iter().position(|&b| b == b'-') {
                Some(i) => (&arg[..i], Some(&arg[i + 1..])),
                None => (arg, None),
            };
            let ms = string2ull(ms)?;
            match seq {
                Some(b"*") if form == IdForm::Add => Some((StreamId { ms, seq: 0 }, false)),
                Some(s) => Some((
                    StreamId {
                        ms,
                        seq: string2ull(s)?,
                    },
                    true,
                )),
                None => Some((
                    StreamId {
                        ms,
                        seq: missing_seq,
                    },
                    true,
                )),
            }
        }
    }
}

/// Redis's `string2ull`: a canonical integer that is not negative, else what `strtoull`
/// reads from the whole text (leading spaces, a sign, leading zeros; `-n` wraps).
fn string2ull(s: &[u8]) -> Option<u64> {
    if let Some(n) = super::parse_canonical_i64(s) {
        return (n >= 0).then_some(n as u64);
    }
    let t = s.trim_ascii_start();
    let (negative, digits) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: u64 = 0;
    for d in digits {
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative { n.wrapping_neg() } else { n })
}

/// The bytes one listpack element takes: its encoding and data, then its back-length.
fn element(len: usize) -> usize {
    len + match len {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

fn int_element(v: i64) -> usize {
    element(match v {
        0..=127 => 1,
        -4096..=4095 => 2,
        -32768..=32767 => 3,
        -8388608..=8388607 => 4,
        -2147483648..=2147483647 => 5,
        _ => 9,
    })
}

/// `lpAppend` of a string: stored as an integer when it reads as one.
fn str_element(s: &[u8]) -> usize {
    match super::parse_canonical_i64(s) {
        Some(v) => int_element(v),
        None => element(
            s.len()
                + match s.len() {
                    0..=63 => 1,
                    64..=4095 => 2,
                    _ => 5,
                },
        ),
    }
}

/// A radix tree key: the ID as one 128-bit big-endian number.
fn rax_key(id: StreamId) -> [u8; 16] {
    let mut k = [0; 16];
    k[..8].copy_from_slice(&id.ms.to_be_bytes());
    k[8..].copy_from_slice(&id.seq.to_be_bytes());
    k
}

/// One listpack node of the radix tree.
#[derive(Clone, Debug, PartialEq)]
pub struct LpNode {
    /// The master entry's fields (the first entry's).
    pub(crate) fields: Vec<Bytes>,
    pub(crate) live: u64,
    pub(crate) deleted: u64,
    /// The bytes of every element but the two counters, the header and the end byte.
    pub(crate) body: usize,
    /// The last entry's ID, deleted or not.
    pub(crate) last: StreamId,
}

impl LpNode {
    /// `lpBytes`.
    fn bytes(&self) -> usize {
        7 + int_element(self.live as i64) + int_element(self.deleted as i64) + self.body
    }
}

/// Why XADD could not add an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddError {
    /// The ID is not above the stream's last.
    NotAfterTop,
    /// The fields and values exceed what a listpack holds.
    TooLarge,
}

/// How XADD or XTRIM trims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trim {
    MaxLen(u64),
    MinId(StreamId),
}

/// A stream value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stream {
    pub(crate) entries: VecMap<StreamId, Vec<Bytes>>,
    /// Entries marked deleted but still inside their node's listpack (a DUMP carries
    /// them, flagged).
    pub(crate) tombstones: VecMap<StreamId, Vec<Bytes>>,
    pub(crate) nodes: VecMap<StreamId, LpNode>,
    /// The radix tree's shape, for its node count.
    pub(crate) rax: Rax,
    pub last_id: StreamId,
    pub first_id: StreamId,
    pub max_deleted: StreamId,
    pub entries_added: u64,
    pub groups: VecMap<Bytes, Group>,
}

const LISTPACK_MAX: usize = 1 << 30;

impl Stream {
    pub fn len(&self) -> u64 {
        self.entries.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The radix tree's key count (its listpack nodes).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The radix tree's node count (`rax->numnodes`).
    pub fn rax_nodes(&self) -> usize {
        self.rax.numnodes
    }

    /// Adds a listpack node under its first ID.
    pub(crate) fn insert_node(&mut self, master: StreamId, node: LpNode) {
        self.rax.insert(&rax_key(master));
        self.nodes.insert(master, node);
    }

    /// The stream as loading an RDB file builds it: the same nodes, the radix tree made
    /// by inserting them in order.
    pub fn reloaded(&self) -> Stream {
        let mut fresh = self.clone();
        fresh.rax = Rax::default();
        for k in self.nodes.keys() {
            fresh.rax.insert(&rax_key(*k));
        }
        fresh
    }

    fn remove_node(&mut self, master: StreamId) {
        self.rax.remove(&rax_key(master));
        if let Some(node) = self.nodes.remove(&master) {
            self.tombstones.remove_between(&master, &node.last);
        }
    }

    /// `streamAppendItem`: adds an entry of `pairs` (field, value, …) with the given ID
    /// (`seq_given` false: take the next sequence of that millisecond) or the next one
    /// after `now_ms`.
    pub fn add(
        &mut self,
        pairs: &[Bytes],
        id: Option<(StreamId, bool)>,
        now_ms: u64,
        limits: &Limits,
    ) -> Result<StreamId, AddError> {
        let last = self.last_id;
        let id = match id {
            Some((id, true)) => id,
            Some((id, false)) if id.ms == last.ms => last
                .next()
                .filter(|n| n.ms == last.ms)
                .ok_or(AddError::NotAfterTop)?,
            Some((id, false)) => id,
            None if now_ms > last.ms => StreamId { ms: now_ms, seq: 0 },
            None => last.next().unwrap_or_default(),
        };
        if id <= last {
            return Err(AddError::NotAfterTop);
        }
        let total: usize = pairs.iter().map(Vec::len).sum();
        if total > LISTPACK_MAX {
            return Err(AddError::TooLarge);
        }
        let max_bytes = match limits.stream_bytes {
            0 => LISTPACK_MAX,
            n => n.min(LISTPACK_MAX),
        };
        let tail_fits = self.nodes.last().is_some_and(|(_, n)| {
            n.bytes() + total < max_bytes
                && (limits.stream_entries == 0 || n.live + n.deleted < limits.stream_entries)
        });
        let fields: Vec<&Bytes> = pairs.iter().step_by(2).collect();
        let values = pairs.iter().skip(1).step_by(2);
        if !tail_fits {
            let body = int_element(fields.len() as i64)
                + fields.iter().map(|f| str_element(f)).sum::<usize>()
                + int_element(0);
            let node = LpNode {
                fields: fields.iter().map(|f| (*f).clone()).collect(),
                live: 0,
                deleted: 0,
                body,
                last: id,
            };
            self.insert_node(id, node);
        }
        let Some((master, node)) = self.nodes.last_mut() else {
            return Err(AddError::TooLarge);
        };
        let same =
            node.fields.len() == fields.len() && node.fields.iter().eq(fields.iter().copied());
        let mut size = int_element(0)
            + int_element((id.ms - master.ms) as i64)
            + int_element(id.seq.wrapping_sub(master.seq) as i64)
            + values.map(|v| str_element(v)).sum::<usize>();
        let mut parts = fields.len() + 3;
        if !same {
            size += int_element(fields.len() as i64)
                + fields.iter().map(|f| str_element(f)).sum::<usize>();
            parts += fields.len() + 1;
        }
        node.body += size + int_element(parts as i64);
        node.live += 1;
        node.last = id;
        self.entries.insert(id, pairs.to_vec());
        self.entries_added += 1;
        self.last_id = id;
        if self.entries.len() == 1 {
            self.first_id = id;
        }
        Ok(id)
    }

    /// The live entries from `start` to `end` (inclusive), at most `count` (0: all), in
    /// reverse when `rev`.
    pub fn range(
        &self,
        start: StreamId,
        end: StreamId,
        count: usize,
        rev: bool,
    ) -> Vec<(StreamId, &[Bytes])> {
        if start > end {
            return Vec::new();
        }
        let it = self.entries.between(&start, &end).iter();
        let take = if count == 0 { usize::MAX } else { count };
        if rev {
            it.rev()
                .take(take)
                .map(|(i, f)| (*i, f.as_slice()))
                .collect()
        } else {
            it.take(take).map(|(i, f)| (*i, f.as_slice())).collect()
        }
    }

    pub fn get(&self, id: StreamId) -> Option<&[Bytes]> {
        self.entries.get(&id).map(Vec::as_slice)
    }

    /// `streamLastValidID`: the last live entry's ID (0-0 when there is none).
    pub fn last_valid(&self) -> StreamId {
        self.entries
            .last()
            .map_or_else(StreamId::default, |(k, _)| *k)
    }

    /// `streamGetEdgeID(s, 1, 0)`: the first entry's ID, deleted or not (the first
    /// node's), or the largest ID when there is no node.
    pub fn first_with_tombstones(&self) -> StreamId {
        self.nodes.first().map_or(StreamId::MAX, |(k, _)| *k)
    }

    /// The first live ID after a change at the head.
    fn refresh_first(&mut self) {
        self.first_id = self
            .entries
            .first()
            .map_or_else(StreamId::default, |(k, _)| *k);
    }

    /// `streamDeleteItem`: marks one live entry deleted, dropping its node when it was
    /// the node's last live one.
    pub fn delete(&mut self, id: StreamId) -> bool {
        let Some(pairs) = self.entries.remove(&id) else {
            return false;
        };
        if let Some((&master, node)) = self.nodes.floor_mut(&id) {
            if node.live == 1 {
                self.remove_node(master);
            } else {
                node.live -= 1;
                node.deleted += 1;
                self.tombstones.insert(id, pairs);
            }
        }
        true
    }

    /// XDEL of several IDs: how many were live; the first ID and the largest deleted
    /// ID follow.
    pub fn delete_ids(&mut self, ids: &[StreamId]) -> u64 {
        let mut deleted = 0;
        let mut first = false;
        for &id in ids {
            if self.delete(id) {
                first |= id == self.first_id;
                self.max_deleted = self.max_deleted.max(id);
                deleted += 1;
            }
        }
        if deleted > 0 && (self.is_empty() || first) {
            self.refresh_first();
        }
        deleted
    }

    /// `streamTrim`: removes whole nodes from the head while the rule allows, then (not
    /// `approx`) marks entries of the next node deleted; at most `limit` entries when
    /// it is not 0. Returns how many entries went.
    pub fn trim(&mut self, rule: Trim, approx: bool, limit: u64) -> u64 {
        let mut deleted = 0;
        while let Some((&master, node)) = self.nodes.first_mut() {
            let len = self.entries.len() as u64;
            if matches!(rule, Trim::MaxLen(m) if len <= m) {
                break;
            }
            if limit != 0 && deleted + node.live > limit {
                break;
            }
            let whole = match rule {
                Trim::MaxLen(m) => len - node.live >= m,
                Trim::MinId(min) => node.last < min,
            };
            let last = node.last;
            if whole {
                deleted += node.live;
                self.remove_node(master);
                self.entries.remove_between(&master, &last);
                continue;
            }
            if approx {
                break;
            }
            let live = self.entries.between(&master, &last);
            let removed = match rule {
                Trim::MaxLen(m) => (len - m).min(live.len() as u64),
                Trim::MinId(min) => live.iter().take_while(|(id, _)| *id < min).count() as u64,
            };
            if removed > 0 {
                let upto = live[removed as usize - 1].0;
                for (id, pairs) in live[..removed as usize].iter().cloned() {
                    self.tombstones.insert(id, pairs);
                }
                self.entries.remove_between(&master, &upto);
            }
            node.live -= removed;
            node.deleted += removed;
            deleted += removed;
            break;
        }
        if self.is_empty() {
            self.first_id = StreamId::default();
        } else if deleted > 0 {
            self.refresh_first();
        }
        deleted
    }

    /// Whether `id` is live.
    pub fn contains(&self, id: StreamId) -> bool {
        self.entries.contains_key(&id)
    }

    /// `streamRangeHasTombstones` from `start` to the end.
    pub fn has_tombstones_from(&self, start: StreamId) -> bool {
        let d = self.max_deleted;
        !self.is_empty() && d != StreamId::default() && self.first_id <= d && start <= d
    }

    /// `streamEstimateDistanceFromFirstEverEntry`: the read counter of `id`, or -1 when
    /// it cannot be known.
    pub fn estimate_read(&self, id: StreamId) -> i64 {
        let added = self.entries_added as i64;
        if added == 0 {
            return 0;
        }
        if self.is_empty() && id <= self.last_id {
            return added;
        }
        if id == self.last_id {
            return added;
        }
        if id > self.last_id {
            return -1;
        }
        let d = self.max_deleted;
        if d == StreamId::default() || d < self.first_id {
            if id < self.first_id {
                return added - self.len() as i64;
            } else if id == self.first_id {
                return added - self.len() as i64 + 1;
            }
        }
        -1
    }

    /// `streamReplyWithCGLag`: the group's lag, or `None` when it cannot be known.
    pub fn lag(&self, g: &Group) -> Option<i64> {
        let added = self.entries_added as i64;
        if added == 0 {
            return Some(0);
        }
        if g.entries_read != -1 && !self.has_tombstones_from(g.last_id) {
            return Some(added - g.entries_read);
        }
        match self.estimate_read(g.last_id) {
            -1 => None,
            read => Some(added - read),
        }
    }

    pub fn entries(&self) -> impl Iterator<Item = (StreamId, &[Bytes])> {
        self.entries.iter().map(|(k, v)| (*k, v.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    #[test]
    fn ids_parse_as_redis_reads_them() {
        let p = |s: &str| parse_id(s.as_bytes(), 0, IdForm::Add);
        assert_eq!(p("5"), Some((id(5, 0), true)));
        assert_eq!(p("5-*"), Some((id(5, 0), false)));
        assert_eq!(p("007-+3"), Some((id(7, 3), true)));
        assert_eq!(p(" 1-2"), Some((id(1, 2), true)));
        assert_eq!(p("1--01"), Some((id(1, u64::MAX), true)));
        assert_eq!(p("1--1"), None);
        assert_eq!(p("-"), None);
        assert_eq!(p("1-"), None);
        assert_eq!(p("18446744073709551616"), None);
        assert_eq!(
            parse_id(b"+", 0, IdForm::Range),
            Some((StreamId::MAX, true))
        );
    }

    #[test]
    fn nodes_split_at_a_hundred_entries_and_approximate_trims_take_whole_nodes() {
        let lim = Limits::default();
        let mut s = Stream::default();
        for i in 1..=250 {
            s.add(
                &[b"f".to_vec(), b"v".to_vec()],
                Some((id(i, 0), true)),
                0,
                &lim,
            )
            .unwrap();
        }
        assert_eq!(s.node_count(), 3);
        assert_eq!(s.trim(Trim::MaxLen(120), true, 10_000), 100);
        assert_eq!(s.len(), 150);
        assert_eq!(s.trim(Trim::MaxLen(120), false, 0), 30);
        assert_eq!(s.first_id, id(131, 0));
        assert_eq!(s.first_with_tombstones(), id(101, 0));
        assert!(s
            .add(
                &[b"f".to_vec(), b"v".to_vec()],
                Some((id(3, 0), true)),
                0,
                &lim
            )
            .is_err());
    }
}
