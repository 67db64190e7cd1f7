//! redis-cli's cluster manager (`redis-cli --cluster …`), which the console's
//! `.cluster-tool` runs: `create` (`create.rs`), `info` and `check` (`check.rs`, on what
//! `load.rs` reads), `add-node` and `del-node` (`nodes.rs`), `reshard` (`reshard.rs`),
//! `rebalance` (`rebalance.rs`) and `fix` (`fix.rs`), with redis-cli's own text. Like
//! redis-cli it is a client: it learns the cluster through commands and changes it through
//! commands. Slot moves are queued as a job of small steps (`job.rs`) so they can run as
//! simulated time passes.

mod check;
mod create;
mod fix;
mod job;
mod load;
mod nodes;
mod rebalance;
mod reshard;

pub use create::{create_cluster, create_on, plan, plan_for, slot_split, CreatePlan};

use crate::world::World;

pub(crate) const USAGE: &str = "(console) .cluster-tool create|check|info|fix|reshard|rebalance|add-node|del-node ARGS (see .help)\n";
const INVALID_HOST: &str = "[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or space separated IP and port (ie. 120.0.0.1 7000)\n";

fn host_port(addr: &str) -> Option<(String, u16)> {
    let (host, port) = addr.rsplit_once(':')?;
    Some((host.to_string(), port.parse().ok()?))
}

/// What the manager logs in with on every connection it opens (`-a`, `--user`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Login {
    user: Option<String>,
    password: String,
}

/// The cluster manager's state between commands: the job of a command that moves slots.
#[derive(Clone, Debug, Default)]
pub struct ClusterManager {
    /// A job with steps left (see [`ClusterManager::step`]).
    job: Option<job::ToolJob>,
    /// Whether a step of the last job failed.
    job_failed: bool,
    /// The login of the last command: its own `-a`/`--pass` and `--user`, or the console's
    /// password.
    login: Option<Login>,
    /// The console client's password (`Console::set_client_password`).
    default_password: Option<String>,
}

/// The words without redis-cli's `-a PW`, `--pass PW` and `--user NAME`, and those values.
fn take_login<'a>(words: &[&'a str]) -> (Vec<&'a str>, Option<String>, Option<String>) {
    let (mut rest, mut password, mut user) = (Vec::new(), None, None);
    let mut i = 0;
    while i < words.len() {
        match (words[i], words.get(i + 1)) {
            ("-a" | "--pass", Some(p)) => password = Some(p.to_string()),
            ("--user", Some(u)) => user = Some(u.to_string()),
            (w, _) => {
                rest.push(w);
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    (rest, password, user)
}

/// One command of the manager at work: the world it talks to, and its state.
pub(crate) struct Tool<'a> {
    world: &'a mut World,
    manager: &'a mut ClusterManager,
    /// Read replies without simulated time passing (see [`World::peek`]).
    peek: bool,
    /// The error the last refused login got.
    login_error: Option<String>,
}

impl ClusterManager {
    fn tool<'a>(&'a mut self, world: &'a mut World) -> Tool<'a> {
        Tool {
            world,
            manager: self,
            peek: false,
            login_error: None,
        }
    }

    /// Starts a `--cluster` command (its words: `reshard 127.0.0.1:7001 …`) and returns
    /// what it prints before its first slot move; the moves, if any, are left for
    /// [`ClusterManager::step`]. A running job is abandoned.
    pub fn start(&mut self, world: &mut World, words: &[&str]) -> String {
        let (words, password, user) = take_login(words);
        self.login = password
            .or_else(|| self.default_password.clone())
            .map(|password| Login { user, password });
        self.tool(world).start(&words)
    }

    /// The password every command logs in with unless it gives `-a` (the console client's,
    /// like `redis-cli -a PW --cluster …`).
    pub fn set_default_password(&mut self, password: Option<&str>) {
        self.default_password = password.map(str::to_string);
    }

    /// True while the job of the last command has steps left.
    pub fn running(&self) -> bool {
        self.job.as_ref().is_some_and(|j| !j.tasks.is_empty())
    }

    /// Runs one step of the job (one command or one MIGRATE batch) and returns what
    /// redis-cli would have printed by then; `None` when nothing runs.
    pub fn step(&mut self, world: &mut World) -> Option<String> {
        self.tool(world).step()
    }

    /// Runs a command to its end and returns all it printed.
    pub fn run(&mut self, world: &mut World, words: &[&str]) -> String {
        let mut out = self.start(world, words);
        while let Some(text) = self.step(world) {
            out.push_str(&text);
        }
        out
    }

    /// Stops the running job where it is, like Ctrl-C.
    pub fn stop(&mut self) {
        self.job = None;
    }

    /// What `--cluster check HOST:PORT` prints of the cluster as it is now, read without
    /// letting simulated time pass (what `--cluster create` prints at its end).
    pub fn check_now(world: &mut World, port: u16) -> String {
        let mut manager = ClusterManager::default();
        let mut tool = Tool {
            world,
            manager: &mut manager,
            peek: true,
            login_error: None,
        };
        match tool.tool_load(port) {
            Ok(mut loaded) => tool.check_cluster(&mut loaded, false, false).0,
            Err(e) => format!("{e}\n"),
        }
    }
}

impl Tool<'_> {
    /// Starts a command (the words after `--cluster`); see [`ClusterManager::start`].
    fn start(&mut self, words: &[&str]) -> String {
        self.manager.job = None;
        let Some(sub) = words.first().map(|s| s.to_ascii_lowercase()) else {
            return USAGE.into();
        };
        let args = &words[1..];
        match sub.as_str() {
            "create" => self.tool_create(args),
            "add-node" => match args {
                [new, existing, opts @ ..] => match (host_port(new), host_port(existing)) {
                    (Some(new), Some(existing)) => self.add_node(new, existing, opts),
                    _ => INVALID_HOST.into(),
                },
                _ => INVALID_HOST.into(),
            },
            "del-node" => match args {
                [addr, id] => match host_port(addr) {
                    Some(addr) => self.del_node(addr, id),
                    None => INVALID_HOST.into(),
                },
                _ => INVALID_HOST.into(),
            },
            "info" | "check" | "fix" | "reshard" | "rebalance" => {
                let Some((_, port)) = args.first().and_then(|a| host_port(a)) else {
                    return INVALID_HOST.into();
                };
                let mut loaded = match self.tool_load(port) {
                    Ok(l) if !l.nodes.is_empty() => l,
                    Ok(_) => {
                        return format!(
                            "[ERR] Node {} is not configured as a cluster node.\n",
                            args[0]
                        )
                    }
                    Err(e) => return format!("{e}\n"),
                };
                let opts = &args[1..];
                match sub.as_str() {
                    "info" => Self::tool_info(&loaded.nodes),
                    "check" | "fix" => {
                        let info = Self::tool_info(&loaded.nodes);
                        info + &self.check_cluster(&mut loaded, false, sub == "fix").0
                    }
                    "reshard" => {
                        let (check, _) = self.check_cluster(&mut loaded, false, false);
                        match Self::plan_reshard(&loaded.nodes, check, opts) {
                            Ok((text, job)) => {
                                self.manager.job = Some(job);
                                text
                            }
                            Err(text) => text,
                        }
                    }
                    _ => self.rebalance(&mut loaded, opts),
                }
            }
            _ => USAGE.into(),
        }
    }
}
