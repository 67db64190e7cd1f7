//! The cluster client libraries people use, against `clusterlab serve` at real time:
//! redis-py's `RedisCluster`, ioredis's `Cluster`, node-redis's `createCluster` and the
//! `redis` crate's async cluster client. Each reads the slot map, runs a session across
//! slots, a hash-tagged pipeline and reads from replicas, then writes every 100 ms while
//! the master of the written slot is killed: its writes must fail, come back once a
//! replica took over, and every acknowledged write it cannot read back must be one the
//! lost-write ledger reports.
//!
//! The Python and Node libraries come from PyPI and npm: `cargo xtask test` installs them
//! into `target/tools` and runs these tests (`--ignored`). `cargo xtask bench-clients`
//! measures the same kill against real Redis 7.0.15.

#[path = "client_run.rs"]
mod client_run;
#[path = "resp_client.rs"]
mod resp_client;
#[path = "rust_client.rs"]
mod rust_client;

use client_run::{owner_of, Library, SESSION, WRITE_SLOT};

fn kill_during_writes(library: Library, base: u16) {
    let serving = clusterlab_tests::serve_default(base, 1.0);
    let outcome = client_run::run(library, base, || {
        let owner = owner_of(base, WRITE_SLOT).expect("the slot's master");
        serving.run_line(&format!(".kill {owner}"));
    });
    let name = library.name();
    assert_eq!(
        outcome.session, SESSION,
        "{name}'s session; it also printed {:?}",
        outcome.other
    );
    let failed = outcome.failed_after_kill();
    assert!(
        failed > 0,
        "{name}: no write failed after the kill: {outcome:?}"
    );
    let back = outcome.back_after_ms();
    assert!(
        back.is_some(),
        "{name}: writes never came back: {outcome:?}"
    );
    assert!(
        outcome.done,
        "{name} never read its writes back: {outcome:?}"
    );
    let lost = serving.run_line_output(".lost");
    for m in &outcome.missing {
        let entry = format!("\"set {{mykey}}:w:{m} {m}\"");
        assert!(
            lost.contains(&entry),
            "{name}: write {m} is gone but not in the ledger:\n{lost}"
        );
    }
    eprintln!(
        "{name}: {failed} writes failed after the kill, back after {} ms; {} acknowledged writes lost, all in the ledger",
        back.unwrap_or(0),
        outcome.missing.len()
    );
}

#[test]
#[ignore = "needs redis-py from PyPI: run `cargo xtask test`"]
fn redis_py_survives_a_master_kill() {
    kill_during_writes(Library::RedisPy, 21101);
}

#[test]
#[ignore = "needs ioredis from npm: run `cargo xtask test`"]
fn ioredis_survives_a_master_kill() {
    kill_during_writes(Library::Ioredis, 21201);
}

#[test]
#[ignore = "needs node-redis from npm: run `cargo xtask test`"]
fn node_redis_survives_a_master_kill() {
    kill_during_writes(Library::NodeRedis, 21301);
}

#[test]
#[ignore = "a minute of real time: run `cargo xtask test`"]
fn the_redis_crate_survives_a_master_kill() {
    kill_during_writes(Library::RedisRs, 21401);
}
