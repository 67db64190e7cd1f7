//! The playground's state and its transitions: one [`Playground`] holds the session (the
//! console over the simulated cluster) and what the panels share, and
//! [`Playground::update`] applies an [`Action`]. It is free of the DOM, so it is tested
//! natively; what must reach the browser (the address bar, local storage, a download)
//! comes out as [`Effect`]s. State only one panel needs (the terminal's input, the slot
//! map's colouring, the event log's filters) stays in that panel.

use std::collections::VecDeque;

use clusterlab_core::{ClusterShape, NodeIdx, SimTime};

use super::events::BookmarkIndex;
use super::flights::Flights;
use super::guide::Guide;
use super::inspector::{inspect, Inspection};
use super::interview::{questions, InterviewAction, InterviewState};
use super::session::Session;
use super::share::{encode, SharedRun};

mod guided;

/// The cluster-shape form, applied on Reset.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapeForm {
    pub seed: String,
    pub masters: String,
    pub replicas: String,
    pub node_timeout: String,
}

impl ShapeForm {
    pub fn of(shape: &ClusterShape) -> Self {
        ShapeForm {
            seed: shape.seed.to_string(),
            masters: shape.masters.to_string(),
            replicas: shape.replicas_per_master.to_string(),
            node_timeout: shape.node_timeout.to_string(),
        }
    }

    pub fn shape(&self) -> Result<ClusterShape, String> {
        let num = |what: &str, v: &str| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| format!("{what} must be a whole number, not '{v}'"))
        };
        let shape = ClusterShape {
            seed: num("seed", &self.seed)?,
            masters: num("masters", &self.masters)? as usize,
            replicas_per_master: num("replicas", &self.replicas)? as usize,
            node_timeout: num("node-timeout", &self.node_timeout)?,
            ..ClusterShape::default()
        };
        shape.validate()?;
        Ok(shape)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShapeField {
    Seed,
    Masters,
    Replicas,
    NodeTimeout,
}

/// The tabs of the Learn dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnTab {
    Scenarios,
    Interview,
}

/// What the learner does in guided mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuideAction {
    /// Starts a scenario and runs its first `n` checkpoints.
    Start(String, usize),
    Next,
    Back,
    Pick(String),
    Leave,
    Export,
}

/// Everything that changes the playground.
#[derive(Clone, Debug)]
pub enum Action {
    /// An animation frame at wall-clock `ts` (ms); `clock` reads the wall clock, so that a
    /// frame stops simulating when its budget is spent.
    Frame {
        ts: f64,
        clock: fn() -> f64,
    },
    TogglePlay,
    Step,
    SetSpeed(f64),
    /// A console line, typed or a control turned into its dot-command.
    RunLine(String),
    /// Several console lines in a row (a tool button), each once no tool moves slots.
    RunLines(Vec<String>),
    /// Stops the running `.cluster-tool` and drops the control lines waiting for it.
    StopTool,
    Shape(ShapeField, String),
    Reset,
    /// Starts over with this seed.
    NewSeed(u64),
    ToggleHeartbeats,
    Inspect(NodeIdx),
    SelectEvent(Option<u64>),
    ToggleAbout,
    ToggleFidelity,
    /// Opens the Learn dialog on a tab, or closes it.
    Learn(Option<LearnTab>),
    Guide(GuideAction),
    Interview(InterviewAction),
    /// Interview practice as Markdown notes, downloaded.
    ExportInterview,
}

/// What the browser must do after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The run's share text: into the address bar and local storage.
    SaveRun(String),
    /// Interview progress, for local storage.
    SaveInterview(String),
    /// Offer a file download.
    Download { name: String, text: String },
    /// A figure for the page benchmark and tests (a `data-*` attribute).
    Publish(&'static str, String),
}

/// How often, at most, the inspector compares every node's view while time runs.
const INSPECT_EVERY_MS: f64 = 250.0;
const INSPECT_EVERY_BIG_MS: f64 = 1000.0;
/// How often, at most, the slot map is redrawn while time runs.
const SLOTS_EVERY_MS: f64 = 250.0;
/// How often, at most, the address bar is rewritten while time runs.
const SAVE_EVERY_MS: f64 = 1000.0;
/// How long one frame may simulate, in ms of wall time.
const FRAME_BUDGET_MS: f64 = 10.0;

