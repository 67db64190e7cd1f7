//! Real `redis-cli --cluster` tools against `clusterlab serve`: `check` and `info` read the
//! simulated cluster as they read a real one; `reshard` moves 1000 slots with their keys
//! through CLUSTER SETSLOT, GETKEYSINSLOT and MIGRATE; a 7th node started with `.start`
//! joins with `add-node`, takes 1000 slots from all masters, gives them back, and leaves
//! with `del-node`; a migration stopped half way (as Redis's `20-half-migrated-slot`) is
//! reported by `check` and repaired by `fix`; every key stays readable throughout.
//!
//! Needs `redis-cli`: `cargo xtask test` runs it (`--ignored`).

use std::process::Command;

/// Below the ephemeral range (32768+), bus ports (+10000) included.
const BASE: u16 = 25001;
/// A twin cluster (same seed, same keys) that the console's own tool reshards.
const TWIN: u16 = 26001;

fn redis_cli(args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .args(args)
        .output()
        .expect("redis-cli runs (apt install redis-tools; .ci/run does)");
    // redis-cli colours its [OK] lines on a terminal and sometimes without one.
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut plain = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

/// Asks `ok` up to `tries` times, 50 ms apart.
fn poll(tries: usize, mut ok: impl FnMut() -> bool) -> bool {
    (0..tries).any(|_| {
        ok() || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            false
        }
    })
}

