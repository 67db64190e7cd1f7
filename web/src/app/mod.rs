//! The playground's root component: it owns the session and the UI state, drives the
//! simulation from animation frames, and lays out the panels (each in its own file).

mod controls;
mod event_log;
mod fidelity;
mod guide;
mod inspector;
mod interview;
mod metrics;
mod slot_map;
mod storage;
mod terminal;
mod topology;

use std::collections::{BTreeSet, VecDeque};

use clusterlab_core::{ClusterShape, EventCategory, NodeIdx, SimTime, Slot};
use gloo_events::EventListener;
use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::model::flights::Flights;
use crate::model::guide::Guide;
use crate::model::inspector::{inspect, Inspection};
use crate::model::session::Session;
use crate::model::slots::Heat;
use metrics::{now_ms, publish, FpsMeter};

/// Mounts the playground in `#app`, replacing the loading indicator.
pub fn start() {
    let document = gloo_utils::document();
    if let Some(loader) = document.get_element_by_id("loading") {
        loader.remove();
    }
    let root = document
        .get_element_by_id("app")
        .unwrap_or_else(|| document.body().expect("a body").into());
    yew::Renderer::<App>::with_root(root).render();
}

/// The keyboard shortcuts (space = play/pause, `.` = step), unless the user is typing.
fn shortcut(e: &KeyboardEvent) -> Option<Msg> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON"
            )
        });
    match e.key().as_str() {
        _ if typing => None,
        " " => Some(Msg::TogglePlay),
        "." => Some(Msg::Step),
        _ => None,
    }
}

/// The cluster-shape form, applied on Reset.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapeForm {
    pub seed: String,
    pub masters: String,
    pub replicas: String,
    pub node_timeout: String,
}

impl ShapeForm {
    fn of(shape: &ClusterShape) -> Self {
        ShapeForm {
            seed: shape.seed.to_string(),
            masters: shape.masters.to_string(),
            replicas: shape.replicas_per_master.to_string(),
            node_timeout: shape.node_timeout.to_string(),
        }
    }

