//! Guided scenarios: data, not code. A scenario is a seed, a cluster shape and a list of
//! checkpoints; each checkpoint runs console lines (commands, faults, tools), may wait for
//! an event, and tells what happened through a narration template filled from the run
//! itself (`narrate.rs`), so the story is always the run's own. Every scenario is also a
//! regression test: its checkpoints' expected events and its trace hash are checked.
//!
//! The library lives in `crates/clusterlab-core/scenarios/*.toml`, read at build time
//! (`build.rs`) into static data.

mod export;
mod interview;
mod narrate;
mod run;

use crate::config::ClusterShape;
use crate::time::SimDuration;

pub use export::export_markdown;
pub use interview::{interview, Claim, Question};
pub use run::{
    run_checkpoint, CheckpointOutcome, Driver, MessageNote, ScenarioError, MAX_MESSAGES,
};

/// One scenario, as written in its TOML file (read at build time: `build.rs`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scenario {
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence: what the learner will see.
    pub summary: &'static str,
    /// A group for the picker ("basics", "failover", "resharding", …).
    pub topic: &'static str,
    /// Default 1.
    pub seed: u64,
    /// Default 3.
    pub masters: usize,
    /// Default 1.
    pub replicas: usize,
    /// Default 5000.
    pub node_timeout: u64,
    /// The run's trace hash after the last checkpoint (the golden trace).
    pub trace_hash: &'static str,
    /// The file's `[[checkpoint]]` tables.
    pub checkpoints: &'static [Checkpoint],
}

/// One step of a scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Checkpoint {
    pub title: &'static str,
    /// Console lines run in order (Redis commands and dot-commands).
    pub lines: &'static [&'static str],
    /// After the lines, run until an event matching this pattern (see [`EventPattern`]).
    pub until: Option<&'static str>,
    /// How long `until` may wait in simulated time (default 60s).
    pub within: Option<&'static str>,
    /// Then let this much simulated time pass.
    pub advance: Option<&'static str>,
    /// The story of this checkpoint, with `{placeholders}` filled from the run.
    pub narration: &'static str,
    /// Events that must happen during this checkpoint (the regression test).
    pub expect: &'static [&'static str],
    /// Nodes and slots the narration is about (the playground highlights them).
    pub focus_ports: &'static [u16],
    pub focus_slots: &'static [u16],
    /// A "predict, then reveal" question asked before the checkpoint runs.
    pub predict: Option<Prediction>,
}

/// A question whose answer is computed from the run (a template like the narration).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Prediction {
    pub question: &'static str,
    pub choices: &'static [&'static str],
    pub answer: &'static str,
    pub explain: &'static str,
}

impl Scenario {
    fn validate(&self) -> Result<(), String> {
        self.shape().validate()?;
        for cp in self.checkpoints {
            for pattern in cp.until.iter().chain(cp.expect) {
                EventPattern::parse(pattern)?;
            }
            for d in cp.within.iter().chain(&cp.advance) {
                SimDuration::parse(d).ok_or_else(|| format!("'{d}' is not a duration"))?;
            }
        }
        Ok(())
    }

    /// The cluster the scenario starts from.
    pub fn shape(&self) -> ClusterShape {
        ClusterShape {
            seed: self.seed,
            masters: self.masters,
            replicas_per_master: self.replicas,
            node_timeout: self.node_timeout,
            ..ClusterShape::default()
        }
    }
}

/// Which events a pattern matches: `KIND [FIELD=VALUE …] [@PORT]`. `KIND` is an event
/// kind's stable name ([`crate::EventKind::NAMES`]: `possibly-failing`, `auth-granted`,
/// …); each `FIELD=VALUE` keeps events whose field has that value, as
/// [`crate::EventKind::fields`] gives it (`rank=0`, `ok=false`, `reason=orphaned-master`,
/// `error=ASK`); `@PORT` keeps events on that node. `scenarios/README.md` lists every kind
/// with its fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventPattern {
    pub kind: &'static str,
    pub fields: Vec<(&'static str, String)>,
    pub port: Option<u16>,
}

impl EventPattern {
    pub fn parse(pattern: &str) -> Result<EventPattern, String> {
        let mut words = pattern.split_whitespace();
        let name = words
            .next()
            .ok_or_else(|| "an empty event pattern".to_string())?;
        let kind = crate::EventKind::NAMES
            .iter()
            .find(|k| **k == name)
            .copied()
            .ok_or_else(|| format!("unknown event kind '{name}' in '{pattern}'"))?;
        let names = crate::EventKind::field_names(kind).unwrap_or_default();
        let mut fields = Vec::new();
        let mut port = None;
        for w in words {
            if let Some(p) = w.strip_prefix('@') {
                let p = p
                    .parse::<u16>()
                    .map_err(|_| format!("bad port in '{pattern}'"))?;
                port = Some(p);
            } else if let Some((f, v)) = w.split_once('=') {
                let f = names.iter().find(|n| **n == f).ok_or_else(|| {
                    format!("'{kind}' has no field '{f}' (it has {})", names.join(", "))
                })?;
                fields.push((*f, v.to_string()));
            } else {
                return Err(format!(
                    "'{w}' in '{pattern}' is neither FIELD=VALUE nor @PORT"
                ));
            }
        }
        Ok(EventPattern { kind, fields, port })
    }

    pub fn matches(&self, e: &crate::event::Event) -> bool {
        e.kind.name() == self.kind
            && self.port.is_none_or(|p| e.port == Some(p))
            && (self.fields.is_empty() || {
                let have = e.kind.fields();
                self.fields
                    .iter()
                    .all(|(f, v)| have.iter().any(|(g, w)| g == f && w == v))
            })
    }
}

mod library {
    use super::{Checkpoint, Prediction, Scenario};
    use crate::scenario::interview::{Claim, Question};

    include!(concat!(env!("OUT_DIR"), "/library.rs"));
}

pub(crate) use library::INTERVIEW;

/// The scenario library, checked (a scenario that does not check is a bug the tests catch).
pub fn library() -> Vec<Result<Scenario, String>> {
    library::LIBRARY
        .iter()
        .map(|s| s.validate().map(|()| *s))
        .collect()
}

/// Runs every checkpoint of `scenario` on a fresh console.
pub fn run_all(
    scenario: &Scenario,
) -> Result<(crate::console::Console, Vec<CheckpointOutcome>), String> {
    let mut console = crate::console::Console::new(scenario.shape())?;
    let mut outcomes = Vec::new();
    for cp in scenario.checkpoints {
        outcomes.push(run_checkpoint(&mut console, cp).map_err(|e| e.to_string())?);
    }
    Ok((console, outcomes))
}

/// One scenario by id.
pub fn find(id: &str) -> Option<Scenario> {
    library().into_iter().flatten().find(|s| s.id == id)
}
