//! The voting rules, one master alone (`clusterSendFailoverAuthIfNeeded`): one vote per
//! epoch, only for a replica whose master is FAIL (unless FORCEACK), never for a stale
//! epoch, at most once per 2 × node-timeout per master, never against a newer slot
//! configuration.

use super::{Solo, NODE_TIMEOUT};
use crate::bus::{Body, MessageType, MFLAG_FORCEACK};
use crate::event::{DenyReason, EventKind};

/// The node under test is master 7001 (epoch 1); 7002 and 7003 are masters (epochs 2
/// and 3), 7004 and 7005 replicas of 7003.
struct Vote {
    s: Solo,
    m2: usize,
    m3: usize,
    r3: usize,
    r3b: usize,
}

fn cluster() -> Vote {
    let mut s = Solo::new();
    s.own(&[(0, 5460)], 1);
    let m2 = s.master(&[(5461, 10922)], 2);
    let m3 = s.master(&[(10923, 16383)], 3);
    let r3 = s.replica(m3, 100);
    let r3b = s.replica(m3, 100);
    s.join();
    Vote { s, m2, m3, r3, r3b }
}

impl Vote {
    /// 7003 dies and is FAIL in the node's view (7002 said so).
    fn master_fails(&mut self) {
        self.s.kill(self.m3);
        self.s.fail_from(self.m2, self.m3);
    }

    /// Replica `f` asks for a vote for `epoch`; returns the node's answer.
    fn ask(&mut self, f: usize, epoch: u64, mflags: u8) -> Answer {
        self.s.fakes[f].current_epoch = epoch;
        let mut msg = self
            .s
            .message(f, MessageType::FailoverAuthRequest, Body::Empty);
        msg.header.mflags = mflags;
        self.send(f, msg)
    }

    fn send(&mut self, f: usize, msg: crate::bus::BusMessage) -> Answer {
        self.s.log.clear();
        self.s.send_from(f, msg);
        let acks = self.s.sent(MessageType::FailoverAuthAck);
        self.s
            .events()
            .into_iter()
            .find_map(|e| match e {
                EventKind::AuthGranted { to, epoch, forced } => {
                    assert_eq!(acks.len(), 1, "one AUTH_ACK with the grant");
                    assert_eq!(to.port, self.s.fakes[acks[0].0].port);
                    Some(Answer::Granted { epoch, forced })
                }
                EventKind::AuthDenied { reason, .. } => {
                    assert!(acks.is_empty());
                    Some(Answer::Denied(reason))
                }
                _ => None,
            })
            .unwrap_or(Answer::Silent)
    }
}

#[derive(Debug, PartialEq)]
enum Answer {
    Granted { epoch: u64, forced: bool },
    Denied(DenyReason),
    Silent,
}

#[test]
fn a_master_votes_once_per_epoch_for_a_replica_of_a_failed_master() {
    let mut v = cluster();
    v.master_fails();
    let (r3, r3b) = (v.r3, v.r3b);
    assert_eq!(
        v.ask(r3, 4, 0),
        Answer::Granted {
            epoch: 4,
            forced: false
        }
    );
    assert_eq!(
        v.ask(r3b, 4, 0),
        Answer::Denied(DenyReason::AlreadyVoted { epoch: 4 })
    );
}

#[test]
fn no_vote_while_the_master_is_up_unless_forced() {
    let mut v = cluster();
    let r3 = v.r3;
    assert_eq!(v.ask(r3, 4, 0), Answer::Denied(DenyReason::MasterUp));
    assert_eq!(
        v.ask(r3, 4, MFLAG_FORCEACK),
        Answer::Granted {
            epoch: 4,
            forced: true
        }
    );
}

#[test]
fn no_vote_for_an_epoch_older_than_mine() {
    let mut v = cluster();
    v.master_fails();
    let r3 = v.r3;
    // The node has seen epoch 3 in headers.
    assert_eq!(
        v.ask(r3, 2, 0),
        Answer::Denied(DenyReason::StaleEpoch {
            requested: 2,
            current: 3
        })
    );
}

#[test]
fn no_second_vote_about_one_master_within_twice_node_timeout() {
    let mut v = cluster();
    v.master_fails();
    let (r3, r3b) = (v.r3, v.r3b);
    assert!(matches!(v.ask(r3, 4, 0), Answer::Granted { .. }));
    v.s.advance(2 * NODE_TIMEOUT - 100);
    assert_eq!(
        v.ask(r3b, 5, 0),
        Answer::Denied(DenyReason::TooSoon { wait_ms: 100 })
    );
    v.s.advance(100);
    assert_eq!(
        v.ask(r3b, 6, 0),
        Answer::Granted {
            epoch: 6,
            forced: false
        }
    );
}

#[test]
fn no_vote_against_a_newer_slot_configuration() {
    let mut v = cluster();
    v.master_fails();
    let r3 = v.r3;
    v.s.fakes[r3].current_epoch = 4;
    let mut msg =
        v.s.message(r3, MessageType::FailoverAuthRequest, Body::Empty);
    // The replica claims its master's slots with configEpoch 2; 7003 has 3.
    msg.header.config_epoch = 2;
    assert_eq!(
        v.send(r3, msg),
        Answer::Denied(DenyReason::NewerSlotConfig {
            slot: 10923,
            epoch: 3,
            requested: 2
        })
    );
}

#[test]
fn a_master_asking_gets_no_vote_and_replicas_never_vote() {
    let mut v = cluster();
    v.master_fails();
    let m2 = v.m2;
    v.s.fakes[m2].current_epoch = 4;
    let msg =
        v.s.message(m2, MessageType::FailoverAuthRequest, Body::Empty);
    assert_eq!(v.send(m2, msg), Answer::Denied(DenyReason::IsMaster));

    // A replica (here: of 7002) does not answer at all.
    let mut s = Solo::new();
    let m1 = s.master(&[(0, 5460)], 1);
    let m2 = s.master(&[(5461, 10922)], 2);
    let m3 = s.master(&[(10923, 16383)], 3);
    let r3 = s.replica(m3, 0);
    s.join();
    s.replicate(m2, 0);
    s.fail_from(m1, m3);
    let mut v = Vote {
        s,
        m2,
        m3,
        r3,
        r3b: r3,
    };
    assert_eq!(v.ask(r3, 4, 0), Answer::Silent);
}
