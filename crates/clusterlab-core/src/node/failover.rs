//! Automatic failover, replica side (`clusterHandleSlaveFailover`): the data-age check,
//! the rank by replication offset, the delayed election, and taking over the master.

use crate::bus::{Body, BusMessage, MessageType};
use crate::event::{CantFailoverReason, EpochReason, EventKind};
use crate::node::{flags, ManualFailover, Node, PeerRef};
use crate::time::{SimDuration, SimTime};

/// Redis logs "Currently unable to failover" at most this often per reason.
const CANT_FAILOVER_RELOG_MS: u64 = 10_000;

/// Failover state of one life of a process: the replica's election, a manual failover
/// on either side, and the writes a master holds while it pauses them.
#[derive(Clone, Debug, Default)]
pub struct FailoverState {
    pub election: Election,
    pub mf: ManualFailover,
    /// `CLUSTER_TODO_HANDLE_FAILOVER`: run the failover state machine again before sleeping
    /// (a manual failover starts its election without waiting for the next cron tick).
    pub todo: bool,
    /// A master in a manual failover pauses client writes until then.
    pub write_pause_until: Option<SimTime>,
    /// Writes that arrived while paused: (client, command).
    pub paused_writes: Vec<(u64, Vec<Vec<u8>>)>,
}

/// A replica's election state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Election {
    /// When the election may start (`failover_auth_time`); `None` before the first.
    pub auth_time: Option<SimTime>,
    pub auth_count: usize,
    pub auth_sent: bool,
    pub auth_rank: usize,
    pub auth_epoch: u64,
    pub cant_reason: CantFailoverReason,
    pub cant_logged_at: Option<SimTime>,
}

impl Node {
    /// `clusterGetSlaveRank`: sibling replicas (not `nofailover`) with a larger offset.
    pub(crate) fn replica_rank(&self) -> usize {
        let Some(master) = self.myself().master else {
            return 0;
        };
        let mine = self.repl.offset;
        self.view
            .peers
            .replicas_of(&master)
            .into_iter()
            .filter(|&r| r != Self::ME)
            .filter_map(|r| self.view.peers.get(r))
            .filter(|p| !p.has(flags::NOFAILOVER) && p.repl_offset > mine)
            .count()
    }

    /// How long ago the replica last heard from its master, as Redis measures it.
    fn data_age(&self) -> u64 {
        let nt = self.config.node_timeout;
        let unix_s = |t: SimTime| self.unix_ms(t) / 1000;
        let now_s = unix_s(self.now);
        let age = match &self.repl.upstream {
            Some(u) if self.repl.link_up() => (now_s.saturating_sub(unix_s(u.last_io))) * 1000,
            Some(u) => match u.down_since {
                Some(t) => (now_s.saturating_sub(unix_s(t))) * 1000,
                // repl_down_since == 0: a replica that never synced looks infinitely old.
                None => now_s * 1000,
            },
            None => now_s * 1000,
        };
        if age > nt {
            age - nt
        } else {
            age
        }
    }

    fn log_cant_failover(&mut self, reason: CantFailoverReason) {
        let now = self.now;
        let e = &self.failover.election;
        if reason == e.cant_reason
            && e.cant_logged_at
                .is_some_and(|t| now.since(t) < CANT_FAILOVER_RELOG_MS)
        {
            return;
        }
        self.failover.election.cant_reason = reason;
        // Redis stays quiet while the master has been FAIL for less than node_timeout + 5 s.
        let nolog = self.config.node_timeout + 5000;
        let fail_time = self
            .master_ref()
            .and_then(|m| self.view.peers.get(m))
            .and_then(|m| m.fail_time);
        if fail_time.is_some_and(|t| now.since(t) < nolog) {
            return;
        }
        self.failover.election.cant_logged_at = Some(now);
        let needed = self.state.size / 2 + 1;
        let votes = self.failover.election.auth_count;
        self.emit(EventKind::CantFailover {
            reason,
            needed,
            votes,
        });
    }

