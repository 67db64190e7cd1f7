//! ACL users at work on a simulated node: what a user may run, on which keys, inside and
//! across a transaction; DELUSER closing the connections logged in as the user (its own
//! after the reply); a replica whose `masteruser` may not sync; and a restart forgetting
//! every user but the default one.

use clusterlab_core::event::{EventKind, SyncRefusal};
use clusterlab_core::{ConnError, Reply, SimDuration, World};
use clusterlab_tests::{cluster, node, run};

fn args(line: &str) -> Vec<Vec<u8>> {
    clusterlab_core::console::split_args(line).expect("a line")
}

fn call(w: &mut World, conn: clusterlab_core::ConnId, line: &str) -> Result<Reply, ConnError> {
    w.execute(conn, &args(line))
}

fn err(text: &str) -> Result<Reply, ConnError> {
    Ok(Reply::err(text))
}

#[test]
fn a_user_runs_only_what_its_rules_allow() {
    let mut c = cluster(1, 3, 1, 5000);
    let w = c.world_mut();
    let admin = w.connect(7003).expect("a connection");
    let rules = "ACL SETUSER app on >pw ~{a}* +@read +set +multi +exec +acl|setuser";
    assert_eq!(call(w, admin, rules), Ok(Reply::ok()));
    let app = w.connect(7003).expect("a connection");
    assert_eq!(call(w, app, "AUTH app pw"), Ok(Reply::ok()));
    assert_eq!(call(w, app, "SET {a}1 v"), Ok(Reply::ok()));
    assert_eq!(
        call(w, app, "SET {b}1 v"),
        err("NOPERM this user has no permissions to access one of the keys used as arguments")
    );
    assert_eq!(
        call(w, app, "DEL {a}1"),
        err("NOPERM this user has no permissions to run the 'del' command")
    );
    // Rules that change after a command was queued deny it at EXEC.
    assert_eq!(call(w, app, "MULTI"), Ok(Reply::ok()));
    assert_eq!(call(w, app, "GET {a}1"), Ok(Reply::status("QUEUED")));
    assert_eq!(call(w, app, "SET {a}1 w"), Ok(Reply::status("QUEUED")));
    assert_eq!(call(w, admin, "ACL SETUSER app -set"), Ok(Reply::ok()));
    assert_eq!(
        call(w, app, "EXEC"),
        Ok(Reply::array(vec![
            Reply::bulk("v"),
            Reply::err("NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand"),
        ]))
    );
    run(&mut c, ".connect 7003");
    let log = run(&mut c, "acl log");
    assert!(log.contains("\"multi\""), "{log}");
    assert!(log.contains("\"del\"") && log.contains("\"{b}1\""), "{log}");
}

#[test]
fn deleting_a_user_closes_its_connections() {
    let mut c = cluster(1, 3, 1, 5000);
    let w = c.world_mut();
    let admin = w.connect(7001).expect("a connection");
    assert_eq!(
        call(w, admin, "ACL SETUSER u on nopass +@all ~*"),
        Ok(Reply::ok())
    );
    let other = w.connect(7001).expect("a connection");
    let own = w.connect(7001).expect("a connection");
    for conn in [other, own] {
        assert_eq!(call(w, conn, "AUTH u x"), Ok(Reply::ok()));
    }
    // The deleting connection gets its reply, then is closed like the other one.
    assert_eq!(call(w, own, "ACL DELUSER u"), Ok(Reply::int(1)));
    assert!(!w.is_open(own) && !w.is_open(other));
    assert_eq!(call(w, other, "PING"), Err(ConnError::Closed));
    assert!(w.is_open(admin));
    assert_eq!(call(w, admin, "ACL USERS"), Ok(Reply::bulks(["default"])));
}

