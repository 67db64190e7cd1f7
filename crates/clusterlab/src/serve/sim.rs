//! The simulation thread: it owns the console (and through it the world), keeps simulated
//! time on the wall clock, hands each connection's requests to its process at the current
//! simulated time, and sends the replies back to the connection's task.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use clusterlab_core::console::Console;
use clusterlab_core::{ConnError, ConnId, Protocol, Reply, Submitted};
use tokio::sync::mpsc::UnboundedSender;

use super::clock::Clock;
use super::listeners::Listeners;

/// The longest the simulation thread sleeps when nothing happens.
const IDLE_WAIT: Duration = Duration::from_millis(5);

/// What the connection tasks and the control console ask of the simulation.
pub enum ToSim {
    /// A client connected to `port`; the answer goes to `back`.
    Open {
        port: u16,
        peer: SocketAddr,
        back: UnboundedSender<FromSim>,
    },
    /// Requests read from a connection, in order.
    Requests(ConnId, Vec<Vec<Vec<u8>>>),
    /// The client closed its connection.
    Close(ConnId),
    /// A console line; its output goes to stdout, or back to the caller.
    Line(String, Option<Sender<Vec<u8>>>),
}

/// What the simulation tells a connection's task.
#[derive(Debug)]
pub enum FromSim {
    /// The connection is open as this client of the process, whose
    /// `client-query-buffer-limit` is this many bytes.
    Opened(ConnId, u64),
    /// Replies to the connection's requests, in order, each with the protocol to encode it
    /// in, and the process's `client-query-buffer-limit` now (CONFIG SET may change it).
    Replies(Vec<(Reply, Protocol)>, u64),
    /// Bytes the process sent unasked (the stream of a client that ran SYNC or MONITOR),
    /// after the replies sent before them.
    Pushed(Vec<u8>),
    /// The process closed the connection (it died, or was never there).
    Closed,
    /// The connection is refused with these bytes (protected mode), then closed.
    Refused(&'static str),
}

/// A connection as the simulation thread sees it.
struct Client {
    back: UnboundedSender<FromSim>,
    /// The port it connected to.
    port: u16,
    /// Requests not yet handed to the process, because an earlier one is blocked.
    queue: VecDeque<Vec<Vec<u8>>>,
    blocked: bool,
    /// Replies produced since they were last sent.
    out: Vec<(Reply, Protocol)>,
}

/// The simulation thread's state.
pub struct Simulation {
    console: Console,
    clock: Clock,
    clients: BTreeMap<ConnId, Client>,
    listeners: Listeners,
    /// Connections with replies waiting to be sent.
    touched: Vec<ConnId>,
}

impl Simulation {
    pub fn new(mut console: Console, speed: f64, listeners: Listeners) -> Simulation {
        let clock = Clock::new(Instant::now(), console.world().now(), speed);
        // The nodes' Unix clock is the wall clock from now on, since clients compute
        // EXPIREAT and SET … PXAT times from theirs. It is set 2 ms ahead, so that
        // whole milliseconds of simulated time never read earlier than a client's clock
        // did before it sent its request (a real server's `mstime()` never does).
        let wall_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let sim_ms = console.world().now().as_millis();
        console
            .world_mut()
            .set_unix_epoch_ms((wall_ms + 2).saturating_sub(sim_ms));
        Simulation {
            console,
            clock,
            clients: BTreeMap::new(),
            listeners,
            touched: Vec::new(),
        }
    }

