//! The cluster bus as one node speaks it: the header every message carries, sending on
//! a link or back on a connection, and `clusterProcessPacket`'s common part (the sender,
//! its epochs and offset) before each message type goes to its own handler: PING, PONG
//! and MEET to `gossip.rs`, FAIL to `failure.rs`, the votes to `voting.rs` and
//! `failover.rs`, MFSTART to `manual_failover.rs`, UPDATE to `epochs.rs`.

use crate::bus::{Body, BusMessage, Header, MessageType};
use crate::event::EventKind;
use crate::name::NodeIdx;
use crate::node::peers::Link;
use crate::node::{Dest, LinkId, Node, Outgoing, Payload, PeerRef, Via};

/// The bus bookkeeping of one life of a process: message counters, cron ticks and the
/// gossip section's scratch marks. A restart starts them again.
#[derive(Clone, Debug, Default)]
pub struct BusState {
    /// Messages sent and received, by type (CLUSTER INFO's counters).
    pub sent: [u64; 11],
    pub received: [u64; 11],
    pub cron_ticks: u64,
    /// PFAIL nodes counted by the last cron tick (every gossip section carries them).
    pub pfail_count: usize,
    /// Scratch marks for building gossip sections (no meaning outside `build_ping`).
    pub gossip_mark: Vec<u32>,
    pub gossip_gen: u32,
    /// Replica-migration counts (orphaned masters, most ok replicas, my master's), valid
    /// for the table version they were computed at.
    pub migration_counts: Option<(u64, usize, usize, usize)>,
}

impl Node {
    /// The bus header for a message of `kind` (`clusterBuildMessageHdr`).
    pub(crate) fn build_header(&self, kind: MessageType) -> Header {
        let me = self.myself();
        let master = if me.is_replica() {
            self.master_ref().and_then(|r| self.view.peers.get(r))
        } else {
            None
        };
        Header {
            kind,
            sender: me.name,
            current_epoch: self.view.current_epoch,
            config_epoch: master.map_or(me.config_epoch, |m| m.config_epoch),
            offset: self.repl.header_offset(me.is_master()),
            myslots: self.advertised_slots(),
            slaveof: if me.is_replica() { me.master } else { None },
            myip: crate::ip::IpText::EMPTY,
            port: me.port,
            cport: me.cport,
            flags: me.flags,
            state_ok: self.state.ok,
            mflags: if me.is_master() && self.failover.mf.end.is_some() && self.writes_paused() {
                crate::bus::MFLAG_PAUSED
            } else {
                0
            },
        }
    }

    /// Sends a bus message on my outbound link to `r`, if I have one.
    pub(crate) fn send_on_link(&mut self, r: PeerRef, msg: BusMessage) {
        let Some(p) = self.view.peers.get(r) else {
            return;
        };
        let Some(link) = p.link else { return };
        let dest = Dest::Addr {
            ip: p.ip,
            port: p.cport,
        };
        self.bus.sent[msg.kind() as usize] += 1;
        self.send(Outgoing {
            dest,
            via: Via::SenderLink(link.id),
            payload: Payload::Bus(msg),
        });
    }

    /// Replies on an inbound connection.
    pub(crate) fn reply_on_conn(&mut self, to: NodeIdx, via_link: LinkId, msg: BusMessage) {
        self.bus.sent[msg.kind() as usize] += 1;
        self.send(Outgoing {
            dest: Dest::Conn(to),
            via: Via::ReceiverLink(via_link),
            payload: Payload::Bus(msg),
        });
    }

    /// Handles one bus message (`clusterProcessPacket`).
    ///
    /// `from` is the process at the other end of the connection, `src_ip` its address and
    /// `local_ip` the address it connected to (what `connSockName` would report).
    pub(crate) fn handle_bus(
        &mut self,
        from: NodeIdx,
        src_ip: &str,
        local_ip: &str,
        via: Via,
        msg: BusMessage,
    ) {
        let now = self.now;
        let kind = msg.kind();
        self.bus.received[kind as usize] += 1;
        let h = &msg.header;

        // Which of my outbound links did it come back on, if any.
        let link_peer = match via {
            Via::ReceiverLink(id) => match self.peer_by_link(id) {
                Some(r) => Some(r),
                None => return, // The link was freed meanwhile: the bytes fall on the floor.
            },
            Via::SenderLink(_) => None,
        };
        let sender = match link_peer {
            Some(r) if !self.view.peers.get(r).is_some_and(|p| p.in_handshake()) => Some(r),
            _ => self.view.peers.lookup(&h.sender),
        };
        let sender = sender.filter(|&r| r != Self::ME);
        if let Some(s) = sender {
            if let Some(p) = self.view.peers.get_mut(s) {
                p.data_received = Some(now);
                // `setClusterNodeToInboundClusterLink`: the connection it opened to me.
                if let Via::SenderLink(id) = via {
                    if !p.in_handshake() && p.inbound.map(|l| l.id) != Some(id) {
                        p.inbound = Some(Link { id, created: now });
                    }
                }
            }
        }
        let sender_epoch = h.config_epoch;
        if let Some(s) =
            sender.filter(|&s| !self.view.peers.get(s).is_some_and(|p| p.in_handshake()))
        {
            if h.current_epoch > self.view.current_epoch {
                let from_epoch = self.view.current_epoch;
                self.view.current_epoch = h.current_epoch;
                let sender = self.tag(&h.sender);
                self.emit(EventKind::CurrentEpochRaised {
                    from: from_epoch,
                    to: h.current_epoch,
                    sender,
                });
            }
            let p = self.view.peers.get_mut(s).expect("sender is known");
            if sender_epoch > p.config_epoch {
                p.config_epoch = sender_epoch;
            }
            p.repl_offset = h.offset;
            // A replica in a manual failover records its paused master's final offset.
            if self.failover.mf.end.is_some()
                && self.myself().is_replica()
                && self.master_ref() == Some(s)
                && h.mflags & crate::bus::MFLAG_PAUSED != 0
                && self.failover.mf.master_offset.is_none()
            {
                self.failover.mf.master_offset = Some(h.offset);
                self.emit(EventKind::PausedMasterOffset { offset: h.offset });
                self.handle_manual_failover();
            }
        }

        match kind {
            MessageType::Ping | MessageType::Pong | MessageType::Meet => {
                self.process_ping_like(from, src_ip, local_ip, via, link_peer, sender, &msg)
            }
            MessageType::Fail => {
                if let (Some(_), Body::Fail { about }) = (sender, &msg.body) {
                    self.on_fail_message(&h.sender, about);
                }
            }
            MessageType::FailoverAuthRequest => {
                if let Some(s) = sender {
                    self.on_failover_auth_request(s, h);
                }
            }
            MessageType::FailoverAuthAck => {
                if let Some(s) = sender {
                    self.on_failover_auth_ack(s, h.current_epoch);
                }
            }
            MessageType::MfStart => {
                if let Some(s) = sender {
                    self.on_mfstart(s);
                }
            }
            MessageType::Update => {
                if let (
                    Some(_),
                    Body::Update {
                        node,
                        config_epoch,
                        slots,
                    },
                ) = (sender, &msg.body)
                {
                    self.on_update_message(node, *config_epoch, slots);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn peer_by_link(&self, id: LinkId) -> Option<PeerRef> {
        let r = *self.view.links.get(&id)?;
        self.view
            .peers
            .get(r)
            .filter(|p| p.link.is_some_and(|l| l.id == id))
            .map(|_| r)
    }
}
