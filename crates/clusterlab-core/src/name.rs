//! Node names (40 hex characters) and the world's node indices.

use std::fmt;

/// A Redis Cluster node ID: 40 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeName(pub [u8; 40]);

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
