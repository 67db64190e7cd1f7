//! A minimal RESP2/RESP3 client for the differential suite: one connection, one command
//! at a time, replies as a tree printed one leaf per line.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Replies are the core's own `Reply` values, parsed from the wire.
pub use clusterlab_core::Reply as Value;

/// One line per leaf, indented by depth, as text to compare.
pub fn render(v: &Value) -> String {
    let mut out = String::new();
    render_into(v, &mut out, 0);
    out
}

fn render_into(v: &Value, out: &mut String, depth: usize) {
    let pad = "  ".repeat(depth);
    match v {
        Value::Status(s) => out.push_str(&format!("{pad}{s}\n")),
        Value::Error(e) => out.push_str(&format!("{pad}(error) {e}\n")),
        Value::Integer(n) => out.push_str(&format!("{pad}(integer) {n}\n")),
        Value::Bulk(None) | Value::Array(None) => out.push_str(&format!("{pad}(nil)\n")),
        Value::Double(d) => out.push_str(&format!("{pad}(double) {d}\n")),
        Value::Boolean(b) => out.push_str(&format!("{pad}({b})\n")),
        Value::BigNumber(n) => out.push_str(&format!("{pad}(big number) {n}\n")),
        Value::Attribute(pairs, reply) => {
            out.push_str(&format!("{pad}(attributes of {})\n", pairs.len()));
            for (k, v) in pairs {
                render_into(k, out, depth + 1);
                render_into(v, out, depth + 2);
            }
            render_into(reply, out, depth);
        }
        Value::Silent => {}
        Value::Raw(b) => out.push_str(&format!("{pad}(raw) {}\n", String::from_utf8_lossy(b))),
        Value::Verbatim(t) => out.push_str(&format!(
            "{pad}(verbatim) \"{}\"\n",
            t.replace("\r\n", "\n")
        )),
        Value::Set(items) => {
            out.push_str(&format!("{pad}(set of {})\n", items.len()));
            for i in items {
                render_into(i, out, depth + 1);
            }
        }
        Value::Map(pairs) => {
            out.push_str(&format!("{pad}(map of {})\n", pairs.len()));
            for (k, v) in pairs {
                render_into(k, out, depth + 1);
                render_into(v, out, depth + 2);
            }
        }
        // Multi-line bulk strings (CLUSTER INFO, NODES) keep their lines, to compare.
        Value::Bulk(Some(b)) => out.push_str(&format!(
            "{pad}\"{}\"\n",
            String::from_utf8_lossy(b).replace("\r\n", "\n")
        )),
        Value::Array(Some(items)) if items.is_empty() => {
            out.push_str(&format!("{pad}(empty array)\n"))
        }
        Value::Array(Some(items)) => {
            for i in items {
                render_into(i, out, depth + 1);
            }
        }
    }
}

pub struct Client {
    stream: TcpStream,
    /// Bytes read but not yet parsed into a reply.
    pending: Vec<u8>,
}

impl Client {
    pub fn connect(port: u16) -> std::io::Result<Client> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Client {
            stream,
            pending: Vec::new(),
        })
    }

    /// Sends a command and reads its reply (RESP2 or RESP3) with the core's own parser.
    pub fn call(&mut self, args: &[Vec<u8>]) -> std::io::Result<Value> {
        self.stream
            .write_all(&clusterlab_core::reply::encode_command(args))?;
        self.read_reply()
    }

    /// Sends bytes as they are.
    pub fn send_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes)
    }

    pub fn set_read_timeout(&mut self, t: Duration) -> std::io::Result<()> {
        self.stream.set_read_timeout(Some(t))
    }

    fn fill(&mut self) -> std::io::Result<()> {
        let mut buf = [0u8; 16 * 1024];
        let n = self.stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed",
            ));
        }
        self.pending.extend_from_slice(&buf[..n]);
        Ok(())
    }

    /// Reads one line, without its CRLF.
    pub fn read_line(&mut self) -> std::io::Result<Vec<u8>> {
        loop {
            if let Some(i) = self.pending.windows(2).position(|w| w == b"\r\n") {
                let line = self.pending[..i].to_vec();
                self.pending.drain(..i + 2);
                return Ok(line);
            }
            self.fill()?;
        }
    }

    /// Reads exactly `n` bytes.
    pub fn read_exact_bytes(&mut self, n: usize) -> std::io::Result<Vec<u8>> {
        while self.pending.len() < n {
            self.fill()?;
        }
        Ok(self.pending.drain(..n).collect())
    }

    /// Reads the next reply (or pushed command) without sending anything.
    pub fn read_reply(&mut self) -> std::io::Result<Value> {
        loop {
            if let Some((value, used)) = Value::parse(&self.pending) {
                self.pending.drain(..used);
                return Ok(value);
            }
            self.fill()?;
        }
    }
}
