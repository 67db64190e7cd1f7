//! A `--cluster` tool's slot moves as a queue of small steps (`clusterManagerMoveSlot`
//! cut at each command redis-cli sends), so the playground can animate a reshard and a
//! test can write between two MIGRATEs. `.cluster-tool` runs the queue to the end.

use std::collections::VecDeque;

use super::Tool;
use crate::reply::Reply;

/// MIGRATE's timeout in ms (`--cluster-timeout`, 60000 by default).
const TIMEOUT_MS: &str = "60000";

/// Where a node is and who it is, as the tool needs it for a move.
#[derive(Clone, Debug)]
pub(super) struct Endpoint {
    pub(super) id: String,
    pub(super) addr: String,
    pub(super) port: u16,
}

/// How a move prints and what it does around the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MoveStyle {
    /// reshard and fix's case 1: "Moving slot …: " then a dot per key.
    Verbose,
    /// rebalance: nothing per key, a `#` per slot.
    Quiet,
    /// fix's cases 2 and 3 of uncovered slots: keys only, the slot is not opened or closed.
    Cold,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Open,
    Keys,
    Close,
}

/// One slot moving from `source` to `target`.
#[derive(Clone, Debug)]
pub(super) struct SlotMove {
    pub(super) slot: u16,
    pub(super) source: Endpoint,
    pub(super) target: Endpoint,
    /// Every master, in the tool's order, told the new owner when the move closes.
    pub(super) masters: Vec<Endpoint>,
    pub(super) style: MoveStyle,
    stage: Stage,
    /// A cold move prints its heading with its first keys.
    started: bool,
}

impl SlotMove {
    pub(super) fn new(
        slot: u16,
        source: Endpoint,
        target: Endpoint,
        masters: Vec<Endpoint>,
        style: MoveStyle,
    ) -> SlotMove {
        let stage = if style == MoveStyle::Cold {
            Stage::Keys
        } else {
            Stage::Open
        };
        SlotMove {
            slot,
            source,
            target,
            masters,
            style,
            stage,
            started: false,
        }
    }
}

/// One step of a tool's work.
#[derive(Clone, Debug)]
pub(super) enum Task {
    Text(String),
    Move(SlotMove),
}

/// The queue of a running tool.
#[derive(Clone, Debug, Default)]
pub(super) struct ToolJob {
    pub(super) tasks: VecDeque<Task>,
    pub(super) replace: bool,
    pub(super) pipeline: usize,
    /// How a failed move is reported: reshard's `clusterManagerMoveSlot failed: …` or
    /// rebalance's `*** clusterManagerMoveSlot: …`.
    pub(super) rebalance_errors: bool,
}

