//! No typed line may panic the console: random mixes of commands, keys, numbers, quotes
//! and garbage all get Redis's (or the console's) own text back. `PROPTEST_CASES` sets the
//! number of sessions (64 by default); the test prints how many lines it tried.

use clusterlab_core::{console::Console, ClusterShape};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Every command of the table, so each new command is typed too.
fn command_name() -> impl Strategy<Value = String> {
    let names: Vec<String> = clusterlab_core::commands::COMMANDS
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    prop::sample::select(names)
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        command_name(),
        prop::sample::select(vec![
            "match",
            "count",
            "type",
            "withvalues",
            "store",
            "by",
            "alpha",
            "asc",
            "desc",
            "left",
            "right",
            "before",
            "after",
            "rank",
            "maxlen",
            "weights",
            "aggregate",
            "min",
            "max",
            "bylex",
            "replace",
            "keepttl",
            "persist",
            "exat",
            "pxat",
            "ch",
            "incr",
            "gt",
            "lt",
        ])
        .prop_map(str::to_string),
        prop::sample::select(vec![
            "set",
            "get",
            "del",
            "mset",
            "mget",
            "incr",
            "incrby",
            "expire",
            "pexpire",
            "ttl",
            "pttl",
            "hset",
            "hincrby",
            "lpush",
            "lpop",
            "lrange",
            "sadd",
            "smembers",
            "zadd",
            "zrange",
            "zincrby",
            "cluster",
            "keyslot",
            "nodes",
            "info",
            "setslot",
            "addslots",
            "meet",
            "replicate",
            "forget",
            "reset",
            "readonly",
            "wait",
            "select",
            "role",
            "keys",
            "flushall",
            "hello",
            "2",
            "3",
            "auth",
            "setname",
            "command",
            "getkeys",
            "count",
            "list",
            "filterby",
            "pattern",
            "client",
            "id",
            "type",
            "multi",
            "exec",
            "discard",
            "watch",
            "unwatch",
            "failover",
            "shards",
            "slots",
            "ex",
            "px",
            "nx",
            "xx",
            "get",
            "withscores",
            "byscore",
            "rev",
            "limit",
            ".advance",
            ".connect",
            ".events",
            ".cluster",
            ".kill",
            ".restart",
            ".pause",
            ".partition",
            ".heal",
            ".failover",
            ".delay",
            ".loss",
            ".blockbus",
            ".slotmap",
            "smart",
            ".cluster-tool",
            "stop",
            "fix",
            "127.0.0.1:7001",
            "7001",
            "7003",
            "7005",
            "{a}",
            "{}",
            "inf",
            "-inf",
            "nan",
        ])
        .prop_map(str::to_string),
        any::<i64>().prop_map(|n| n.to_string()),
        (0u16..17000).prop_map(|n| n.to_string()),
        "[a-z{}\"'\\\\ ]{0,6}",
        any::<String>(),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 0..7).prop_map(|w| w.join(" "))
}

#[test]
fn arbitrary_lines_never_panic() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let mut runner = TestRunner::new(Config {
        cases,
        ..Config::default()
    });
    let tried = std::cell::Cell::new(0usize);
    let sessions = prop::collection::vec(line(), 1..12);
    let result = runner.run(&sessions, |lines| {
        let mut console = Console::new(ClusterShape::default()).expect("default cluster starts");
        // Half the sessions run tools live, as the playground does, with steps between lines.
        let live = lines.len() % 2 == 0;
        console.set_live_tools(live);
        for l in &lines {
            if live {
                for _ in 0..20 {
                    console.step();
                }
            }
            // `.advance` or `.pause` with a random number could ask for years.
            if l.starts_with(".advance") || l.starts_with(".pause") {
                continue;
            }
            let _ = console.run_line(l);
            tried.set(tried.get() + 1);
        }
        prop_assert!(console.world().now().as_millis() > 0);
        Ok(())
    });
    println!(
        "console fuzz: {cases} sessions, {} lines tried",
        tried.get()
    );
    result.expect("no line panics the console");
}
