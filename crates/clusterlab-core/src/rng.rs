//! The one seeded generator family of the simulation.
//!
//! xoshiro256** seeded through SplitMix64: small, fast, and identical on every target
//! (only `u64` arithmetic, never `usize`). Streams are derived from `(seed, stream id)` so
//! that adding a node does not perturb the draws of the others.

/// A deterministic pseudo-random generator.
#[derive(Clone, Debug)]
pub struct SimRng {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SimRng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        let mut st = seed;
        let s = [
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
        ];
        SimRng { s }
    }

    /// An independent stream for `(seed, stream)`, e.g. one per node.
    pub fn stream(seed: u64, stream: u64) -> Self {
        let mut st = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        SimRng::new(splitmix64(&mut st) ^ stream)
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform draw in `0..n` (`n > 0`), without modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "SimRng::below(0)");
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let v = self.next_u64();
            if v < zone {
                return v % n;
            }
        }
    }

    /// An index into a slice of length `len` (`len > 0`).
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// True with probability `percent / 100`.
    pub fn chance_percent(&mut self, percent: u32) -> bool {
        self.below(100) < u64::from(percent)
    }

    /// 40 random lowercase hex characters, as Redis's `getRandomHexChars` makes node IDs.
    pub fn hex40(&mut self) -> [u8; 40] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 40];
        for chunk in out.chunks_mut(16) {
            let mut v = self.next_u64();
            for b in chunk {
                *b = HEX[(v & 15) as usize];
                v >>= 4;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn streams_are_independent() {
        let a = SimRng::stream(1, 0).next_u64();
        let b = SimRng::stream(1, 1).next_u64();
        let c = SimRng::stream(2, 0).next_u64();
        assert_ne!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = SimRng::new(3);
        for n in 1..200 {
            assert!(r.below(n) < n);
        }
    }

    #[test]
    fn hex40_is_lowercase_hex() {
        let id = SimRng::new(9).hex40();
        assert!(id
            .iter()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
