//! `clusterlab serve` with real clients: Debian's `redis-cli -c` follows MOVED to the
//! simulated ports, bad bytes get Redis's protocol error without hurting the server, and
//! the server keeps serving with stdin closed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

mod support;

use support::{exchange, redis_cli, start, start_console, start_with};

#[test]
fn real_redis_cli_follows_moved_to_simulated_ports() {
    let server = start(0);
    let base = server.base;
    let Some(ok) = redis_cli(base, &["set", "mykey", "myvalue"]) else {
        panic!("redis-cli is missing: install Debian's redis-tools (.ci/run does)");
    };
    assert_eq!(ok, "OK\n");
    assert_eq!(redis_cli(base, &["get", "mykey"]).unwrap(), "myvalue\n");
    let info = redis_cli(base + 1, &["cluster", "info"]).unwrap();
    assert!(info.starts_with("cluster_state:ok\r\n"), "{info:?}");
    // Without -c the MOVED error itself comes back, naming a simulated port.
    let moved = Command::new("redis-cli")
        .args(["-p", &base.to_string(), "get", "mykey"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&moved.stdout)
        .starts_with(&format!("MOVED 14687 127.0.0.1:{}\n", base + 2)));
}

#[test]
fn bad_bytes_get_redis_protocol_errors_and_the_server_lives_on() {
    let server = start(1);
    let port = server.base;
    assert_eq!(
        exchange(port, b"*1\r\n+GET\r\n"),
        "-ERR Protocol error: expected '$', got '+'\r\n"
    );
    assert_eq!(
        exchange(port, b"*1\r\n$-3\r\n"),
        "-ERR Protocol error: invalid bulk length\r\n"
    );
    assert_eq!(
        exchange(port, b"set \"half\r\n"),
        "-ERR Protocol error: unbalanced quotes in request\r\n"
    );
    assert!(exchange(port, &[0xff, 0x00, 0x13, b'\n']).starts_with("-ERR unknown command '"));
    assert_eq!(exchange(port, b"*1\r\n$4\r\nPING\r\n"), "+PONG\r\n");
    assert_eq!(exchange(port, b"QUIT\r\n"), "+OK\r\n");
}

#[test]
fn real_redis_cli_follows_ask_during_a_migration() {
    let server = start(2);
    let (source, target) = (server.base + 1, server.base + 2);
    let plain = |port: u16, args: &[&str]| {
        let out = Command::new("redis-cli")
            .args(["-p", &port.to_string()])
            .args(args)
            .output()
            .expect("redis-cli runs (apt install redis-tools)");
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    };
    // Slot 7893 (`{r}`) is the second master's; open it towards the third.
    let source_id = plain(source, &["cluster", "myid"]);
    let target_id = plain(target, &["cluster", "myid"]);
    assert_eq!(plain(source, &["cluster", "keyslot", "{r}new"]), "7893");
    let importing = ["cluster", "setslot", "7893", "importing", &source_id];
    assert_eq!(plain(target, &importing), "OK");
    let migrating = ["cluster", "setslot", "7893", "migrating", &target_id];
    assert_eq!(plain(source, &migrating), "OK");
    // Without -c the ASK itself comes back; with -c redis-cli sends ASKING and retries.
    assert_eq!(
        plain(source, &["set", "{r}new", "v"]),
        format!("ASK 7893 127.0.0.1:{target}")
    );
    assert_eq!(redis_cli(source, &["set", "{r}new", "v"]).unwrap(), "OK\n");
    // The key is on the importing node, which still redirects plain requests back.
    assert_eq!(plain(target, &["cluster", "countkeysinslot", "7893"]), "1");
    assert_eq!(
        plain(target, &["get", "{r}new"]),
        format!("MOVED 7893 127.0.0.1:{source}")
    );
}

#[test]
fn idle_clients_stay_connected_while_others_work() {
    let server = start(3);
    let port = server.base;
    let mut idle = TcpStream::connect(("127.0.0.1", port)).expect("an idle connection");
    idle.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a timeout");
    // Others work meanwhile; Redis has no idle timeout by default (`timeout 0`).
    for i in 0..20 {
        assert_eq!(
            exchange(port, format!("PING {i}\r\n").as_bytes()),
            format!("${}\r\n{i}\r\n", i.to_string().len())
        );
    }
    std::thread::sleep(Duration::from_secs(1));
    idle.write_all(b"PING\r\n").expect("sent after idling");
    let mut buf = [0u8; 16];
    let n = idle.read(&mut buf).expect("a reply after idling");
    assert_eq!(&buf[..n], b"+PONG\r\n");
}

#[test]
fn connections_beyond_maxclients_get_redis_error() {
    let server = start_with(4, &["--maxclients", "8"]);
    let port = server.base;
    // `start` checked each port with a connection that is already gone; wait for the
    // server to see them closed, then hold eight.
    std::thread::sleep(Duration::from_millis(300));
    let held: Vec<TcpStream> = (0..8)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).expect("a connection"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        exchange(port, b"PING\r\n"),
        "-ERR max number of clients reached\r\n"
    );
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(exchange(port, b"PING\r\n"), "+PONG\r\n");
}

/// An IPv4 address of this machine other than loopback, if it has one.
fn outside_address() -> Option<std::net::Ipv4Addr> {
    let out = Command::new("hostname").arg("-I").output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|w| w.parse::<std::net::Ipv4Addr>().ok())
        .find(|a| !a.is_loopback())
}

