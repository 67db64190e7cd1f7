//! Shared by the tests that start `clusterlab serve` as a user would.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

pub struct Server {
    child: Child,
    pub base: u16,
    stdin: Option<ChildStdin>,
}

impl Server {
    /// Types a line at the server's control console.
    pub fn line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("the console's stdin");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .expect("a console line");
        stdin.flush().expect("flushed");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(test: u16) -> Server {
    start_with(test, &[])
}

/// A server started in the background, its stdin closed at once (it keeps serving).
pub fn start_with(test: u16, extra: &[&str]) -> Server {
    let mut server = start_console(test, extra);
    server.stdin = None;
    server
}

/// A server whose control console takes [`Server::line`].
pub fn start_console(test: u16, extra: &[&str]) -> Server {
    // A port range of this test's own, with its bus ports (+10000) still below the
    // ephemeral range (32768+), where an outgoing connection could hold one.
    let base = 12_000 + (std::process::id() % 300) as u16 * 20 + test * 10;
    let child = Command::new(env!("CARGO_BIN_EXE_clusterlab"))
        .args(["serve", "--seed", "1", "--base-port", &base.to_string()])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("clusterlab serve starts");
    let mut child = child;
    let stdin = child.stdin.take();
    let mut server = Server { child, base, stdin };
    for _ in 0..200 {
        if (0..6).all(|i| TcpStream::connect(("127.0.0.1", base + i)).is_ok()) {
            return server;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("clusterlab serve exited: {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("clusterlab serve did not listen on {base}..{}", base + 5);
}

pub fn redis_cli(port: u16, args: &[&str]) -> Option<String> {
    let out = Command::new("redis-cli")
        .args(["-c", "-p", &port.to_string()])
        .args(args)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn exchange(port: u16, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("a connection");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a timeout");
    s.write_all(bytes).expect("sent");
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if out.ends_with(b"\r\n") && !out.starts_with(b"*") {
            break;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
