//! A playground session: the console over a simulated cluster, plus every input with the
//! exact moment it was typed, so that the run can be shared and replayed byte for byte.

use clusterlab_core::console::Console;

use super::topology::Layout;
use clusterlab_core::{ClusterShape, Moment, SimTime};

/// A fixed script whose trace hash (seed 1, the default shape) must be the same natively
/// and in the browser; a native test and a browser test both check it.
pub const SCRIPT_FOR_HASH: [&str; 5] = [
    "set mykey myvalue",
    ".kill 7003",
    ".advance 20s",
    "get mykey",
    "cluster info",
];
pub const SCRIPT_TRACE_HASH: &str = "9602c84a4c547a29";

/// One typed line (a Redis command or a dot-command) and when it was typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub moment: Moment,
    pub line: String,
}

/// One console exchange, as the terminal shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    pub prompt: String,
    pub line: String,
    pub output: String,
}

/// The state the playground renders.
pub struct Session {
    console: Console,
    /// Shards as created, so that cards keep their places through failovers and replays.
    layout: Layout,
    inputs: Vec<Input>,
    transcript: Vec<Exchange>,
}

impl Session {
    /// Creates the cluster of `shape` and waits for it to converge.
    pub fn new(shape: ClusterShape) -> Result<Session, String> {
        let console = Console::new(shape)?;
        Ok(Session {
            layout: Layout::of(console.world()),
            console,
            inputs: Vec::new(),
            transcript: Vec::new(),
        })
    }

    /// Rebuilds a session from its shape and inputs, then runs on to `until`.
    pub fn replay(shape: ClusterShape, inputs: &[Input], until: Moment) -> Result<Session, String> {
        let mut s = Session::new(shape)?;
        for input in inputs {
            if !s.console.world_mut().run_to_moment(input.moment) {
                return Err(format!(
                    "the shared run does not fit this seed: cannot reach step {} at {}",
                    input.moment.steps, input.moment.at
                ));
            }
            s.run_line(&input.line);
        }
        s.console.world_mut().run_to_moment(until);
        Ok(s)
    }

    pub fn console(&self) -> &Console {
        &self.console
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn shape(&self) -> &ClusterShape {
        self.console.shape()
    }

    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    pub fn transcript(&self) -> &[Exchange] {
        &self.transcript
    }

    /// Runs a typed line, records it, and returns what it printed.
    pub fn run_line(&mut self, line: &str) -> String {
        let prompt = self.console.prompt();
        let moment = self.console.world().moment();
        let out = self.console.run_line(line);
        self.layout.include_new(self.console.world());
        let mut output = String::from_utf8_lossy(&out.text).into_owned();
        if out.quit {
            output.push_str("(playground) the browser console stays open; Reset starts over\n");
        }
        if !line.trim().is_empty() {
            self.inputs.push(Input {
                moment,
                line: line.to_string(),
            });
        }
        self.transcript.push(Exchange {
            prompt,
            line: line.to_string(),
            output: output.clone(),
        });
        output
    }

    /// Processes the next queued event (the "step" control).
    pub fn step(&mut self) -> bool {
        self.console.world_mut().step()
    }

    /// Runs events up to `target`, checking `out_of_time` every few hundred steps so a
    /// frame never overruns; returns true when `target` was reached.
    pub fn run_towards(&mut self, target: SimTime, mut out_of_time: impl FnMut() -> bool) -> bool {
        let world = self.console.world_mut();
        let mut n = 0u32;
        while world.next_event_time().is_some_and(|t| t <= target) {
            world.step();
            n += 1;
            if n % 256 == 0 && out_of_time() {
                return false;
            }
        }
        world.run_until(target);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_script_has_the_recorded_trace_hash() {
        let mut s = Session::new(ClusterShape::default()).unwrap();
        for line in SCRIPT_FOR_HASH {
            s.run_line(line);
        }
        assert_eq!(s.console().world().trace_hash(), SCRIPT_TRACE_HASH);
    }

    #[test]
    fn a_replay_reaches_the_same_trace_hash_even_after_single_steps() {
        let mut s = Session::new(ClusterShape::default()).unwrap();
        s.run_line("set mykey myvalue");
        for _ in 0..7 {
            s.step();
        }
        s.run_line(".kill 7003");
        let t = s.console().world().now();
        s.run_towards(t + clusterlab_core::SimDuration(9_000), || false);
        s.step();
        s.run_line("get mykey");
        let end = s.console().world().moment();
        let replayed = Session::replay(s.shape().clone(), s.inputs(), end).unwrap();
        assert_eq!(
            replayed.console().world().trace_hash(),
            s.console().world().trace_hash()
        );
        assert_eq!(replayed.transcript(), s.transcript());
    }
}