    /// `clusterHandleSlaveFailover`, run every cron tick and before sleeping.
    pub(crate) fn handle_replica_failover(&mut self) {
        let now = self.now;
        let nt = self.config.node_timeout;
        let needed = self.state.size / 2 + 1;
        let manual = self.failover.mf.end.is_some() && self.failover.mf.can_start;
        let auth_timeout = (nt * 2).max(2000);
        let retry = auth_timeout * 2;
        let master = self.master_ref();
        let master_failed = master
            .and_then(|m| self.view.peers.get(m))
            .is_some_and(|m| m.has(flags::FAIL));
        let master_slots = master
            .and_then(|m| self.view.peers.get(m))
            .map_or(0, |m| m.num_slots());
        if self.is_master()
            || master.is_none()
            || (!master_failed && !manual)
            || (self.config.replica_no_failover && !manual)
            || master_slots == 0
        {
            self.failover.election.cant_reason = CantFailoverReason::None;
            return;
        }
        let data_age = self.data_age();
        let limit = self.config.repl_ping_replica_period * 1000
            + nt * u64::from(self.config.replica_validity_factor);
        if self.config.replica_validity_factor > 0 && data_age > limit && !manual {
            self.log_cant_failover(CantFailoverReason::DataAge);
            return;
        }
        let auth_age = self
            .failover
            .election
            .auth_time
            .map_or(u64::MAX, |t| now.since(t));
        if auth_age > retry {
            let rank = self.replica_rank();
            let jitter = self.rng.below(500);
            let mut delay = 500 + jitter + rank as u64 * 1000;
            let mut jitter_ms = Some(jitter);
            let mut rank = rank;
            if self.failover.mf.end.is_some() {
                delay = 0;
                rank = 0;
                jitter_ms = None;
                self.failover.todo = true;
            }
            self.failover.election = Election {
                auth_time: Some(now + SimDuration(delay)),
                auth_count: 0,
                auth_sent: false,
                auth_rank: rank,
                auth_epoch: self.failover.election.auth_epoch,
                cant_reason: self.failover.election.cant_reason,
                cant_logged_at: self.failover.election.cant_logged_at,
            };
            let offset = self.repl.offset;
            self.emit(EventKind::ElectionDelayed {
                delay_ms: delay,
                rank,
                offset,
                jitter_ms,
            });
            self.broadcast_pong_to_siblings();
            return;
        }
        if !self.failover.election.auth_sent && self.failover.mf.end.is_none() {
            let newrank = self.replica_rank();
            if newrank > self.failover.election.auth_rank {
                let added = (newrank - self.failover.election.auth_rank) as u64 * 1000;
                self.failover.election.auth_time = self
                    .failover
                    .election
                    .auth_time
                    .map(|t| t + SimDuration(added));
                self.failover.election.auth_rank = newrank;
                self.emit(EventKind::RankUpdated {
                    rank: newrank,
                    added_ms: added,
                });
            }
        }
        if self.failover.election.auth_time.is_some_and(|t| now < t) {
            self.log_cant_failover(CantFailoverReason::WaitingDelay);
            return;
        }
        if auth_age > auth_timeout {
            self.log_cant_failover(CantFailoverReason::Expired);
            return;
        }
        if !self.failover.election.auth_sent {
            self.view.current_epoch += 1;
            self.failover.election.auth_epoch = self.view.current_epoch;
            self.failover.election.auth_sent = true;
            let epoch = self.view.current_epoch;
            self.emit(EventKind::ElectionStarted {
                epoch,
                needed,
                masters: self.state.size,
            });
            self.request_failover_auth();
            self.state.dirty = true;
            return;
        }
        if self.failover.election.auth_count >= needed {
            let epoch = self.failover.election.auth_epoch;
            let votes = self.failover.election.auth_count;
            self.emit(EventKind::ElectionWon {
                votes,
                needed,
                masters: self.state.size,
            });
            if self.myself().config_epoch < epoch {
                self.myself_mut().config_epoch = epoch;
                self.emit(EventKind::ConfigEpochSet {
                    epoch,
                    reason: EpochReason::Failover,
                });
            }
            self.replace_my_master();
        } else {
            self.log_cant_failover(CantFailoverReason::WaitingVotes);
        }
    }

    /// PONG to the other replicas of my master, so they learn my offset.
    fn broadcast_pong_to_siblings(&mut self) {
        let Some(master) = self.myself().master else {
            return;
        };
        for r in self.view.peers.replicas_of(&master) {
            if r == Self::ME || self.view.peers.get(r).is_none_or(|p| p.link.is_none()) {
                continue;
            }
            let msg = self.build_ping(MessageType::Pong);
            self.send_on_link(r, msg);
        }
    }

    /// `clusterRequestFailoverAuth`: AUTH_REQUEST to every node (only masters answer).
    fn request_failover_auth(&mut self) {
        let mut header = self.build_header(MessageType::FailoverAuthRequest);
        if self.failover.mf.end.is_some() {
            header.mflags |= crate::bus::MFLAG_FORCEACK;
        }
        let msg = BusMessage {
            header,
            body: Body::Empty,
        };
        self.broadcast(msg);
    }

    /// Sends `msg` on every link (not to handshake nodes).
    pub(crate) fn broadcast(&mut self, msg: BusMessage) {
        for r in self.view.peers.refs() {
            let Some(p) = self.view.peers.get(r) else {
                continue;
            };
            if r == Self::ME || p.has(flags::HANDSHAKE) || p.link.is_none() {
                continue;
            }
            self.send_on_link(r, msg.clone());
        }
    }

    /// An AUTH_ACK: counts if it comes from a slot-owning master of this election's epoch.
    pub(crate) fn on_failover_auth_ack(&mut self, sender: PeerRef, sender_current_epoch: u64) {
        let Some(p) = self.view.peers.get(sender) else {
            return;
        };
        if p.is_master()
            && p.num_slots() > 0
            && sender_current_epoch >= self.failover.election.auth_epoch
        {
            self.failover.election.auth_count += 1;
            let (from, count) = (self.tag(&p.name.clone()), self.failover.election.auth_count);
            self.emit(EventKind::VoteCounted {
                from,
                count,
                epoch: self.failover.election.auth_epoch,
            });
            self.handle_replica_failover();
        }
    }

    /// `clusterFailoverReplaceYourMaster`: become master, take all of the old master's slots,
    /// tell everyone.
    pub(crate) fn replace_my_master(&mut self) {
        let Some(old) = self.master_ref() else { return };
        if self.is_master() {
            return;
        }
        let old_name = self.view.peers.get(old).expect("master is known").name;
        {
            let me = self.myself_mut();
            me.flags = (me.flags & !flags::SLAVE) | flags::MASTER;
        }
        self.view.peers.set_master(Self::ME, None);
        self.promote_replication();
        let slots: Vec<u16> = self
            .view
            .peers
            .get(old)
            .expect("master is known")
            .slots
            .iter()
            .collect();
        let count = slots.len();
        for s in slots {
            self.bind_slot(s, Self::ME);
        }
        let old_master = self.tag(&old_name);
        self.emit(EventKind::BecameMaster {
            old_master,
            slots: count,
        });
        self.state.dirty = true;
        self.update_state();
        self.broadcast_pong();
        self.failover.mf = Default::default();
    }
}
