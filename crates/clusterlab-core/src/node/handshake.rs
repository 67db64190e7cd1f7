//! Joining: CLUSTER MEET, the handshake, and learning nodes from gossip.

use crate::event::{EventKind, LearnedVia, NodeTag};
use crate::name::NodeName;
use crate::node::{flags, Node, Peer, PeerRef};

impl Node {
    /// `clusterStartHandshake`: adds a HANDSHAKE|MEET entry with a random name.
    /// Returns false if a handshake to that address is already in progress.
    pub(crate) fn start_handshake(&mut self, ip: &str, port: u16, cport: u16) -> bool {
        let pending = self
            .view
            .peers
            .iter()
            .any(|(_, p)| p.in_handshake() && p.ip == ip && p.port == port && p.cport == cport);
        if pending {
            return false;
        }
        let name = NodeName(self.rng.hex40());
        let mut peer = Peer::new(name, flags::HANDSHAKE | flags::MEET, self.now);
        peer.ip = ip.into();
        peer.port = port;
        peer.cport = cport;
        self.view.peers.insert(peer);
        self.emit(EventKind::MeetRequested {
            ip: ip.into(),
            port,
        });
        true
    }

    /// A MEET from an unknown sender: add it as a handshake node (we will PING it back).
    pub(crate) fn add_handshake_from_meet(
        &mut self,
        ip: crate::ip::IpText,
        port: u16,
        cport: u16,
    ) -> PeerRef {
        let name = NodeName(self.rng.hex40());
        let mut peer = Peer::new(name, flags::HANDSHAKE, self.now);
        peer.ip = ip;
        peer.port = port;
        peer.cport = cport;
        let (ip, port) = (peer.ip, peer.port);
        let r = self.view.peers.insert(peer);
        self.emit(EventKind::NodeLearned {
            ip,
            port,
            via: LearnedVia::Meet,
        });
        r
    }

    /// The first PONG on my link to a handshake node: it gets its real name.
    /// Returns false when the node turned out to be known already (entry dropped).
    pub(crate) fn complete_handshake(
        &mut self,
        r: PeerRef,
        real: NodeName,
        sender_flags: u16,
    ) -> bool {
        if let Some(known) = self.view.peers.lookup(&real) {
            // "Handshake: we already know node …, updating the address if needed."
            let (ip, port, cport) = {
                let h = self.view.peers.get(r).expect("handshake entry exists");
                (h.ip, h.port, h.cport)
            };
            if let Some(k) = self.view.peers.get_mut(known) {
                if k.ip != ip || k.port != port || k.cport != cport {
                    k.ip = ip;
                    k.port = port;
                    k.cport = cport;
                    k.link = None;
                }
            }
            self.del_node(r);
            return false;
        }
        self.view.peers.rename(r, real);
        let (ip, port) = {
            let p = self.view.peers.get_mut(r).expect("handshake entry exists");
            p.flags &= !flags::HANDSHAKE;
            p.flags |= sender_flags & (flags::MASTER | flags::SLAVE);
            (p.ip, p.port)
        };
        self.emit(EventKind::HandshakeCompleted { ip, port, id: real });
        true
    }

    /// A node named in gossip that I do not know: trust the sender and add it as is.
    pub(crate) fn add_from_gossip(
        &mut self,
        name: NodeName,
        gossip_flags: u16,
        ip: &str,
        port: u16,
        cport: u16,
        from: NodeTag,
    ) {
        let mut peer = Peer::new(
            name,
            gossip_flags & !(flags::MYSELF | flags::MEET),
            self.now,
        );
        peer.ip = ip.into();
        peer.port = port;
        peer.cport = cport;
        self.view.peers.insert(peer);
        self.emit(EventKind::NodeLearned {
            ip: ip.into(),
            port,
            via: LearnedVia::Gossip { id: name, from },
        });
    }

    /// `clusterDelNode`: drops an entry, its slots and the failure reports it made.
    pub(crate) fn del_node(&mut self, r: PeerRef) {
        self.unbind_all_slots_of(r);
        let Some(gone) = self.view.peers.remove(r) else {
            return;
        };
        if let Some(id) = gone.last_link_id {
            self.view.links.remove(&id);
        }
        for other in self.view.peers.refs() {
            if let Some(p) = self.view.peers.get_mut(other) {
                p.fail_reports.retain(|(rep, _)| *rep != gone.name);
            }
        }
        self.state.dirty = true;
    }
}

/// A forgotten node cannot be re-added by gossip for this long.
pub const BLACKLIST_TTL_MS: u64 = 60_000;

impl Node {
    /// Blacklists a node for `BLACKLIST_TTL_MS` (CLUSTER FORGET).
    pub(crate) fn blacklist_add(&mut self, r: PeerRef) {
        if let Some(p) = self.view.peers.get(r) {
            let until = self.now + crate::time::SimDuration(BLACKLIST_TTL_MS);
            self.view.blacklist.insert(p.name, until);
        }
    }

    /// Whether `name` is blacklisted now (expired entries are dropped).
    pub(crate) fn blacklisted(&mut self, name: &NodeName) -> bool {
        let now = self.now;
        self.view.blacklist.retain(|_, until| *until > now);
        self.view.blacklist.contains_key(name)
    }

    /// `clusterReset`: forget everyone, drop slots; HARD also resets epochs and the ID.
    pub(crate) fn cluster_reset(&mut self, hard: bool) {
        if self.myself().is_replica() {
            self.set_node_as_master(Self::ME);
            self.repl.upstream = None;
            self.keyspace.clear();
        }
        self.view.migrating.clear();
        self.view.importing.clear();
        self.unbind_all_slots_of(Self::ME);
        for r in self.view.peers.refs() {
            if r != Self::ME {
                self.del_node(r);
            }
        }
        self.view.blacklist.clear();
        if hard {
            self.view.current_epoch = 0;
            self.view.last_vote_epoch = 0;
            self.myself_mut().config_epoch = 0;
            let name = NodeName(self.rng.hex40());
            self.view.peers.rename(Self::ME, name);
        }
        self.state.dirty = true;
        self.emit(EventKind::ClusterReset { hard });
    }
}
