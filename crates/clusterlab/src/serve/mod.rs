//! `clusterlab serve`: the simulated nodes on real TCP ports, so that `redis-cli -c`,
//! `redis-benchmark` and cluster client libraries talk to them.
//!
//! One thread owns the simulation ([`sim`]) and keeps simulated time on the wall clock
//! (times `--speed`), whatever the load: a request is handed to its process at the
//! current simulated time, so requests from many connections overlap in simulated time as
//! they do on a real server, and what the simulation models per request (the bus,
//! replication, `WAIT`, MIGRATE's round trip) is scheduled on that same clock. The
//! sockets live on an async runtime (tokio: a well-kept, widely used one whose tasks let
//! a thousand idle connections cost almost nothing): each connection's task reads,
//! parses and encodes ([`conn`]), and each running process has a listening socket
//! ([`listeners`]). stdin is a control console with the interactive console's
//! dot-commands.

mod clock;
mod conn;
mod info;
mod listeners;
mod protected;
mod sim;

use std::io::BufRead;
use std::net::IpAddr;
use std::process::ExitCode;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;

use clusterlab_core::console::Console;

pub use clock::{Clock, LAG_WORTH_REPORTING_MS};
use listeners::Listeners;
use sim::{Simulation, ToSim};

/// Most client connections at once by default, over all ports (Redis's `maxclients` is
/// 10000).
pub const MAX_CLIENTS: usize = 1000;

/// What every connection task shares.
pub(crate) struct Shared {
    tx: Sender<ToSim>,
    clients: AtomicUsize,
    max_clients: usize,
}

/// How to serve.
#[derive(Clone, Debug)]
pub struct Options {
    pub bind: IpAddr,
    /// Simulated seconds per wall second.
    pub speed: f64,
    pub max_clients: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bind: std::net::Ipv4Addr::LOCALHOST.into(),
            speed: 1.0,
            max_clients: MAX_CLIENTS,
        }
    }
}

/// A running server: its simulation thread and a way to send it console lines.
pub struct Serving {
    tx: Sender<ToSim>,
    sim: std::thread::JoinHandle<()>,
    pub ports: Vec<u16>,
    /// The sockets' runtime; dropping it closes them.
    _runtime: tokio::runtime::Runtime,
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
    listen_with(
        console,
        Options {
            bind,
            speed,
            ..Options::default()
        },
    )
}

/// [`listen`] with every option.
pub fn listen_with(console: Console, options: Options) -> Result<Serving, String> {
    // One socket thread beside the simulation thread: on a small machine a second one
    // only adds hand-offs between threads (measured with `cargo xtask bench-serve`).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .thread_name("clusterlab-io")
        .build()
        .map_err(|e| format!("cannot start the network runtime: {e}"))?;
    let (tx, rx) = channel::<ToSim>();
    let shared = Arc::new(Shared {
        tx: tx.clone(),
        clients: AtomicUsize::new(0),
        max_clients: options.max_clients,
    });
    let ports: Vec<u16> = console.world().processes().iter().map(|p| p.port).collect();
    let mut listeners = Listeners::new(runtime.handle().clone(), options.bind, shared);
    for &port in &ports {
        listeners.open(port)?;
    }
    let simulation = Simulation::new(console, options.speed, listeners);
    let sim = std::thread::Builder::new()
        .name("clusterlab-sim".into())
        .spawn(move || simulation.run(&rx))
        .map_err(|e| format!("cannot start the simulation thread: {e}"))?;
    Ok(Serving {
        tx,
        sim,
        ports,
        _runtime: runtime,
    })
}

/// Gives every node `password` as its `requirepass`, and as its `masterauth` so that
/// replicas keep syncing, as `CONFIG SET` from a client would; nodes started later
/// (`.start`) get both too, and the control console's client authenticates like
/// `redis-cli -a`.
pub fn set_password(console: &mut Console, password: &str) {
    let ports: Vec<u16> = console.world().processes().iter().map(|p| p.port).collect();
    let args: Vec<Vec<u8>> = [
        "CONFIG",
        "SET",
        "requirepass",
        password,
        "masterauth",
        password,
    ]
    .iter()
    .map(|a| a.as_bytes().to_vec())
    .collect();
    let world = console.world_mut();
    for port in ports {
        if let Some(conn) = world.connect(port) {
            let _ = world.execute(conn, &args);
            world.disconnect(conn);
        }
    }
    let mut config = world.new_process_config().clone();
    config.requirepass = Some(password.as_bytes().to_vec());
    config.masterauth = Some(password.as_bytes().to_vec());
    world.set_new_process_config(config);
    console.set_client_password(Some(password));
}

/// `clusterlab serve`: serves every node of `console` until interrupted, with stdin as a
/// control console.
pub fn run(mut console: Console, args: &crate::cli::ServeArgs) -> ExitCode {
    if let Some(password) = &args.requirepass {
        set_password(&mut console, password);
    }
    console
        .world_mut()
        .set_enable_debug_command(args.enable_debug_command);
    let options = Options {
        bind: args.bind,
        speed: args.speed,
        max_clients: args.maxclients,
    };
    let serving = match listen_with(console, options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("clusterlab: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(warning) = protected::bind_warning(args.bind, args.requirepass.is_some()) {
        eprintln!("{warning}");
    }
    let ports = &serving.ports;
    eprintln!(
        "clusterlab: serving {} simulated nodes on {}:{}-{} ({}× real time). Try: redis-cli -c -p {}",
        ports.len(),
        args.bind,
        ports[0],
        ports[ports.len() - 1],
        args.speed,
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
