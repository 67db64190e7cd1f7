//! Runs one cluster client library against a cluster (simulated or real) through the
//! programs in `tests/clients/`: a session, then a write every 100 ms during which the
//! caller kills the master of the written keys' slot. Shared by the client tests and the
//! kill benchmark.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::resp_client::{Client, Value};

/// The slot of `{mykey}`, where every client writes during the kill.
pub const WRITE_SLOT: i64 = 14687;

/// What every library prints for its session (see `tests/clients/README.md`).
pub const SESSION: &[&str] = &[
    "session masters 3",
    "session set OK myvalue 14687",
    "session sum 4950",
    "session pipeline OK 2 1 ada",
    "session replica reads myvalue",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Library {
    RedisPy,
    Ioredis,
    NodeRedis,
    RedisRs,
}

impl Library {
    pub const ALL: [Library; 4] = [
        Library::RedisPy,
        Library::Ioredis,
        Library::NodeRedis,
        Library::RedisRs,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Library::RedisPy => "redis-py 8.1.0 RedisCluster",
            Library::Ioredis => "ioredis 6.0.0 Cluster",
            Library::NodeRedis => "node-redis 6.3.1 createCluster",
            Library::RedisRs => "redis crate 0.32 async cluster",
        }
    }
}

/// One write of the kill phase.
#[derive(Clone, Copy, Debug)]
pub struct Write {
    pub i: u64,
    /// Wall-clock milliseconds since the epoch.
    pub start: u64,
    pub end: u64,
    pub ok: bool,
}

/// What a run printed.
#[derive(Debug, Default)]
pub struct Outcome {
    pub session: Vec<String>,
    pub writes: Vec<Write>,
    /// Acknowledged writes the client could not read back at the end.
    pub missing: Vec<u64>,
    /// When the master was killed (epoch milliseconds).
    pub killed_at: u64,
    /// Anything else it printed (errors).
    pub other: Vec<String>,
    /// It printed `done`: the read-back of every acknowledged write ran.
    pub done: bool,
}

impl Outcome {
    /// Writes started after the kill that failed.
    pub fn failed_after_kill(&self) -> usize {
        self.writes
            .iter()
            .filter(|w| !w.ok && w.start >= self.killed_at)
            .count()
    }

    /// Milliseconds from the kill until a write started after it succeeded.
    pub fn back_after_ms(&self) -> Option<u64> {
        self.writes
            .iter()
            .filter(|w| w.ok && w.start >= self.killed_at)
            .find(|w| {
                let failed_before = self.writes.iter().any(|f| !f.ok && f.i < w.i);
                failed_before
            })
            .map(|w| w.end - self.killed_at)
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn tools() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tools")
}

fn script(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("clients")
        .join(name)
}

/// The program for a library that runs in its own process.
fn command(library: Library, port: u16) -> Option<Command> {
    let (program, file, path_var, path) = match library {
        Library::RedisPy => (
            "python3",
            "redis_py.py",
            "PYTHONPATH",
            tools().join("python"),
        ),
        Library::Ioredis => (
            "node",
            "ioredis.js",
            "NODE_PATH",
            tools().join("node_modules"),
        ),
        Library::NodeRedis => (
            "node",
            "node_redis.js",
            "NODE_PATH",
            tools().join("node_modules"),
        ),
        Library::RedisRs => return None,
    };
    let mut c = Command::new(program);
    c.arg(script(file))
        .arg(port.to_string())
        .env(path_var, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    Some(c)
}

/// Runs `library` against the cluster on `port`; `kill` is called after about a second
/// of writes and kills the master of [`WRITE_SLOT`]. Gives up after two minutes.
pub fn run(library: Library, port: u16, kill: impl FnOnce()) -> Outcome {
    let (tx, rx) = channel();
    let mut child: Option<Child> = None;
    match command(library, port) {
        Some(mut c) => {
            let mut spawned = c.spawn().expect("the client program starts");
            let out = BufReader::new(spawned.stdout.take().expect("stdout"));
            child = Some(spawned);
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in out.lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        None => {
            let tx = tx.clone();
            std::thread::spawn(move || crate::rust_client::run(port, tx));
        }
    }
    drop(tx);
    let outcome = collect(&rx, kill);
    if let Some(mut c) = child {
        let _ = c.kill();
        let _ = c.wait();
    }
    outcome
}

fn collect(rx: &Receiver<String>, kill: impl FnOnce()) -> Outcome {
    let mut outcome = Outcome::default();
    let mut kill = Some(kill);
    let limit = Duration::from_secs(120);
    while let Ok(line) = rx.recv_timeout(limit) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["session", ..] => outcome.session.push(line.clone()),
            ["ready"] => {}
            ["write", i, start, end, ok] => {
                let w = Write {
                    i: i.parse().unwrap_or(0),
                    start: start.parse().unwrap_or(0),
                    end: end.parse().unwrap_or(0),
                    ok: *ok == "ok",
                };
                outcome.writes.push(w);
                if w.i == 10 {
                    if let Some(k) = kill.take() {
                        outcome.killed_at = now_ms();
                        k();
                    }
                }
            }
            ["missing", i] => outcome.missing.push(i.parse().unwrap_or(0)),
            ["done"] => {
                outcome.done = true;
                break;
            }
            _ => outcome.other.push(line.clone()),
        }
    }
    outcome
}

/// The port of the master serving `slot`, as the node on `port` sees it.
pub fn owner_of(port: u16, slot: i64) -> Option<u16> {
    let mut c = Client::connect(port).ok()?;
    let reply = c.call(&[b"CLUSTER".to_vec(), b"SLOTS".to_vec()]).ok()?;
    let Value::Array(Some(ranges)) = reply else {
        return None;
    };
    ranges.iter().find_map(|r| match r {
        Value::Array(Some(items)) => match (&items[0], &items[1], &items[2]) {
            (Value::Integer(a), Value::Integer(b), Value::Array(Some(master)))
                if (*a..=*b).contains(&slot) =>
            {
                match master.get(1) {
                    Some(Value::Integer(p)) => Some(*p as u16),
                    _ => None,
                }
            }
            _ => None,
        },
        _ => None,
    })
}

/// Sends one line to the collector (the Rust client prints like the others).
pub fn say(tx: &Sender<String>, line: String) {
    let _ = tx.send(line);
}
