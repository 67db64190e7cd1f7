//! `clusterlab serve` keeps real time: client traffic, however heavy, never pushes the
//! simulated clock ahead of the wall clock; a killed node's port refuses connections like
//! a dead process's, and a paused node's port accepts them and answers nothing until it
//! wakes, like a stopped one.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

mod support;

use support::{start_console, start_with};

/// Reads until `n` complete replies (each one line, as PING's and SET's are) are in.
fn read_lines(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    while out.iter().filter(|&&b| b == b'\n').count() < n {
        let got = s.read(&mut buf).expect("replies");
        assert!(got > 0, "the server closed the connection");
        out.extend_from_slice(&buf[..got]);
    }
    out
}

fn request(s: &mut TcpStream, line: &str) -> String {
    s.write_all(format!("{line}\r\n").as_bytes()).expect("sent");
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while !out.ends_with(b"\r\n") {
        let got = s.read(&mut buf).expect("a reply");
        assert!(got > 0, "the server closed the connection");
        out.extend_from_slice(&buf[..got]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("a connection");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    s
}

#[test]
fn a_ttl_counts_down_with_the_wall_clock_under_load() {
    let server = start_with(0, &[]);
    // `mykey` is slot 14687, the third master's.
    let owner = server.base + 2;
    let mut client = connect(owner);
    assert_eq!(request(&mut client, "SET mykey v EX 100"), "+OK\r\n");
    let set_at = Instant::now();
    // 20,000 pipelined and 20,000 unpipelined requests from 50 connections, to every node.
    let workers: Vec<_> = (0..50u16)
        .map(|i| {
            let port = server.base + i % 6;
            std::thread::spawn(move || {
                let mut s = connect(port);
                let burst: Vec<u8> = b"PING\r\n".repeat(400);
                s.write_all(&burst).expect("a pipeline");
                read_lines(&mut s, 400);
                for _ in 0..400 {
                    assert_eq!(request(&mut s, "PING"), "+PONG\r\n");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("a worker");
    }
    let busy = set_at.elapsed();
    if busy < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_secs(5) - busy);
    }
    let asked = Instant::now();
    let reply = request(&mut client, "PTTL mykey");
    let elapsed = (asked.elapsed() / 2 + asked.duration_since(set_at)).as_millis() as i64;
    let pttl: i64 = reply
        .trim_start_matches(':')
        .trim_end()
        .parse()
        .unwrap_or_else(|_| panic!("PTTL gave {reply:?}"));
    let expected = 100_000 - elapsed;
    assert!(
        (pttl - expected).abs() <= 200,
        "PTTL {pttl}, expected {expected} ± 200 ({elapsed} ms of wall time since SET; {busy:?} of load)"
    );
}

#[test]
fn a_killed_node_refuses_connections_and_listens_again_on_restart() {
    let mut server = start_console(1, &[]);
    let port = server.base + 3;
    let mut held = connect(port);
    assert_eq!(request(&mut held, "PING"), "+PONG\r\n");
    server.line(&format!(".kill {port}"));
    // The dead process's sockets close: the held connection ends, new ones are refused.
    let mut buf = [0u8; 16];
    assert!(matches!(held.read(&mut buf), Ok(0) | Err(_)));
    let refused = (0..100).any(|_| {
        let r = TcpStream::connect(("127.0.0.1", port));
        let gone = matches!(&r, Err(e) if e.kind() == ErrorKind::ConnectionRefused);
        if !gone {
            std::thread::sleep(Duration::from_millis(20));
        }
        gone
    });
    assert!(
        refused,
        "a connection to the killed node's port was not refused"
    );
    server.line(&format!(".restart {port}"));
    let back = (0..100).find_map(|_| match TcpStream::connect(("127.0.0.1", port)) {
        Ok(s) => Some(s),
        Err(_) => {
            std::thread::sleep(Duration::from_millis(20));
            None
        }
    });
    let mut back = back.expect("the restarted node listens again");
    back.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(request(&mut back, "PING"), "+PONG\r\n");
}

#[test]
fn a_paused_node_accepts_connections_and_answers_when_it_wakes() {
    let mut server = start_console(2, &[]);
    let port = server.base + 4;
    server.line(&format!(".pause {port} 2s"));
    std::thread::sleep(Duration::from_millis(200));
    let mut s = connect(port);
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    s.write_all(b"PING\r\n").expect("sent to a stopped process");
    let mut buf = [0u8; 16];
    let stalled = matches!(s.read(&mut buf), Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut));
    assert!(stalled, "a paused node answered");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let n = s.read(&mut buf).expect("an answer on waking");
    assert_eq!(&buf[..n], b"+PONG\r\n");
}

#[test]
fn a_client_that_floods_and_never_reads_stalls_only_itself() {
    let server = start_with(3, &[]);
    let port = server.base;
    let mut flood = connect(port);
    flood
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let flooder = std::thread::spawn(move || {
        // 100 MB of pipelined commands; its replies are never read, so the server's
        // writes to it block, then its own writes do.
        let chunk = b"SET flood:key some-value\r\n".repeat(40_000);
        let mut sent = 0usize;
        while sent < 100 * 1024 * 1024 {
            match flood.write(&chunk) {
                Ok(n) => sent += n,
                Err(_) => break,
            }
        }
        sent
    });
    std::thread::sleep(Duration::from_millis(500));
    // Meanwhile another client is served as usual, on the same node and on others.
    for p in [port, port + 1] {
        let mut other = connect(p);
        for i in 0..100 {
            assert_eq!(
                request(&mut other, &format!("ECHO {i}")),
                format!("${}\r\n{i}\r\n", i.to_string().len())
            );
        }
    }
    let sent = flooder.join().expect("the flooder");
    assert!(
        sent < 100 * 1024 * 1024,
        "the server read all {sent} bytes of a client that never reads"
    );
}
