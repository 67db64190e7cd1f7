//! A client that behaves like `redis-cli -c`: connected to one node, it follows MOVED and
//! ASK by printing `-> Redirected to slot [N] located at ip:port`, reconnecting there and
//! sending the command again (ASKING first for ASK). With cluster mode off it prints the
//! raw `(error) MOVED …`. Output is exactly `redis-cli --no-raw`'s. A third mode, the
//! smart client (`smart.rs`), routes by a cached slot map as cluster client libraries do.

pub mod format;
pub mod slot_cache;
mod smart;

pub use smart::command_slot;

use crate::reply::Reply;
use crate::world::{ConnId, World};

/// redis-cli follows redirects forever; we stop a loop after this many.
pub const MAX_REDIRECTS: usize = 16;

/// The redis-cli model.
#[derive(Clone, Debug)]
pub struct RedisCli {
    host: String,
    port: u16,
    cluster_mode: bool,
    conn: Option<ConnId>,
    /// The last connection attempt failed (redis-cli then shows `not connected> `).
    not_connected: bool,
    /// Smart client mode: route by a cached slot map instead of following redirects.
    smart: bool,
    /// The smart client's slot map, loaded on its first command.
    cache: Option<slot_cache::SlotCache>,
    /// The smart client sent MULTI and no EXEC/DISCARD yet.
    in_multi: bool,
    /// Sent as `AUTH` on every new connection, like `redis-cli -a`.
    auth: Option<Vec<u8>>,
}

/// What one command produced.
#[derive(Clone, Debug, PartialEq)]
pub struct CliOutcome {
    /// Exactly what redis-cli prints (redirect lines, the reply, a timing line).
    pub text: Vec<u8>,
    /// The final reply, if one arrived.
    pub reply: Option<Reply>,
    /// How many redirects were followed.
    pub redirects: usize,
}

impl RedisCli {
    pub fn new(host: &str, port: u16, cluster_mode: bool) -> Self {
        RedisCli {
            host: host.to_string(),
            port,
            cluster_mode,
            conn: None,
            not_connected: false,
            smart: false,
            cache: None,
            in_multi: false,
            auth: None,
        }
    }

    /// A password to send as `AUTH` on every new connection (`redis-cli -a`).
    pub fn set_auth(&mut self, password: Option<&[u8]>) {
        self.auth = password.map(<[u8]>::to_vec);
    }

