//! The console: redis-cli's prompt and line handling on top of the world, plus
//! dot-commands (`.help`, `.advance 2s`, …) that never shadow a Redis command.
//! The native binary and the browser drive the same console, so the same seed and the
//! same lines print the same bytes everywhere.

mod command_hints;
mod dot;
mod help;
mod live;

pub use crate::split::split_args;

use crate::client::RedisCli;
use crate::cluster_manager::{create_cluster, ClusterManager};
use crate::config::ClusterShape;
use crate::converge::{convergence_gap, slots_converged, wait_converged, wait_for};
use crate::time::{SimDuration, SimTime};
use crate::world::World;

/// How long `Console::new` lets a fresh cluster converge before giving up.
pub const CONVERGE_LIMIT: SimDuration = SimDuration(120_000);

/// What one line produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineOutput {
    /// The bytes to print on stdout.
    pub text: Vec<u8>,
    /// The user asked to leave (`quit`, `exit`, `.quit`).
    pub quit: bool,
}

impl LineOutput {
    fn text(s: impl Into<Vec<u8>>) -> Self {
        LineOutput {
            text: s.into(),
            quit: false,
        }
    }
}

/// A simulated cluster with a redis-cli attached.
#[derive(Clone)]
pub struct Console {
    world: World,
    cli: RedisCli,
    shape: ClusterShape,
    create_log: String,
    /// `.cluster-tool`: redis-cli's cluster manager, with the moves of its last command.
    manager: ClusterManager,
    /// Tool moves run as time passes (see `live.rs`).
    live_tools: bool,
    /// What a live tool printed and nobody has taken yet.
    tool_output: String,
    /// Live tool commands run so far (part of [`Console::moment`]).
    tool_steps: u64,
}

