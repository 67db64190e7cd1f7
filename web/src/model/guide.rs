//! Guided mode: a scenario of the library played checkpoint by checkpoint on the
//! playground's own session, so every view shows it live and the learner may leave the
//! script at any point and play on from there.

use std::sync::OnceLock;

use clusterlab_core::scenario::{
    export_markdown, library, run_checkpoint, Checkpoint, CheckpointOutcome, Scenario,
};

use super::session::Session;

/// The scenario library, parsed once.
pub fn scenarios() -> &'static [Scenario] {
    static LIBRARY: OnceLock<Vec<Scenario>> = OnceLock::new();
    LIBRARY.get_or_init(|| library().into_iter().flatten().collect())
}

/// A scenario being played.
pub struct Guide {
    pub scenario: Scenario,
    /// The checkpoints run so far, in order.
    pub outcomes: Vec<CheckpointOutcome>,
    /// The learner's pick for the next checkpoint's prediction, if any.
    pub picked: Option<String>,
    /// Picks made for earlier checkpoints (index, pick), for the reveal.
    pub picks: Vec<(usize, String)>,
}

impl Guide {
    /// A fresh session in the scenario's shape, with the guide at its start.
    pub fn start(scenario: Scenario) -> Result<(Session, Guide), String> {
        let session = Session::new(scenario.shape())?;
        Ok((
            session,
            Guide {
                scenario,
                outcomes: Vec::new(),
                picked: None,
                picks: Vec::new(),
            },
        ))
    }

    /// How many checkpoints there are.
    pub fn len(&self) -> usize {
        self.scenario.checkpoints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scenario.checkpoints.is_empty()
    }

    /// Whether every checkpoint ran.
    pub fn finished(&self) -> bool {
        self.outcomes.len() >= self.len()
    }

    /// Runs the next checkpoint on `session`.
    pub fn next(&mut self, session: &mut Session) -> Result<(), String> {
        let i = self.outcomes.len();
        let Some(cp) = self.scenario.checkpoints.get(i) else {
            return Ok(());
        };
        let outcome = run_checkpoint(session, cp).map_err(|e| e.to_string())?;
        self.outcomes.push(outcome);
        if let Some(pick) = self.picked.take() {
            self.picks.push((i, pick));
        }
        Ok(())
    }

    /// Goes back one checkpoint: a new session replays the scenario's checkpoints before
    /// it (the run is deterministic, so it is the scenario's run again; what the learner
    /// typed between checkpoints is not replayed).
    pub fn back(&mut self) -> Result<Session, String> {
        let keep = self.outcomes.len().saturating_sub(1);
        let (mut session, mut fresh) = Guide::start(self.scenario)?;
        for _ in 0..keep {
            fresh.next(&mut session)?;
        }
        self.outcomes = fresh.outcomes;
        self.picks.retain(|(i, _)| *i < keep);
        self.picked = None;
        Ok(session)
    }

    /// The checkpoint that ran last.
    pub fn current_checkpoint(&self) -> Option<&Checkpoint> {
        self.scenario
            .checkpoints
            .get(self.outcomes.len().checked_sub(1)?)
    }

    /// The latest checkpoint's outcome.
    pub fn current(&self) -> Option<&CheckpointOutcome> {
        self.outcomes.last()
    }

    /// The learner's pick for checkpoint `i`, if one was made.
    pub fn pick_for(&self, i: usize) -> Option<&str> {
        self.picks
            .iter()
            .find(|(j, _)| *j == i)
            .map(|(_, p)| p.as_str())
    }

    /// The run so far as Markdown revision notes.
    pub fn markdown(&self, session: &Session) -> String {
        let mut md = export_markdown(&self.scenario, &self.outcomes, session.console().world());
        if !self.picks.is_empty() {
            md.push_str("## Your predictions\n\n");
            for (i, pick) in &self.picks {
                let q = self.scenario.checkpoints[*i].predict.as_ref();
                let answer = self.outcomes.get(*i).and_then(|o| o.answer.as_deref());
                md.push_str(&format!(
                    "- {} You said **{pick}**; the run said **{}**.\n",
                    q.map_or("", |q| q.question),
                    answer.unwrap_or("-")
                ));
            }
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::scenario::{find, library};

    #[test]
    fn every_scenario_played_in_the_playground_reaches_its_golden_trace() {
        for s in library().into_iter().flatten() {
            let (mut session, mut guide) = Guide::start(s).unwrap();
            while !guide.finished() {
                guide.next(&mut session).unwrap();
            }
            assert_eq!(
                session.console().world().trace_hash(),
                s.trace_hash,
                "{}",
                s.id
            );
        }
    }

    #[test]
    fn back_replays_to_the_same_run_and_the_markdown_has_the_picks() {
        let s = find("freshest-replica-wins").unwrap();
        let (mut session, mut guide) = Guide::start(s).unwrap();
        for _ in 0..3 {
            guide.next(&mut session).unwrap();
        }
        guide.picked = Some("7007".into());
        guide.next(&mut session).unwrap();
        let hash = session.console().world().trace_hash();
        let answer = guide.current().unwrap().answer.clone();
        assert_eq!(answer.as_deref(), Some("7005"));
        let back = guide.back().unwrap();
        assert_eq!(guide.outcomes.len(), 3);
        let mut session = back;
        guide.picked = Some("7005".into());
        guide.next(&mut session).unwrap();
        assert_eq!(session.console().world().trace_hash(), hash);
        let md = guide.markdown(&session);
        assert!(
            md.contains("You said **7005**; the run said **7005**"),
            "{md}"
        );
        assert!(md.contains("```mermaid"), "{md}");
        // The guided run is an ordinary recorded run: its inputs replay it.
        let end = session.console().moment();
        let replayed = Session::replay(session.shape().clone(), session.inputs(), end).unwrap();
        assert_eq!(replayed.console().world().trace_hash(), hash);
    }
}