#[test]
#[ignore = "needs redis-cli: run `cargo xtask test`"]
fn real_redis_cli_cluster_tools_check_and_reshard_the_simulation() {
    let serving = clusterlab_tests::serve_default(BASE, 1.0);
    let twin = clusterlab_tests::serve_default(TWIN, 1.0);
    let port = |i: u16| (BASE + i).to_string();
    let first = format!("127.0.0.1:{}", port(0));
    for i in 0..300 {
        let key = format!("key:{i}");
        for p in [port(0), TWIN.to_string()] {
            let set = redis_cli(&["-c", "-p", &p, "set", &key, &i.to_string()]);
            assert_eq!(set, "OK\n", "SET {key}");
        }
    }

    let check = redis_cli(&["--cluster", "check", &first]);
    for line in [
        "[OK] 300 keys in 3 masters.",
        ">>> Performing Cluster Check (using node 127.0.0.1:25001)",
        "[OK] All nodes agree about slots configuration.",
        "[OK] All 16384 slots covered.",
    ] {
        assert!(check.contains(line), "check lacks {line:?}:\n{check}");
    }
    let info = redis_cli(&["--cluster", "info", &first]);
    assert!(info.contains("5461 slots | 1 slaves."), "{info}");
    // The console's own tools print the same text (redis-cli's without its colours).
    let same_as_redis_cli = |tool: &str, at: &str| {
        let ours = serving.run_line_output(&format!(".cluster-tool {tool} {at}"));
        assert_eq!(
            ours,
            redis_cli(&["--cluster", tool, at]),
            ".cluster-tool {tool} {at}"
        );
    };
    same_as_redis_cli("check", &first);
    same_as_redis_cli("info", &first);
    // Real redis-cli on this cluster and the console's tool on the twin print the same.
    let mirror = |args: &[&str]| {
        let theirs = redis_cli(args);
        let line = format!(".cluster-tool {}", args[1..].join(" "));
        let ours = twin
            .run_line_output(&line.replace("127.0.0.1:250", "127.0.0.1:260"))
            .replace("127.0.0.1:260", "127.0.0.1:250");
        assert_eq!(ours, theirs, "{line}");
        theirs
    };

    // 1000 slots from the third master to the first, keys and all.
    let from = redis_cli(&["-p", &port(2), "cluster", "myid"]);
    let to = redis_cli(&["-p", &port(0), "cluster", "myid"]);
    let reshard = redis_cli(&[
        "--cluster",
        "reshard",
        &first,
        "--cluster-from",
        from.trim(),
        "--cluster-to",
        to.trim(),
        "--cluster-slots",
        "1000",
        "--cluster-yes",
    ]);
    // redis-cli prints each slot twice: indented in the plan, then as it moves it.
    let count = |indented: bool| {
        reshard
            .lines()
            .filter(|l| {
                l.trim_start().starts_with("Moving slot ") && l.starts_with(' ') == indented
            })
            .count()
    };
    assert_eq!((count(true), count(false)), (1000, 1000), "{reshard}");
    // The console's reshard on the twin prints the same plan and the same moves.
    let ours = twin.run_line_output(&format!(
        ".cluster-tool reshard 127.0.0.1:{TWIN} --cluster-from {} --cluster-to {} --cluster-slots 1000 --cluster-yes",
        from.trim(),
        to.trim()
    ));
    assert_eq!(
        ours.replace("127.0.0.1:2600", "127.0.0.1:2500"),
        reshard,
        "the console's reshard against redis-cli's"
    );
    assert!(
        reshard.contains("from 127.0.0.1:25003 to 127.0.0.1:25001: ."),
        "no key moved"
    );

    let after = redis_cli(&["--cluster", "check", &first]);
    for line in [
        "6461 slots",
        "4461 slots",
        "[OK] 300 keys in 3 masters.",
        "[OK] All nodes agree about slots configuration.",
        "[OK] All 16384 slots covered.",
    ] {
        assert!(
            after.contains(line),
            "after the reshard, check lacks {line:?}:\n{after}"
        );
    }
    for i in 0..300 {
        let key = format!("key:{i}");
        let v = redis_cli(&["-c", "-p", &port(1), "get", &key]);
        assert_eq!(v, format!("{i}\n"), "GET {key} after the reshard");
    }

    // A 7th node: started empty, added with add-node, given 1000 slots from every master.
    serving.run_line(&format!(".start {}", port(6)));
    twin.run_line(&format!(".start {}", TWIN + 6));
    let up = poll(100, || redis_cli(&["-p", &port(6), "ping"]) == "PONG\n");
    assert!(up, "the 7th node never listened");
    let new = format!("127.0.0.1:{}", port(6));
    let add = mirror(&["--cluster", "add-node", &new, &first]);
    for line in [
        ">>> Send FUNCTION RESTORE to 127.0.0.1:25007",
        ">>> Send CLUSTER MEET to node 127.0.0.1:25007 to make it join the cluster.",
        "[OK] New node added correctly.",
    ] {
        assert!(add.contains(line), "add-node lacks {line:?}:\n{add}");
    }
    let joined = |want: &str| {
        let mut check = String::new();
        for (entry, want) in [
            (first.clone(), want.to_string()),
            (
                format!("127.0.0.1:{TWIN}"),
                want.replace("127.0.0.1:250", "127.0.0.1:260"),
            ),
        ] {
            let agreed = poll(200, || {
                check = redis_cli(&["--cluster", "check", &entry]);
                check.contains(&want)
                    && check.contains("[OK] All nodes agree about slots configuration.")
            });
            assert!(agreed, "{entry} never showed {want:?}:\n{check}");
        }
        redis_cli(&["--cluster", "check", &first])
    };
    joined("127.0.0.1:25007");
    // Gossip tells the others about it (a handshake, then its real ID); a reshard before
    // every node knows that ID fails on SETSLOT NODE with "ERR Unknown node", on a real
    // cluster too.
    let seventh = redis_cli(&["-p", &port(6), "cluster", "myid"]);
    let seventh = seventh.trim();
    for p in (0..6).flat_map(|i| [BASE + i, TWIN + i]) {
        let knows = poll(200, || {
            redis_cli(&["-p", &p.to_string(), "cluster", "nodes"]).contains(seventh)
        });
        assert!(knows, "{p} never learned the 7th node");
    }
    // The new node serves slots only once its own cluster state is ok (it must learn the
    // whole slot map first); a MIGRATE to it before then gets CLUSTERDOWN, on a real
    // cluster too.
    for p in [BASE + 6, TWIN + 6] {
        let ok = poll(200, || {
            redis_cli(&["-p", &p.to_string(), "cluster", "info"]).contains("cluster_state:ok")
        });
        assert!(ok, "{p} never saw the cluster ok");
    }
    let give = |from: &str, to: &str| {
        mirror(&[
            "--cluster",
            "reshard",
            &first,
            "--cluster-from",
            from,
            "--cluster-to",
            to,
            "--cluster-slots",
            "1000",
            "--cluster-yes",
        ])
    };
    let out = give("all", seventh);
    let moves = out
        .lines()
        .filter(|l| l.starts_with("Moving slot "))
        .count();
    assert_eq!(moves, 1000, "reshard to the 7th node:\n{out}");
    let check = joined("1000 slots | 0 slaves.");
    same_as_redis_cli("check", &new);
    assert!(check.contains("[OK] 300 keys in 4 masters."), "{check}");
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");
    for i in (0..300).step_by(7) {
        let v = redis_cli(&["-c", "-p", &port(6), "get", &format!("key:{i}")]);
        assert_eq!(v, format!("{i}\n"), "GET key:{i} with 4 masters");
    }

    // Its slots go back, and del-node removes it.
    give(seventh, to.trim());
    let del = mirror(&["--cluster", "del-node", &first, seventh]);
    for line in [
        ">>> Sending CLUSTER FORGET messages to the cluster...",
        ">>> Sending CLUSTER RESET SOFT to the deleted node.",
    ] {
        assert!(del.contains(line), "del-node lacks {line:?}:\n{del}");
    }
    let check = joined("[OK] 300 keys in 3 masters.");
    assert!(!check.contains("25007"), "{check}");
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");
    for i in 0..300 {
        let v = redis_cli(&["-c", "-p", &port(2), "get", &format!("key:{i}")]);
        assert_eq!(v, format!("{i}\n"), "GET key:{i} after del-node");
    }

    // A migration stopped half way: slot 14687 open on both sides, two keys moved (on
    // both clusters, so that the console's fix can be compared with redis-cli's).
    for base in [BASE, TWIN] {
        let p = |i: u16| (base + i).to_string();
        for k in ["a", "b", "c", "d"] {
            let set = redis_cli(&["-c", "-p", &p(0), "set", &format!("{{mykey}}{k}"), "1"]);
            assert_eq!(set, "OK\n");
        }
        let owner = redis_cli(&["-c", "-p", &p(0), "cluster", "keyslot", "mykey"]);
        assert_eq!(owner, "14687\n");
        let (source, target) = (p(2), p(0));
        let source_id = redis_cli(&["-p", &source, "cluster", "myid"]);
        let target_id = redis_cli(&["-p", &target, "cluster", "myid"]);
        let ok = |port: &str, args: &[&str]| {
            let mut all = vec!["-p", port];
            all.extend(args);
            assert_eq!(redis_cli(&all), "OK\n", "{args:?}");
        };
        ok(
            &target,
            &["cluster", "setslot", "14687", "importing", source_id.trim()],
        );
        ok(
            &source,
            &["cluster", "setslot", "14687", "migrating", target_id.trim()],
        );
        ok(
            &source,
            &[
                "migrate",
                "127.0.0.1",
                &target,
                "",
                "0",
                "5000",
                "KEYS",
                "{mykey}a",
                "{mykey}b",
            ],
        );
    }
    let target = port(0);
    let check = redis_cli(&["--cluster", "check", &first]);
    for line in [
        "[WARNING] Node 127.0.0.1:25001 has slots in importing state 14687.",
        "[WARNING] Node 127.0.0.1:25003 has slots in migrating state 14687.",
        "[WARNING] The following slots are open: 14687.",
    ] {
        assert!(check.contains(line), "check lacks {line:?}:\n{check}");
    }
    same_as_redis_cli("check", &format!("127.0.0.1:{}", port(1)));
    let fix = mirror(&["--cluster", "fix", &first]);
    assert!(fix.contains(">>> Fixing open slot 14687"), "{fix}");
    assert!(
        fix.contains("Moving slot 14687 from 127.0.0.1:25003 to 127.0.0.1:25001: .."),
        "{fix}"
    );
    let check = joined("[OK] 304 keys in 3 masters.");
    assert!(!check.contains("[WARNING]"), "{check}");
    assert_eq!(
        redis_cli(&["-p", &target, "cluster", "countkeysinslot", "14687"]),
        "4\n"
    );

    // Weights: the first master should own twice as many slots as each of the others.
    let rebalance = mirror(&[
        "--cluster",
        "rebalance",
        &first,
        "--cluster-weight",
        &format!("{}=2", &to.trim()[..8]),
    ]);
    assert!(
        rebalance.contains(">>> Rebalancing across 3 nodes. Total weight = 4.00"),
        "{rebalance}"
    );
    let check = joined("8192 slots | 1 slaves.");
    assert!(check.contains("[OK] 304 keys in 3 masters."), "{check}");
    for i in 0..300 {
        let v = redis_cli(&["-c", "-p", &port(1), "get", &format!("key:{i}")]);
        assert_eq!(v, format!("{i}\n"), "GET key:{i} after the rebalance");
    }
}

