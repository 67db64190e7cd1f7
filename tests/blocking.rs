//! Blocking pops in simulated time: served in the order clients blocked, replicated as
//! their non-blocking forms, timing out with a null array, redirected when their slot
//! leaves, unblocked with Redis's error when their master turns replica.

use clusterlab_core::{Reply, SimDuration, Submitted};
use clusterlab_tests::{cluster, node};

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

fn bulk(s: &str) -> Reply {
    Reply::bulk(s.as_bytes().to_vec())
}

/// `{a}` keys live on the master at 7003 in the default cluster (slot 15495).
const MASTER: u16 = 7003;

fn replica_of(c: &clusterlab_core::console::Console, master: u16) -> u16 {
    (7001..=7006)
        .find(|&p| node(c, p).master_port() == Some(master))
        .expect("a replica")
}

#[test]
fn blocked_clients_are_served_in_order_and_replicas_see_the_plain_pops() {
    let mut c = cluster(1, 3, 1, 5000);
    let replica = replica_of(&c, MASTER);
    let w = c.world_mut();
    let (first, second, pusher) = (
        w.connect(MASTER).unwrap(),
        w.connect(MASTER).unwrap(),
        w.connect(MASTER).unwrap(),
    );
    assert_eq!(w.submit(first, args("BLPOP {a}q 0")), Submitted::Blocked);
    assert_eq!(w.submit(second, args("BRPOP {a}q 0")), Submitted::Blocked);
    let Ok(Reply::Bulk(Some(info))) = w.execute(pusher, &args("INFO clients")) else {
        panic!("INFO clients");
    };
    let info = String::from_utf8_lossy(&info).into_owned();
    assert!(info.contains("blocked_clients:2"), "{info}");
    assert_eq!(
        w.execute(pusher, &args("RPUSH {a}q x y z")),
        Ok(Reply::int(3))
    );
    w.advance(SimDuration::from_millis(10));
    let served = w.take_unblocked();
    let replies: Vec<Reply> = served.into_iter().map(|(_, r)| r.unwrap().0).collect();
    assert_eq!(
        replies,
        vec![
            Reply::array(vec![bulk("{a}q"), bulk("x")]),
            Reply::array(vec![bulk("{a}q"), bulk("z")]),
        ]
    );
    w.advance(SimDuration::from_millis(200));
    let r = w.connect(replica).unwrap();
    assert_eq!(w.execute(r, &args("READONLY")), Ok(Reply::ok()));
    assert_eq!(
        w.execute(r, &args("LRANGE {a}q 0 -1")),
        Ok(Reply::bulks(vec![b"y".to_vec()]))
    );
}

#[test]
fn a_timeout_answers_a_null_array_and_a_transaction_never_blocks() {
    let mut c = cluster(1, 3, 1, 5000);
    let w = c.world_mut();
    let (client, other) = (w.connect(MASTER).unwrap(), w.connect(MASTER).unwrap());
    assert_eq!(
        w.submit(client, args("BLMOVE {a}s {a}d LEFT RIGHT 1.5")),
        Submitted::Blocked
    );
    w.advance(SimDuration::from_millis(1300));
    assert!(w.take_unblocked().is_empty());
    w.advance(SimDuration::from_millis(400));
    let done = w.take_unblocked();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].1.as_ref().unwrap().0, Reply::Array(None));
    assert_eq!(w.execute(other, &args("MULTI")), Ok(Reply::ok()));
    w.execute(other, &args("BZPOPMIN {a}z 0")).unwrap();
    assert_eq!(
        w.execute(other, &args("EXEC")),
        Ok(Reply::array(vec![Reply::Array(None)]))
    );
}

