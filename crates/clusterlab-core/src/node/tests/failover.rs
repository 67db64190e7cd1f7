//! The replica's side of a failover, one replica alone (`clusterHandleSlaveFailover`): its
//! rank among the siblings by replication offset, the election delay of 500 ms + a random
//! 0-499 ms + 1000 ms per rank, the election at the next epoch, and taking over with a
//! majority of the slot-owning masters' votes.

use super::Solo;
use crate::bus::{Body, MessageType};
use crate::event::{EpochReason, EventKind};

/// Masters 7002, 7003, 7004 (epochs 1-3) and a master without slots; the node under test
/// replicates 7004 at offset 100, beside a sibling replica at `sibling_offset`. The master
/// then dies and is FAIL.
struct Election {
    s: Solo,
    masters: [usize; 3],
    sibling: usize,
    empty: usize,
}

fn replica_of_a_failed_master(sibling_offset: u64) -> Election {
    let mut s = Solo::new();
    let m1 = s.master(&[(0, 5460)], 1);
    let m2 = s.master(&[(5461, 10922)], 2);
    let m3 = s.master(&[(10923, 16383)], 3);
    let sibling = s.replica(m3, sibling_offset);
    let empty = s.master(&[], 0);
    s.join();
    s.replicate(m3, 100);
    // The sibling's header tells the node its offset.
    s.ping_from(sibling, Vec::new());
    s.log.clear();
    s.kill(m3);
    s.fail_from(m1, m3);
    Election {
        s,
        masters: [m1, m2, m3],
        sibling,
        empty,
    }
}

fn delayed(s: &Solo) -> Option<(u64, usize, u64, Option<u64>)> {
    s.events().into_iter().find_map(|e| match e {
        EventKind::ElectionDelayed {
            delay_ms,
            rank,
            offset,
            jitter_ms,
        } => Some((delay_ms, rank, offset, jitter_ms)),
        _ => None,
    })
}

#[test]
fn the_election_waits_500_ms_plus_jitter_plus_a_second_per_better_sibling() {
    for (sibling_offset, rank) in [(200, 1), (100, 0), (50, 0)] {
        let mut e = replica_of_a_failed_master(sibling_offset);
        e.s.advance(100);
        let (delay, r, offset, jitter) = delayed(&e.s).expect("the election is scheduled");
        let jitter = jitter.expect("an automatic failover draws a random delay");
        assert_eq!(r, rank, "sibling at {sibling_offset}, mine 100");
        assert_eq!(offset, 100);
        assert!(jitter < 500);
        assert_eq!(delay, 500 + jitter + 1000 * rank as u64);
    }
}

#[test]
fn a_sibling_that_reports_a_larger_offset_moves_the_election_later() {
    let mut e = replica_of_a_failed_master(100);
    e.s.advance(100);
    assert_eq!(delayed(&e.s).map(|d| d.1), Some(0));
    let sibling = e.sibling;
    e.s.fakes[sibling].offset = 300;
    e.s.log.clear();
    e.s.ping_from(sibling, Vec::new());
    e.s.advance(100);
    let updated = e.s.events().into_iter().find_map(|ev| match ev {
        EventKind::RankUpdated { rank, added_ms } => Some((rank, added_ms)),
        _ => None,
    });
    assert_eq!(updated, Some((1, 1000)));
}

#[test]
fn after_the_delay_the_replica_asks_for_votes_at_the_next_epoch_and_a_majority_wins() {
    let mut e = replica_of_a_failed_master(50);
    e.s.advance(100);
    let (delay, ..) = delayed(&e.s).expect("scheduled");
    e.s.log.clear();
    e.s.advance(delay + 100);
    let started = e.s.events().into_iter().find_map(|ev| match ev {
        EventKind::ElectionStarted {
            epoch,
            needed,
            masters,
        } => Some((epoch, needed, masters)),
        _ => None,
    });
    // The node had seen epoch 3; it asks for epoch 4, needing 2 of the 3 masters.
    assert_eq!(started, Some((4, 2, 3)));
    let sibling = e.sibling;
    let asked: Vec<usize> =
        e.s.sent(MessageType::FailoverAuthRequest)
            .into_iter()
            .map(|(to, _)| to)
            .collect();
    // Every node with a link is asked (only masters answer).
    let [m1, m2, m3] = e.masters;
    assert!(asked.contains(&m1) && asked.contains(&m2) && asked.contains(&sibling));

    // Votes from a replica or a master without slots do not count; the first slot-owning
    // master's does, the second's wins.
    e.s.log.clear();
    for f in [sibling, e.empty, m1] {
        e.s.fakes[f].current_epoch = 4;
        let ack = e.s.message(f, MessageType::FailoverAuthAck, Body::Empty);
        e.s.send_from(f, ack);
    }
    let counted: Vec<usize> =
        e.s.events()
            .into_iter()
            .filter_map(|ev| match ev {
                EventKind::VoteCounted { count, .. } => Some(count),
                _ => None,
            })
            .collect();
    assert_eq!(counted, [1]);
    assert!(!e
        .s
        .events()
        .iter()
        .any(|ev| matches!(ev, EventKind::ElectionWon { .. })));
    e.s.fakes[m2].current_epoch = 4;
    let ack = e.s.message(m2, MessageType::FailoverAuthAck, Body::Empty);
    e.s.send_from(m2, ack);
    let events = e.s.events();
    assert!(events.contains(&EventKind::ElectionWon {
        votes: 2,
        needed: 2,
        masters: 3
    }));
    assert!(events.contains(&EventKind::ConfigEpochSet {
        epoch: 4,
        reason: EpochReason::Failover
    }));
    assert!(events.iter().any(|ev| matches!(ev,
        EventKind::BecameMaster { old_master, slots: 5461 } if old_master.port == e.s.fakes[m3].port)));
    assert!(
        !e.s.sent(MessageType::Pong).is_empty(),
        "the new master tells everyone with a PONG"
    );
}
