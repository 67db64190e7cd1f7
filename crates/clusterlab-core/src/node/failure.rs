//! Failure detection: failure reports from masters, PFAIL → FAIL by quorum, the FAIL
//! broadcast and the rules that clear FAIL.

use crate::bus::{Body, BusMessage, MessageType};
use crate::event::{EventKind, FailClearReason};
use crate::name::NodeName;
use crate::node::{flags, Node, PeerRef};

/// Reports older than `node_timeout × 2` are discarded.
pub const FAIL_REPORT_VALIDITY_MULT: u64 = 2;
/// A slot-owning master's FAIL is cleared after `node_timeout × 2` if reachable again.
pub const FAIL_UNDO_TIME_MULT: u64 = 2;

impl Node {
    /// Adds or refreshes `reporter`'s report on `r`, then checks the quorum.
    pub(crate) fn add_failure_report(&mut self, r: PeerRef, reporter: NodeName) {
        let now = self.now;
        let p = self.view.peers.get_mut(r).expect("known node");
        match p.fail_reports.iter_mut().find(|(n, _)| *n == reporter) {
            Some(entry) => entry.1 = now,
            None => p.fail_reports.push((reporter, now)),
        }
        self.mark_failing_if_needed(r);
    }

    pub(crate) fn remove_failure_report(&mut self, r: PeerRef, reporter: &NodeName) {
        if let Some(p) = self.view.peers.get_mut(r) {
            p.fail_reports.retain(|(n, _)| n != reporter);
        }
    }

    /// Live failure reports on `r`, after discarding expired ones.
    pub fn failure_report_count(&mut self, r: PeerRef) -> usize {
        let validity = self.config.node_timeout * FAIL_REPORT_VALIDITY_MULT;
        let now = self.now;
        match self.view.peers.get_mut(r) {
            Some(p) => {
                p.fail_reports.retain(|(_, t)| now.since(*t) <= validity);
                p.fail_reports.len()
            }
            None => 0,
        }
    }

    /// `markNodeAsFailingIfNeeded`.
    pub(crate) fn mark_failing_if_needed(&mut self, r: PeerRef) {
        let needed = self.state.size / 2 + 1;
        let Some(p) = self.view.peers.get(r) else {
            return;
        };
        if !p.has(flags::PFAIL) || p.has(flags::FAIL) {
            return;
        }
        let mut failures = self.failure_report_count(r);
        if self.is_master() {
            failures += 1;
        }
        if failures < needed {
            return;
        }
        let now = self.now;
        let p = self.view.peers.get_mut(r).expect("known node");
        p.flags = (p.flags & !flags::PFAIL) | flags::FAIL;
        p.fail_time = Some(now);
        let name = p.name;
        self.view.peers.touch();
        self.state.dirty = true;
        let peer = self.tag(&name);
        self.emit(EventKind::MarkedFailing {
            peer,
            agree: failures,
            masters: self.state.size,
            needed,
        });
        let msg = BusMessage {
            header: self.build_header(MessageType::Fail),
            body: Body::Fail { about: name },
        };
        for other in self.view.peers.refs() {
            let Some(q) = self.view.peers.get(other) else {
                continue;
            };
            if other != Self::ME && !q.has(flags::HANDSHAKE) && q.link.is_some() {
                self.send_on_link(other, msg.clone());
            }
        }
    }

    /// A FAIL message: believe it, no local PFAIL needed.
    pub(crate) fn on_fail_message(&mut self, sender: &NodeName, about: &NodeName) {
        let Some(r) = self.view.peers.lookup(about) else {
            return;
        };
        let now = self.now;
        let p = self.view.peers.get_mut(r).expect("looked up");
        if p.has(flags::FAIL | flags::MYSELF) {
            return;
        }
        p.flags = (p.flags & !flags::PFAIL) | flags::FAIL;
        p.fail_time = Some(now);
        self.view.peers.touch();
        self.state.dirty = true;
        let (from, about) = (self.tag(sender), self.tag(about));
        self.emit(EventKind::FailReceived { from, about });
    }

    /// `clearNodeFailureIfNeeded`, on a PONG from a FAIL node.
    pub(crate) fn clear_failure_if_needed(&mut self, r: PeerRef) {
        let undo = self.config.node_timeout * FAIL_UNDO_TIME_MULT;
        let now = self.now;
        let p = self.view.peers.get(r).expect("known node");
        let reason = if p.is_replica() {
            FailClearReason::Replica
        } else if p.num_slots() == 0 {
            FailClearReason::SlotlessMaster
        } else if p.fail_time.is_some_and(|t| now.since(t) > undo) {
            FailClearReason::Unserved
        } else {
            return;
        };
        let name = p.name;
        self.view.peers.get_mut(r).expect("known node").flags &= !flags::FAIL;
        self.view.peers.touch();
        self.state.dirty = true;
        let peer = self.tag(&name);
        self.emit(EventKind::FailCleared { peer, reason });
    }
}
