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
pub const SCRIPT_TRACE_HASH: &str = "3ffe44206bae1851";

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
    /// The exchange of the `.cluster-tool` line whose moves are still running.
    tool_exchange: Option<usize>,
    /// Grows whenever something is printed, so the terminal knows to scroll.
    printed: u64,
}

impl Session {
    /// Creates the cluster of `shape` and waits for it to converge.
    /// `.cluster-tool` moves run as time passes, so the slot map changes slot by slot.
    pub fn new(shape: ClusterShape) -> Result<Session, String> {
        let mut console = Console::new(shape)?;
        console.set_live_tools(true);
        Ok(Session {
            layout: Layout::of(console.world()),
            console,
            inputs: Vec::new(),
            transcript: Vec::new(),
            tool_exchange: None,
            printed: 0,
        })
    }

    /// Rebuilds a session from its shape and inputs, then runs on to `until`.
    pub fn replay(shape: ClusterShape, inputs: &[Input], until: Moment) -> Result<Session, String> {
        Session::replay_with(shape, inputs, until, true)
    }

    /// [`Session::replay`] with live tools on or off (off for links recorded before
    /// `.cluster-tool` moves ran live).
    pub fn replay_with(
        shape: ClusterShape,
        inputs: &[Input],
        until: Moment,
        live_tools: bool,
    ) -> Result<Session, String> {
        let mut s = Session::new(shape)?;
        s.console.set_live_tools(live_tools);
        for input in inputs {
            let reached = s.console.run_to_moment(input.moment);
            s.collect_tool_output();
            if !reached {
                return Err(format!(
                    "the shared run does not fit this seed: cannot reach step {} at {}",
                    input.moment.steps, input.moment.at
                ));
            }
            s.run_line(&input.line);
        }
        s.console.run_to_moment(until);
        s.collect_tool_output();
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

    /// A count that grows whenever the terminal has something new to show.
    pub fn printed(&self) -> u64 {
        self.printed
    }

    /// Whether a `.cluster-tool` is still moving slots.
    pub fn tool_running(&self) -> bool {
        self.console.cluster_tool_running()
    }

    /// Appends what a running tool printed to the exchange that started it.
    fn collect_tool_output(&mut self) {
        let text = self.console.take_tool_output();
        self.append_tool_output(&text);
    }

    fn append_tool_output(&mut self, text: &str) {
        if let Some(x) = self.tool_exchange.and_then(|i| self.transcript.get_mut(i)) {
            if !text.is_empty() {
                x.output.push_str(text);
                self.printed += 1;
            }
        }
        if !self.console.cluster_tool_running() {
            self.tool_exchange = None;
        }
    }

    /// Runs a typed line, records it, and returns what it printed.
    pub fn run_line(&mut self, line: &str) -> String {
        let prompt = self.console.prompt();
        let moment = self.console.moment();
        let out = self.console.run_line(line);
        self.collect_tool_output();
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
        if self.tool_exchange.is_none() && self.console.cluster_tool_running() {
            self.tool_exchange = Some(self.transcript.len());
        }
        self.transcript.push(Exchange {
            prompt,
            line: line.to_string(),
            output: output.clone(),
        });
        self.printed += 1;
        output
    }

    /// Runs a live `.cluster-tool` to its end; returns what it printed meanwhile.
    pub fn finish_tool(&mut self) -> String {
        let text = self.console.finish_tool();
        self.append_tool_output(&text);
        text
    }

    /// Processes the next queued event or tool command (the "step" control).
    pub fn step(&mut self) -> bool {
        let stepped = self.console.step();
        self.collect_tool_output();
        stepped
    }

    /// Runs events up to `target`, checking `out_of_time` every few hundred steps so a
    /// frame never overruns; returns true when `target` was reached.
    pub fn run_towards(&mut self, target: SimTime, mut out_of_time: impl FnMut() -> bool) -> bool {
        let mut n = 0u32;
        while self.console.next_time().is_some_and(|t| t <= target) {
            self.console.step();
            n += 1;
            if n % 256 == 0 && out_of_time() {
                self.collect_tool_output();
                return false;
            }
        }
        self.console.run_until(target);
        self.collect_tool_output();
        true
    }
}

/// Scenarios drive the session like a learner would, so a guided run is an ordinary
/// recorded run (its share link replays it).
impl clusterlab_core::scenario::Driver for Session {
    fn console(&self) -> &Console {
        &self.console
    }
    fn run_line(&mut self, line: &str) -> String {
        Session::run_line(self, line)
    }
    fn step(&mut self) -> bool {
        Session::step(self)
    }
    fn run_until(&mut self, t: SimTime) {
        self.run_towards(t, || false);
    }
    fn finish_tool(&mut self) -> String {
        Session::finish_tool(self)
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

    #[test]
    fn a_live_reshard_moves_slots_as_time_passes_and_replays_exactly() {
        let mut s = Session::new(ClusterShape::default()).unwrap();
        s.run_line("set user:13642 alice");
        let ids: Vec<String> = s
            .console()
            .world()
            .processes()
            .iter()
            .map(|p| p.node.name().to_string())
            .collect();
        let line = format!(
            ".cluster-tool reshard 127.0.0.1:7001 --cluster-from {} --cluster-to {} --cluster-slots 100",
            ids[2], ids[0]
        );
        let plan = s.run_line(&line);
        assert!(plan.contains("Moving slot 11022 from"), "{plan}");
        assert!(s.tool_running());
        let owned = |s: &Session| {
            s.console().world().processes()[0]
                .node
                .myself()
                .slots
                .count()
        };
        assert_eq!(owned(&s), 5461, "no slot moves before time passes");
        // Part of the way: a second tool is refused, a write goes through.
        let t = s.console().world().now();
        s.run_towards(t + clusterlab_core::SimDuration(300), || false);
        let part = owned(&s);
        assert!(part > 5461 && part < 5561, "{part}");
        assert!(s
            .run_line(".cluster-tool reshard 127.0.0.1:7001")
            .contains("still moving"));
        assert!(!s.run_line("get user:13642").contains("error"));
        for _ in 0..5 {
            s.step();
        }
        let t = s.console().world().now();
        s.run_towards(t + clusterlab_core::SimDuration(60_000), || false);
        assert!(!s.tool_running());
        assert_eq!(owned(&s), 5561);
        let out = &s.transcript()[1].output;
        assert!(
            out.contains("Moving slot 11022 from 127.0.0.1:7003 to 127.0.0.1:7001: "),
            "{out}"
        );
        let end = s.console().moment();
        let replayed = Session::replay(s.shape().clone(), s.inputs(), end).unwrap();
        assert_eq!(
            replayed.console().world().trace_hash(),
            s.console().world().trace_hash()
        );
        assert_eq!(replayed.transcript(), s.transcript());
    }
}
