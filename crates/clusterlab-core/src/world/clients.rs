//! Client connections: how a client (redis-cli, a test) reaches a simulated process.

use sha2::Digest;

use super::{ProcessState, World};
use crate::name::NodeIdx;
use crate::node::Input;
use crate::reply::{Protocol, Reply};
use crate::time::SimDuration;

/// The longest a client waits in simulated time (a blocked WAIT 0, a long pause).
pub const MAX_BLOCK_MS: u64 = 3_600_000;

/// A client connection to one process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u64);

/// What became of a command handed over with [`World::submit`].
#[derive(Clone, Debug, PartialEq)]
pub enum Submitted {
    /// The reply, shaped for the connection's protocol.
    Reply(Reply, Protocol),
    /// The client waits: the command blocked, or its process is paused.
    Blocked,
    /// The connection is closed (its process died).
    Closed,
}

/// A blocked command's reply with the protocol to encode it in, or why none came.
pub type Unblocked = Result<(Reply, Protocol), ConnError>;

/// Why a command got no reply.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConnError {
    /// The process died (redis-cli: "Error: Server closed the connection").
    #[error("Server closed the connection")]
    Closed,
    /// The client stopped waiting after an hour of simulated time.
    #[error("no reply within one hour of simulated time")]
    TimedOut,
}

/// The command a request names, if it is one.
fn lookup(args: &[Vec<u8>]) -> Option<&'static crate::commands::CommandSpec> {
    args.first().and_then(|a| crate::commands::lookup(a))
}

fn is_write(spec: Option<&crate::commands::CommandSpec>) -> bool {
    spec.is_some_and(|c| c.flags & crate::commands::WRITE != 0)
}

impl World {
    /// Opens a client connection to the process on `port`; `None` if nothing listens
    /// there (no such port, or the process is down).
    pub fn connect(&mut self, port: u16) -> Option<ConnId> {
        let idx = self.by_port(port)?;
        if self.procs[idx.index()].state == ProcessState::Killed {
            return None;
        }
        self.conns.push(Some(idx));
        let conn = ConnId(self.conns.len() as u64 - 1);
        if let ProcessState::Paused { .. } = self.procs[idx.index()].state {
            self.held[idx.index()].push(super::Item::Accept { node: idx, conn });
        } else {
            self.accept_client(idx, conn);
        }
        Some(conn)
    }

    /// The process accepts a client connection (`createClient`).
    pub(super) fn accept_client(&mut self, idx: NodeIdx, conn: ConnId) {
        let input = Input::Accept { client: conn.0 };
        self.procs[idx.index()].node.handle(self.now, input);
        self.collect(idx);
    }

    /// The protocol a connection speaks (RESP3 after `HELLO 3`); RESP2 if it is closed.
    pub fn protocol(&self, conn: ConnId) -> Protocol {
        match self.process_of(conn) {
            Some(idx) => self.procs[idx.index()].node.protocol(conn.0),
            None => Protocol::Resp2,
        }
    }

    /// The connections processes closed themselves since the last call (clients idle
    /// longer than `timeout`), for whoever holds their sockets.
    pub fn take_closed(&mut self) -> Vec<ConnId> {
        std::mem::take(&mut self.closed)
    }

    /// Whether `conn` is still open (its process has not died).
    pub fn is_open(&self, conn: ConnId) -> bool {
        self.process_of(conn).is_some()
    }

    /// The process an open connection is to.
    pub(super) fn process_of(&self, conn: ConnId) -> Option<NodeIdx> {
        self.conns.get(conn.0 as usize).copied().flatten()
    }

    /// Closes a client connection.
    pub fn disconnect(&mut self, conn: ConnId) {
        if let Some(idx) = self.process_of(conn) {
            self.conns[conn.0 as usize] = None;
            self.close_client(idx, conn);
        }
    }

    /// The process forgets a client connection (a paused one when it wakes).
    fn close_client(&mut self, idx: NodeIdx, conn: ConnId) {
        self.replies.retain(|(c, _)| *c != conn);
        self.blocked.remove(&conn);
        if let ProcessState::Paused { .. } = self.procs[idx.index()].state {
            self.held[idx.index()].push(super::Item::Disconnect { node: idx, conn });
            return;
        }
        self.forget_client(idx, conn);
    }

    pub(super) fn forget_client(&mut self, idx: NodeIdx, conn: ConnId) {
        let input = Input::Disconnect { client: conn.0 };
        self.procs[idx.index()].node.handle(self.now, input);
        self.collect(idx);
    }