#[test]
fn a_slot_that_leaves_redirects_and_a_demoted_master_unblocks() {
    let mut c = cluster(1, 3, 1, 5000);
    let replica = replica_of(&c, MASTER);
    let other_master = node(&c, 7001).name().as_str().to_string();
    let w = c.world_mut();
    let (moved, demoted, admin) = (
        w.connect(MASTER).unwrap(),
        w.connect(MASTER).unwrap(),
        w.connect(MASTER).unwrap(),
    );
    assert_eq!(w.submit(moved, args("BLPOP {a}k 0")), Submitted::Blocked);
    let setslot = format!("CLUSTER SETSLOT 15495 NODE {other_master}");
    assert_eq!(w.execute(admin, &args(&setslot)), Ok(Reply::ok()));
    w.advance(SimDuration::from_millis(300));
    let done = w.take_unblocked();
    assert_eq!(done.len(), 1);
    let Reply::Error(e) = &done[0].1.as_ref().unwrap().0 else {
        panic!("{done:?}");
    };
    assert!(e.starts_with("MOVED 15495 127.0.0.1:7001"), "{e}");
    // A key of a slot 7003 still serves, then its replica takes over.
    let key = ["{c}", "{d}", "{e}", "{f}", "{g}", "{h}"]
        .into_iter()
        .find(|k| {
            let Ok(Reply::Integer(slot)) = w.execute(admin, &args(&format!("CLUSTER KEYSLOT {k}")))
            else {
                return false;
            };
            (10923..=16383).contains(&slot) && slot != 15495
        })
        .expect("a key of 7003");
    assert_eq!(
        w.submit(demoted, args(&format!("BZPOPMIN {key}z 0"))),
        Submitted::Blocked
    );
    let r = w.connect(replica).unwrap();
    assert_eq!(w.execute(r, &args("CLUSTER FAILOVER")), Ok(Reply::ok()));
    w.advance(SimDuration::from_secs(2));
    let done = w.take_unblocked();
    let role = w.execute(admin, &args("ROLE"));
    assert_eq!(done.len(), 1, "{done:?} {role:?}");
    assert_eq!(
        done[0].1.as_ref().unwrap().0,
        Reply::err(
            "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)"
        )
    );
    assert!(w.take_closed().contains(&demoted));
}

#[test]
fn a_blocked_xreadgroup_is_served_by_xadd_and_its_replica_rebuilds_the_pending_entry() {
    let mut c = cluster(1, 3, 1, 5000);
    let replica = replica_of(&c, MASTER);
    let w = c.world_mut();
    let (reader, plain, writer) = (
        w.connect(MASTER).unwrap(),
        w.connect(MASTER).unwrap(),
        w.connect(MASTER).unwrap(),
    );
    assert_eq!(
        w.execute(writer, &args("XGROUP CREATE {a}s g $ MKSTREAM")),
        Ok(Reply::ok())
    );
    assert_eq!(
        w.submit(
            reader,
            args("XREADGROUP GROUP g alice BLOCK 0 STREAMS {a}s >")
        ),
        Submitted::Blocked
    );
    assert_eq!(
        w.submit(plain, args("XREAD BLOCK 500 STREAMS {a}s $")),
        Submitted::Blocked
    );
    assert_eq!(
        w.execute(writer, &args("XADD {a}s 7-1 f v")),
        Ok(bulk("7-1"))
    );
    w.advance(SimDuration::from_millis(10));
    let entry = Reply::array(vec![bulk("7-1"), Reply::array(vec![bulk("f"), bulk("v")])]);
    let keyed = Reply::array(vec![Reply::array(vec![
        bulk("{a}s"),
        Reply::array(vec![entry]),
    ])]);
    let served: Vec<Reply> = w
        .take_unblocked()
        .into_iter()
        .map(|(_, r)| r.unwrap().0)
        .collect();
    assert_eq!(served, vec![keyed.clone(), keyed]);
    w.advance(SimDuration::from_millis(200));
    let r = w.connect(replica).unwrap();
    assert_eq!(w.execute(r, &args("READONLY")), Ok(Reply::ok()));
    let pending = Reply::array(vec![
        Reply::int(1),
        bulk("7-1"),
        bulk("7-1"),
        Reply::array(vec![Reply::array(vec![bulk("alice"), bulk("1")])]),
    ]);
    assert_eq!(w.execute(r, &args("XPENDING {a}s g")), Ok(pending));
    // A group destroyed under a blocked reader answers it NOGROUP.
    assert_eq!(
        w.submit(
            reader,
            args("XREADGROUP GROUP g alice BLOCK 0 STREAMS {a}s >")
        ),
        Submitted::Blocked
    );
    assert_eq!(
        w.execute(writer, &args("XGROUP DESTROY {a}s g")),
        Ok(Reply::int(1))
    );
    w.advance(SimDuration::from_millis(10));
    let done = w.take_unblocked();
    assert_eq!(
        done[0].1.as_ref().unwrap().0,
        Reply::err("NOGROUP the consumer group this client was blocked on no longer exists")
    );
    // FLUSHALL takes the stream away: UNBLOCKED, as `scanDatabaseForDeletedStreams` does.
    assert_eq!(
        w.execute(writer, &args("XGROUP CREATE {a}s g $")),
        Ok(Reply::ok())
    );
    assert_eq!(
        w.submit(
            reader,
            args("XREADGROUP GROUP g alice BLOCK 0 STREAMS {a}s >")
        ),
        Submitted::Blocked
    );
    assert_eq!(w.execute(writer, &args("FLUSHALL")), Ok(Reply::ok()));
    w.advance(SimDuration::from_millis(10));
    let done = w.take_unblocked();
    assert_eq!(
        done[0].1.as_ref().unwrap().0,
        Reply::err("UNBLOCKED the stream key no longer exists")
    );
}
