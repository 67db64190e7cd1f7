//! The cluster bus: typed messages with the facts Redis puts in its binary header.

mod message;

pub use message::{
    Body, BusMessage, GossipEntry, Header, MessageType, GOSSIP_ENTRY_SIZE, HEADER_SIZE,
    MFLAG_FORCEACK, MFLAG_PAUSED,
};
