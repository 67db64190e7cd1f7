//! Running a checkpoint: its lines, the wait for its event, the check of its expected
//! events, and its narration filled from what happened.

use super::narrate::{fill, Facts};
use super::{Checkpoint, EventPattern};
use crate::console::Console;
use crate::time::{SimDuration, SimTime};

/// What a scenario drives: the console itself, or a front end's session around it (which
/// records the lines so the run can be shared).
pub trait Driver {
    fn console(&self) -> &Console;
    /// Runs a line as typed and returns what it printed.
    fn run_line(&mut self, line: &str) -> String;
    /// Processes the next thing due; false when nothing is queued.
    fn step(&mut self) -> bool;
    /// Lets simulated time pass up to `t`.
    fn run_until(&mut self, t: SimTime);
    /// Runs a live `.cluster-tool` to its end and returns what it printed meanwhile, so
    /// a scenario reads the same with live tools (the playground) as without.
    fn finish_tool(&mut self) -> String;
}

impl Driver for Console {
    fn console(&self) -> &Console {
        self
    }
    fn run_line(&mut self, line: &str) -> String {
        String::from_utf8_lossy(&Console::run_line(self, line).text).into_owned()
    }
    fn step(&mut self) -> bool {
        Console::step(self)
    }
    fn run_until(&mut self, t: SimTime) {
        Console::run_until(self, t)
    }
    fn finish_tool(&mut self) -> String {
        Console::finish_tool(self)
    }
}

/// What one checkpoint did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointOutcome {
    pub title: String,
    pub narration: String,
    /// Each line with the prompt it was typed at and what it printed.
    pub transcript: Vec<(String, String, String)>,
    pub started: SimTime,
    pub ended: SimTime,
    /// Event sequence numbers: the first of this checkpoint, and one past its last.
    pub events: (u64, u64),
    /// The event `until` waited for.
    pub until_event: Option<u64>,
    /// The messages that mattered (heartbeats left out), at most [`MAX_MESSAGES`].
    pub messages: Vec<MessageNote>,
    /// How many more there were.
    pub more_messages: usize,
    /// The prediction's answer, computed from the run.
    pub answer: Option<String>,
}

/// Most messages kept per checkpoint for its sequence diagram.
pub const MAX_MESSAGES: usize = 24;

/// One message for a sequence diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageNote {
    pub from: u16,
    pub to: u16,
    pub label: &'static str,
    pub at: SimTime,
}

/// Why a checkpoint failed (a scenario bug, or a simulation that changed behaviour).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("checkpoint '{checkpoint}': no event '{pattern}' within {within}")]
    NeverHappened {
        checkpoint: String,
        pattern: String,
        within: String,
    },
    #[error("checkpoint '{checkpoint}': expected an event '{pattern}', none happened")]
    Missing { checkpoint: String, pattern: String },
    #[error("checkpoint '{checkpoint}': {message}")]
    Template { checkpoint: String, message: String },
}

/// Runs one checkpoint on `d`.
pub fn run_checkpoint<D: Driver>(
    d: &mut D,
    cp: &Checkpoint,
) -> Result<CheckpointOutcome, ScenarioError> {
    let world = d.console().world();
    let started = world.now();
    let first_seq = world.events_logged();
    let first_message = world.observer().sent_total();
    let mut transcript = Vec::new();
    for line in cp.lines {
        let prompt = d.console().prompt();
        let mut out = d.run_line(line);
        out.push_str(&d.finish_tool());
        transcript.push((prompt, line.to_string(), out));
    }
    let mut until_event = None;
    if let Some(pattern) = &cp.until {
        let p = EventPattern::parse(pattern).map_err(|message| ScenarioError::Template {
            checkpoint: cp.title.to_string(),
            message,
        })?;
        let within = cp
            .within
            .and_then(SimDuration::parse)
            .unwrap_or(SimDuration::from_secs(60));
        let deadline = started + within;
        let mut scanned = first_seq;
        loop {
            let world = d.console().world();
            until_event = world
                .events()
                .filter(|e| e.seq >= scanned)
                .find(|e| p.matches(e))
                .map(|e| e.seq);
            scanned = world.events_logged();
            if until_event.is_some() {
                break;
            }
            let next = d.console().next_time();
            if world.now() >= deadline || next.is_none_or(|t| t > deadline) {
                d.run_until(deadline);
                return Err(ScenarioError::NeverHappened {
                    checkpoint: cp.title.to_string(),
                    pattern: pattern.to_string(),
                    within: within.to_string(),
                });
            }
            d.step();
        }
    }
    if let Some(a) = cp.advance.and_then(SimDuration::parse) {
        let t = d.console().world().now() + a;
        d.run_until(t);
    }
    let world = d.console().world();
    let events = (first_seq, world.events_logged());
    for pattern in cp.expect {
        let p = EventPattern::parse(pattern).map_err(|message| ScenarioError::Template {
            checkpoint: cp.title.to_string(),
            message,
        })?;
        if !world
            .events()
            .filter(|e| e.seq >= events.0)
            .any(|e| p.matches(e))
        {
            return Err(ScenarioError::Missing {
                checkpoint: cp.title.to_string(),
                pattern: pattern.to_string(),
            });
        }
    }
    let facts = Facts {
        console: d.console(),
        transcript: &transcript,
        started,
        events,
        until_event,
    };
    let template_error = |message| ScenarioError::Template {
        checkpoint: cp.title.to_string(),
        message,
    };
    let narration = fill(cp.narration, &facts).map_err(template_error)?;
    let answer = match &cp.predict {
        Some(p) => Some(fill(p.answer, &facts).map_err(template_error)?),
        None => None,
    };
    let world = d.console().world();
    let port = |i: crate::name::NodeIdx| world.processes()[i.index()].port;
    let mut messages = world
        .observer()
        .sent_since(first_message)
        .filter(|m| !m.wire.is_heartbeat())
        .map(|m| MessageNote {
            from: port(m.from),
            to: port(m.to),
            label: m.wire.label(),
            at: m.sent_at,
        });
    let kept: Vec<MessageNote> = messages.by_ref().take(MAX_MESSAGES).collect();
    let more_messages = messages.count();
    Ok(CheckpointOutcome {
        title: cp.title.to_string(),
        narration,
        transcript,
        started,
        ended: d.console().world().now(),
        events,
        until_event,
        messages: kept,
        more_messages,
        answer,
    })
}