    fn shape(&self) -> Result<ClusterShape, String> {
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

pub enum Msg {
    Frame(f64),
    TogglePlay,
    Step,
    SetSpeed(f64),
    RunLine(String),
    /// Several console lines in a row (a tool button).
    RunLines(Vec<String>),
    /// Stops the running `.cluster-tool` and drops the control lines waiting for it.
    StopTool,
    Terminal(terminal::TermMsg),
    Shape(ShapeField, String),
    Reset,
    NewSeed,
    ToggleHeartbeats,
    ToggleSelect(NodeIdx),
    Inspect(NodeIdx),
    SelectEvent(Option<u64>),
    FilterNode(Option<u16>),
    FilterCategory(Option<EventCategory>),
    Heat(Heat),
    HoverSlot(Option<Slot>),
    FindKey(String),
    ToggleAbout,
    ToggleFidelity,
    Guide(guide::GuideMsg),
    Interview(interview::InterviewMsg),
}

pub struct App {
    session: Session,
    notice: Option<String>,
    playing: bool,
    speed: f64,
    sim_carry: f64,
    last_frame: Option<f64>,
    wall_now: f64,
    _frame: Option<AnimationFrame>,
    _keys: Option<EventListener>,
    flights: Flights,
    show_heartbeats: bool,
    selected: BTreeSet<NodeIdx>,
    inspected: NodeIdx,
    inspection: Inspection,
    inspected_at: f64,
    term: terminal::TermState,
    form: ShapeForm,
    log: event_log::LogState,
    heat: Heat,
    hover_slot: Option<Slot>,
    find_key: String,
    slot_canvas: NodeRef,
    slots_dirty: bool,
    slots_drawn_at: f64,
    fps: FpsMeter,
    saved: String,
    saved_at: f64,
    about_open: bool,
    fidelity_open: bool,
    /// Simulated time behind the wall clock because frames ran out of budget.
    lagging: bool,
    fps_published: f64,
    /// Lines of a control that wait for the running `.cluster-tool` to finish.
    queued: VecDeque<String>,
    /// The scenario being played in guided mode.
    guide: Option<Guide>,
    /// The "Learn" dialog, open on one of its tabs.
    learn: Option<guide::LearnTab>,
    interview: interview::InterviewState,
}

impl App {
    fn with_session(session: Session, notice: Option<String>) -> App {
        let mut flights = Flights::default();
        flights.skip_to(session.console().world());
        let inspected = session
            .console()
            .world()
            .by_port(session.console().cli().port())
            .unwrap_or(NodeIdx(0));
        let inspection = inspect(session.console().world(), inspected);
        App {
            form: ShapeForm::of(session.shape()),
            session,
            notice,
            playing: false,
            speed: 1.0,
            sim_carry: 0.0,
            last_frame: None,
            wall_now: 0.0,
            _frame: None,
            _keys: None,
            flights,
            show_heartbeats: true,
            selected: BTreeSet::new(),
            inspected,
            inspection,
            inspected_at: 0.0,
            term: terminal::TermState::default(),
            log: event_log::LogState::default(),
            heat: Heat::Owner,
            hover_slot: None,
            find_key: String::new(),
            slot_canvas: NodeRef::default(),
            slots_dirty: true,
            slots_drawn_at: 0.0,
            fps: FpsMeter::default(),
            saved: String::new(),
            saved_at: f64::NEG_INFINITY,
            about_open: false,
            fidelity_open: false,
            lagging: false,
            fps_published: 0.0,
            queued: VecDeque::new(),
            guide: None,
            learn: None,
            interview: interview::InterviewState::load(),
        }
    }

    fn request_frame(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self._frame = Some(request_animation_frame(move |ts| {
            link.send_message(Msg::Frame(ts))
        }));
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
        self.log.bookmarks.update(self.session.console().world());
        self.refresh_filtered();
        self.slots_dirty = true;
        self.inspection = inspect(self.session.console().world(), self.inspected);
        self.inspected_at = self.wall_now;
        storage::save(&self.session, &mut self.saved);
    }

    fn reset(&mut self, shape: ClusterShape) {
        match Session::new(shape) {
            Ok(s) => self.install(s),
            Err(e) => self.notice = Some(e),
        }
    }

    /// Puts a new session in place, keeping the viewer's settings (speed, heartbeats) and
    /// the learning state (a guide is put back by its caller).
    fn install(&mut self, s: Session) {
        let playing = self.playing;
        let speed = self.speed;
        let heartbeats = self.show_heartbeats;
        let keys = self._keys.take();
        let frame = self._frame.take();
        let interview = std::mem::take(&mut self.interview);
        let learn = self.learn.take();
        *self = App::with_session(s, None);
        self._frame = frame;
        self.log.bookmarks.update(self.session.console().world());
        self.refresh_filtered();
        self.playing = playing;
        self.speed = speed;
        self.show_heartbeats = heartbeats;
        self._keys = keys;
        self.interview = interview;
        self.learn = learn;
        storage::save(&self.session, &mut self.saved);
    }

    fn frame(&mut self, ts: f64) -> bool {
        let dt = self.last_frame.map_or(0.0, |l| (ts - l).clamp(0.0, 100.0));
        self.last_frame = Some(ts);
        self.wall_now = ts;
        self.fps.tick(ts);
        if ts - self.fps_published >= 1000.0 {
            self.fps_published = ts;
            publish("fps", &self.fps.fps().to_string());
            publish("simMs", &self.session.console().world().now().0.to_string());
        }
        let mut changed = false;
        if self.playing {
            self.sim_carry += dt * self.speed;
            let whole = self.sim_carry.floor();
            self.sim_carry -= whole;
            let world_now = self.session.console().world().now();
            let target = SimTime(world_now.0 + whole as u64);
            let perf = gloo_utils::window().performance();
            let budget_end = perf.as_ref().map_or(0.0, |p| p.now()) + 10.0;
            let reached = self.session.run_towards(target, || {
                perf.as_ref().is_some_and(|p| p.now() > budget_end)
            });
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
            self.log.bookmarks.update(self.session.console().world());
            self.refresh_filtered();
        }
        // The inspector compares every node's view: cheap for a few nodes, not for 100.
        let every = if self.session.layout().shards.len() > 8 {
            1000.0
        } else {
            250.0
        };
        if changed && ts - self.inspected_at > every {
            self.inspection = inspect(self.session.console().world(), self.inspected);
            self.inspected_at = ts;
        }
        if changed && ts - self.slots_drawn_at > 250.0 {
            self.slots_dirty = true;
        }
        // While the simulation runs, the address bar is rewritten at most once a second.
        if changed && ts - self.saved_at >= 1000.0 {
            self.saved_at = ts;
            storage::save(&self.session, &mut self.saved);
        }
        changed || self.flights.iter().next().is_some() || self.fps.fps() < 2
    }

    fn step_once(&mut self) {
        self.playing = false;
        self.session.step();
        self.after_change();
        let steps = self.session.console().world().observer().steps();
        publish("steps", &steps.to_string());
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (session, notice) = storage::restore();
        let mut app = App::with_session(session, notice);
        app.log.bookmarks.update(app.session.console().world());
        app.refresh_filtered();
        app.request_frame(ctx);
        let link = ctx.link().clone();
        let options = gloo_events::EventListenerOptions::enable_prevent_default();
        app._keys = Some(EventListener::new_with_options(
            &gloo_utils::document(),
            "keydown",
            options,
            move |e| {
                if let Some(k) = e.dyn_ref::<KeyboardEvent>() {
                    if let Some(msg) = shortcut(k) {
                        k.prevent_default();
                        link.send_message(msg);
                    }
                }
            },
        ));
        storage::save(&app.session, &mut app.saved);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(ts) => {
                let render = self.frame(ts);
                self.request_frame(ctx);
                render
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
                if !self.playing {
                    storage::save(&self.session, &mut self.saved);
                }
                true
            }
            Msg::Step => {
                self.step_once();
                true
            }
            Msg::SetSpeed(s) => {
                self.speed = s.clamp(0.1, 1000.0);
                true
            }
            Msg::RunLine(line) => {
                self.run_line(&line);
                true
            }
            Msg::StopTool => {
                self.run_line(".cluster-tool stop");
                true
            }
            Msg::RunLines(lines) => {
                self.queued.extend(lines);
                self.run_queued();
                true
            }
            Msg::Terminal(m) => self.terminal_update(m),
            Msg::Shape(field, v) => {
                match field {
                    ShapeField::Seed => self.form.seed = v,
                    ShapeField::Masters => self.form.masters = v,
                    ShapeField::Replicas => self.form.replicas = v,
                    ShapeField::NodeTimeout => self.form.node_timeout = v,
                }
                true
            }
            Msg::Reset => {
                match self.form.shape() {
                    Ok(shape) => self.reset(shape),
                    Err(e) => self.notice = Some(e),
                }
                true
            }
            Msg::NewSeed => {
                let seed = (js_sys::Math::random() * 1_000_000.0) as u64 + 1;
                self.form.seed = seed.to_string();
                match self.form.shape() {
                    Ok(shape) => self.reset(shape),
                    Err(e) => self.notice = Some(e),
                }
                true
            }
            Msg::ToggleHeartbeats => {
                self.show_heartbeats = !self.show_heartbeats;
                true
            }
            Msg::ToggleSelect(idx) => {
                if !self.selected.remove(&idx) {
                    self.selected.insert(idx);
                }
                true
            }
            Msg::Inspect(idx) => {
                self.inspected = idx;
                self.after_change();
                true
            }
            Msg::SelectEvent(seq) => {
                self.log.selected = seq;
                self.slots_dirty = true;
                true
            }
            Msg::FilterNode(p) => {
                self.log.node = p;
                self.refresh_filtered();
                true
            }
            Msg::FilterCategory(c) => {
                self.log.category = c;
                self.refresh_filtered();
                true
            }
            Msg::Heat(h) => {
                self.heat = h;
                self.slots_dirty = true;
                true
            }
            Msg::HoverSlot(s) => {
                let changed = self.hover_slot != s;
                self.hover_slot = s;
                changed
            }
            Msg::FindKey(k) => {
                self.find_key = k;
                self.slots_dirty = true;
                true
            }
            Msg::ToggleAbout => {
                self.about_open = !self.about_open;
                true
            }
            Msg::Guide(m) => self.guide_update(m),
            Msg::Interview(m) => self.interview_update(m),
            Msg::ToggleFidelity => {
                self.fidelity_open = !self.fidelity_open;
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        html! {
            <div class="page">
                { self.view_controls(ctx) }
                if let Some(n) = &self.notice {
                    <div class="notice" role="alert">{ n }</div>
                }
                if self.about_open {
                    { self.view_about(ctx) }
                }
                if self.fidelity_open {
                    { self.view_fidelity(ctx) }
                }
                if self.learn.is_some() {
                    { self.view_learn(ctx) }
                }
                if self.guide.is_some() {
                    { self.view_guide(ctx) }
                }
                <main class="panels">
                    <section class="panel topology-panel" aria-label="Topology">
                        { self.view_topology(ctx) }
                    </section>
                    <section class="panel console-panel" aria-label="Console">
                        { self.view_terminal(ctx) }
                    </section>
                    <section class="panel slots-panel" aria-label="Slot map">
                        { self.view_slot_map(ctx) }
                    </section>
                    <section class="panel inspector-panel" aria-label="Node inspector">
                        { self.view_inspector(ctx) }
                    </section>
                    <section class="panel log-panel" aria-label="Event log">
                        { self.view_event_log(ctx) }
                    </section>
                </main>
            </div>
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first: bool) {
        if first {
            publish("firstRenderMs", &format!("{:.0}", now_ms()));
        }
        if self.slots_dirty {
            self.draw_slots();
            self.slots_dirty = false;
            self.slots_drawn_at = self.wall_now;
        }
        self.terminal_rendered();
        self.log_rendered();
    }
}
