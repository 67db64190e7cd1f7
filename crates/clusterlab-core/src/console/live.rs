//! Live tools: with [`Console::set_live_tools`] (the playground's setting), a
//! `.cluster-tool` that moves slots prints its plan and returns; its moves then run as
//! simulated time passes, one command at a time, each as soon as the previous reply is in
//! (as redis-cli sends them). The console's own stepping interleaves them with the queued
//! events, so a run with a live tool still replays exactly from its inputs' moments.

use super::Console;
use crate::time::SimTime;
use crate::world::Moment;

impl Console {
    /// Lets `.cluster-tool` moves run as time passes instead of before the line returns.
    pub fn set_live_tools(&mut self, on: bool) {
        self.live_tools = on;
    }

    pub fn live_tools(&self) -> bool {
        self.live_tools
    }

    /// What the live tool printed since the last call.
    pub fn take_tool_output(&mut self) -> String {
        std::mem::take(&mut self.tool_output)
    }

    /// The point the run has reached, counting a live tool's commands as steps too (a
    /// command can complete without any queued event being processed).
    pub fn moment(&self) -> Moment {
        let m = self.world.moment();
        Moment {
            steps: m.steps + self.tool_steps,
            at: m.at,
        }
    }

    /// Runs a live tool to its end; returns what it printed and nobody had taken yet.
    pub fn finish_tool(&mut self) -> String {
        while self.live_tools && self.cluster_tool_running() {
            self.step();
        }
        self.take_tool_output()
    }

    /// When the next thing happens: a live tool's next command (now) or the next event.
    pub fn next_time(&self) -> Option<SimTime> {
        if self.live_tools && self.cluster_tool_running() {
            Some(self.world.now())
        } else {
            self.world.next_event_time()
        }
    }

    /// Processes one thing: a live tool's next command, or else the next queued event.
    /// Returns false when there was nothing to do.
    pub fn step(&mut self) -> bool {
        if self.live_tools && self.cluster_tool_running() {
            if let Some(text) = self.cluster_tool_step() {
                self.tool_output.push_str(&text);
            }
            self.tool_steps += 1;
            true
        } else {
            self.world.step()
        }
    }

    /// Runs everything due up to `t` (live tool commands included), then sets the clock.
    pub fn run_until(&mut self, t: SimTime) {
        while self.next_time().is_some_and(|n| n <= t) {
            self.step();
        }
        self.world.run_until(t);
    }

    /// Runs forward to a moment of [`Console::moment`], taking live tool commands in the
    /// order they were taken live. Returns false if the run is past it or cannot reach it.
    pub fn run_to_moment(&mut self, m: Moment) -> bool {
        let before = self.moment();
        if before.steps > m.steps || before.at > m.at {
            return false;
        }
        while self.moment().steps < m.steps {
            if !self.step() {
                return false;
            }
        }
        if m.at > self.world.now() {
            self.run_until(m.at);
        }
        self.moment() == m
    }

    /// `.cluster-tool` in live mode: `info` and `check` run beside a running tool (like a
    /// second redis-cli), any other is refused while one runs, and `stop` stops the
    /// running one where it is (a slot may stay open for `fix` to close).
    pub(super) fn live_cluster_tool(&mut self, words: &[&str]) -> String {
        let sub = words
            .first()
            .map(|w| w.to_ascii_lowercase())
            .unwrap_or_default();
        if sub == "info" || sub == "check" {
            let running = std::mem::take(&mut self.manager);
            let out = self.start_cluster_tool(words);
            self.manager = running;
            return out;
        }
        match (self.cluster_tool_running(), sub == "stop") {
            (true, true) => {
                self.manager.stop();
                "(console) the tool stopped here, like redis-cli interrupted with Ctrl-C; \
                 a slot it was moving may stay open: .cluster-tool fix HOST:PORT closes it\n"
                    .into()
            }
            (true, false) => "(console) a tool is still moving slots; wait for it to finish, \
                 or stop it with .cluster-tool stop\n"
                .into(),
            (false, true) => "(console) no tool is running\n".into(),
            (false, false) => self.start_cluster_tool(words),
        }
    }
}
