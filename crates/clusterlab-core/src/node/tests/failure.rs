//! Failure detection, one node alone: PFAIL after node-timeout without a pong, FAIL once
//! a majority of the slot-owning masters agree, counting only masters' reports that are
//! younger than 2 × node-timeout.

use super::{Solo, NODE_TIMEOUT};
use crate::bus::MessageType;
use crate::event::EventKind;
use crate::node::flags;

/// The node under test owns a third of the slots; three fake masters and the node make a
/// cluster of `masters` masters.
fn cluster(masters: usize) -> (Solo, Vec<usize>) {
    let mut s = Solo::new();
    let per = 16384 / masters as u16;
    s.own(&[(0, per - 1)], 1);
    let fakes = (1..masters)
        .map(|i| {
            let last = if i + 1 == masters {
                16383
            } else {
                per * (i as u16 + 1) - 1
            };
            s.master(&[(per * i as u16, last)], i as u64 + 1)
        })
        .collect();
    s.join();
    s.log.clear();
    (s, fakes)
}

fn pfail_of(s: &Solo, port: u16) -> Option<(u64, u64)> {
    s.events().iter().find_map(|e| match e {
        EventKind::PossiblyFailing {
            peer,
            ping_ms,
            silent_ms,
            ..
        } if peer.port == port => Some((*ping_ms, *silent_ms)),
        _ => None,
    })
}

fn marked_failing(s: &Solo) -> Option<(usize, usize, usize)> {
    s.events().iter().find_map(|e| match e {
        EventKind::MarkedFailing {
            agree,
            masters,
            needed,
            ..
        } => Some((*agree, *masters, *needed)),
        _ => None,
    })
}

#[test]
fn a_peer_whose_ping_waits_longer_than_node_timeout_is_flagged_pfail() {
    let (mut s, m) = cluster(3);
    let port = s.fakes[m[1]].port;
    s.kill(m[1]);
    // Just below node-timeout after the last ping nothing happens; the first cron tick
    // past it flags PFAIL, the node's own opinion only.
    let mut flagged_at = None;
    for _ in 0..100 {
        s.advance(100);
        if let Some((ping, silent)) = pfail_of(&s, port) {
            flagged_at = Some((ping, silent));
            break;
        }
    }
    let (ping, silent) = flagged_at.expect("PFAIL within 10 s");
    assert_eq!(ping, NODE_TIMEOUT + 100, "the first tick past node-timeout");
    assert!(silent > NODE_TIMEOUT && silent <= ping);
    assert_eq!(marked_failing(&s), None, "one opinion is no quorum");
    assert!(s.sent(MessageType::Fail).is_empty());
}

#[test]
fn a_majority_of_slot_owning_masters_turns_pfail_into_fail() {
    let (mut s, m) = cluster(3);
    let victim = m[1];
    s.kill(victim);
    s.advance(10_000);
    assert!(pfail_of(&s, s.fakes[victim].port).is_some());
    let report = s.gossip(victim, flags::PFAIL);
    s.ping_from(m[0], vec![report]);
    // My own PFAIL and one master's report: 2 of 3, and 2 are needed.
    assert_eq!(marked_failing(&s), Some((2, 3, 2)));
    let fails = s.sent(MessageType::Fail);
    assert!(
        fails.iter().any(|(to, _)| *to == m[0]),
        "FAIL is broadcast to every linked node: {fails:?}"
    );
    assert!(fails.iter().all(|(to, _)| *to != victim));
}

#[test]
fn a_replica_s_report_does_not_count() {
    let mut s = Solo::new();
    s.own(&[(0, 5460)], 1);
    let m2 = s.master(&[(5461, 10922)], 2);
    let m3 = s.master(&[(10923, 16383)], 3);
    let r2 = s.replica(m2, 0);
    s.join();
    s.kill(m3);
    s.advance(10_000);
    s.log.clear();
    let report = s.gossip(m3, flags::PFAIL);
    s.ping_from(r2, vec![report.clone()]);
    assert_eq!(marked_failing(&s), None, "only masters report failures");
    s.ping_from(m2, vec![report]);
    assert_eq!(marked_failing(&s), Some((2, 3, 2)));
}

/// Four masters need 3 agreeing. A report made at 0 s and another made `later_ms` after
/// it, with the node's own PFAIL in between: is the victim FAIL after the second?
fn fail_with_reports_apart(later_ms: u64) -> bool {
    let (mut s, m) = cluster(4);
    let victim = m[2];
    let report = s.gossip(victim, flags::PFAIL);
    s.ping_from(m[0], vec![report.clone()]);
    s.kill(victim);
    s.advance(later_ms);
    assert!(pfail_of(&s, s.fakes[victim].port).is_some());
    s.ping_from(m[1], vec![report]);
    marked_failing(&s).is_some()
}

#[test]
fn failure_reports_older_than_twice_node_timeout_are_not_counted() {
    assert!(fail_with_reports_apart(2 * NODE_TIMEOUT - 100));
    assert!(
        !fail_with_reports_apart(2 * NODE_TIMEOUT + 100),
        "the first report expired: 2 of 4 agree, 3 are needed"
    );
}