    /// Serves until every sender is gone.
    pub fn run(mut self, rx: &Receiver<ToSim>) {
        loop {
            self.catch_up();
            let wait = self.idle_wait();
            match rx.recv_timeout(wait) {
                Ok(msg) => {
                    self.catch_up();
                    self.handle(msg);
                    // Everything that arrived meanwhile runs at the same simulated time.
                    while let Ok(msg) = rx.try_recv() {
                        self.handle(msg);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            self.flush();
        }
    }

    /// Runs simulated time up to the wall clock, then hands over what it unblocked.
    fn catch_up(&mut self) {
        let target = self.clock.target(Instant::now());
        self.console.advance_to(target);
        let reached = self.console.world().now();
        if let Some(line) = self.clock.caught_up(reached, Instant::now()) {
            eprintln!("{line}");
        }
        self.unblocked();
        self.pushed();
        self.closed_by_processes();
    }

    /// Hands over what processes pushed to connections (the stream a client that ran
    /// SYNC receives), after what they answered before.
    fn pushed(&mut self) {
        for (conn, bytes) in self.console.world_mut().take_pushes() {
            let Some(port) = self.clients.get(&conn).map(|c| c.port) else {
                continue;
            };
            let limit = self.query_limit(port);
            if let Some(c) = self.clients.get_mut(&conn) {
                if !c.out.is_empty() {
                    let _ = c
                        .back
                        .send(FromSim::Replies(std::mem::take(&mut c.out), limit));
                }
                let _ = c.back.send(FromSim::Pushed(bytes));
            }
        }
    }

    /// Closes the connections their processes closed (clients idle beyond `timeout`).
    fn closed_by_processes(&mut self) {
        for conn in self.console.world_mut().take_closed() {
            self.close(conn);
        }
    }

    /// How long to sleep: until the next simulated event is due, at most [`IDLE_WAIT`].
    fn idle_wait(&self) -> Duration {
        let next = self.console.world().next_event_time();
        next.map_or(IDLE_WAIT, |t| {
            self.clock.wall_until(t, Instant::now()).min(IDLE_WAIT)
        })
    }

    fn handle(&mut self, msg: ToSim) {
        match msg {
            ToSim::Open { port, peer, back } => self.open(port, peer, back),
            ToSim::Requests(conn, batch) => {
                if let Some(c) = self.clients.get_mut(&conn) {
                    c.queue.extend(batch);
                    self.pump(conn);
                }
            }
            ToSim::Close(conn) => {
                self.clients.remove(&conn);
                self.console.world_mut().disconnect(conn);
            }
            ToSim::Line(line, back) => self.line(&line, back),
        }
    }

    fn open(&mut self, port: u16, peer: SocketAddr, back: UnboundedSender<FromSim>) {
        let world = self.console.world();
        let node = world.by_port(port).map(|idx| world.node(idx));
        let protected = node.is_some_and(|n| n.config().protected_mode);
        let password = node.is_some_and(|n| n.default_user_has_password());
        if super::protected::denies(peer.ip(), protected, password) {
            let _ = back.send(FromSim::Refused(super::protected::DENIED));
            return;
        }
        match self.console.world_mut().connect(port) {
            Some(conn) => {
                let _ = back.send(FromSim::Opened(conn, self.query_limit(port)));
                self.clients.insert(
                    conn,
                    Client {
                        back,
                        port,
                        queue: VecDeque::new(),
                        blocked: false,
                        out: Vec::new(),
                    },
                );
            }
            None => {
                let _ = back.send(FromSim::Closed);
            }
        }
    }

    /// Hands a connection's queued requests to its process until one blocks.
    fn pump(&mut self, conn: ConnId) {
        // A stream pushed before this request's reply goes out first.
        self.pushed();
        let Some(c) = self.clients.get_mut(&conn) else {
            return;
        };
        let mut produced = false;
        while !c.blocked {
            let Some(args) = c.queue.pop_front() else {
                break;
            };
            let info = super::info::wants_simulation_section(&args);
            match self.console.world_mut().submit(conn, args) {
                Submitted::Reply(reply, protocol) => {
                    let reply = match info {
                        true => super::info::with_simulation_section(
                            reply,
                            &self.clock,
                            self.console.world(),
                        ),
                        false => reply,
                    };
                    c.out.push((reply, protocol));
                    produced = true;
                }
                Submitted::Blocked => c.blocked = true,
                Submitted::Closed => {
                    self.close(conn);
                    return;
                }
            }
        }
        if produced {
            self.touched.push(conn);
        }
    }

    /// Replies to blocked commands that simulated time has brought.
    fn unblocked(&mut self) {
        for (conn, result) in self.console.world_mut().take_unblocked() {
            match result {
                Ok(reply) => {
                    if let Some(c) = self.clients.get_mut(&conn) {
                        c.out.push(reply);
                        c.blocked = false;
                        self.touched.push(conn);
                        self.pump(conn);
                    }
                }
                Err(ConnError::Closed | ConnError::TimedOut) => self.close(conn),
            }
        }
    }

    /// The process dropped the connection: what it answered before goes out, then the
    /// connection closes.
    fn close(&mut self, conn: ConnId) {
        if let Some(c) = self.clients.remove(&conn) {
            if !c.out.is_empty() {
                let limit = self.query_limit(c.port);
                let _ = c.back.send(FromSim::Replies(c.out, limit));
            }
            let _ = c.back.send(FromSim::Closed);
        }
    }

    /// Sends the replies produced since the last flush.
    fn flush(&mut self) {
        self.pushed();
        for conn in std::mem::take(&mut self.touched) {
            let Some(port) = self.clients.get(&conn).map(|c| c.port) else {
                continue;
            };
            let limit = self.query_limit(port);
            if let Some(c) = self.clients.get_mut(&conn) {
                if !c.out.is_empty() {
                    let out = std::mem::take(&mut c.out);
                    let _ = c.back.send(FromSim::Replies(out, limit));
                }
            }
        }
    }

    /// The `client-query-buffer-limit` of the process on `port`.
    fn query_limit(&self, port: u16) -> u64 {
        let world = self.console.world();
        let config = match world.by_port(port) {
            Some(idx) => world.node(idx).config(),
            None => world.new_process_config(),
        };
        config.client_query_buffer_limit
    }

    /// A console line: its output, then what it changed outside the simulation (ports to
    /// open or close, connections its kills dropped, a clock that ran ahead).
    fn line(&mut self, line: &str, back: Option<Sender<Vec<u8>>>) {
        let out = self.console.run_line(line);
        match back {
            Some(back) => {
                let _ = back.send(out.text);
            }
            None => {
                let mut stdout = std::io::stdout().lock();
                let _ = stdout.write_all(&out.text);
                let _ = stdout.flush();
            }
        }
        self.listeners.follow(self.console.world());
        let gone: Vec<ConnId> = self
            .clients
            .keys()
            .copied()
            .filter(|c| !self.console.world().is_open(*c))
            .collect();
        for conn in gone {
            self.close(conn);
        }
        self.clock
            .rebase_if_ahead(self.console.world().now(), Instant::now());
        self.unblocked();
        self.closed_by_processes();
    }
}