#[test]
fn a_replica_whose_masteruser_may_not_sync_stays_down() {
    let mut c = cluster(1, 3, 1, 5000);
    let m = node(&c, 7001);
    let r = m.peers().replicas_of(&m.name())[0];
    let r = m.peers().get(r).expect("replica").port;
    run(&mut c, ".connect 7001");
    let reply = run(&mut c, "acl setuser repl on >pw +@all -psync -sync");
    assert_eq!(reply.trim(), "OK");
    run(&mut c, &format!(".connect {r}"));
    assert_eq!(
        run(&mut c, "config set masteruser repl masterauth pw").trim(),
        "OK"
    );
    run(&mut c, &format!(".kill {r}"));
    run(&mut c, &format!(".restart {r}"));
    c.world_mut().advance(SimDuration::from_secs(5));
    let refused: Vec<SyncRefusal> = c
        .world()
        .events()
        .filter(|e| e.port == Some(r))
        .filter_map(|e| match e.kind {
            EventKind::SyncRefused { refusal, .. } => Some(refusal),
            _ => None,
        })
        .collect();
    assert_eq!(refused, [SyncRefusal::NoPerm]);
    // Allowed to SYNC, it syncs.
    run(&mut c, ".connect 7001");
    assert_eq!(run(&mut c, "acl setuser repl +sync").trim(), "OK");
    // A retry within a second, then the master's diskless-sync delay of 5 s.
    c.world_mut().advance(SimDuration::from_secs(10));
    run(&mut c, &format!(".connect {r}"));
    assert!(run(&mut c, "info replication").contains("master_link_status:up"));
}

#[test]
fn a_restart_forgets_every_user_but_the_default_one() {
    let mut c = cluster(1, 3, 1, 5000);
    run(&mut c, ".connect 7003");
    assert_eq!(run(&mut c, "acl setuser alice on").trim(), "OK");
    run(&mut c, ".kill 7003");
    run(&mut c, ".restart 7003");
    run(&mut c, ".connect 7003");
    assert_eq!(run(&mut c, "acl users").trim(), "1) \"default\"");
}

#[test]
fn migrate_logs_in_to_a_target_with_a_password() {
    let mut c = cluster(1, 3, 1, 5000);
    let w = c.world_mut();
    // `b` hashes to slot 3300, on 7001; 7002 gets a password.
    let source = w.connect(7001).expect("a connection");
    let target = w.connect(7002).expect("a connection");
    assert_eq!(
        call(w, target, "CONFIG SET requirepass pw"),
        Ok(Reply::ok())
    );
    assert_eq!(call(w, source, "SET b 1"), Ok(Reply::ok()));
    let Ok(Reply::Bulk(Some(id))) = call(w, source, "CLUSTER MYID") else {
        panic!("an ID");
    };
    let importing = format!(
        "CLUSTER SETSLOT 3300 IMPORTING {}",
        String::from_utf8_lossy(&id)
    );
    assert_eq!(call(w, target, &importing), Ok(Reply::ok()));
    assert_eq!(
        call(w, source, "MIGRATE 127.0.0.1 7002 b 0 5000 COPY"),
        err("ERR Target instance replied with error: NOAUTH Authentication required.")
    );
    assert_eq!(
        call(w, source, "MIGRATE 127.0.0.1 7002 b 0 5000 COPY AUTH wrong"),
        err("ERR Target instance replied with error: WRONGPASS invalid username-password pair or user is disabled.")
    );
    assert_eq!(
        call(w, source, "MIGRATE 127.0.0.1 7002 b 0 5000 COPY AUTH pw"),
        Ok(Reply::ok())
    );
    // A user that may not RESTORE-ASKING gets NOPERM from the target.
    assert_eq!(call(w, target, "AUTH pw"), Ok(Reply::ok()));
    assert_eq!(
        call(
            w,
            target,
            "ACL SETUSER mover on >m ~* +@all -restore-asking"
        ),
        Ok(Reply::ok())
    );
    assert_eq!(
        call(w, source, "MIGRATE 127.0.0.1 7002 b 0 5000 REPLACE AUTH2 mover m"),
        err("ERR Target instance replied with error: NOPERM this user has no permissions to run the 'restore-asking' command")
    );
    assert_eq!(
        call(w, source, "GET b"),
        Ok(Reply::bulk("1")),
        "the key stays"
    );
}
