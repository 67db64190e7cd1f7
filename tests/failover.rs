//! Failure detection and failover scenarios, named after Redis's own cluster tests
//! (tests/cluster/tests/*.tcl). Default cluster: 3 masters (7001-7003) and 3 replicas,
//! node-timeout 5000 ms.

use clusterlab_core::node::flags;
use clusterlab_core::{DataOnRestart, Fault, SimDuration};
use clusterlab_tests::{check_invariants, cluster, is_master, node, run, wait_until};

/// The replica of the master on `master_port`, in that master's view.
fn replica_of(c: &clusterlab_core::console::Console, master_port: u16) -> u16 {
    let m = node(c, master_port);
    let r = m.peers().replicas_of(&m.name())[0];
    m.peers().get(r).expect("replica").port
}

fn fail_flag(c: &clusterlab_core::console::Console, viewer: u16, subject: u16) -> (bool, bool) {
    let v = node(c, viewer);
    let p = v
        .peers()
        .iter()
        .map(|(_, p)| p)
        .find(|p| p.port == subject)
        .expect("known");
    (p.has(flags::PFAIL), p.has(flags::FAIL))
}

#[test]
fn faildet_killed_master_is_flagged_pfail_then_fail() {
    // 01-faildet.tcl
    let mut c = cluster(1, 3, 1, 5000);
    c.world_mut().apply(Fault::Kill(7003)).expect("kill");
    let killed = c.world().now();
    let pfail = wait_until(&mut c, 20_000, |c| {
        fail_flag(c, 7001, 7003).0 || fail_flag(c, 7001, 7003).1
    })
    .expect("PFAIL");
    let fail = wait_until(&mut c, 20_000, |c| fail_flag(c, 7001, 7003).1).expect("FAIL");
    assert!(pfail.since(killed) > 5000, "PFAIL only after node_timeout");
    assert!(fail >= pfail);
    let out = run(&mut c, "cluster nodes");
    assert!(out.contains("master,fail - "), "{out}");
    check_invariants(&c);
}

#[test]
fn failover_promotes_the_replica_and_clients_follow() {
    // 02-failover.tcl
    let mut c = cluster(2, 3, 1, 5000);
    run(&mut c, "set mykey myvalue");
    run(&mut c, ".advance 2s");
    let replica = replica_of(&c, 7003);
    c.world_mut().apply(Fault::Kill(7003)).expect("kill");
    wait_until(&mut c, 30_000, |c| is_master(c, replica)).expect("promoted");
    c.world_mut().advance(SimDuration::from_secs(2));
    // The console was talking to the dead master: redis-cli says so, then cannot reconnect.
    assert_eq!(
        run(&mut c, "get mykey"),
        "Error: Server closed the connection\n"
    );
    assert_eq!(
        c.prompt(),
        "not connected> ",
        "redis-cli drops the dead connection"
    );
    assert_eq!(
        run(&mut c, "get mykey"),
        "Could not connect to Redis at 127.0.0.1:7003: Connection refused\n"
    );
    assert_eq!(c.prompt(), "not connected> ");
    run(&mut c, ".connect 7001");
    assert!(run(&mut c, "cluster info").contains("cluster_state:ok"));
    let out = run(&mut c, "get mykey");
    assert_eq!(
        out,
        format!("-> Redirected to slot [14687] located at 127.0.0.1:{replica}\n\"myvalue\"\n")
    );
    // The new master's configEpoch is the election's epoch, the largest in the cluster.
    let e = node(&c, replica).myself().config_epoch;
    assert_eq!(e, 7);
    check_invariants(&c);
}

