//! Key to hash slot: CRC16/XMODEM of the key (or of its hash tag) modulo 16384.

use std::fmt;

/// Number of hash slots in a Redis Cluster.
pub const SLOTS: usize = 16384;

/// A hash slot number, `0..16384`.
pub type Slot = u16;

/// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final xor.
pub fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The part of `key` that is hashed: the bytes between the first `{` and the first `}`
/// after it, unless there is no such pair or the tag is empty.
pub fn hash_tag(key: &[u8]) -> &[u8] {
    if let Some(open) = key.iter().position(|&c| c == b'{') {
        if let Some(len) = key[open + 1..].iter().position(|&c| c == b'}') {
            if len > 0 {
                return &key[open + 1..open + 1 + len];
            }
        }
    }
    key
}

/// The hash slot of `key`, exactly as Redis's `keyHashSlot`.
pub fn key_hash_slot(key: &[u8]) -> Slot {
    crc16(hash_tag(key)) & 0x3FFF
}

/// A set of slots as a 16384-bit bitmap (the `myslots` field of a bus header).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SlotSet {
    words: [u64; SLOTS / 64],
}

impl Default for SlotSet {
    fn default() -> Self {
        SlotSet {
            words: [0; SLOTS / 64],
        }
    }
}

impl fmt::Debug for SlotSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SlotSet[{}]",
            format_ranges(&self.ranges(), RangeStyle::Spaces)
        )
    }
}

impl SlotSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// One empty set shared by every table entry that owns no slot (copied on first write).
    pub fn shared_empty() -> std::sync::Arc<SlotSet> {
        static EMPTY: std::sync::OnceLock<std::sync::Arc<SlotSet>> = std::sync::OnceLock::new();
        std::sync::Arc::clone(EMPTY.get_or_init(|| std::sync::Arc::new(SlotSet::new())))
    }

    pub fn contains(&self, slot: Slot) -> bool {
        let s = usize::from(slot);
        self.words[s / 64] & (1 << (s % 64)) != 0
    }

    pub fn insert(&mut self, slot: Slot) {
        let s = usize::from(slot);
        self.words[s / 64] |= 1 << (s % 64);
    }

    pub fn remove(&mut self, slot: Slot) {
        let s = usize::from(slot);
        self.words[s / 64] &= !(1 << (s % 64));
    }

    pub fn clear(&mut self) {
        self.words = [0; SLOTS / 64];
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// The slots in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = Slot> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut bits = w;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some((i * 64 + b) as Slot)
            })
        })
    }

    /// Maximal runs of consecutive slots, ascending, as inclusive `(start, end)` pairs.
    /// Whole words of set or clear bits are taken at once (CLUSTER NODES asks this of
    /// every node it lists).
    pub fn ranges(&self) -> Vec<(Slot, Slot)> {
        let mut out: Vec<(Slot, Slot)> = Vec::new();
        // The start of the run being read, if one is open.
        let mut open: Option<usize> = None;
        let mut close = |open: &mut Option<usize>, end: usize| {
            if let Some(start) = open.take() {
                out.push((start as Slot, end as Slot));
            }
        };
        for (i, &w) in self.words.iter().enumerate() {
            let base = i * 64;
            match w {
                0 => close(&mut open, base.saturating_sub(1)),
                u64::MAX => {
                    open.get_or_insert(base);
                }
                _ => {
                    let mut bit = 0;
                    while bit < 64 {
                        let rest = w >> bit;
                        if rest & 1 == 1 {
                            open.get_or_insert(base + bit);
                            bit += rest.trailing_ones() as usize;
                            if bit < 64 {
                                close(&mut open, base + bit - 1);
                            }
                        } else {
                            close(&mut open, (base + bit).saturating_sub(1));
                            bit += if rest == 0 {
                                64 - bit
                            } else {
                                rest.trailing_zeros() as usize
                            };
                        }
                    }
                }
            }
        }
        close(&mut open, SLOTS - 1);
        out
    }
}

/// How slot runs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeStyle {
    /// As CLUSTER NODES writes them: `0-5460 14687`.
    Spaces,
    /// As redis-cli's config signature writes them: `0-5460,14687`.
    Commas,
    /// As redis-cli's `--cluster check` prints them: `[0-5460],[14687]`.
    Bracketed,
}