#[test]
fn protected_mode_denies_clients_from_beyond_loopback() {
    let Some(outside) = outside_address() else {
        eprintln!("no address but loopback here: nothing to connect from");
        return;
    };
    let server = start_with(5, &["--bind", "0.0.0.0"]);
    let port = server.base;
    let from_outside = || {
        let mut s = TcpStream::connect((outside, port)).expect("a connection");
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.write_all(b"PING\r\n");
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    };
    let denied = from_outside();
    assert!(
        denied.starts_with("-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user."),
        "{denied:?}"
    );
    assert!(denied.ends_with("from the outside.\r\n"), "{denied:?}");
    // From loopback, protected mode can be turned off; then the same client is served.
    assert_eq!(
        exchange(port, b"CONFIG SET protected-mode no\r\n"),
        "+OK\r\n"
    );
    let mut s = TcpStream::connect((outside, port)).expect("a connection");
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"PING\r\n").unwrap();
    let mut buf = [0u8; 16];
    let n = s.read(&mut buf).expect("a reply");
    assert_eq!(&buf[..n], b"+PONG\r\n");
}

#[test]
fn requirepass_asks_every_client_to_auth_and_replicas_still_sync() {
    let mut server = start_console(6, &["--requirepass", "pw", "--bind", "0.0.0.0"]);
    let port = server.base;
    assert_eq!(
        exchange(port, b"PING\r\n"),
        "-NOAUTH Authentication required.\r\n"
    );
    assert_eq!(
        exchange(port, b"AUTH wrong\r\nAUTH pw\r\nPING\r\n"),
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n+OK\r\n+PONG\r\n"
    );
    // Every node has the password as masterauth too, so a replica that restarts (and
    // must sync again) still syncs.
    server.line(&format!(".kill {}", port + 3));
    server.line(&format!(".restart {}", port + 3));
    std::thread::sleep(Duration::from_millis(500));
    let start = std::time::Instant::now();
    let up = |p: u16| {
        let out = exchange(p, b"AUTH pw\r\nINFO replication\r\n");
        out.contains("role:master") || out.contains("master_link_status:up")
    };
    while !(port..port + 6).all(up) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "replicas never synced"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // A node started later has the password too.
    server.line(&format!(".start {}", port + 7));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        exchange(port + 7, b"PING\r\n"),
        "-NOAUTH Authentication required.\r\n"
    );
    // With a password, protected mode lets other machines in (to AUTH).
    if let Some(outside) = outside_address() {
        let mut s = TcpStream::connect((outside, port)).expect("a connection");
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(b"AUTH pw\r\nPING\r\n").unwrap();
        let mut out = Vec::new();
        let mut buf = [0u8; 64];
        while out.len() < 12 {
            let n = s.read(&mut buf).expect("a reply");
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(out, b"+OK\r\n+PONG\r\n");
    }
}

#[test]
fn timeout_closes_an_idle_clients_socket() {
    let server = start_with(7, &[]);
    let port = server.base;
    let mut idle = TcpStream::connect(("127.0.0.1", port)).expect("a connection");
    assert_eq!(exchange(port, b"CONFIG SET timeout 1\r\n"), "+OK\r\n");
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 16];
    // The server closes it: the read ends with nothing, before the read timeout.
    assert_eq!(idle.read(&mut buf).expect("closed, not timed out"), 0);
}

#[test]
fn a_client_past_client_query_buffer_limit_is_closed() {
    let server = start_with(8, &[]);
    let port = server.base;
    assert_eq!(
        exchange(port, b"CONFIG SET client-query-buffer-limit 1mb\r\n"),
        "+OK\r\n"
    );
    assert_eq!(
        exchange(port, b"CONFIG GET client-query-buffer-limit\r\n"),
        "*2\r\n$25\r\nclient-query-buffer-limit\r\n$7\r\n1048576\r\n"
    );
    let mut big = TcpStream::connect(("127.0.0.1", port)).expect("a connection");
    big.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    big.write_all(b"PING\r\n").unwrap();
    let mut buf = [0u8; 64];
    let n = big.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"+PONG\r\n");
    // A 3 MB value that never ends: past 1 MB of unread request, the socket closes.
    big.write_all(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n")
        .unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..(2 * 1024 * 1024 / chunk.len()) {
        if big.write_all(&chunk).is_err() {
            break;
        }
    }
    assert_eq!(big.read(&mut buf).unwrap_or(0), 0, "closed");
    // Everyone else is served.
    assert_eq!(exchange(port, b"PING\r\n"), "+PONG\r\n");
}

#[test]
fn absolute_expiry_times_follow_the_wall_clock() {
    let server = start_with(9, &[]);
    let port = server.base;
    let wall_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as u64;
    // `{a}` lives on the third node (slot 15495); ask it directly.
    let port = port + 2;
    let set = format!("SET {{a}}k v PXAT {}\r\n", wall_ms + 10_000);
    assert_eq!(exchange(port, set.as_bytes()), "+OK\r\n");
    let pttl = exchange(port, b"PTTL {a}k\r\n");
    let left: u64 = pttl
        .trim()
        .trim_start_matches(':')
        .parse()
        .expect("an integer");
    // The time the client named is 10 s after its own clock; the server's clock is the
    // same wall clock, so at most 10 s remain (and less only by the time that passed).
    assert!((9_000..=10_000).contains(&left), "PTTL {left}");
    let at = exchange(port, b"PEXPIRETIME {a}k\r\n");
    assert_eq!(at.trim(), format!(":{}", wall_ms + 10_000));
}