/// Nodes with a password: real `redis-cli --cluster … -a PW` checks and reshards the
/// simulation, and the console's tool (which logs in with the console's password, or
/// its own `-a`) prints what redis-cli prints.
#[test]
#[ignore = "needs redis-cli: run `cargo xtask test`"]
fn real_redis_cli_cluster_tools_log_in_with_a() {
    const AUTH_BASE: u16 = 24501;
    let mut console = clusterlab_tests::console(clusterlab_core::ClusterShape {
        base_port: AUTH_BASE,
        ..clusterlab_core::ClusterShape::default()
    });
    clusterlab::serve::set_password(&mut console, "s3cret");
    let serving = clusterlab_tests::serve(console, 1.0);
    let first = format!("127.0.0.1:{AUTH_BASE}");
    let p = AUTH_BASE.to_string();
    for i in 0..50 {
        let set = redis_cli(&[
            "-a",
            "s3cret",
            "--no-auth-warning",
            "-c",
            "-p",
            &p,
            "set",
            &format!("key:{i}"),
            "v",
        ]);
        assert_eq!(set, "OK\n");
    }
    let refused = redis_cli(&["--cluster", "check", &first]);
    assert!(refused.contains("NOAUTH"), "{refused}");
    let check = redis_cli(&[
        "--no-auth-warning",
        "-a",
        "s3cret",
        "--cluster",
        "check",
        &first,
    ]);
    assert!(check.contains("[OK] 50 keys in 3 masters."), "{check}");
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");
    for line in [
        format!(".cluster-tool check {first}"),
        format!(".cluster-tool check {first} -a s3cret"),
    ] {
        assert_eq!(serving.run_line_output(&line), check, "{line}");
    }
    // A wrong password fails the login, on both.
    let wrong = serving.run_line_output(&format!(".cluster-tool check {first} -a wrong"));
    let real_wrong = redis_cli(&[
        "--no-auth-warning",
        "-a",
        "wrong",
        "--cluster",
        "check",
        &first,
    ]);
    assert_eq!(wrong, real_wrong);
    assert!(wrong.contains("WRONGPASS"), "{wrong}");

    let from = redis_cli(&[
        "--no-auth-warning",
        "-a",
        "s3cret",
        "-p",
        &(AUTH_BASE + 2).to_string(),
        "cluster",
        "myid",
    ]);
    let to = redis_cli(&[
        "--no-auth-warning",
        "-a",
        "s3cret",
        "-p",
        &p,
        "cluster",
        "myid",
    ]);
    let reshard = redis_cli(&[
        "--no-auth-warning",
        "-a",
        "s3cret",
        "--cluster",
        "reshard",
        &first,
        "--cluster-from",
        from.trim(),
        "--cluster-to",
        to.trim(),
        "--cluster-slots",
        "200",
        "--cluster-yes",
    ]);
    assert!(reshard.contains("Moving slot"), "{reshard}");
    let info = redis_cli(&[
        "--no-auth-warning",
        "-a",
        "s3cret",
        "--cluster",
        "info",
        &first,
    ]);
    assert!(info.contains("5661 slots"), "{info}");
    for i in 0..50 {
        let get = redis_cli(&[
            "-a",
            "s3cret",
            "--no-auth-warning",
            "-c",
            "-p",
            &p,
            "get",
            &format!("key:{i}"),
        ]);
        assert_eq!(get, "v\n", "key:{i} after the reshard");
    }
    // The console's own reshard logs in too, MIGRATE included (`AUTH s3cret`).
    let back = serving.run_line_output(&format!(
        ".cluster-tool reshard {first} --cluster-from {} --cluster-to {} --cluster-slots 200",
        to.trim(),
        from.trim()
    ));
    assert!(back.contains("Moving slot"), "{back}");
    let info = redis_cli(&[
        "--no-auth-warning",
        "-a",
        "s3cret",
        "--cluster",
        "info",
        &first,
    ]);
    assert!(info.contains("5461 slots"), "{info}");
}