impl Console {
    /// Starts the processes of `shape`, creates the cluster as `redis-cli --cluster create`
    /// would, and waits until every node agrees (and every replica synced).
    pub fn new(shape: ClusterShape) -> Result<Console, String> {
        shape.validate()?;
        let mut world = World::new(&shape);
        let mut create_log = create_cluster(&mut world, &shape);
        // Full agreement (roles included) is what a 6-node cluster reaches in seconds; a
        // large one settles for agreement on slots, epochs and state first.
        let converged = if shape.node_count() <= 20 {
            wait_converged(&mut world, CONVERGE_LIMIT)
        } else {
            wait_for(&mut world, CONVERGE_LIMIT, slots_converged)
        };
        if !converged {
            let gap = convergence_gap(&world).unwrap_or_default();
            return Err(format!(
                "the cluster did not converge within 120 s of simulated time ({gap})"
            ));
        }
        create_log.push_str(&ClusterManager::check_now(&mut world, shape.base_port));
        let cli = RedisCli::new(&shape.ip, shape.base_port, true);
        Ok(Console {
            world,
            cli,
            shape,
            create_log,
            manager: ClusterManager::default(),
            live_tools: false,
            tool_output: String::new(),
            tool_steps: 0,
        })
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The console's client sends `AUTH password` on every connection it opens, like
    /// `redis-cli -a password`.
    pub fn set_client_password(&mut self, password: Option<&str>) {
        self.cli.set_auth(password.map(str::as_bytes));
        self.manager.set_default_password(password);
    }

    pub fn shape(&self) -> &ClusterShape {
        &self.shape
    }

    pub fn cli(&self) -> &RedisCli {
        &self.cli
    }

    /// What `redis-cli --cluster create` printed while the console started.
    pub fn create_log(&self) -> &str {
        &self.create_log
    }

    /// The prompt: `127.0.0.1:7001> `.
    pub fn prompt(&self) -> String {
        self.cli.prompt()
    }

    /// Lets simulated time catch up with `t` (the interactive console follows the wall clock).
    pub fn advance_to(&mut self, t: SimTime) {
        if t > self.world.now() {
            self.run_until(t);
        }
    }

    /// Starts a `.cluster-tool` command (the words after `.cluster-tool`) and returns what
    /// it prints before its first slot move; the moves, if any, are left for
    /// [`Console::cluster_tool_step`]. A running job is abandoned.
    pub fn start_cluster_tool(&mut self, words: &[&str]) -> String {
        self.manager.start(&mut self.world, words)
    }

    /// True while a `.cluster-tool` job has steps left.
    pub fn cluster_tool_running(&self) -> bool {
        self.manager.running()
    }

    /// Runs one step of the running `.cluster-tool` job (one command or one MIGRATE batch)
    /// and returns what redis-cli would have printed by then; `None` when nothing runs.
    pub fn cluster_tool_step(&mut self) -> Option<String> {
        self.manager.step(&mut self.world)
    }

    /// Runs one typed line and returns what to print.
    pub fn run_line(&mut self, line: &str) -> LineOutput {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return LineOutput::default();
        }
        if trimmed.starts_with('.') {
            return self.dot_command(trimmed);
        }
        let Some(args) = split_args(line) else {
            return LineOutput::text("Invalid argument(s)\n");
        };
        if args.is_empty() {
            return LineOutput::default();
        }
        let word = |i: usize, w: &str| {
            args.get(i)
                .is_some_and(|a| a.eq_ignore_ascii_case(w.as_bytes()))
        };
        if word(0, "quit") || word(0, "exit") {
            return LineOutput {
                text: Vec::new(),
                quit: true,
            };
        }
        if args.len() == 3 && word(0, "connect") {
            let host = String::from_utf8_lossy(&args[1]).into_owned();
            let port = String::from_utf8_lossy(&args[2])
                .parse::<u16>()
                .unwrap_or(0);
            self.cli.connect_to(&mut self.world, &host, port);
            return LineOutput::default();
        }
        if word(0, "help") || word(0, "?") {
            return LineOutput::text(help::redis_cli_help());
        }
        // "3 incr counter" repeats a command, as in redis-cli.
        let mut repeat = 1u64;
        let mut args = args;
        if args.len() > 1 {
            if let Ok(n) = std::str::from_utf8(&args[0]).unwrap_or("").parse::<i64>() {
                if n <= 0 {
                    return LineOutput::text("Invalid redis-cli repeat command option value.\n");
                }
                repeat = (n as u64).min(10_000);
                args.remove(0);
            }
        }
        let mut out = Vec::new();
        let started = self.world.now();
        for _ in 0..repeat {
            let o = self.cli.run(&mut self.world, &args);
            out.extend(o.text);
            // Stop after a redirect (as redis-cli does) or once a line has taken an hour
            // of simulated time (say, `1000 wait 9 0` on a cluster that cannot ack).
            if o.redirects > 0 || self.world.now().since(started) > crate::world::MAX_BLOCK_MS {
                break;
            }
        }
        LineOutput::text(out)
    }

    /// Completion candidates for the word being typed (commands, subcommands, dot-commands).
    pub fn complete(line: &str) -> Vec<String> {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with('.') {
            return help::DOT_COMMANDS
                .iter()
                .map(|(name, _)| name.to_string())
                .filter(|n| n.starts_with(&lower))
                .collect();
        }
        let words: Vec<&str> = lower.split_whitespace().collect();
        let ends_with_space = lower.ends_with(' ');
        match (words.as_slice(), ends_with_space) {
            ([w], false) => crate::commands::command_names()
                .map(|n| n.to_string())
                .filter(|n| n.starts_with(w))
                .map(|n| n.to_ascii_uppercase())
                .collect(),
            (["cluster"], true) | (["cluster", _], false) => {
                let prefix = if ends_with_space { "" } else { words[1] };
                crate::commands::cluster_subcommand_names()
                    .filter(|n| n.starts_with(prefix))
                    .map(|n| format!("CLUSTER {}", n.to_ascii_uppercase()))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The argument hint redis-cli shows after a command name, if known.
    pub fn hint(line: &str) -> Option<String> {
        help::hint_for(line)
    }
}
