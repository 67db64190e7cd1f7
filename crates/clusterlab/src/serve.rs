//! `clusterlab serve`: the simulated nodes on real TCP ports, so that `redis-cli -c`,
//! `redis-benchmark` and cluster client libraries talk to them. One thread owns the
//! simulation and lets simulated time follow the wall clock (times `--speed`); one thread
//! per client connection reads requests and waits for their replies; stdin is a control
//! console with the same dot-commands as the interactive one.

use std::io::{BufRead, Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clusterlab_core::console::Console;
use clusterlab_core::resp::{Request, RequestReader};
use clusterlab_core::{ConnId, SimTime};

/// Most client connections at once by default, over all ports (Redis's `maxclients` is
/// 10000).
pub const MAX_CLIENTS: usize = 1000;

enum ToSim {
    Open(u16, Sender<Option<ConnId>>),
    Command(ConnId, Vec<Vec<u8>>, Sender<Option<Vec<u8>>>),
    Close(ConnId),
    /// A console line; its output goes to stdout, or back to the caller.
    Line(String, Option<Sender<Vec<u8>>>),
}

/// A running server: its simulation thread and a way to send it console lines.
pub struct Serving {
    tx: Sender<ToSim>,
    sim: std::thread::JoinHandle<()>,
    pub ports: Vec<u16>,
}

impl Serving {
    /// Runs a console line (a dot-command or a Redis command) in the simulation thread;
    /// its output goes to stdout.
    pub fn run_line(&self, line: &str) {
        let _ = self.tx.send(ToSim::Line(line.to_string(), None));
    }

    /// Runs a console line in the simulation thread and returns what it printed.
    pub fn run_line_output(&self, line: &str) -> String {
        let (tx, rx) = channel();
        let _ = self.tx.send(ToSim::Line(line.to_string(), Some(tx)));
        String::from_utf8_lossy(&rx.recv().unwrap_or_default()).into_owned()
    }

    /// Serves until the process is interrupted.
    pub fn wait(self) {
        drop(self.tx);
        let _ = self.sim.join();
    }
}

/// Binds every node's port and starts serving in background threads.
pub fn listen(console: Console, bind: IpAddr, speed: f64) -> Result<Serving, String> {
    listen_with_limit(console, bind, speed, MAX_CLIENTS)
}

/// [`listen`], with at most `max_clients` client connections at once.
pub fn listen_with_limit(
    console: Console,
    bind: IpAddr,
    speed: f64,
    max_clients: usize,
) -> Result<Serving, String> {
    let (tx, rx) = channel::<ToSim>();
    let clients = Arc::new(AtomicUsize::new(0));
    let ports: Vec<u16> = console.world().processes().iter().map(|p| p.port).collect();
    let mut listeners = Vec::new();
    for &port in &ports {
        let listener = TcpListener::bind((bind, port))
            .map_err(|e| format!("cannot listen on {bind}:{port}: {e}"))?;
        listeners.push((port, listener));
    }
    let accept = Acceptor {
        tx: tx.clone(),
        clients,
        max_clients,
        bind,
    };
    for (port, listener) in listeners {
        accept.spawn(listener, port);
    }
    let sim = std::thread::spawn(move || {
        let mut console = console;
        simulate(&mut console, &rx, speed, &accept);
    });
    Ok(Serving { tx, sim, ports })
}

/// `clusterlab serve`: serves every node of `console` until interrupted, with stdin as a
/// control console.
pub fn run(console: Console, bind: IpAddr, speed: f64, max_clients: usize) -> ExitCode {
    let serving = match listen_with_limit(console, bind, speed, max_clients) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("clusterlab: {e}");
            return ExitCode::from(2);
        }
    };
    let ports = &serving.ports;
    eprintln!(
        "clusterlab: serving {} simulated nodes on {bind}:{}-{} ({}× real time). Try: redis-cli -c -p {}",
        ports.len(),
        ports[0],
        ports[ports.len() - 1],
        speed,
        ports[0]
    );
    eprintln!("clusterlab: type dot-commands here (.help, .kill 7003, .events); Ctrl-C stops");
    let lines = serving.tx.clone();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if lines.send(ToSim::Line(line, None)).is_err() {
                break;
            }
        }
        // With stdin closed (started in the background) the server keeps serving.
    });
    serving.wait();
    ExitCode::SUCCESS
}

/// What a listener thread needs, so that nodes started later (`.start PORT`) get one too.
struct Acceptor {
    tx: Sender<ToSim>,
    clients: Arc<AtomicUsize>,
    max_clients: usize,
    bind: IpAddr,
}