    /// The reply waiting for `conn`, if its process produced one.
    /// What processes pushed to connections since the last call, in order.
    pub fn take_pushes(&mut self) -> Vec<(ConnId, Vec<u8>)> {
        std::mem::take(&mut self.pushes)
    }

    fn take_reply(&mut self, conn: ConnId) -> Option<Reply> {
        let i = self.replies.iter().position(|(c, _)| *c == conn)?;
        Some(self.replies.remove(i).1)
    }

    /// Drops every client connection of a process that died, and the replies it had
    /// produced for them.
    pub(super) fn close_connections_to(&mut self, idx: NodeIdx) {
        for c in self.conns.iter_mut() {
            if *c == Some(idx) {
                *c = None;
            }
        }
        let conns = &self.conns;
        self.replies
            .retain(|(c, _)| conns.get(c.0 as usize).copied().flatten().is_some());
    }

    /// Sends a command on `conn` and waits (in simulated time) for its reply: the request
    /// travels with one link latency, the node executes it (after waking up, if paused),
    /// and the reply travels back.
    pub fn execute(&mut self, conn: ConnId, args: &[Vec<u8>]) -> Result<Reply, ConnError> {
        let Some(idx) = self.process_of(conn) else {
            return Err(ConnError::Closed);
        };
        let there = self.now + self.net.sample_latency();
        self.run_until(there);
        self.wait_running(idx)?;
        // The process may have closed it meanwhile (an idle client past `timeout`).
        if self.process_of(conn) != Some(idx) {
            return Err(ConnError::Closed);
        }
        let reply = match self.run_command(idx, conn, args) {
            // The command closed its own connection after replying.
            Some(r) if !self.is_open(conn) => return Ok(r),
            Some(r) => r,
            None => {
                let r = self.wait_unblocked(idx, conn)?;
                self.acknowledge(idx, args, is_write(lookup(args)), &r);
                r
            }
        };
        let protocol = self.procs[idx.index()].node.protocol(conn.0);
        let reply = reply.for_protocol(protocol);
        // Whoever executes commands reads replies only: what was pushed to this
        // connection (a SYNC stream) is dropped.
        self.pushes.retain(|(c, _)| *c != conn);
        let back = self.now + self.net.sample_latency();
        self.run_until(back);
        if !self.is_open(conn) {
            return Err(ConnError::Closed);
        }
        Ok(reply)
    }

    /// Hands a command on `conn` to its process now, without simulated latency and
    /// without letting time pass: what a server following the wall clock does with a
    /// request that just arrived on a real socket. The reply is there at once unless the
    /// command blocks (WAIT, a MIGRATE round trip) or the process is paused; then
    /// [`World::take_unblocked`] hands it over once simulated time has brought it.
    pub fn submit(&mut self, conn: ConnId, args: Vec<Vec<u8>>) -> Submitted {
        let Some(idx) = self.process_of(conn) else {
            return Submitted::Closed;
        };
        match self.procs[idx.index()].state {
            ProcessState::Killed => return Submitted::Closed,
            ProcessState::Paused { .. } => {
                // A stopped process reads the request when it wakes.
                self.held[idx.index()].push(super::Item::Command {
                    node: idx,
                    conn,
                    args: args.clone(),
                });
                self.blocked.insert(conn, (idx, args));
                return Submitted::Blocked;
            }
            ProcessState::Running => {}
        }
        match self.run_command(idx, conn, &args) {
            Some(reply) => {
                let protocol = self.procs[idx.index()].node.protocol(conn.0);
                Submitted::Reply(reply.for_protocol(protocol), protocol)
            }
            None => {
                self.blocked.insert(conn, (idx, args));
                Submitted::Blocked
            }
        }
    }

    /// The replies of submitted commands that were blocked and have been answered since,
    /// and the blocked connections that closed meanwhile (their process died), in
    /// connection order.
    pub fn take_unblocked(&mut self) -> Vec<(ConnId, Unblocked)> {
        if self.blocked.is_empty() {
            return Vec::new();
        }
        let mut done = Vec::new();
        let waiting: Vec<ConnId> = self.blocked.keys().copied().collect();
        for conn in waiting {
            let Some(reply) = self.take_reply(conn) else {
                if !self.is_open(conn) {
                    self.blocked.remove(&conn);
                    done.push((conn, Err(ConnError::Closed)));
                }
                continue;
            };
            let Some((idx, args)) = self.blocked.remove(&conn) else {
                continue;
            };
            self.acknowledge(idx, &args, is_write(lookup(&args)), &reply);
            let protocol = self.procs[idx.index()].node.protocol(conn.0);
            done.push((conn, Ok((reply.for_protocol(protocol), protocol))));
        }
        done
    }

