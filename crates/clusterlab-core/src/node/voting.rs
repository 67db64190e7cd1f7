//! Voting, master side (`clusterSendFailoverAuthIfNeeded`): a master grants at most one
//! vote per epoch, only for a replica whose master is FAIL (or FORCEACK), at most once
//! per 2 × node_timeout per master, and never against a newer slot configuration.

use crate::bus::{Body, BusMessage, Header, MessageType, MFLAG_FORCEACK};
use crate::event::{DenyReason, EventKind};
use crate::node::{flags, Node, PeerRef};

impl Node {
    /// Handles an AUTH_REQUEST from `requester`.
    pub(crate) fn on_failover_auth_request(&mut self, requester: PeerRef, h: &Header) {
        if self.myself().is_replica() || self.myself().num_slots() == 0 {
            return;
        }
        let req = self.view.peers.get(requester).expect("requester is known");
        let name = req.name;
        let to = self.tag(&name);
        let deny = |node: &mut Node, reason: DenyReason| {
            node.emit(EventKind::AuthDenied { to, reason });
        };
        if h.current_epoch < self.view.current_epoch {
            let cur = self.view.current_epoch;
            deny(
                self,
                DenyReason::StaleEpoch {
                    requested: h.current_epoch,
                    current: cur,
                },
            );
            return;
        }
        if self.view.last_vote_epoch == self.view.current_epoch {
            let cur = self.view.current_epoch;
            deny(self, DenyReason::AlreadyVoted { epoch: cur });
            return;
        }
        let force = h.mflags & MFLAG_FORCEACK != 0;
        let master = req
            .master
            .and_then(|m| self.view.peers.lookup(&m))
            .filter(|_| req.is_replica());
        if req.is_master() {
            deny(self, DenyReason::IsMaster);
            return;
        }
        let Some(master) = master else {
            deny(self, DenyReason::UnknownMaster);
            return;
        };
        if !self
            .view
            .peers
            .get(master)
            .expect("looked up")
            .has(flags::FAIL)
            && !force
        {
            deny(self, DenyReason::MasterUp);
            return;
        }
        let cooldown = self.config.node_timeout * 2;
        if let Some(t) = self.view.peers.get(master).expect("looked up").voted_time {
            let since = self.now.since(t);
            if since < cooldown {
                deny(
                    self,
                    DenyReason::TooSoon {
                        wait_ms: cooldown - since,
                    },
                );
                return;
            }
        }
        for j in h.myslots.iter() {
            let Some(owner) = self.view.slots.owner(j) else {
                continue;
            };
            if self.view.owner_not_claiming.contains(j) {
                continue;
            }
            let e = self
                .view
                .peers
                .get(owner)
                .expect("owner is known")
                .config_epoch;
            if e > h.config_epoch {
                deny(
                    self,
                    DenyReason::NewerSlotConfig {
                        slot: j,
                        epoch: e,
                        requested: h.config_epoch,
                    },
                );
                return;
            }
        }
        self.view.last_vote_epoch = self.view.current_epoch;
        self.view
            .peers
            .get_mut(master)
            .expect("looked up")
            .voted_time = Some(self.now);
        let msg = BusMessage {
            header: self.build_header(MessageType::FailoverAuthAck),
            body: Body::Empty,
        };
        self.send_on_link(requester, msg);
        let epoch = self.view.current_epoch;
        self.emit(EventKind::AuthGranted {
            to,
            epoch,
            forced: force,
        });
    }
}
