//! Node names (40 hex characters) and the world's node indices.

use std::fmt;

/// A Redis Cluster node ID: 40 lowercase hex characters.
#[derive(Clone, Copy)]
pub struct NodeName(pub [u8; 40]);

impl NodeName {
    /// The name as five big-endian words: comparing them orders names exactly as
    /// comparing the bytes (memcmp) does, without a library call per comparison.
    fn words(&self) -> [u64; 5] {
        let mut w = [0u64; 5];
        for (i, chunk) in self.0.chunks_exact(8).enumerate() {
            w[i] = u64::from_be_bytes(chunk.try_into().expect("8-byte chunk"));
        }
        w
    }
}

impl PartialEq for NodeName {
    fn eq(&self, other: &Self) -> bool {
        self.words() == other.words()
    }
}

impl Eq for NodeName {}

impl PartialOrd for NodeName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for NodeName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.words().cmp(&other.words())
    }
}

impl NodeName {
    /// The all-zero name used in bus headers for "no master".
    pub const NULL: NodeName = NodeName([0; 40]);

    /// Parses a 40-character node ID as typed by a user (any case of hex is kept as typed).
    pub fn parse(text: &[u8]) -> Option<NodeName> {
        let bytes: [u8; 40] = text.try_into().ok()?;
        Some(NodeName(bytes))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("????????????????????????????????????????")
    }

    /// The first 8 characters, for compact explanations.
    pub fn short(&self) -> &str {
        &self.as_str()[..8]
    }
}

impl fmt::Display for NodeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for NodeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeName({})", self.short())
    }
}

/// The world's index of a simulated process (stable for the world's life).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeIdx(pub u32);

impl NodeIdx {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[cfg(test)]
mod tests {
    use super::NodeName;

    #[test]
    fn names_order_like_memcmp() {
        let a = NodeName(*b"0000000000000000000000000000000000000001");
        let b = NodeName(*b"0000000000000000000000000000000000000010");
        let c = NodeName(*b"a000000000000000000000000000000000000000");
        assert!(a < b && b < c);
        assert_eq!(a.cmp(&a), std::cmp::Ordering::Equal);
        assert_eq!(a.0.cmp(&b.0), a.cmp(&b));
    }
}
