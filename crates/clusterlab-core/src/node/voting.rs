//! Voting, master side (`clusterSendFailoverAuthIfNeeded`): a master grants at most one
//! vote per epoch, only for a replica whose master is FAIL (or FORCEACK), at most once
//! per 2 × node_timeout per master, and never against a newer slot configuration.

use crate::bus::{Body, BusMessage, Header, MessageType, MFLAG_FORCEACK};
use crate::event::EventKind;
use crate::node::{flags, Node, PeerRef};

impl Node {
    /// Handles an AUTH_REQUEST from `requester`.
    pub(crate) fn on_failover_auth_request(&mut self, requester: PeerRef, h: &Header) {
        if self.myself().is_replica() || self.myself().num_slots() == 0 {
            return;
        }
        let req = self.peers.get(requester).expect("requester is known");
        let name = req.name;
        let label = self.label(&name);
        let deny = |node: &mut Node, why: String| {
            node.emit(EventKind::Election {
                what: format!("\"Failover auth denied to {label}: {why}\""),
            });
        };
        if h.current_epoch < self.current_epoch {
            let cur = self.current_epoch;
            deny(
                self,
                format!("reqEpoch ({}) < curEpoch({cur})", h.current_epoch),
            );
            return;
        }
        if self.last_vote_epoch == self.current_epoch {
            let cur = self.current_epoch;
            deny(self, format!("already voted for epoch {cur}"));
            return;
        }
        let force = h.mflags & MFLAG_FORCEACK != 0;
        let master = req
            .master
            .and_then(|m| self.peers.lookup(&m))
            .filter(|_| req.is_replica());
        if req.is_master() {
            deny(self, "it is a master node".into());
            return;
        }
        let Some(master) = master else {
            deny(self, "I don't know its master".into());
            return;
        };
        if !self.peers.get(master).expect("looked up").has(flags::FAIL) && !force {
            deny(self, "its master is up".into());
            return;
        }
        let cooldown = self.config.node_timeout * 2;
        if let Some(t) = self.peers.get(master).expect("looked up").voted_time {
            let since = self.now.since(t);
            if since < cooldown {
                deny(
                    self,
                    format!(
                        "can't vote about this master before {} milliseconds",
                        cooldown - since
                    ),
                );
                return;
            }
        }
        for j in h.myslots.iter() {
            let Some(owner) = self.slots.owner(j) else {
                continue;
            };
            if self.owner_not_claiming.contains(j) {
                continue;
            }
            let e = self.peers.get(owner).expect("owner is known").config_epoch;
            if e > h.config_epoch {
                deny(
                    self,
                    format!("slot {j} epoch ({e}) > reqEpoch ({})", h.config_epoch),
                );
                return;
            }
        }
        self.last_vote_epoch = self.current_epoch;
        self.peers.get_mut(master).expect("looked up").voted_time = Some(self.now);
        let msg = BusMessage {
            header: self.build_header(MessageType::FailoverAuthAck),
            body: Body::Empty,
        };
        self.send_on_link(requester, msg);
        let epoch = self.current_epoch;
        self.emit(EventKind::Election {
            what: format!(
                "\"Failover auth granted to {label} for epoch {epoch}\"{}",
                if force {
                    " (FORCEACK: manual failover)"
                } else {
                    " (its master is FAIL; my one vote for this epoch)"
                }
            ),
        });
    }
}
