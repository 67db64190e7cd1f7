//! A minimal RESP2/RESP3 client for the differential suite: one connection, one command
//! at a time, replies as a tree printed one leaf per line.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
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
    reader: BufReader<TcpStream>,
}

impl Client {
    pub fn connect(port: u16) -> std::io::Result<Client> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Client {
            reader: BufReader::new(s),
        })
    }

    pub fn call(&mut self, args: &[Vec<u8>]) -> std::io::Result<Value> {
        let mut req = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            req.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            req.extend_from_slice(a);
            req.extend_from_slice(b"\r\n");
        }
        self.reader.get_mut().write_all(&req)?;
        self.read_value()
    }

    fn line(&mut self) -> std::io::Result<String> {
        let mut l = String::new();
        if self.reader.read_line(&mut l)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed",
            ));
        }
        Ok(l.trim_end_matches("\r\n").to_string())
    }

    fn read_value(&mut self) -> std::io::Result<Value> {
        let l = self.line()?;
        let bad = || {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("bad reply line {l:?}"),
            )
        };
        let (kind, rest) = l.split_at(1.min(l.len()));
        Ok(match kind {
            "+" => Value::Status(rest.to_string()),
            "-" => Value::Error(rest.to_string()),
            ":" => Value::Integer(rest.parse().map_err(|_| bad())?),
            "$" => {
                let n: i64 = rest.parse().map_err(|_| bad())?;
                if n < 0 {
                    Value::Bulk(None)
                } else {
                    let mut b = vec![0u8; n as usize + 2];
                    self.reader.read_exact(&mut b)?;
                    b.truncate(n as usize);
                    Value::Bulk(Some(b))
                }
            }
            "*" | "~" | "%" => {
                let n: i64 = rest.parse().map_err(|_| bad())?;
                if n < 0 {
                    return Ok(Value::Array(None));
                }
                let count = if kind == "%" { 2 * n } else { n };
                let mut items = Vec::new();
                for _ in 0..count {
                    items.push(self.read_value()?);
                }
                match kind {
                    "*" => Value::Array(Some(items)),
                    "~" => Value::Set(items),
                    _ => Value::map_flat(items),
                }
            }
            "_" => Value::Bulk(None),
            "," => Value::Double(rest.to_string()),
            "=" => {
                let n: usize = rest.parse().map_err(|_| bad())?;
                let mut b = vec![0u8; n + 2];
                self.reader.read_exact(&mut b)?;
                b.truncate(n);
                let text = String::from_utf8_lossy(&b);
                Value::Verbatim(text.strip_prefix("txt:").ok_or_else(bad)?.to_string())
            }
            _ => return Err(bad()),
        })
    }
}
