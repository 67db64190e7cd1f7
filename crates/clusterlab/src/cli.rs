//! The command line: the console by default, and `serve`, `bench`, `scenario` and
//! `completions` as subcommands, each with its own options.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clusterlab_core::ClusterShape;

/// A Redis Cluster you can see inside: a deterministic simulation of Redis 7 nodes,
/// created like `redis-cli --cluster create`, with a `redis-cli -c` console.
#[derive(Parser, Debug)]
#[command(version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Put the simulated nodes on real TCP ports for redis-cli, redis-benchmark and
    /// cluster client libraries; stdin takes the console's dot-commands.
    Serve(ServeArgs),
    /// Measure how fast the simulation runs, at steady state and during a failover.
    Bench(BenchArgs),
    /// Run a guided scenario and print it as Markdown (narration, console, sequence
    /// diagrams); `list` lists them.
    Scenario {
        /// The scenario's id, or `list`.
        id: String,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
}

/// The simulated cluster's shape.
#[derive(Args, Debug, Clone)]
pub struct ClusterArgs {
    /// Seed of the simulation (node IDs, latencies, timers); random if not given.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Number of masters (at least 3, as redis-cli requires).
    #[arg(long, default_value_t = 3)]
    pub masters: usize,
    /// Replicas per master.
    #[arg(long, default_value_t = 1)]
    pub replicas: usize,
    /// cluster-node-timeout in milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub node_timeout: u64,
    /// Port of the first node; the others follow.
    #[arg(long, default_value_t = 7001)]
    pub base_port: u16,
}

impl ClusterArgs {
    /// The seed given, or one from the clock.
    pub fn seed(&self) -> u64 {
        seed_or_clock(self.seed)
    }

    pub fn shape(&self, seed: u64) -> ClusterShape {
        ClusterShape {
            seed,
            masters: self.masters,
            replicas_per_master: self.replicas,
            node_timeout: self.node_timeout,
            base_port: self.base_port,
            ..ClusterShape::default()
        }
    }
}

/// The console (interactive, or a script of console lines).
#[derive(Args, Debug)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// In the interactive console, let simulated time move only with .advance.
    #[arg(long)]
    pub manual_time: bool,
    /// A file of console lines to run instead of the interactive prompt ("-" for stdin).
    pub script: Option<PathBuf>,
}

/// `clusterlab serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Simulated seconds per wall-clock second.
    #[arg(long, default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,
    /// The address to listen on (loopback unless told otherwise).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Most client connections at once, over all ports (Redis's `maxclients`).
    #[arg(long, default_value_t = crate::serve::MAX_CLIENTS)]
    pub maxclients: usize,
    /// A password for every node (`requirepass`, and `masterauth` so replicas sync):
    /// clients must AUTH, and protected mode lets other machines in.
    #[arg(long)]
    pub requirepass: Option<String>,
    /// Whether clients may run DEBUG (`enable-debug-command`): no, yes or local.
    #[arg(long, default_value = "no", value_parser = parse_protected_action)]
    pub enable_debug_command: clusterlab_core::config::ProtectedAction,
}

fn parse_protected_action(text: &str) -> Result<clusterlab_core::config::ProtectedAction, String> {
    clusterlab_core::config::ProtectedAction::parse(text)
        .ok_or_else(|| format!("'{text}' is not one of no, yes, local"))
}

/// `clusterlab bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Seed of the simulation; random if not given.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Cluster sizes to measure, comma separated.
    #[arg(long, default_value = "6,100,1000", value_delimiter = ',')]
    pub nodes: Vec<usize>,
    /// Simulated seconds per phase.
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
    /// cluster-node-timeout in milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub node_timeout: u64,
}

/// `seed`, or one from the clock when none was given.
pub fn seed_or_clock(seed: Option<u64>) -> u64 {
    seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64 % 1_000_000)
            .unwrap_or(1)
    })
}

fn parse_speed(s: &str) -> Result<f64, String> {
    let speed: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if speed > 0.0 && speed <= 1000.0 {
        Ok(speed)
    } else {
        Err("must be above 0 and at most 1000".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn subcommands_take_their_own_options() {
        let cli = Cli::try_parse_from(["clusterlab", "serve", "--seed", "1", "--speed", "2"])
            .expect("serve parses");
        match cli.command {
            Some(Command::Serve(s)) => {
                assert_eq!(s.cluster.seed, Some(1));
                assert_eq!(s.speed, 2.0);
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["clusterlab", "--speed", "2"]).is_err());
        assert!(Cli::try_parse_from(["clusterlab", "serve", "--speed", "0"]).is_err());
        let cli = Cli::try_parse_from(["clusterlab", "--seed", "3", "script.txt"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.console.script.as_deref(), Some("script.txt".as_ref()));
        let cli = Cli::try_parse_from(["clusterlab", "bench", "--nodes", "6,100"]).unwrap();
        match cli.command {
            Some(Command::Bench(b)) => assert_eq!(b.nodes, vec![6, 100]),
            other => panic!("{other:?}"),
        }
    }
}