/// The playground's shared state.
pub struct Playground {
    session: Session,
    /// Grows whenever a new session is put in place; panels keyed by it start afresh.
    pub generation: u64,
    pub notice: Option<String>,
    pub playing: bool,
    pub speed: f64,
    sim_carry: f64,
    last_frame: Option<f64>,
    /// Wall-clock time of the latest frame (ms).
    pub wall_now: f64,
    /// Simulated time fell behind the wall clock because frames ran out of budget.
    pub lagging: bool,
    pub flights: Flights,
    pub show_heartbeats: bool,
    pub inspected: NodeIdx,
    pub inspection: Inspection,
    inspected_at: f64,
    pub form: ShapeForm,
    /// The event selected in the log (the views highlight what it concerns).
    pub selected_event: Option<u64>,
    pub bookmarks: BookmarkIndex,
    /// Grows whenever the slot map should be drawn again.
    pub slots_version: u64,
    slots_drawn_at: f64,
    saved: String,
    saved_at: f64,
    /// Lines of a control that wait for the running `.cluster-tool` to finish.
    pub queued: VecDeque<String>,
    /// The scenario being played in guided mode.
    pub guide: Option<Guide>,
    /// The Learn dialog, open on one of its tabs.
    pub learn: Option<LearnTab>,
    pub interview: InterviewState,
    pub about_open: bool,
    pub fidelity_open: bool,
    effects: Vec<Effect>,
}

/// The share text of a session's run.
pub fn share_text(session: &Session) -> String {
    encode(&SharedRun {
        shape: session.shape().clone(),
        inputs: session.inputs().to_vec(),
        until: session.console().moment(),
        live_tools: session.console().live_tools(),
    })
}