#[test]
fn restarted_old_master_becomes_a_replica_of_the_new_one() {
    // 02-failover.tcl ("Restarting the previously killed master node") and 08-update-msg.tcl
    let mut c = cluster(3, 3, 1, 5000);
    let replica = replica_of(&c, 7002);
    c.world_mut().apply(Fault::Kill(7002)).expect("kill");
    wait_until(&mut c, 30_000, |c| is_master(c, replica)).expect("promoted");
    c.world_mut()
        .apply(Fault::Restart {
            port: 7002,
            data: DataOnRestart::Empty,
        })
        .expect("restart");
    wait_until(&mut c, 10_000, |c| !is_master(c, 7002)).expect("demoted");
    let old = node(&c, 7002);
    let master = old
        .master_ref()
        .and_then(|r| old.peers().get(r))
        .expect("has a master");
    assert_eq!(master.port, replica);
    let updates = c
        .world()
        .events()
        .filter(|e| matches!(&e.kind, clusterlab_core::EventKind::UpdateSent { to, .. } if to.port == 7002))
        .count();
    assert!(
        updates > 0,
        "peers send UPDATE messages to the stale master"
    );
    check_invariants(&c);
}

#[test]
fn manual_failover_default_force_and_takeover() {
    // 10-manual-failover.tcl and 11-manual-takeover.tcl
    let mut c = cluster(4, 3, 1, 5000);
    run(&mut c, ".advance 3s");
    let r1 = replica_of(&c, 7001);
    run(&mut c, &format!(".connect {r1}"));
    assert_eq!(run(&mut c, "cluster failover"), "OK\n");
    wait_until(&mut c, 5_000, |c| is_master(c, r1)).expect("default manual failover");
    wait_until(&mut c, 5_000, |c| !is_master(c, 7001)).expect("old master steps down");
    let r2 = replica_of(&c, 7002);
    run(&mut c, &format!(".connect {r2}"));
    assert_eq!(run(&mut c, "cluster failover force"), "OK\n");
    wait_until(&mut c, 5_000, |c| is_master(c, r2)).expect("forced failover");
    let r3 = replica_of(&c, 7003);
    run(&mut c, &format!(".connect {r3}"));
    assert_eq!(run(&mut c, "cluster failover takeover"), "OK\n");
    assert!(is_master(&c, r3), "TAKEOVER completes before OK");
    c.world_mut().advance(SimDuration::from_secs(3));
    assert!(!is_master(&c, 7003));
    run(&mut c, &format!(".connect {r1}"));
    assert_eq!(
        run(&mut c, "cluster failover"),
        "(error) ERR You should send CLUSTER FAILOVER to a replica\n"
    );
    check_invariants(&c);
}

#[test]
fn manual_failover_needs_force_when_the_master_is_unreachable() {
    // 10-manual-failover.tcl: "CLUSTER FAILOVER to a replica of an unreachable master"
    let mut c = cluster(5, 3, 1, 5000);
    let r = replica_of(&c, 7003);
    c.world_mut().apply(Fault::Kill(7003)).expect("kill");
    c.world_mut().advance(SimDuration::from_secs(1));
    run(&mut c, &format!(".connect {r}"));
    assert_eq!(
        run(&mut c, "cluster failover"),
        "(error) ERR Master is down or failed, please use CLUSTER FAILOVER FORCE\n"
    );
    assert_eq!(run(&mut c, "cluster failover force"), "OK\n");
    wait_until(&mut c, 5_000, |c| is_master(c, r)).expect("forced");
}

#[test]
fn slave_selection_prefers_the_replica_with_the_best_offset() {
    // 05-slave-selection.tcl: two replicas of one master; the lagging one must lose.
    let mut c = cluster(6, 3, 2, 5000);
    run(&mut c, ".advance 3s");
    let m = node(&c, 7001);
    let reps: Vec<u16> = m
        .peers()
        .replicas_of(&m.name())
        .into_iter()
        .map(|r| m.peers().get(r).expect("r").port)
        .collect();
    assert_eq!(reps.len(), 2);
    // One replica stops receiving the stream: its offset falls behind.
    c.world_mut()
        .apply(Fault::OneWay {
            from: 7001,
            to: reps[1],
        })
        .expect("cut");
    run(&mut c, ".connect 7001");
    for i in 0..20 {
        run(&mut c, &format!("set {{hello}}{i} value{i}"));
    }
    c.world_mut().advance(SimDuration::from_secs(2));
    c.world_mut().apply(Fault::Kill(7001)).expect("kill");
    let winner = wait_until(&mut c, 30_000, |c| {
        is_master(c, reps[0]) || is_master(c, reps[1])
    })
    .expect("promotion");
    let _ = winner;
    assert!(
        is_master(&c, reps[0]),
        "the replica with the larger offset wins"
    );
    assert!(!is_master(&c, reps[1]));
    check_invariants(&c);
}

