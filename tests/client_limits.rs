//! Limits a process puts on its clients: `timeout` closes a client idle for longer (as
//! `clientsCronHandleTimeout` does), but never a blocked one.

use clusterlab_core::{Fault, Reply, SimDuration, Submitted};
use clusterlab_tests::cluster;

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

#[test]
fn timeout_closes_idle_clients_but_not_busy_or_blocked_ones() {
    let mut c = cluster(1, 3, 1, 5000);
    let w = c.world_mut();
    let admin = w.connect(7001).expect("a connection");
    assert_eq!(
        w.execute(admin, &args("CONFIG SET timeout 2")),
        Ok(Reply::ok())
    );
    let idle = w.connect(7001).expect("a connection");
    let busy = w.connect(7001).expect("a connection");
    let blocked = w.connect(7001).expect("a connection");
    // WAIT for more replicas than there are, without a timeout: blocked for good.
    assert_eq!(w.submit(blocked, args("WAIT 5 0")), Submitted::Blocked);
    for _ in 0..8 {
        w.advance(SimDuration::from_millis(500));
        assert_eq!(
            w.execute(busy, &args("PING")),
            Ok(Reply::Status("PONG".into()))
        );
    }
    let closed = w.take_closed();
    assert!(
        closed.contains(&idle) && closed.contains(&admin),
        "{closed:?}"
    );
    assert!(
        !closed.contains(&busy) && !closed.contains(&blocked),
        "{closed:?}"
    );
    assert!(!w.is_open(idle) && w.is_open(busy) && w.is_open(blocked));
    // `timeout 0` (the default) closes nobody.
    assert_eq!(
        w.execute(busy, &args("CONFIG SET timeout 0")),
        Ok(Reply::ok())
    );
    w.advance(SimDuration::from_secs(10));
    assert!(w.take_closed().is_empty() && w.is_open(busy));
}

#[test]
fn a_command_sent_during_a_pause_is_read_on_waking_before_timeout_looks() {
    // After SIGCONT the event loop reads its sockets before it runs its timers, so a
    // client that sent a command while the process was stopped is served, not closed as
    // idle.
    let mut c = cluster(1, 3, 1, 5000);
    let w = c.world_mut();
    let admin = w.connect(7001).expect("a connection");
    assert_eq!(
        w.execute(admin, &args("CONFIG SET timeout 1")),
        Ok(Reply::ok())
    );
    let client = w.connect(7001).expect("a connection");
    w.apply(Fault::Pause {
        port: 7001,
        duration: SimDuration::from_secs(5),
    })
    .expect("pause");
    w.advance(SimDuration::from_secs(4));
    assert_eq!(w.submit(client, args("PING")), Submitted::Blocked);
    w.advance(SimDuration::from_secs(2));
    let answered = w.take_unblocked();
    assert!(
        answered
            .iter()
            .any(|(conn, r)| *conn == client && r.is_ok()),
        "{answered:?}"
    );
    assert!(w.is_open(client));
}