impl Playground {
    pub fn new(session: Session, notice: Option<String>, interview: InterviewState) -> Playground {
        let mut flights = Flights::default();
        flights.skip_to(session.console().world());
        let inspected = session
            .console()
            .world()
            .by_port(session.console().cli().port())
            .unwrap_or(NodeIdx(0));
        let inspection = inspect(session.console().world(), inspected);
        let mut p = Playground {
            form: ShapeForm::of(session.shape()),
            session,
            generation: 0,
            notice,
            playing: false,
            speed: 1.0,
            sim_carry: 0.0,
            last_frame: None,
            wall_now: 0.0,
            lagging: false,
            flights,
            show_heartbeats: true,
            inspected,
            inspection,
            inspected_at: 0.0,
            selected_event: None,
            bookmarks: BookmarkIndex::default(),
            slots_version: 0,
            slots_drawn_at: 0.0,
            saved: String::new(),
            saved_at: f64::NEG_INFINITY,
            queued: VecDeque::new(),
            guide: None,
            learn: None,
            interview,
            about_open: false,
            fidelity_open: false,
            effects: Vec::new(),
        };
        p.bookmarks.update(p.session.console().world());
        p.save();
        p
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// What the browser must do, in order; taking them empties the list.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Whether a tool moves slots or control lines wait for one (the tools wait too).
    pub fn tools_busy(&self) -> bool {
        self.session.tool_running() || !self.queued.is_empty()
    }

    /// Applies `action`; returns whether anything the page shows may have changed.
    pub fn update(&mut self, action: Action) -> bool {
        match action {
            Action::Frame { ts, clock } => return self.frame(ts, clock),
            Action::TogglePlay => {
                self.playing = !self.playing;
                if !self.playing {
                    self.save();
                }
            }
            Action::Step => {
                self.playing = false;
                self.session.step();
                self.after_change();
                let steps = self.session.console().world().observer().steps();
                self.effects
                    .push(Effect::Publish("steps", steps.to_string()));
            }
            Action::SetSpeed(s) => self.speed = s.clamp(0.1, 1000.0),
            Action::RunLine(line) => self.run_line(&line),
            Action::RunLines(lines) => {
                self.queued.extend(lines);
                self.run_queued();
            }
            Action::StopTool => self.run_line(".cluster-tool stop"),
            Action::Shape(field, v) => match field {
                ShapeField::Seed => self.form.seed = v,
                ShapeField::Masters => self.form.masters = v,
                ShapeField::Replicas => self.form.replicas = v,
                ShapeField::NodeTimeout => self.form.node_timeout = v,
            },
            Action::Reset => self.reset_to_form(),
            Action::NewSeed(seed) => {
                self.form.seed = seed.to_string();
                self.reset_to_form();
            }
            Action::ToggleHeartbeats => self.show_heartbeats = !self.show_heartbeats,
            Action::Inspect(idx) => {
                self.inspected = idx;
                self.after_change();
            }
            Action::SelectEvent(seq) => {
                self.selected_event = seq;
                self.slots_version += 1;
            }
            Action::ToggleAbout => self.about_open = !self.about_open,
            Action::ToggleFidelity => self.fidelity_open = !self.fidelity_open,
            Action::Learn(tab) => self.learn = tab,
            Action::Guide(a) => self.guide_update(a),
            Action::Interview(a) => {
                let qs: &[_] = questions().as_deref().unwrap_or_default();
                self.interview.apply(a, qs);
                self.effects
                    .push(Effect::SaveInterview(self.interview.serialize()));
            }
            Action::ExportInterview => {
                let qs: &[_] = questions().as_deref().unwrap_or_default();
                self.effects.push(Effect::Download {
                    name: "interview-practice.md".into(),
                    text: self.interview.markdown(qs),
                });
            }
        }
        true
    }

    /// Runs a line through the console (typed, or a control turned into its dot-command).
    fn run_line(&mut self, line: &str) {
        let tool_was_running = self.session.tool_running();
        self.session.run_line(line);
        // A tool's moves run as simulated time passes, so starting one starts the clock;
        // stopping one (`.cluster-tool stop`) also drops the lines waiting for it.
        if self.session.tool_running() && !tool_was_running {
            self.playing = true;
        }
        let words: Vec<String> = line
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        if words == [".cluster-tool", "stop"] {
            self.queued.clear();
        }
        self.after_change();
    }

    /// Runs queued control lines, each once no tool is moving slots any more.
    fn run_queued(&mut self) {
        while !self.session.tool_running() {
            let Some(line) = self.queued.pop_front() else {
                break;
            };
            self.run_line(&line);
        }
    }

    fn after_change(&mut self) {
        self.bookmarks.update(self.session.console().world());
        self.slots_version += 1;
        self.inspection = inspect(self.session.console().world(), self.inspected);
        self.inspected_at = self.wall_now;
        self.save();
    }

    /// Asks for the run to be saved if its share text changed.
    fn save(&mut self) {
        let text = share_text(&self.session);
        if self.saved != text {
            self.saved = text.clone();
            self.effects.push(Effect::SaveRun(text));
        }
    }

    fn reset_to_form(&mut self) {
        match self.form.shape().and_then(Session::new) {
            Ok(s) => self.install(s),
            Err(e) => self.notice = Some(e),
        }
    }

    /// Puts a new session in place. The viewer's settings (playing, speed, heartbeats) and
    /// the learning state (the Learn dialog, interview progress) stay; a guide is put back
    /// by its caller; everything else (the About and Fidelity dialogs too) starts afresh.
    fn install(&mut self, s: Session) {
        let mut fresh = Playground::new(s, None, std::mem::take(&mut self.interview));
        fresh.generation = self.generation + 1;
        fresh.playing = self.playing;
        fresh.speed = self.speed;
        fresh.show_heartbeats = self.show_heartbeats;
        fresh.learn = self.learn.take();
        fresh.saved = std::mem::take(&mut self.saved);
        fresh.effects = std::mem::take(&mut self.effects);
        *self = fresh;
        self.save();
    }

    fn frame(&mut self, ts: f64, clock: fn() -> f64) -> bool {
        let dt = self.last_frame.map_or(0.0, |l| (ts - l).clamp(0.0, 100.0));
        self.last_frame = Some(ts);
        self.wall_now = ts;
        let mut changed = false;
        if self.playing {
            self.sim_carry += dt * self.speed;
            let whole = self.sim_carry.floor();
            self.sim_carry -= whole;
            let world_now = self.session.console().world().now();
            let target = SimTime(world_now.0 + whole as u64);
            let budget_end = clock() + FRAME_BUDGET_MS;
            let reached = self.session.run_towards(target, || clock() > budget_end);
            self.lagging = !reached;
            if !reached {
                self.sim_carry = 0.0;
            }
            changed = true;
        }
        // Checked every frame, playing or not: a tool may end by a single step.
        if !self.queued.is_empty() && !self.session.tool_running() {
            self.run_queued();
        }
        self.flights.ingest(
            self.session.console().world(),
            ts,
            self.speed,
            self.show_heartbeats,
        );
        if changed {
            self.bookmarks.update(self.session.console().world());
        }
        // The inspector compares every node's view: cheap for a few nodes, not for 100.
        let every = if self.session.layout().shards.len() > 8 {
            INSPECT_EVERY_BIG_MS
        } else {
            INSPECT_EVERY_MS
        };
        if changed && ts - self.inspected_at > every {
            self.inspection = inspect(self.session.console().world(), self.inspected);
            self.inspected_at = ts;
        }
        if changed && ts - self.slots_drawn_at > SLOTS_EVERY_MS {
            self.slots_version += 1;
            self.slots_drawn_at = ts;
        }
        // While the simulation runs, the address bar is rewritten at most once a second.
        if changed && ts - self.saved_at >= SAVE_EVERY_MS {
            self.saved_at = ts;
            self.save();
        }
        changed || self.flights.iter().next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playground() -> Playground {
        let session = Session::new(ClusterShape::default()).expect("the default shape");
        Playground::new(session, None, InterviewState::default())
    }

    fn no_clock() -> f64 {
        0.0
    }

    fn saved_runs(p: &mut Playground) -> Vec<String> {
        p.take_effects()
            .into_iter()
            .filter_map(|e| match e {
                Effect::SaveRun(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_typed_line_runs_and_the_run_is_saved() {
        let mut p = playground();
        assert_eq!(saved_runs(&mut p).len(), 1, "the fresh run is saved once");
        p.update(Action::RunLine("set mykey myvalue".into()));
        let saved = saved_runs(&mut p);
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0], share_text(p.session()));
        assert_eq!(p.session().transcript().len(), 1);
        // Nothing new to save: nothing asked.
        p.update(Action::TogglePlay);
        p.update(Action::TogglePlay);
        assert!(saved_runs(&mut p).is_empty());
    }

    #[test]
    fn playing_moves_simulated_time_with_the_frames_at_the_chosen_speed() {
        let mut p = playground();
        let t0 = p.session().console().world().now();
        p.update(Action::SetSpeed(10.0));
        p.update(Action::TogglePlay);
        for i in 0..11 {
            p.update(Action::Frame {
                ts: 1000.0 + 16.0 * f64::from(i),
                clock: no_clock,
            });
        }
        // Ten frames of 16 ms at 10×: 1.6 s of simulated time.
        let t = p.session().console().world().now();
        assert_eq!(t.since(t0), 1600);
        assert!(!p.lagging);
    }

    #[test]
    fn a_tool_button_queues_its_lines_until_the_running_tool_ends_and_stop_drops_them() {
        let mut p = playground();
        let world = p.session().console().world();
        let id = |port| world.node(world.by_port(port).expect("a node")).name();
        let (from, to) = (id(7003), id(7001));
        p.update(Action::RunLines(vec![
            format!(
                ".cluster-tool reshard 127.0.0.1:7001 --cluster-from {from} --cluster-to {to} --cluster-slots 50"
            ),
            ".cluster-tool check 127.0.0.1:7001".into(),
        ]));
        assert!(p.session().tool_running(), "the reshard moves slots live");
        assert!(p.playing, "a moving tool starts the clock");
        assert_eq!(p.queued.len(), 1, "the check waits for the reshard");
        assert!(p.tools_busy());
        p.update(Action::StopTool);
        assert!(!p.session().tool_running());
        assert!(p.queued.is_empty(), "stopping drops the waiting lines");
        assert!(!p.tools_busy());
    }

    #[test]
    fn reset_keeps_the_viewer_s_settings_and_starts_the_panels_afresh() {
        let mut p = playground();
        p.update(Action::SetSpeed(100.0));
        p.update(Action::ToggleHeartbeats);
        p.update(Action::RunLine("set a 1".into()));
        p.update(Action::SelectEvent(Some(3)));
        p.update(Action::Shape(ShapeField::Masters, "4".into()));
        let generation = p.generation;
        p.update(Action::Reset);
        assert_eq!(p.generation, generation + 1);
        assert_eq!(p.session().shape().masters, 4);
        assert_eq!(p.session().transcript().len(), 0);
        assert_eq!(p.selected_event, None);
        assert_eq!((p.speed, p.show_heartbeats), (100.0, false));
        p.update(Action::Shape(ShapeField::Masters, "two".into()));
        p.update(Action::Reset);
        assert_eq!(
            p.notice.as_deref(),
            Some("masters must be a whole number, not 'two'")
        );
        assert_eq!(p.generation, generation + 1, "a bad form changes nothing");
    }

    #[test]
    fn a_guided_scenario_selects_the_event_it_waited_for_and_exports_notes() {
        let mut p = playground();
        p.update(Action::Learn(Some(LearnTab::Scenarios)));
        p.update(Action::Guide(GuideAction::Start("master-dies".into(), 2)));
        assert_eq!(p.learn, None, "starting a scenario closes the dialog");
        let g = p.guide.as_ref().expect("a guide");
        assert_eq!(g.outcomes.len(), 2);
        assert_eq!(p.selected_event, g.outcomes[1].until_event);
        assert!(p.selected_event.is_some());
        assert!(!p.guide_focus_nodes().is_empty());
        p.update(Action::Guide(GuideAction::Back));
        assert_eq!(p.guide.as_ref().map(|g| g.outcomes.len()), Some(1));
        p.take_effects();
        p.update(Action::Guide(GuideAction::Export));
        assert!(matches!(
            p.take_effects().as_slice(),
            [Effect::Download { name, text }] if name == "master-dies.md" && text.starts_with("# A master dies")
        ));
        p.update(Action::Guide(GuideAction::Leave));
        assert!(p.guide.is_none());
    }

    #[test]
    fn interview_answers_are_saved_for_local_storage() {
        let mut p = playground();
        p.take_effects();
        p.update(Action::Interview(InterviewAction::Answer("Gossip.".into())));
        let effects = p.take_effects();
        let [Effect::SaveInterview(text)] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        assert_eq!(InterviewState::parse(text), p.interview);
    }
}