    /// The password sent as `AUTH` on new connections, if any.
    pub fn auth(&self) -> Option<&[u8]> {
        self.auth.as_deref()
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn cluster_mode(&self) -> bool {
        self.cluster_mode
    }

    /// Cluster mode on is `redis-cli -c` (and leaves smart mode); off prints redirects raw.
    pub fn set_cluster_mode(&mut self, on: bool) {
        self.cluster_mode = on;
        self.smart = false;
        self.cache = None;
        self.in_multi = false;
    }

    /// Turns the smart client on: its slot map is loaded by the next command.
    pub fn set_smart(&mut self) {
        self.set_cluster_mode(true);
        self.smart = true;
    }

    pub fn smart(&self) -> bool {
        self.smart
    }

    /// The smart client's slot map, once loaded.
    pub fn slot_cache(&self) -> Option<&slot_cache::SlotCache> {
        self.cache.as_ref()
    }

    /// The prompt redis-cli shows: `127.0.0.1:7001> `, or `not connected> `.
    pub fn prompt(&self) -> String {
        if self.not_connected {
            "not connected> ".to_string()
        } else {
            format!("{}:{}> ", self.host, self.port)
        }
    }

    /// Points the client at another node (like `connect host port` in redis-cli).
    pub fn connect_to(&mut self, world: &mut World, host: &str, port: u16) {
        self.drop_conn(world);
        self.host = host.to_string();
        self.port = port;
    }

    /// Closes the connection; a transaction open on it is gone with it.
    fn drop_conn(&mut self, world: &mut World) {
        if let Some(c) = self.conn.take() {
            world.disconnect(c);
        }
        self.in_multi = false;
    }

    fn ensure_conn(&mut self, world: &mut World) -> Option<ConnId> {
        if self.conn.is_none()
            && (self.host == "127.0.0.1"
                || self.host == "localhost"
                || world.processes().iter().any(|p| p.ip == self.host))
        {
            self.conn = world.connect(self.port);
            if let (Some(conn), Some(password)) = (self.conn, &self.auth) {
                let _ = world.execute(conn, &[b"AUTH".to_vec(), password.clone()]);
            }
        }
        self.not_connected = self.conn.is_none();
        self.conn
    }

    /// Runs one command line's arguments as redis-cli's `issueCommandRepeat` does.
    pub fn run(&mut self, world: &mut World, args: &[Vec<u8>]) -> CliOutcome {
        if self.smart {
            return self.run_smart(world, args);
        }
        let started = world.now();
        let mut text = Vec::new();
        let mut send_asking = false;
        let mut redirects = 0;
        loop {
            let Some(conn) = self.ensure_conn(world) else {
                text.extend(self.refused_line().bytes());
                return CliOutcome {
                    text,
                    reply: None,
                    redirects,
                };
            };
            if std::mem::take(&mut send_asking) {
                let _ = world.execute(conn, &[b"ASKING".to_vec()]);
            }
            let reply = match world.execute(conn, args) {
                Ok(r) => r,
                Err(e) => return self.closed(e, text, redirects),
            };
            if self.cluster_mode {
                if let Some((slot, host, port, ask)) = parse_redirect(&reply) {
                    text.extend(
                        format!("-> Redirected to slot [{slot}] located at {host}:{port}\n")
                            .bytes(),
                    );
                    self.drop_conn(world);
                    if !host.is_empty() {
                        self.host = host;
                    }
                    self.port = port;
                    send_asking = ask;
                    redirects += 1;
                    if redirects >= MAX_REDIRECTS {
                        text.extend(
                            b"(error) ClusterLab: redirect loop stopped after 16 redirects\n",
                        );
                        return CliOutcome {
                            text,
                            reply: Some(reply),
                            redirects,
                        };
                    }
                    continue;
                }
            }
            return self.finish(world, args, reply, started, text, redirects);
        }
    }

    fn refused_line(&self) -> String {
        format!(
            "Could not connect to Redis at {}:{}: Connection refused\n",
            self.host, self.port
        )
    }

    /// redis-cli prints "Error: Server closed the connection" and reconnects on the next
    /// command.
    fn closed(
        &mut self,
        e: impl std::fmt::Display,
        mut text: Vec<u8>,
        redirects: usize,
    ) -> CliOutcome {
        self.conn = None;
        self.in_multi = false;
        self.not_connected = true;
        text.extend(format!("Error: {e}\n").bytes());
        CliOutcome {
            text,
            reply: None,
            redirects,
        }
    }

    /// Prints the final reply as redis-cli does, with its timing line for slow commands.
    fn finish(
        &self,
        world: &World,
        args: &[Vec<u8>],
        reply: Reply,
        started: crate::time::SimTime,
        mut text: Vec<u8>,
        redirects: usize,
    ) -> CliOutcome {
        if format::prints_raw(args) {
            text.extend(format::format_raw(&reply));
        } else {
            text.extend(format::format_tty(&reply).bytes());
        }
        let elapsed = world.now().since(started);
        if elapsed >= 500 {
            text.extend(format!("({:.2}s)\n", elapsed as f64 / 1000.0).bytes());
        }
        CliOutcome {
            text,
            reply: Some(reply),
            redirects,
        }
    }
}

/// Parses `MOVED 3999 127.0.0.1:6381` / `ASK …` as redis-cli does (split on the last `:`).
pub fn parse_redirect(reply: &Reply) -> Option<(u16, String, u16, bool)> {
    let e = reply.error_text()?;
    let ask = e.starts_with("ASK ");
    if !ask && !e.starts_with("MOVED ") {
        return None;
    }
    let mut parts = e.splitn(3, ' ');
    parts.next();
    let slot: u16 = parts.next()?.parse().ok()?;
    let addr = parts.next()?;
    let (host, port) = addr.rsplit_once(':')?;
    Some((slot, host.to_string(), port.parse().ok()?, ask))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_redirects_like_redis_cli() {
        assert_eq!(
            parse_redirect(&Reply::err("MOVED 14687 127.0.0.1:7003")),
            Some((14687, "127.0.0.1".into(), 7003, false))
        );
        assert_eq!(
            parse_redirect(&Reply::err("ASK 1 ::1:7003")),
            Some((1, "::1".into(), 7003, true))
        );
        assert_eq!(parse_redirect(&Reply::err("ERR x")), None);
    }
}
