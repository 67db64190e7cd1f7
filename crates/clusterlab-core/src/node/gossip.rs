//! PING, PONG and MEET: building them with a gossip section, and processing them in the
//! order of Redis's `clusterProcessPacket`.

use std::sync::Arc;

use crate::bus::{Body, BusMessage, GossipEntry, MessageType};
use crate::event::EventKind;
use crate::name::{NodeIdx, NodeName};
use crate::node::{flags, Node, PeerRef, Via};
use crate::time::SimTime;

impl Node {
    /// `clusterSendPing`: a PING/PONG/MEET with `max(3, N/10)` random entries plus every
    /// PFAIL node.
    pub(crate) fn build_ping(&mut self, kind: MessageType) -> BusMessage {
        let n = self.view.peers.len();
        let mut freshnodes = n.saturating_sub(2);
        let wanted = (n / 10).max(3).min(freshnodes);
        let mut chosen: Vec<PeerRef> = Vec::with_capacity(wanted + self.bus.pfail_count);
        let mut attempts = wanted * 3;
        // Entries already picked for this message are marked with this generation.
        self.bus.gossip_gen = self.bus.gossip_gen.wrapping_add(1);
        if self.bus.gossip_mark.len() < self.view.peers.capacity() {
            self.bus.gossip_mark.resize(self.view.peers.capacity(), 0);
        }
        let generation = self.bus.gossip_gen;
        while freshnodes > 0 && chosen.len() < wanted && attempts > 0 {
            attempts -= 1;
            let r = self.random_peer();
            let Some(p) = self.view.peers.get(r) else {
                continue;
            };
            if r == Self::ME || p.has(flags::PFAIL) {
                continue;
            }
            if p.has(flags::HANDSHAKE | flags::NOADDR) || (p.link.is_none() && p.num_slots() == 0) {
                freshnodes -= 1;
                continue;
            }
            if self.bus.gossip_mark[r.0 as usize] == generation {
                continue;
            }
            self.bus.gossip_mark[r.0 as usize] = generation;
            chosen.push(r);
        }
        // Every PFAIL node too (as many as the cron counted), so reports spread fast.
        if self.bus.pfail_count > 0 {
            let mut wanted_pfail = self.bus.pfail_count;
            for r in self.view.peers.refs() {
                let Some(p) = self.view.peers.get(r) else {
                    continue;
                };
                if wanted_pfail > 0
                    && p.has(flags::PFAIL)
                    && !p.has(flags::HANDSHAKE | flags::NOADDR)
                {
                    chosen.push(r);
                    wanted_pfail -= 1;
                }
            }
        }
        let gossip = chosen
            .iter()
            .map(|&r| {
                let p = self.view.peers.get(r).expect("chosen from the table");
                GossipEntry {
                    name: p.name,
                    ping_sent_s: p.ping_sent.map_or(0, |t| (self.unix_ms(t) / 1000) as u32),
                    pong_received_s: p
                        .pong_received
                        .map_or(0, |t| (self.unix_ms(t) / 1000) as u32),
                    ip: p.ip,
                    port: p.port,
                    cport: p.cport,
                    flags: p.flags,
                }
            })
            .collect();
        BusMessage {
            header: self.build_header(kind),
            body: Body::Gossip(gossip),
        }
    }

    /// A uniformly random live entry of my table (`dictGetRandomKey`).
    pub(crate) fn random_peer(&mut self) -> PeerRef {
        let cap = self.view.peers.capacity() as u64;
        loop {
            let r = PeerRef(self.rng.below(cap) as u32);
            if self.view.peers.get(r).is_some() {
                return r;
            }
        }
    }

    /// Sends a PING (or MEET) to `r` on my outbound link, recording `ping_sent` for PINGs.
    pub(crate) fn send_ping(&mut self, r: PeerRef, kind: MessageType) {
        let msg = self.build_ping(kind);
        if kind == MessageType::Ping {
            if let Some(p) = self.view.peers.get_mut(r) {
                p.ping_sent = Some(self.now);
            }
        }
        self.send_on_link(r, msg);
    }