impl Tool<'_> {
    /// One step of the job; see [`super::ClusterManager::step`].
    pub(super) fn step(&mut self) -> Option<String> {
        let mut job = self.manager.job.take()?;
        let out = match job.tasks.pop_front() {
            None => return None,
            Some(Task::Text(t)) => t,
            Some(Task::Move(mut m)) => match self.move_step(&mut m, &job) {
                Ok((text, done)) => {
                    if !done {
                        job.tasks.push_front(Task::Move(m));
                    }
                    text
                }
                Err(e) => {
                    job.tasks.clear();
                    self.manager.job_failed = true;
                    let (node_error, reason) = e.rsplit_once('\n').unwrap_or(("", &e));
                    if job.rebalance_errors {
                        format!("\n{node_error}\n*** clusterManagerMoveSlot: {reason}\n")
                    } else {
                        format!("\n{node_error}\nclusterManagerMoveSlot failed: {reason}\n")
                    }
                }
            },
        };
        if !job.tasks.is_empty() {
            self.manager.job = Some(job);
        }
        Some(out)
    }

    /// Runs the job to its end; returns all it printed and whether every step succeeded.
    pub(super) fn run_job(&mut self, job: ToolJob) -> (String, bool) {
        self.manager.job = Some(job);
        self.manager.job_failed = false;
        let mut out = String::new();
        while let Some(text) = self.step() {
            out.push_str(&text);
        }
        (out, !self.manager.job_failed)
    }

    /// One stage of a slot move; returns its text and whether the move is over.
    fn move_step(&mut self, m: &mut SlotMove, job: &ToolJob) -> Result<(String, bool), String> {
        let slot = m.slot.to_string();
        let ok = |r: Option<Reply>| match r {
            Some(Reply::Status(_)) => Ok(()),
            Some(Reply::Error(e)) => Err(e),
            _ => Err("I/O error".to_string()),
        };
        let heading = format!(
            "Moving slot {} from {} to {}: ",
            m.slot, m.source.addr, m.target.addr
        );
        match m.stage {
            Stage::Open => {
                let importing = ["CLUSTER", "SETSLOT", &slot, "IMPORTING", &m.source.id];
                ok(self.tool_call(m.target.port, &importing))?;
                let migrating = ["CLUSTER", "SETSLOT", &slot, "MIGRATING", &m.target.id];
                ok(self.tool_call(m.source.port, &migrating))?;
                m.stage = Stage::Keys;
                Ok((
                    if m.style == MoveStyle::Verbose {
                        heading
                    } else {
                        String::new()
                    },
                    false,
                ))
            }
            Stage::Keys => {
                let batch = job.pipeline.to_string();
                let keys = match self
                    .tool_call(m.source.port, &["CLUSTER", "GETKEYSINSLOT", &slot, &batch])
                {
                    Some(Reply::Array(Some(keys))) => keys,
                    _ => return Err("I/O error".into()),
                };
                let head = if m.style == MoveStyle::Cold && !m.started {
                    m.started = true;
                    heading
                } else {
                    String::new()
                };
                if keys.is_empty() {
                    if m.style == MoveStyle::Cold {
                        return Ok((head + "\n", true));
                    }
                    m.stage = Stage::Close;
                    return Ok((String::new(), false));
                }
                let names: Vec<String> = keys
                    .iter()
                    .filter_map(|k| match k {
                        Reply::Bulk(Some(b)) => Some(String::from_utf8_lossy(b).into_owned()),
                        _ => None,
                    })
                    .collect();
                let ip = m
                    .target
                    .addr
                    .rsplit_once(':')
                    .map_or("127.0.0.1", |(h, _)| h);
                let port = m.target.port.to_string();
                let mut migrate = vec!["MIGRATE", ip, &port, "", "0", TIMEOUT_MS];
                if job.replace {
                    migrate.push("REPLACE");
                }
                let auth = self.migrate_auth();
                migrate.extend(auth.iter().map(String::as_str));
                migrate.push("KEYS");
                migrate.extend(names.iter().map(String::as_str));
                ok(self.tool_call(m.source.port, &migrate))?;
                let dots = if m.style == MoveStyle::Quiet {
                    String::new()
                } else {
                    ".".repeat(names.len())
                };
                Ok((head + &dots, false))
            }
            Stage::Close => {
                // The target first, then the source, then every other master (7.0.15's
                // order: the target spreads the news itself, see redis#7116).
                let node = ["CLUSTER", "SETSLOT", &slot, "NODE", &m.target.id];
                let others = m
                    .masters
                    .iter()
                    .filter(|n| n.id != m.target.id && n.id != m.source.id);
                let order: Vec<&Endpoint> =
                    [&m.target, &m.source].into_iter().chain(others).collect();
                for n in order {
                    match ok(self.tool_call(n.port, &node)) {
                        Ok(()) => {}
                        // The source gave its last slot away and already follows the
                        // target (it heard the target's PONG first): redis-cli accepts this
                        // reply from the source (redis#9223).
                        Err(e) if n.id == m.source.id && e.contains("only with masters") => {}
                        Err(e) => {
                            return Err(format!("Node {} replied with error:\n{e}\n{e}", n.addr))
                        }
                    }
                }
                let end = if m.style == MoveStyle::Quiet {
                    "#"
                } else {
                    "\n"
                };
                Ok((end.to_string(), true))
            }
        }
    }
}
