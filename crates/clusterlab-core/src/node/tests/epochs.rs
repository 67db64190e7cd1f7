//! Slot ownership through epochs, one node alone: the slot update rule
//! (`clusterUpdateSlotsConfigWith`: a claim wins only with a greater configEpoch, or for
//! an unassigned slot), the UPDATE a stale claimer gets, UPDATE messages, and a master
//! that loses its last slot following the taker.

use super::{slots, Solo};
use crate::bus::{Body, MessageType};
use crate::event::{EventKind, ReplicaReason};

/// The node under test owns 0-5460 (epoch 1); 7002 owns 5461-10922 (epoch 3), 7003 owns
/// 10923-16383 (epoch 4), and 7004 is a master without slots (epoch `newcomer_epoch`).
fn cluster(newcomer_epoch: u64) -> (Solo, [usize; 3]) {
    let mut s = Solo::new();
    s.own(&[(0, 5460)], 1);
    let m2 = s.master(&[(5461, 10922)], 3);
    let m3 = s.master(&[(10923, 16383)], 4);
    let m4 = s.master(&[], newcomer_epoch);
    s.join();
    s.log.clear();
    (s, [m2, m3, m4])
}

/// Every rebinding: (count, previous owner's port, new owner's port).
fn rebinds(s: &Solo) -> Vec<(usize, Option<u16>, u16)> {
    s.events()
        .into_iter()
        .filter_map(|e| match e {
            EventKind::SlotsRebound {
                count, from, to, ..
            } => Some((count, from.map(|f| f.port), to.port)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_claim_with_a_greater_config_epoch_takes_the_slots() {
    let (mut s, [m2, _, m4]) = cluster(7);
    s.fakes[m4].slots = slots(&[(5461, 5470)]);
    s.ping_from(m4, Vec::new());
    let (p2, p4) = (s.fakes[m2].port, s.fakes[m4].port);
    assert_eq!(rebinds(&s), [(10, Some(p2), p4)]);
}

#[test]
fn a_claim_with_an_older_epoch_is_answered_with_an_update() {
    let epoch = 2;
    {
        let (mut s, [m2, _, m4]) = cluster(epoch);
        s.fakes[m4].slots = slots(&[(5461, 5470)]);
        s.ping_from(m4, Vec::new());
        assert_eq!(rebinds(&s), [], "epoch 2 does not beat 7002's 3");
        let updates = s.sent(MessageType::Update);
        let (to, msg) = updates.first().expect("an UPDATE to the stale claimer");
        assert_eq!(*to, m4);
        let Body::Update {
            node, config_epoch, ..
        } = &msg.body
        else {
            panic!("{msg:?}")
        };
        assert_eq!((*node, *config_epoch), (s.fakes[m2].name, 3));
        assert!(s.events().iter().any(|e| matches!(e,
            EventKind::UpdateSent { to, about, slot: 5461, owner_epoch: 3, sender_epoch } if to.port == s.fakes[m4].port && about.port == s.fakes[m2].port && *sender_epoch == epoch)));
    }
}

#[test]
fn a_claim_with_an_equal_epoch_changes_nothing() {
    let (mut s, [_, _, m4]) = cluster(3);
    s.fakes[m4].slots = slots(&[(5461, 5470)]);
    s.ping_from(m4, Vec::new());
    assert_eq!(rebinds(&s), []);
    assert!(s.sent(MessageType::Update).is_empty());
}

#[test]
fn unassigned_slots_go_to_whoever_claims_them() {
    let mut s = Solo::new();
    s.own(&[(0, 5460)], 1);
    let m2 = s.master(&[(5461, 10922)], 2);
    s.join();
    s.log.clear();
    // 10923-16383 belong to nobody; a claim with any epoch takes them.
    s.fakes[m2].slots = slots(&[(5461, 16383)]);
    s.ping_from(m2, Vec::new());
    assert_eq!(rebinds(&s), [(5461, None, s.fakes[m2].port)]);
}

#[test]
fn a_master_that_loses_its_last_slot_follows_the_taker() {
    let (mut s, [_, _, m4]) = cluster(9);
    s.fakes[m4].slots = slots(&[(0, 5460)]);
    s.ping_from(m4, Vec::new());
    let p4 = s.fakes[m4].port;
    assert_eq!(rebinds(&s), [(5461, Some(super::PORT), p4)]);
    assert!(s.events().iter().any(|e| matches!(e,
        EventKind::BecameReplica { master, reason: ReplicaReason::ConfigChange { epoch: 9 } } if master.port == p4)));
    assert!(s.psync_sent(), "and asks its new master for a sync");
}

#[test]
fn an_update_with_a_newer_epoch_rebinds_the_slots_it_names() {
    let (mut s, [m2, m3, _]) = cluster(5);
    // 7002 tells the node that 7003 now owns its slots and 5461-5470, with epoch 7.
    let update = Body::Update {
        node: s.fakes[m3].name,
        config_epoch: 7,
        slots: slots(&[(5461, 5470), (10923, 16383)]),
    };
    let msg = s.message(m2, MessageType::Update, update);
    s.send_from(m2, msg);
    assert_eq!(
        rebinds(&s),
        [(10, Some(s.fakes[m2].port), s.fakes[m3].port)]
    );
}

#[test]
fn an_update_no_newer_than_what_the_node_knows_is_ignored() {
    let (mut s, [m2, m3, _]) = cluster(5);
    for epoch in [3, 4] {
        let update = Body::Update {
            node: s.fakes[m3].name,
            config_epoch: epoch,
            slots: slots(&[(5461, 5470), (10923, 16383)]),
        };
        let msg = s.message(m2, MessageType::Update, update);
        s.send_from(m2, msg);
        assert_eq!(rebinds(&s), [], "7003 already has epoch 4");
    }
}

#[test]
fn a_master_that_keeps_some_of_its_slots_stays_a_master() {
    let (mut s, [_, _, m4]) = cluster(9);
    s.fakes[m4].slots = slots(&[(0, 99)]);
    s.ping_from(m4, Vec::new());
    assert_eq!(rebinds(&s), [(100, Some(super::PORT), s.fakes[m4].port)]);
    assert!(!s
        .events()
        .iter()
        .any(|e| matches!(e, EventKind::BecameReplica { .. })));
}
