//! Cluster bus messages (`clusterMsg` in Redis), as data rather than bytes.

use crate::ip::IpText;
use std::sync::Arc;

use crate::name::NodeName;
use crate::slot::SlotSet;

/// `mflags[0]`: the master is paused for a manual failover.
pub const MFLAG_PAUSED: u8 = 1;
/// `mflags[0]`: vote even though the master is not FAIL (manual failover).
pub const MFLAG_FORCEACK: u8 = 2;

/// Size of the fixed bus header, dominated by the 2048-byte slot bitmap.
pub const HEADER_SIZE: usize = 2256;
/// Size of one gossip entry.
pub const GOSSIP_ENTRY_SIZE: usize = 104;

/// Message types, numbered as `CLUSTERMSG_TYPE_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageType {
    Ping = 0,
    Pong = 1,
    Meet = 2,
    Fail = 3,
    Publish = 4,
    FailoverAuthRequest = 5,
    FailoverAuthAck = 6,
    Update = 7,
    MfStart = 8,
    Module = 9,
    PublishShard = 10,
}

impl MessageType {
    /// Every type in numeric order (the order of CLUSTER INFO's stats lines).
    pub const ALL: [MessageType; 11] = [
        MessageType::Ping,
        MessageType::Pong,
        MessageType::Meet,
        MessageType::Fail,
        MessageType::Publish,
        MessageType::FailoverAuthRequest,
        MessageType::FailoverAuthAck,
        MessageType::Update,
        MessageType::MfStart,
        MessageType::Module,
        MessageType::PublishShard,
    ];

    /// The name CLUSTER INFO uses in `cluster_stats_messages_<name>_sent`.
    pub fn stats_name(self) -> &'static str {
        match self {
            MessageType::Ping => "ping",
            MessageType::Pong => "pong",
            MessageType::Meet => "meet",
            MessageType::Fail => "fail",
            MessageType::Publish => "publish",
            MessageType::FailoverAuthRequest => "auth-req",
            MessageType::FailoverAuthAck => "auth-ack",
            MessageType::Update => "update",
            MessageType::MfStart => "mfstart",
            MessageType::Module => "module",
            MessageType::PublishShard => "publishshard",
        }
    }

    /// The upper-case label the event log and the UI show.
    pub fn label(self) -> &'static str {
        match self {
            MessageType::Ping => "PING",
            MessageType::Pong => "PONG",
            MessageType::Meet => "MEET",
            MessageType::Fail => "FAIL",
            MessageType::Publish => "PUBLISH",
            MessageType::FailoverAuthRequest => "AUTH_REQUEST",
            MessageType::FailoverAuthAck => "AUTH_ACK",
            MessageType::Update => "UPDATE",
            MessageType::MfStart => "MFSTART",
            MessageType::Module => "MODULE",
            MessageType::PublishShard => "PUBLISHSHARD",
        }
    }
}

/// The header facts every bus message carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub kind: MessageType,
    pub sender: NodeName,
    pub current_epoch: u64,
    /// The sender's configEpoch, or its master's if the sender is a replica.
    pub config_epoch: u64,
    /// Replication offset: the master's, or the replica's processed offset.
    pub offset: u64,
    /// The sender's slots, or its master's if the sender is a replica.
    pub myslots: Arc<SlotSet>,
    /// The sender's master, if the sender is a replica.
    pub slaveof: Option<NodeName>,
    /// The announced IP; empty means "use the socket's peer address".
    pub myip: IpText,
    pub port: u16,
    pub cport: u16,
    /// The sender's own flags (`myself->flags`).
    pub flags: u16,
    /// The sender's view of the cluster state: true when ok.
    pub state_ok: bool,
    /// `mflags[0]`: PAUSED (1), FORCEACK (2).
    pub mflags: u8,
}

/// One gossip entry: what the sender knows of another node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GossipEntry {
    pub name: NodeName,
    /// Seconds (Unix time) of the sender's pending ping to that node, 0 if none.
    pub ping_sent_s: u32,
    /// Seconds (Unix time) of the last pong the sender got from that node.
    pub pong_received_s: u32,
    pub ip: IpText,
    pub port: u16,
    pub cport: u16,
    pub flags: u16,
}

/// The type-specific part of a message.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// PING, PONG and MEET carry gossip.
    Gossip(Vec<GossipEntry>),
    /// FAIL names the failing node.
    Fail { about: NodeName },
    /// UPDATE: "node owns these slots with this configEpoch".
    Update {
        node: NodeName,
        config_epoch: u64,
        slots: Arc<SlotSet>,
    },
    /// AUTH_REQUEST, AUTH_ACK and MFSTART are header only.
    Empty,
}

/// A message on the cluster bus.
#[derive(Clone, Debug, PartialEq)]
pub struct BusMessage {
    pub header: Header,
    pub body: Body,
}

impl BusMessage {
    pub fn kind(&self) -> MessageType {
        self.header.kind
    }

    /// Bytes on the wire, as Redis 7.0 sizes the message (no ping extensions are sent
    /// without an announced hostname).
    pub fn wire_size(&self) -> usize {
        HEADER_SIZE
            + match &self.body {
                Body::Gossip(g) => GOSSIP_ENTRY_SIZE * g.len(),
                Body::Fail { .. } => 40,
                Body::Update { .. } => 8 + 40 + 2048,
                Body::Empty => 0,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(kind: MessageType) -> Header {
        Header {
            kind,
            sender: NodeName::NULL,
            current_epoch: 0,
            config_epoch: 0,
            offset: 0,
            myslots: Arc::new(SlotSet::new()),
            slaveof: None,
            myip: IpText::EMPTY,
            port: 7001,
            cport: 17001,
            flags: 0,
            state_ok: true,
            mflags: 0,
        }
    }

    #[test]
    fn sizes_match_redis_7_0() {
        let entry = GossipEntry {
            name: NodeName::NULL,
            ping_sent_s: 0,
            pong_received_s: 0,
            ip: "127.0.0.1".into(),
            port: 7002,
            cport: 17002,
            flags: 1,
        };
        let ping = BusMessage {
            header: header(MessageType::Ping),
            body: Body::Gossip(vec![entry.clone(), entry.clone(), entry]),
        };
        assert_eq!(ping.wire_size(), 2256 + 312);
        let fail = BusMessage {
            header: header(MessageType::Fail),
            body: Body::Fail {
                about: NodeName::NULL,
            },
        };
        assert_eq!(fail.wire_size(), 2296);
        let update = BusMessage {
            header: header(MessageType::Update),
            body: Body::Update {
                node: NodeName::NULL,
                config_epoch: 1,
                slots: Arc::new(SlotSet::new()),
            },
        };
        // 2256 + 8 + 40 + 2048. (The shared reference prints "2352", a sum slip.)
        assert_eq!(update.wire_size(), 4352);
    }
}