#[test]
fn replica_that_never_synced_cannot_fail_over() {
    // 06-slave-stop-cond.tcl: the data-age check refuses an election.
    let mut c = cluster(7, 3, 1, 5000);
    let r = replica_of(&c, 7002);
    // The replica loses its master link for good, then the master dies much later.
    c.world_mut()
        .apply(Fault::OneWay { from: 7002, to: r })
        .expect("cut");
    c.world_mut().advance(SimDuration::from_secs(200));
    c.world_mut().apply(Fault::Kill(7002)).expect("kill");
    let promoted = wait_until(&mut c, 40_000, |c| is_master(c, r));
    assert!(
        promoted.is_none(),
        "a replica disconnected for longer than the validity limit must not fail over"
    );
    assert!(run(&mut c, "cluster info").contains("cluster_state:fail"));
}

#[test]
fn minority_master_stops_accepting_writes() {
    // Consistency caveat 2: a master cut off with a minority turns CLUSTERDOWN.
    let mut c = cluster(8, 3, 1, 5000);
    let r = replica_of(&c, 7003);
    let majority: Vec<String> = [7001u16, 7002, 7004, 7005, 7006]
        .iter()
        .filter(|&&p| p != r)
        .map(u16::to_string)
        .collect();
    c.world_mut()
        .apply(Fault::Partition(vec![
            vec![7003, r],
            majority.iter().map(|p| p.parse().expect("port")).collect(),
        ]))
        .expect("partition");
    run(&mut c, ".connect 7003");
    assert_eq!(
        run(&mut c, "set mykey early"),
        "OK\n",
        "right after the cut the master still accepts writes"
    );
    wait_until(&mut c, 20_000, |c| !node(c, 7003).state_ok()).expect("minority side turns fail");
    assert_eq!(
        run(&mut c, "set mykey late"),
        "(error) CLUSTERDOWN The cluster is down\n"
    );
    run(&mut c, "config set cluster-allow-reads-when-down yes");
    assert_eq!(
        run(&mut c, "set mykey late"),
        "(error) CLUSTERDOWN The cluster is down and only accepts read commands\n"
    );
    check_invariants(&c);
}

#[test]
fn cluster_returns_to_ok_after_heal() {
    let mut c = cluster(9, 3, 1, 5000);
    c.world_mut()
        .apply(Fault::Partition(vec![
            vec![7001, 7004],
            vec![7002, 7003, 7005, 7006],
        ]))
        .expect("partition");
    c.world_mut().advance(SimDuration::from_secs(20));
    c.world_mut().apply(Fault::Heal).expect("heal");
    // Bound: pings resume within node_timeout/2, FAIL of a slot-less old master clears on
    // its first pong, a rejoining master waits clamp(node_timeout, 500, 5000) ms.
    let ok = wait_until(&mut c, 20_000, |c| {
        c.world().processes().iter().all(|p| p.node.state_ok())
    });
    assert!(
        ok.is_some(),
        "every node back to cluster_state:ok within 20 s of the heal"
    );
    check_invariants(&c);
}

