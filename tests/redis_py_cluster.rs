//! redis-py's `RedisCluster` (from PyPI, in `target/tools/python`) against `clusterlab serve`: it reads
//! the slot map and the command table at connect, sends keys to their masters, pipelines
//! by slot, and finds the new master after the simulated one is killed (at ten times real
//! time, so the failover takes under a second).
//!
//! Needs redis-py: `cargo xtask test` installs it and runs this (`--ignored`) with
//! `PYTHONPATH` set to it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Below the ephemeral range (32768+), bus ports (+10000) included.
const BASE: u16 = 24001;

const SESSION: &str = r#"
import sys, time
from redis.cluster import RedisCluster
from redis.exceptions import RedisError
rc = RedisCluster(host="127.0.0.1", port=int(sys.argv[1]), decode_responses=True)
print("masters", sorted(n.port for n in rc.get_primaries()))
print("set", rc.set("mykey", "myvalue"), rc.get("mykey"), rc.keyslot("mykey"))
for i in range(100):
    rc.set(f"key:{i}", i)
print("sum", sum(int(rc.get(f"key:{i}")) for i in range(100)))
print("mset", rc.mset_nonatomic({"a": 1, "b": 2}), rc.mget_nonatomic(["a", "b"]))
print("hash", rc.hset("{u}h", mapping={"f": "v"}), rc.hgetall("{u}h"))
print("zset", rc.zadd("{u}z", {"m": 1.5}), rc.zscore("{u}z", "m"))
p = rc.pipeline()
p.set("{u}p", 1)
p.incr("{u}p")
p.get("{u}p")
print("pipeline", p.execute())
print("state", rc.cluster_info()["cluster_state"])
print("ready", flush=True)
sys.stdin.readline()
value = None
for _ in range(600):
    try:
        value = rc.get("mykey")
        break
    except RedisError:
        time.sleep(0.1)
print("after failover", value, "master", rc.get_node_from_key("mykey").port, flush=True)
"#;

/// The first Python that has redis-py's cluster client (with `PYTHONPATH`, the one
/// `cargo xtask test` installed).
fn python() -> String {
    for candidate in ["python3", "/usr/bin/python3"] {
        let ok = Command::new(candidate)
            .args(["-c", "import redis.cluster"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return candidate.to_string();
        }
    }
    panic!("no python3 with redis-py's RedisCluster: `cargo xtask test` installs it into target/tools/python");
}

#[test]
#[ignore = "needs redis-py: run `cargo xtask test`"]
fn redis_py_cluster_runs_a_session_and_survives_a_failover() {
    // Ten times real time: the failover takes under a second.
    let serving = clusterlab_tests::serve_default(BASE, 10.0);
    let mut child = Command::new(python())
        .args(["-c", SESSION, &BASE.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // redis-py prints the connection errors it retries; keep them out of the way.
        .stderr(Stdio::null())
        .spawn()
        .expect("python3");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).expect("a line") == 0 {
            break;
        }
        lines.push(line.trim_end().to_string());
        if line.starts_with("ready") {
            break;
        }
    }
    let masters = format!("masters [{}, {}, {}]", BASE, BASE + 1, BASE + 2);
    let expected = [
        masters.as_str(),
        "set True myvalue 14687",
        "sum 4950",
        "mset [True, True] ['1', '2']",
        "hash 1 {'f': 'v'}",
        "zset 1 1.5",
        "pipeline [True, 2, '2']",
        "state ok",
        "ready",
    ];
    assert_eq!(lines, expected, "redis-py's session");

    // Kill the master of `mykey`'s slot; its replica takes over.
    serving.run_line(&format!(".kill {}", BASE + 2));
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"go\n").expect("go");
    let mut last = String::new();
    out.read_line(&mut last).expect("the last line");
    let _ = child.wait();
    let promoted = (BASE + 3..BASE + 6)
        .map(|p| format!("after failover myvalue master {p}"))
        .any(|l| l == last.trim_end());
    assert!(promoted, "redis-py after the failover: {last}");
}
