//! The header: play/pause, step, speed, simulated time, seed and cluster shape, reset,
//! and the "about this run" panel with the share link and trace hash.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{storage, App, Msg, ShapeField};

/// Speed presets shown under the slider.
const PRESETS: [f64; 5] = [0.1, 1.0, 10.0, 100.0, 1000.0];

pub fn speed_label(speed: f64) -> String {
    if speed < 1.0 {
        format!("{speed:.1}×")
    } else {
        format!("{}×", speed.round())
    }
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

impl App {
    pub(super) fn view_controls(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let world = self.session.console().world();
        let shape_input = |field: ShapeField,
                           label: &'static str,
                           value: &str,
                           width: &'static str| {
            html! {
                <label class="field">
                    <span>{ label }</span>
                    <input type="text" inputmode="numeric" size={width} value={value.to_string()}
                        aria-label={label}
                        oninput={link.callback(move |e: InputEvent| Msg::Shape(field, input_value(&e)))}
                        onkeydown={link.batch_callback(|e: KeyboardEvent| (e.key() == "Enter").then_some(Msg::Reset))} />
                </label>
            }
        };
        let slider = self.speed.log10();
        html! {
            <header class="controls">
                <h1 class="brand">{ "ClusterLab" }</h1>
                <button class="learn-button" aria-expanded={self.learn.is_some().to_string()}
                    onclick={link.callback(|_| Msg::Guide(super::guide::GuideMsg::OpenLearn(super::guide::LearnTab::Scenarios)))}
                    title="Guided scenarios and interview practice">{ "Learn" }</button>
                <div class="group" role="group" aria-label="Simulation">
                    <button class="primary play" onclick={link.callback(|_| Msg::TogglePlay)}
                        aria-label={if self.playing { "Pause (space)" } else { "Play (space)" }}
                        title={if self.playing { "Pause (space)" } else { "Play (space)" }}>
                        { if self.playing { "❚❚ Pause" } else { "▶ Play" } }
                    </button>
                    <button onclick={link.callback(|_| Msg::Step)} aria-label="Step to the next event (.)"
                        title="Step to the next event (.)">{ "Step" }</button>
                    <label class="field speed">
                        <span>{ "Speed" }</span>
                        <input type="range" min="-1" max="3" step="0.05" value={slider.to_string()}
                            aria-label="Speed" aria-valuetext={speed_label(self.speed)}
                            oninput={link.callback(|e: InputEvent| {
                                let v = input_value(&e).parse::<f64>().unwrap_or(0.0);
                                Msg::SetSpeed(10f64.powf(v))
                            })} />
                        <output class="speed-value">{ speed_label(self.speed) }</output>
                    </label>
                    <select aria-label="Speed preset" onchange={link.callback(|e: Event| {
                            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                            Msg::SetSpeed(v.parse().unwrap_or(1.0))
                        })}>
                        <option value="" selected=true disabled=true>{ "preset" }</option>
                        { for PRESETS.iter().map(|p| html! { <option value={p.to_string()}>{ speed_label(*p) }</option> }) }
                    </select>
                    <span class="clock" aria-label="Simulated time" title="Simulated time">
                        { format!("t = {}", world.now()) }
                        if self.lagging { <span class="lag" title="The browser cannot simulate this fast; time runs as fast as it can">{ " (max)" }</span> }
                    </span>
                </div>
                <div class="group" role="group" aria-label="Cluster shape">
                    { shape_input(ShapeField::Seed, "Seed", &self.form.seed, "7") }
                    <button onclick={link.callback(|_| Msg::NewSeed)} title="Start over with a random seed">{ "New seed" }</button>
                    { shape_input(ShapeField::Masters, "Masters", &self.form.masters, "2") }
                    { shape_input(ShapeField::Replicas, "Replicas", &self.form.replicas, "2") }
                    { shape_input(ShapeField::NodeTimeout, "node-timeout ms", &self.form.node_timeout, "5") }
                    <button onclick={link.callback(|_| Msg::Reset)} title="Create the cluster again with this seed and shape">{ "Reset" }</button>
                    <button onclick={link.callback(|_| Msg::ToggleAbout)} aria-expanded={self.about_open.to_string()}
                        title="Seed, trace hash and the share link">{ "About this run" }</button>
                    <button onclick={link.callback(|_| Msg::ToggleFidelity)} aria-expanded={self.fidelity_open.to_string()}
                        title="What is exact and what is simplified, compared with real Redis 7.0.15">{ "Fidelity" }</button>
                </div>
                { self.view_tools(ctx) }
            </header>
        }
    }

    /// Resharding with redis-cli's own tools: each button types `.cluster-tool` lines into
    /// the console, so the terminal shows what redis-cli prints and the lines can be
    /// typed again by hand.
    fn view_tools(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let console = self.session.console();
        let world = console.world();
        let entry = format!("127.0.0.1:{}", console.shape().base_port);
        let next_port = world
            .processes()
            .iter()
            .map(|p| p.port)
            .max()
            .unwrap_or(7000)
            + 1;
        // The newest node started from the playground, if any.
        let newest = world
            .processes()
            .iter()
            .skip(console.shape().node_count())
            .rfind(|p| p.is_running() && p.node.peers().iter().count() > 1)
            .map(|p| (p.port, p.node.name().to_string()));
        let add = vec![
            format!(".start {next_port}"),
            format!(".cluster-tool add-node 127.0.0.1:{next_port} {entry}"),
        ];
        let rebalance = vec![format!(
            ".cluster-tool rebalance {entry} --cluster-use-empty-masters"
        )];
        // While a tool moves slots, the other tools wait (redis-cli would fight it).
        let busy = self.session.tool_running() || !self.queued.is_empty();
        html! {
            <div class="group" role="group" aria-label="Resharding tools">
                if busy {
                    <button class="stop-tool" onclick={link.callback(|_| Msg::StopTool)}
                        title="Stop the running tool where it is, like Ctrl-C; a slot it was moving may stay open for Fix">
                        { "Stop tool" }</button>
                }
                <button disabled={busy} onclick={
                    let line = format!(".cluster-tool fix {entry}");
                    link.callback(move |_| Msg::RunLine(line.clone()))
                } title="redis-cli --cluster fix: close open slots, cover unassigned ones">
                    { "Fix" }</button>
                <button disabled={busy} onclick={link.callback(move |_| Msg::RunLines(add.clone()))}
                    title={format!("Start an empty node on port {next_port} and add it with redis-cli --cluster add-node")}>
                    { format!("Add node {next_port}") }</button>
                <button disabled={busy} onclick={link.callback(move |_| Msg::RunLines(rebalance.clone()))}
                    title="redis-cli --cluster rebalance --cluster-use-empty-masters: move slots until every master has its share">
                    { "Rebalance" }</button>
                if let Some((port, id)) = newest {
                    <button disabled={busy} onclick={
                        let line = format!(".cluster-tool reshard {entry} --cluster-from all --cluster-to {id} --cluster-slots 1000");
                        link.callback(move |_| Msg::RunLine(line.clone()))
                    } title={format!("redis-cli --cluster reshard: move 1000 slots, keys and all, from every master to {port}")}>
                        { format!("Reshard 1000 → {port}") }</button>
                    <button disabled={busy} onclick={
                        let lines = vec![
                            format!(".cluster-tool rebalance {entry} --cluster-weight {id}=0"),
                            format!(".cluster-tool del-node {entry} {id}"),
                        ];
                        link.callback(move |_| Msg::RunLines(lines.clone()))
                    } title={format!("Move every slot of {port} away (rebalance with weight 0), then redis-cli --cluster del-node")}>
                        { format!("Remove {port}") }</button>
                }
            </div>
        }
    }

    pub(super) fn view_about(&self, ctx: &Context<Self>) -> Html {
        let world = self.session.console().world();
        let shape = self.session.shape();
        let link = format!(
            "{}#{}",
            gloo_utils::window()
                .location()
                .href()
                .unwrap_or_default()
                .split('#')
                .next()
                .unwrap_or_default(),
            storage::share_text(&self.session)
        );
        html! {
            <aside class="about" aria-label="About this run">
                <dl>
                    <dt>{ "Seed" }</dt><dd>{ shape.seed }</dd>
                    <dt>{ "Shape" }</dt><dd>{ format!("{} masters × {} replicas, node-timeout {} ms", shape.masters, shape.replicas_per_master, shape.node_timeout) }</dd>
                    <dt>{ "Inputs" }</dt><dd>{ self.session.inputs().len() }</dd>
                    <dt>{ "Simulated time" }</dt><dd>{ world.now().to_string() }</dd>
                    <dt>{ "Events" }</dt><dd>{ world.events_logged() }</dd>
                    <dt>{ "Trace hash" }</dt><dd><code class="trace-hash">{ world.trace_hash() }</code></dd>
                    <dt>{ "Drawing" }</dt><dd><span class="fps" data-fps={self.fps.fps().to_string()}>{ format!("{} frames per second", self.fps.fps()) }</span></dd>
                </dl>
                <label class="share">
                    <span>{ "Share link (opens this run, replayed to the same trace hash)" }</span>
                    <input type="text" readonly=true value={link} aria-label="Share link"
                        onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select())} />
                </label>
                <p class="hint">{ "The native console prints the same bytes and trace hash: " }
                    <code>{ format!("cargo xtask console --seed {}", shape.seed) }</code>{ ", then " }<code>{ ".trace-hash" }</code></p>
                <button onclick={ctx.link().callback(|_| Msg::ToggleAbout)}>{ "Close" }</button>
            </aside>
        }
    }
}