/// Formats slot runs (`(first, last)`, inclusive) in one of the ways Redis prints them.
pub fn format_ranges(ranges: &[(Slot, Slot)], style: RangeStyle) -> String {
    let (sep, open, close) = match style {
        RangeStyle::Spaces => (" ", "", ""),
        RangeStyle::Commas => (",", "", ""),
        RangeStyle::Bracketed => (",", "[", "]"),
    };
    ranges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                format!("{open}{a}{close}")
            } else {
                format!("{open}{a}-{b}{close}")
            }
        })
        .collect::<Vec<_>>()
        .join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the slow way: slot by slot.
    fn ranges_one_by_one(set: &SlotSet) -> Vec<(Slot, Slot)> {
        let mut out: Vec<(Slot, Slot)> = Vec::new();
        for s in set.iter() {
            match out.last_mut() {
                Some((_, end)) if *end + 1 == s => *end = s,
                _ => out.push((s, s)),
            }
        }
        out
    }

    #[test]
    fn ranges_read_word_by_word_match_ranges_read_slot_by_slot() {
        let mut rng = crate::rng::SimRng::new(9);
        for round in 0..400 {
            let mut set = SlotSet::new();
            // Runs of random lengths, some across word boundaries, some whole words.
            let mut s = rng.below(200) as usize;
            while s < SLOTS {
                let len = 1 + rng.below(if round % 2 == 0 { 3 } else { 300 }) as usize;
                for x in s..(s + len).min(SLOTS) {
                    set.insert(x as Slot);
                }
                s += len + rng.below(if round % 3 == 0 { 2 } else { 500 }) as usize;
            }
            assert_eq!(set.ranges(), ranges_one_by_one(&set), "round {round}");
        }
        let mut full = SlotSet::new();
        for x in 0..SLOTS {
            full.insert(x as Slot);
        }
        assert_eq!(full.ranges(), vec![(0, 16383)]);
        assert_eq!(SlotSet::new().ranges(), vec![]);
        let mut edges = SlotSet::new();
        for x in [0, 63, 64, 127, 16383] {
            edges.insert(x);
        }
        assert_eq!(edges.ranges(), ranges_one_by_one(&edges));
    }

    #[test]
    fn crc16_check_value() {
        assert_eq!(crc16(b"123456789"), 0x31C3);
    }

    #[test]
    fn reference_key_slots() {
        let cases: &[(&str, u16)] = &[
            ("123456789", 12739),
            ("mykey", 14687),
            ("foo", 12182),
            ("bar", 5061),
            ("hello", 866),
            ("Hello", 3030),
            ("{user1000}.following", 3443),
            ("{user1000}.followers", 3443),
            ("somekey", 11058),
            ("foo{hash_tag}", 2515),
            ("{hello}zzz", 866),
            ("foo{}{bar}", 8363),
            ("foo{{bar}}zap", 4015),
            ("foo{bar}{zap}", 5061),
            ("{}", 15257),
            ("", 0),
            ("a", 15495),
            ("key", 12539),
            ("x", 16287),
            ("myvalue", 3758),
            ("channel.0", 7312),
        ];
        for &(key, slot) in cases {
            assert_eq!(key_hash_slot(key.as_bytes()), slot, "key {key:?}");
        }
    }

    #[test]
    fn slot_set_ranges_format_like_cluster_nodes() {
        let mut s = SlotSet::new();
        for x in 0..=5460 {
            s.insert(x);
        }
        s.insert(14687);
        assert_eq!(
            format_ranges(&s.ranges(), RangeStyle::Spaces),
            "0-5460 14687"
        );
        assert_eq!(
            format_ranges(&s.ranges(), RangeStyle::Commas),
            "0-5460,14687"
        );
        assert_eq!(
            format_ranges(&s.ranges(), RangeStyle::Bracketed),
            "[0-5460],[14687]"
        );
        assert_eq!(s.count(), 5462);
        s.remove(14687);
        assert!(!s.contains(14687));
    }
}