impl Acceptor {
    fn spawn(&self, listener: TcpListener, port: u16) {
        let (tx, clients, max) = (self.tx.clone(), self.clients.clone(), self.max_clients);
        std::thread::spawn(move || accept_loop(listener, port, tx, clients, max));
    }

    /// Listens on the ports of processes started since the last call.
    fn follow(&self, console: &Console, listening: &mut usize) {
        let procs = console.world().processes();
        for p in &procs[*listening..] {
            match TcpListener::bind((self.bind, p.port)) {
                Ok(l) => self.spawn(l, p.port),
                Err(e) => eprintln!("clusterlab: cannot listen on {}:{}: {e}", self.bind, p.port),
            }
        }
        *listening = procs.len();
    }
}

/// The simulation thread: requests in order, and the clock between them.
fn simulate(console: &mut Console, rx: &Receiver<ToSim>, speed: f64, accept: &Acceptor) {
    let mut listening = console.world().processes().len();
    // Simulated time follows the wall clock from an anchor. Commands served one after the
    // other each take a simulated round trip, so a burst (redis-benchmark, a reshard) can
    // carry simulated time ahead of the wall clock; the anchor then moves up, so the
    // cluster's own timers (cron, gossip, failure detection) keep running at wall speed
    // instead of stopping until the wall clock catches up.
    let mut wall_start = Instant::now();
    let mut sim_start = console.world().now();
    let target = |wall: Instant, wall_start: Instant, sim_start: SimTime| {
        SimTime(
            sim_start.0 + (wall.duration_since(wall_start).as_secs_f64() * 1000.0 * speed) as u64,
        )
    };
    loop {
        match rx.recv_timeout(Duration::from_millis(5)) {
            Ok(ToSim::Open(port, reply)) => {
                let _ = reply.send(console.world_mut().connect(port));
            }
            Ok(ToSim::Command(conn, args, reply)) => {
                let world = console.world_mut();
                let out = world
                    .execute(conn, &args)
                    .ok()
                    .map(|r| r.encode(world.protocol(conn)));
                let _ = reply.send(out);
            }
            Ok(ToSim::Close(conn)) => console.world_mut().disconnect(conn),
            Ok(ToSim::Line(line, back)) => {
                let out = console.run_line(&line);
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
                accept.follow(console, &mut listening);
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        }
        let now = Instant::now();
        let due = target(now, wall_start, sim_start);
        if console.world().now() > due {
            wall_start = now;
            sim_start = console.world().now();
        }
        console.advance_to(target(now, wall_start, sim_start));
    }
}

fn accept_loop(
    listener: TcpListener,
    port: u16,
    tx: Sender<ToSim>,
    clients: Arc<AtomicUsize>,
    max_clients: usize,
) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if clients.fetch_add(1, Ordering::SeqCst) >= max_clients {
            clients.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.write_all(b"-ERR max number of clients reached\r\n");
            continue;
        }
        let tx = tx.clone();
        let clients = clients.clone();
        std::thread::spawn(move || {
            serve_client(stream, port, &tx);
            clients.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// One client connection: read requests, forward them, write replies; a protocol error
/// gets its reply and closes the connection, as in Redis.
fn serve_client(mut stream: TcpStream, port: u16, tx: &Sender<ToSim>) {
    let _ = stream.set_nodelay(true);
    let (open_tx, open_rx) = channel();
    if tx.send(ToSim::Open(port, open_tx)).is_err() {
        return;
    }
    // A killed node: the connection closes at once.
    let Ok(Some(conn)) = open_rx.recv() else {
        return;
    };
    let mut reader = RequestReader::new();
    let mut buf = vec![0u8; 16 * 1024];
    'read: loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        reader.feed(&buf[..n]);
        let mut out = Vec::new();
        loop {
            match reader.next_request() {
                Request::Incomplete => break,
                Request::Error(e) => {
                    out.extend_from_slice(format!("-{e}\r\n").as_bytes());
                    let _ = stream.write_all(&out);
                    break 'read;
                }
                Request::Command(args) if args[0].eq_ignore_ascii_case(b"quit") => {
                    out.extend_from_slice(b"+OK\r\n");
                    let _ = stream.write_all(&out);
                    break 'read;
                }
                Request::Command(args) => {
                    let (reply_tx, reply_rx) = channel();
                    if tx.send(ToSim::Command(conn, args, reply_tx)).is_err() {
                        break 'read;
                    }
                    match reply_rx.recv() {
                        Ok(Some(bytes)) => out.extend_from_slice(&bytes),
                        // The node died or timed the client out: close.
                        _ => {
                            let _ = stream.write_all(&out);
                            break 'read;
                        }
                    }
                }
            }
        }
        if stream.write_all(&out).is_err() {
            break;
        }
    }
    let _ = tx.send(ToSim::Close(conn));
}