#[test]
fn replica_migration_gives_an_orphaned_master_a_replica() {
    // 07-replica-migration.tcl: 7001 has two replicas, 7002's only replica dies.
    let mut c = cluster(10, 3, 1, 5000);
    // Give 7001 a second replica by moving 7003's replica... simpler: kill 7002's replica
    // in a 3-master cluster whose 7001 has 2 replicas (created with 2 per master).
    drop(c);
    c = cluster(10, 3, 2, 5000);
    let m2 = node(&c, 7002);
    let reps2: Vec<u16> = m2
        .peers()
        .replicas_of(&m2.name())
        .into_iter()
        .map(|r| m2.peers().get(r).expect("r").port)
        .collect();
    for p in &reps2 {
        c.world_mut().apply(Fault::Kill(*p)).expect("kill");
    }
    let migrated = wait_until(&mut c, 60_000, |c| {
        let m = node(c, 7002);
        m.peers().replicas_of(&m.name()).iter().any(|&r| {
            let p = m.peers().get(r).expect("r");
            !p.has(flags::FAIL) && !reps2.contains(&p.port)
        })
    });
    assert!(
        migrated.is_some(),
        "a replica migrates to the orphaned master"
    );
    let migrations = c
        .world()
        .events()
        .filter(|e| {
            matches!(
                &e.kind,
                clusterlab_core::EventKind::BecameReplica {
                    master,
                    reason: clusterlab_core::event::ReplicaReason::OrphanedMaster { .. },
                } if master.port == 7002
            )
        })
        .count();
    assert_eq!(migrations, 1, "exactly one replica moves");
}

#[test]
fn split_brain_writes_on_the_minority_master_are_lost_and_blamed_on_the_partition() {
    let mut c = cluster(11, 3, 1, 5000);
    let r = replica_of(&c, 7003);
    run(&mut c, ".connect 7003");
    assert_eq!(run(&mut c, "set a{x} 1"), "OK\n");
    c.world_mut().advance(SimDuration::from_secs(2));
    let others: Vec<u16> = [7001u16, 7002, 7004, 7005, 7006].into_iter().collect();
    c.world_mut()
        .apply(Fault::Partition(vec![vec![7003], others]))
        .expect("partition");
    assert_eq!(
        run(&mut c, "set b{x} 2"),
        "OK\n",
        "the minority master still acknowledges"
    );
    wait_until(&mut c, 30_000, |c| is_master(c, r)).expect("majority side promotes the replica");
    c.world_mut().apply(Fault::Heal).expect("heal");
    c.world_mut().advance(SimDuration::from_secs(10));
    let lost: Vec<_> = c.world().lost_writes().collect();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!(lost[0].command, "set b{x} 2");
    let blame = lost[0].lost.as_ref().and_then(|l| l.blame.as_ref());
    assert!(
        matches!(blame, Some((_, Fault::Partition(groups))) if groups[0] == [7003]),
        "{:?}",
        lost[0].lost
    );
    run(&mut c, ".connect 7001");
    assert_eq!(
        run(&mut c, "get a{x}"),
        format!("-> Redirected to slot [16287] located at 127.0.0.1:{r}\n\"1\"\n")
    );
    assert_eq!(run(&mut c, "get b{x}"), "(nil)\n");
}

#[test]
fn wait_reduces_but_manual_failover_avoids_loss() {
    let mut c = cluster(12, 3, 1, 5000);
    let r = replica_of(&c, 7001);
    run(&mut c, ".connect 7001");
    run(&mut c, "set hello world");
    assert_eq!(run(&mut c, "wait 1 1000"), "(integer) 1\n");
    run(&mut c, &format!(".connect {r}"));
    assert_eq!(run(&mut c, "cluster failover"), "OK\n");
    wait_until(&mut c, 5_000, |c| is_master(c, r)).expect("manual failover");
    c.world_mut().advance(SimDuration::from_secs(3));
    assert_eq!(c.world().lost_writes().count(), 0);
    assert_eq!(run(&mut c, "get hello"), "\"world\"\n");
}

#[test]
fn a_master_restarted_without_persistence_before_failover_loses_everything() {
    let mut c = cluster(13, 3, 1, 5000);
    run(&mut c, ".connect 7002");
    assert_eq!(run(&mut c, "set k v"), "OK\n");
    c.world_mut().advance(SimDuration::from_millis(100));
    c.world_mut().apply(Fault::Kill(7002)).expect("kill");
    c.world_mut().advance(SimDuration::from_secs(1));
    c.world_mut()
        .apply(Fault::Restart {
            port: 7002,
            data: DataOnRestart::Empty,
        })
        .expect("restart");
    assert_eq!(c.world().lost_writes().count(), 1);
    c.world_mut().advance(SimDuration::from_secs(15));
    assert!(
        is_master(&c, 7002),
        "back before anyone failed it over, it stays master"
    );
}