    /// Runs a command on a running process at the current time; its reply, unless the
    /// command blocked.
    pub(super) fn run_command(
        &mut self,
        idx: NodeIdx,
        conn: ConnId,
        args: &[Vec<u8>],
    ) -> Option<Reply> {
        let write = self.dispatch_command(idx, conn, args);
        let reply = self.take_reply(conn)?;
        self.acknowledge(idx, args, write, &reply);
        Some(reply)
    }

    /// Hands a command to a running process; a reply it produces waits in `replies`.
    /// Returns whether the command is a write (its reply then goes into the ledger).
    pub(super) fn dispatch_command(
        &mut self,
        idx: NodeIdx,
        conn: ConnId,
        args: &[Vec<u8>],
    ) -> bool {
        self.hasher.update([4u8]);
        for a in args {
            self.hasher.update((a.len() as u64).to_le_bytes());
            self.hasher.update(a);
        }
        let spec = lookup(args);
        self.observer.on_command(spec, args);
        let command = Input::Command {
            client: conn.0,
            args,
        };
        self.procs[idx.index()].node.handle(self.now, command);
        self.collect(idx);
        is_write(spec)
    }

    /// Enters an acknowledged write in the ledger.
    fn acknowledge(&mut self, idx: NodeIdx, args: &[Vec<u8>], write: bool, reply: &Reply) {
        if write && !reply.is_error() {
            self.record_ack(idx, args);
        }
    }

    /// Answers a read-only command as the process on `port` would right now, without a
    /// connection and without letting simulated time pass: what an observer reads (the
    /// create's closing `--cluster check`). Only `CLUSTER NODES` and `DBSIZE`; `None` for
    /// anything else, or when nothing runs there.
    pub fn peek(&self, port: u16, args: &[&str]) -> Option<Reply> {
        let idx = self.by_port(port)?;
        let p = &self.procs[idx.index()];
        if p.state == ProcessState::Killed {
            return None;
        }
        let is = |i: usize, w: &str| args.get(i).is_some_and(|a| a.eq_ignore_ascii_case(w));
        match args.len() {
            2 if is(0, "cluster") && is(1, "nodes") => Some(Reply::Verbatim(
                crate::commands::cluster_nodes_text(&p.node),
            )),
            1 if is(0, "dbsize") => Some(Reply::int(p.node.keyspace().len() as i64)),
            _ => None,
        }
    }

    /// Waits until the process can read the command (a paused one reads it on waking).
    fn wait_running(&mut self, idx: NodeIdx) -> Result<(), ConnError> {
        let give_up = self.now + SimDuration(MAX_BLOCK_MS);
        loop {
            match self.procs[idx.index()].state {
                ProcessState::Running => return Ok(()),
                ProcessState::Killed => return Err(ConnError::Closed),
                ProcessState::Paused { .. } => {
                    if self.next_event_time().is_none_or(|t| t > give_up) || !self.step() {
                        return Err(ConnError::TimedOut);
                    }
                }
            }
        }
    }

    fn wait_unblocked(&mut self, idx: NodeIdx, conn: ConnId) -> Result<Reply, ConnError> {
        let give_up = self.now + SimDuration(MAX_BLOCK_MS);
        loop {
            if self.procs[idx.index()].state == ProcessState::Killed || !self.is_open(conn) {
                return Err(ConnError::Closed);
            }
            if let Some(r) = self.take_reply(conn) {
                return Ok(r);
            }
            if self.next_event_time().is_none_or(|t| t > give_up) || !self.step() {
                self.run_until(give_up);
                self.close_client(idx, conn);
                return Err(ConnError::TimedOut);
            }
        }
    }

    /// A MIGRATE connection to an address where nothing runs: the source hears the
    /// refusal after a round trip. Returns true when `out` was such a connection.
    pub(super) fn migrate_refused(
        &mut self,
        idx: NodeIdx,
        target: Option<NodeIdx>,
        out: &crate::node::Outgoing,
    ) -> bool {
        use crate::node::{MigrateMessage, Payload};
        let Payload::Migrate(MigrateMessage::Restore { id, .. }) = &out.payload else {
            return false;
        };
        let alive = target.is_some_and(|t| self.procs[t.index()].state != ProcessState::Killed);
        if alive {
            return false;
        }
        let refused = Payload::Migrate(MigrateMessage::Refused { id: *id });
        let env = self.net.send(self.now, idx, idx, out.via, refused);
        let at = env.deliver_at;
        self.schedule(at, super::Item::Deliver(Box::new(env)));
        true
    }
}