    /// Broadcasts a PONG to every node I have a link to (`clusterBroadcastPong`).
    pub(crate) fn broadcast_pong(&mut self) {
        for r in self.view.peers.refs() {
            let Some(p) = self.view.peers.get(r) else {
                continue;
            };
            if r == Self::ME || p.has(flags::HANDSHAKE) || p.link.is_none() {
                continue;
            }
            let msg = self.build_ping(MessageType::Pong);
            self.send_on_link(r, msg);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn process_ping_like(
        &mut self,
        from: NodeIdx,
        src_ip: &str,
        local_ip: &str,
        via: Via,
        link_peer: Option<PeerRef>,
        sender: Option<PeerRef>,
        msg: &BusMessage,
    ) {
        let h = &msg.header;
        let kind = h.kind;
        let now = self.now;
        if kind == MessageType::Ping || kind == MessageType::Meet {
            // Learn my own IP from the socket of a MEET (or any PING if I have none yet).
            if (kind == MessageType::Meet || self.myself().ip.is_empty())
                && self.myself().ip != local_ip
            {
                self.myself_mut().ip = local_ip.into();
                self.emit(EventKind::OwnIpLearned {
                    ip: local_ip.into(),
                });
            }
            if sender.is_none() && kind == MessageType::Meet {
                let ip = if h.myip.is_empty() {
                    src_ip.into()
                } else {
                    h.myip
                };
                self.add_handshake_from_meet(ip, h.port, h.cport);
                self.process_gossip(&h.sender, None, msg);
            }
            if let Via::SenderLink(id) = via {
                let pong = self.build_ping(MessageType::Pong);
                self.reply_on_conn(from, id, pong);
            }
        }

        if let Some(r) = link_peer {
            // A reply on my outbound link.
            let in_handshake = self.view.peers.get(r).is_some_and(|p| p.in_handshake());
            if in_handshake {
                if sender.is_some() {
                    self.complete_handshake(r, h.sender, h.flags);
                    return;
                }
                // Renamed: Redis goes on with no sender, so only the pong time is recorded.
                self.complete_handshake(r, h.sender, h.flags);
            } else if self.view.peers.get(r).is_some_and(|p| p.name != h.sender) {
                // The node at this address is not the one I expected: forget the address.
                let p = self.view.peers.get_mut(r).expect("link peer exists");
                p.flags |= flags::NOADDR;
                p.ip.clear();
                p.port = 0;
                p.cport = 0;
                p.link = None;
                return;
            }
        }

        if let Some(s) = sender {
            let nofailover = h.flags & flags::NOFAILOVER;
            let p = self.view.peers.get_mut(s).expect("sender is known");
            p.flags = (p.flags & !flags::NOFAILOVER) | nofailover;
        }

        if let (Some(r), MessageType::Pong) = (link_peer, kind) {
            let p = self.view.peers.get_mut(r).expect("link peer exists");
            p.pong_received = Some(now);
            p.ping_sent = None;
            if p.has(flags::PFAIL) {
                p.flags &= !flags::PFAIL;
                self.state.dirty = true;
            } else if p.has(flags::FAIL) {
                self.clear_failure_if_needed(r);
            }
        }

        let Some(s) = sender else { return };
        if self.view.peers.get(s).is_some_and(|p| p.in_handshake()) {
            return;
        }

        // Role changes announced by the sender.
        match h.slaveof {
            None => self.set_node_as_master(s),
            Some(master_name) => {
                if self.view.peers.get(s).is_some_and(|p| p.is_master()) {
                    self.unbind_all_slots_of(s);
                    let p = self.view.peers.get_mut(s).expect("sender is known");
                    p.flags &= !(flags::MASTER | flags::MIGRATE_TO);
                    p.flags |= flags::SLAVE;
                    self.view.peers.touch();
                    self.state.dirty = true;
                }
                if let Some(m) = self.view.peers.lookup(&master_name) {
                    if self
                        .view
                        .peers
                        .get(s)
                        .is_some_and(|p| p.master != Some(master_name))
                    {
                        self.view.peers.set_master(s, Some(master_name));
                        self.view.peers.get_mut(m).expect("looked up").flags |= flags::MIGRATE_TO;
                    }
                }
            }
        }

        // Slot ownership: the sender (or its master) claims a different bitmap.
        let sender_master = {
            let p = self.view.peers.get(s).expect("sender is known");
            if p.is_master() {
                Some(s)
            } else {
                p.master.and_then(|m| self.view.peers.lookup(&m))
            }
        };
        let dirty = sender_master.is_some_and(|m| self.claim_differs(s, m, &h.myslots));
        let sender_is_master = self.view.peers.get(s).is_some_and(|p| p.is_master());
        if sender_is_master && dirty {
            self.update_slots_config_with(s, h.config_epoch, &h.myslots);
        }
        if dirty {
            self.maybe_send_update(s, h.config_epoch, &h.myslots);
        }
        if self.is_master() && sender_is_master && h.config_epoch == self.myself().config_epoch {
            self.handle_config_epoch_collision(s);
        }
        let sender_name = h.sender;
        self.process_gossip(&sender_name, Some(s), msg);
    }

    /// Whether `claim` differs from what my table gives `m` (Redis memcmps the bitmaps).
    /// A sender re-sends the same `Arc` until its slots change, so most checks are a
    /// pointer comparison.
    fn claim_differs(
        &mut self,
        sender: PeerRef,
        m: PeerRef,
        claim: &Arc<crate::slot::SlotSet>,
    ) -> bool {
        let Some(version) = self.view.peers.get(m).map(|p| p.slots_version) else {
            return false;
        };
        if let Some((last, against, v, differs)) = self
            .view
            .peers
            .get(sender)
            .and_then(|p| p.last_claim.as_ref())
        {
            if Arc::ptr_eq(last, claim) && *against == m && *v == version {
                return *differs;
            }
        }
        let differs = self.view.peers.get(m).is_some_and(|p| *p.slots != **claim);
        if !differs {
            // Equal: share the sender's bitmap instead of keeping a copy.
            if let Some(p) = self.view.peers.get_mut(m) {
                p.slots = Arc::clone(claim);
            }
        }
        if let Some(p) = self.view.peers.get_mut(sender) {
            p.last_claim = Some((Arc::clone(claim), m, version, differs));
        }
        differs
    }

    /// `clusterSetNodeAsMaster`.
    pub(crate) fn set_node_as_master(&mut self, r: PeerRef) {
        let p = self.view.peers.get_mut(r).expect("known node");
        if p.is_master() {
            return;
        }
        let was_replica = p.master.is_some();
        p.flags &= !flags::SLAVE;
        p.flags |= flags::MASTER;
        if was_replica && r != Self::ME {
            p.flags |= flags::MIGRATE_TO;
        }
        self.view.peers.set_master(r, None);
        self.view.peers.touch();
        self.state.dirty = true;
    }

    /// `clusterProcessGossipSection`: failure reports, pong-time adoption, discovery.
    fn process_gossip(
        &mut self,
        sender_name: &NodeName,
        sender: Option<PeerRef>,
        msg: &BusMessage,
    ) {
        let Body::Gossip(entries) = &msg.body else {
            return;
        };
        let sender_is_master = sender
            .and_then(|s| self.view.peers.get(s))
            .is_some_and(|p| p.is_master());
        let now_unix = self.unix_ms(self.now);
        let epoch = self.config.unix_epoch_ms;
        for g in entries {
            match self.view.peers.lookup(&g.name) {
                Some(r) => {
                    let failing = g.flags & (flags::PFAIL | flags::FAIL) != 0;
                    if sender_is_master && r != Self::ME {
                        if failing {
                            self.add_failure_report(r, *sender_name);
                        } else if self
                            .view
                            .peers
                            .get(r)
                            .is_some_and(|p| !p.fail_reports.is_empty())
                        {
                            self.remove_failure_report(r, sender_name);
                        }
                    }
                    let p = self.view.peers.get_mut(r).expect("looked up");
                    if !failing && p.ping_sent.is_none() && p.fail_reports.is_empty() {
                        let pong_unix = u64::from(g.pong_received_s) * 1000;
                        let mine = p.pong_received.map(|t| epoch + t.as_millis());
                        if pong_unix <= now_unix + 500
                            && mine.is_none_or(|m| pong_unix > m)
                            && pong_unix >= epoch
                        {
                            p.pong_received = Some(SimTime(pong_unix - epoch));
                        }
                    }
                    if p.is_failing()
                        && g.flags & flags::NOADDR == 0
                        && !failing
                        && (p.ip != g.ip || p.port != g.port || p.cport != g.cport)
                    {
                        p.link = None;
                        p.ip = g.ip;
                        p.port = g.port;
                        p.cport = g.cport;
                        p.flags &= !flags::NOADDR;
                    }
                }
                None => {
                    if sender.is_some()
                        && g.flags & flags::NOADDR == 0
                        && !self.blacklisted(&g.name)
                    {
                        let from = self.tag(sender_name);
                        self.add_from_gossip(g.name, g.flags, &g.ip, g.port, g.cport, from);
                    }
                }
            }
        }
    }
}