#[test]
fn count_failure_reports_and_fail_flags_as_cluster_nodes_shows_them() {
    // 01-faildet.tcl / misc.tcl: `fail?` first, then `fail`; failure reports come from
    // masters only and are counted by CLUSTER COUNT-FAILURE-REPORTS.
    let mut c = cluster(14, 3, 1, 5000);
    let dead = node(&c, 7003).name().to_string();
    c.world_mut().apply(Fault::Kill(7003)).expect("kill");
    wait_until(&mut c, 20_000, |c| fail_flag(c, 7001, 7003).0).expect("7001 flags PFAIL");
    run(&mut c, ".connect 7001");
    let line = nodes_line(&mut c, &dead);
    assert!(
        line.contains(" master,fail? ") || line.contains(" master,fail "),
        "{line}"
    );
    wait_until(&mut c, 20_000, |c| {
        let n = node(c, 7001);
        let (r, _) = n
            .peers()
            .iter()
            .find(|(_, p)| p.port == 7003)
            .expect("known");
        let mut n = n.clone();
        n.failure_report_count(r) >= 1
    })
    .expect("a failure report from the other master");
    let reports = run(&mut c, &format!("cluster count-failure-reports {dead}"));
    assert!(reports.starts_with("(integer) "), "{reports}");
    wait_until(&mut c, 20_000, |c| fail_flag(c, 7001, 7003).1).expect("FAIL");
    let line = nodes_line(&mut c, &dead);
    assert!(
        line.contains(" master,fail ") || line.contains(" slave,fail "),
        "{line}"
    );
    assert!(line.contains(" disconnected"), "{line}");
    assert_eq!(
        run(
            &mut c,
            "cluster count-failure-reports 0123456789abcdef0123456789abcdef01234567"
        ),
        "(error) ERR Unknown node 0123456789abcdef0123456789abcdef01234567\n"
    );
}

#[test]
fn manual_failover_pauses_writes_on_the_master_then_redirects_them() {
    // 10-manual-failover.tcl: writes during the switch are held, none is lost, and the
    // held write is answered with a redirect to the new master.
    let mut c = cluster(15, 3, 1, 5000);
    c.world_mut().advance(SimDuration::from_secs(3));
    let r = replica_of(&c, 7001);
    let w = c.world_mut();
    let to_replica = w.connect(r).expect("replica");
    let to_master = w.connect(7001).expect("master");
    let args = |line: &str| clusterlab_core::console::split_args(line).expect("balanced");
    assert_eq!(
        w.execute(to_replica, &args("cluster failover")),
        Ok(clusterlab_core::Reply::ok())
    );
    // The master got MFSTART and paused writes before this SET is even sent...
    let sent = w.now();
    let paused_at = w
        .events()
        .find(|e| matches!(e.kind, clusterlab_core::EventKind::MfStartReceived { .. }))
        .map(|e| e.at)
        .expect("MFSTART reached the master");
    assert!(paused_at <= sent);
    let reply = w
        .execute(to_master, &args("set hello world"))
        .expect("a reply");
    // ...and only stepped down after it arrived, so the write was held, then redirected.
    let demoted_at = w
        .events()
        .find(|e| {
            e.port == Some(7001)
                && matches!(e.kind, clusterlab_core::EventKind::BecameReplica { .. })
        })
        .map(|e| e.at)
        .expect("7001 became a replica");
    assert!(
        demoted_at > sent,
        "the old master was still paused when the write arrived"
    );
    assert_eq!(
        reply,
        clusterlab_core::Reply::err(format!("MOVED 866 127.0.0.1:{r}"))
    );
    assert_eq!(w.lost_writes().count(), 0);
}

/// The CLUSTER NODES line about `id`, as the console's current node prints it.
fn nodes_line(c: &mut clusterlab_core::console::Console, id: &str) -> String {
    run(c, "cluster nodes")
        .lines()
        .find(|l| l.starts_with(id))
        .unwrap_or_else(|| panic!("{id} listed"))
        .to_string()
}
