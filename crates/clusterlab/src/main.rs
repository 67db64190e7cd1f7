//! `clusterlab`: a simulated Redis 7 cluster behind a `redis-cli -c` style prompt.

mod bench;
mod line_editor;

use clusterlab::serve;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use clusterlab_core::{console::Console, ClusterShape, SimDuration};

/// A Redis Cluster you can see inside: a deterministic simulation of Redis 7 nodes,
/// created like `redis-cli --cluster create`, with a `redis-cli -c` console.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Seed of the simulation (node IDs, latencies, timers); random if not given.
    #[arg(long)]
    seed: Option<u64>,
    /// Number of masters (at least 3, as redis-cli requires).
    #[arg(long, default_value_t = 3)]
    masters: usize,
    /// Replicas per master.
    #[arg(long, default_value_t = 1)]
    replicas: usize,
    /// cluster-node-timeout in milliseconds.
    #[arg(long, default_value_t = 5000)]
    node_timeout: u64,
    /// Port of the first node; the others follow.
    #[arg(long, default_value_t = 7001)]
    base_port: u16,
    /// In the interactive console, let simulated time move only with .advance.
    #[arg(long)]
    manual_time: bool,
    /// A file of console lines to run instead of the interactive prompt ("-" for stdin),
    /// `serve` to put the nodes on real TCP ports, or `bench` to measure the simulation.
    script: Option<PathBuf>,
    /// With `serve`: simulated seconds per wall-clock second.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// With `serve`: the address to listen on (loopback unless told otherwise).
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// With `serve`: most client connections at once, over all ports (Redis's `maxclients`).
    #[arg(long, default_value_t = serve::MAX_CLIENTS)]
    maxclients: usize,
    /// With `bench`: cluster sizes to measure, comma separated.
    #[arg(long, default_value = "6,100,1000", value_delimiter = ',')]
    bench_nodes: Vec<usize>,
    /// With `bench`: simulated seconds per phase.
    #[arg(long, default_value_t = 30)]
    bench_seconds: u64,
    /// Run a guided scenario and print it as Markdown (narration, console, sequence
    /// diagrams); `list` lists them.
    #[arg(long, value_name = "ID")]
    scenario: Option<String>,
}

/// `--scenario ID`: runs one scenario of the library and prints its Markdown.
fn scenario(id: &str) -> ExitCode {
    use clusterlab_core::scenario::{export_markdown, library, run_all};
    let scenarios: Vec<_> = library().into_iter().flatten().collect();
    let Some(s) = scenarios.iter().find(|s| s.id == id) else {
        if id != "list" {
            eprintln!("clusterlab: no scenario '{id}'");
        }
        for s in &scenarios {
            println!("{:<24} {}", s.id, s.title);
        }
        return if id == "list" {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    };
    match run_all(s) {
        Ok((console, outcomes)) => {
            print!("{}", export_markdown(s, &outcomes, console.world()));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("clusterlab: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(id) = &args.scenario {
        return scenario(id);
    }
    let seed = args.seed.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64 % 1_000_000)
            .unwrap_or(1)
    });
    let shape = ClusterShape {
        seed,
        masters: args.masters,
        replicas_per_master: args.replicas,
        node_timeout: args.node_timeout,
        base_port: args.base_port,
        ..ClusterShape::default()
    };
    if args
        .script
        .as_deref()
        .is_some_and(|p| p.as_os_str() == "bench")
    {
        bench::run(
            &args.bench_nodes,
            args.bench_seconds,
            args.node_timeout,
            seed,
        );
        return ExitCode::SUCCESS;
    }
    let serving = args
        .script
        .as_deref()
        .is_some_and(|p| p.as_os_str() == "serve");
    if serving && !(args.speed > 0.0 && args.speed <= 1000.0) {
        eprintln!("clusterlab: --speed must be above 0 and at most 1000");
        return ExitCode::from(2);
    }
    let interactive = args.script.is_none() && std::io::stdin().is_terminal();
    let mut console = match Console::new(shape) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("clusterlab: {e}");
            return ExitCode::from(2);
        }
    };
    if serving {
        eprint!("{}", console.create_log());
        return serve::run(console, args.bind, args.speed, args.maxclients);
    }
    if interactive {
        eprint!("{}", console.create_log());
        eprintln!(
            "ClusterLab: {} simulated nodes on {}:{}-{}, seed {seed}. Type .help for console commands.",
            console.world().processes().len(),
            console.shape().ip,
            args.base_port,
            args.base_port as usize + console.world().processes().len() - 1
        );
        line_editor::run(&mut console, !args.manual_time)
    } else {
        eprintln!("clusterlab: seed {seed}");
        let script = match read_script(args.script.as_ref()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("clusterlab: {e}");
                return ExitCode::from(2);
            }
        };
        run_script(&mut console, &script)
    }
}

fn read_script(path: Option<&PathBuf>) -> Result<String, String> {
    match path {
        Some(p) if p.as_os_str() != "-" => std::fs::read(p)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| format!("cannot read {}: {e}", p.display())),
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

fn run_script(console: &mut Console, script: &str) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in script.lines() {
        let o = console.run_line(line);
        if out.write_all(&o.text).is_err() {
            return ExitCode::SUCCESS;
        }
        if o.quit {
            break;
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

/// Simulated time that follows the wall clock from the moment the prompt appears.
pub(crate) struct WallClock {
    start_wall: Instant,
    start_sim: u64,
}

impl WallClock {
    pub(crate) fn new(console: &Console) -> Self {
        WallClock {
            start_wall: Instant::now(),
            start_sim: console.world().now().as_millis(),
        }
    }

    pub(crate) fn catch_up(&self, console: &mut Console) {
        let target = self.start_sim + self.start_wall.elapsed().as_millis() as u64;
        let now = console.world().now().as_millis();
        if target > now {
            console.world_mut().advance(SimDuration(target - now));
        }
    }
}
