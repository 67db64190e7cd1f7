//! requirepass and masterauth across replication: a replica without its master's
//! password cannot sync (a real mistake, shown as an event and `master_link_status:down`),
//! nor with a wrong one, and syncs once it has the right one.

use clusterlab_core::event::{EventKind, SyncRefusal};
use clusterlab_core::SimDuration;
use clusterlab_tests::{cluster, node, run};

/// The replica of the master on `master_port`, in that master's view.
fn replica_of(c: &clusterlab_core::console::Console, master_port: u16) -> u16 {
    let m = node(c, master_port);
    let r = m.peers().replicas_of(&m.name())[0];
    m.peers().get(r).expect("replica").port
}

/// The sync refusals logged on `port`, in order.
fn refusals(c: &clusterlab_core::console::Console, port: u16) -> Vec<SyncRefusal> {
    c.world()
        .events()
        .filter(|e| e.port == Some(port))
        .filter_map(|e| match e.kind {
            EventKind::SyncRefused { refusal, .. } => Some(refusal),
            _ => None,
        })
        .collect()
}

fn link(c: &mut clusterlab_core::console::Console, port: u16) -> String {
    run(c, &format!(".connect {port}"));
    let info = run(c, "info replication");
    info.lines()
        .find(|l| l.starts_with("master_link_status:"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_replica_syncs_only_with_its_masters_password() {
    let mut c = cluster(1, 3, 1, 5000);
    let r = replica_of(&c, 7001);
    run(&mut c, ".connect 7001");
    assert_eq!(run(&mut c, "config set requirepass pw").trim(), "OK");
    assert_eq!(
        run(&mut c, "get b").trim(),
        "(nil)",
        "this connection stays in"
    );

    // The replica restarts and asks for a sync without a password: refused, every second,
    // said once.
    run(&mut c, &format!(".kill {r}"));
    run(&mut c, &format!(".restart {r}"));
    c.world_mut().advance(SimDuration::from_secs(10));
    assert_eq!(refusals(&c, r), [SyncRefusal::NoAuth]);
    assert_eq!(link(&mut c, r), "master_link_status:down");

    run(&mut c, &format!(".connect {r}"));
    assert_eq!(run(&mut c, "config set masterauth wrong").trim(), "OK");
    c.world_mut().advance(SimDuration::from_secs(3));
    assert_eq!(
        refusals(&c, r),
        [SyncRefusal::NoAuth, SyncRefusal::WrongPass]
    );
    assert_eq!(link(&mut c, r), "master_link_status:down");

    run(&mut c, &format!(".connect {r}"));
    assert_eq!(run(&mut c, "config set masterauth pw").trim(), "OK");
    assert_eq!(
        run(&mut c, "config get masterauth"),
        "1) \"masterauth\"\n2) \"pw\"\n"
    );
    // The next retry is accepted; the snapshot follows repl-diskless-sync-delay later.
    c.world_mut().advance(SimDuration::from_secs(10));
    assert_eq!(link(&mut c, r), "master_link_status:up");
    let synced = c
        .world()
        .events()
        .rev()
        .any(|e| e.port == Some(r) && matches!(e.kind, EventKind::FullSync { .. }));
    assert!(synced, "a full sync after the right password");
}

#[test]
fn masterauth_towards_a_master_without_a_password_fails_the_handshake() {
    // Redis's replica sends `AUTH masterauth`, which a master without requirepass answers
    // with an error; the sync stops there.
    let mut c = cluster(1, 3, 1, 5000);
    let r = replica_of(&c, 7002);
    run(&mut c, &format!(".connect {r}"));
    assert_eq!(run(&mut c, "config set masterauth pw").trim(), "OK");
    run(&mut c, &format!(".kill {r}"));
    run(&mut c, &format!(".restart {r}"));
    c.world_mut().advance(SimDuration::from_secs(10));
    assert_eq!(refusals(&c, r), [SyncRefusal::NoPasswordConfigured]);
    assert_eq!(link(&mut c, r), "master_link_status:down");
    // With a user named, it is `AUTH default pw`, which a `nopass` default user accepts.
    run(&mut c, &format!(".connect {r}"));
    assert_eq!(run(&mut c, "config set masteruser default").trim(), "OK");
    c.world_mut().advance(SimDuration::from_secs(10));
    assert_eq!(link(&mut c, r), "master_link_status:up");
}
