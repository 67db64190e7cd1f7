//! The header: play/pause, step, speed, simulated time, seed and cluster shape, reset,
//! the Learn, "about this run" and Fidelity buttons, and the resharding tools.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::store::{dispatch, use_playground};
use super::tools::Tools;
use crate::model::state::{Action, LearnTab, ShapeField};

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

#[function_component(Controls)]
pub fn controls() -> Html {
    let store = use_playground();
    let p = store.get();
    let world = p.session().console().world();
    let shape_input = |field: ShapeField, label: &'static str, value: &str, width: &'static str| {
        html! {
            <label class="field">
                <span>{ label }</span>
                <input type="text" inputmode="numeric" size={width} value={value.to_string()}
                    aria-label={label}
                    oninput={dispatch(&store, move |e: InputEvent| Action::Shape(field, input_value(&e)))}
                    onkeydown={{
                        let d = store.dispatcher();
                        Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { d.dispatch(Action::Reset) })
                    }} />
            </label>
        }
    };
    let slider = p.speed.log10();
    let playing = p.playing;
    let new_seed = dispatch(&store, |_: MouseEvent| {
        Action::NewSeed((js_sys::Math::random() * 1_000_000.0) as u64 + 1)
    });
    html! {
        <header class="controls">
            <h1 class="brand">{ "ClusterLab" }</h1>
            <button class="learn-button" aria-expanded={p.learn.is_some().to_string()}
                onclick={dispatch(&store, |_: MouseEvent| Action::Learn(Some(LearnTab::Scenarios)))}
                title="Guided scenarios and interview practice">{ "Learn" }</button>
            <div class="group" role="group" aria-label="Simulation">
                <button class="primary play" onclick={dispatch(&store, |_: MouseEvent| Action::TogglePlay)}
                    aria-label={if playing { "Pause (space)" } else { "Play (space)" }}
                    title={if playing { "Pause (space)" } else { "Play (space)" }}>
                    { if playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button onclick={dispatch(&store, |_: MouseEvent| Action::Step)} aria-label="Step to the next event (.)"
                    title="Step to the next event (.)">{ "Step" }</button>
                <label class="field speed">
                    <span>{ "Speed" }</span>
                    <input type="range" min="-1" max="3" step="0.05" value={slider.to_string()}
                        aria-label="Speed" aria-valuetext={speed_label(p.speed)}
                        oninput={dispatch(&store, |e: InputEvent| {
                            let v = input_value(&e).parse::<f64>().unwrap_or(0.0);
                            Action::SetSpeed(10f64.powf(v))
                        })} />
                    <output class="speed-value">{ speed_label(p.speed) }</output>
                </label>
                <select aria-label="Speed preset" onchange={dispatch(&store, |e: Event| {
                        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                        Action::SetSpeed(v.parse().unwrap_or(1.0))
                    })}>
                    <option value="" selected=true disabled=true>{ "preset" }</option>
                    { for PRESETS.iter().map(|s| html! { <option value={s.to_string()}>{ speed_label(*s) }</option> }) }
                </select>
                <span class="clock" aria-label="Simulated time" title="Simulated time">
                    { format!("t = {}", world.now()) }
                    if p.lagging { <span class="lag" title="The browser cannot simulate this fast; time runs as fast as it can">{ " (max)" }</span> }
                </span>
            </div>
            <div class="group" role="group" aria-label="Cluster shape">
                { shape_input(ShapeField::Seed, "Seed", &p.form.seed, "7") }
                <button onclick={new_seed} title="Start over with a random seed">{ "New seed" }</button>
                { shape_input(ShapeField::Masters, "Masters", &p.form.masters, "2") }
                { shape_input(ShapeField::Replicas, "Replicas", &p.form.replicas, "2") }
                { shape_input(ShapeField::NodeTimeout, "node-timeout ms", &p.form.node_timeout, "5") }
                <button onclick={dispatch(&store, |_: MouseEvent| Action::Reset)} title="Create the cluster again with this seed and shape">{ "Reset" }</button>
                <button onclick={dispatch(&store, |_: MouseEvent| Action::ToggleAbout)} aria-expanded={p.about_open.to_string()}
                    title="Seed, trace hash and the share link">{ "About this run" }</button>
                <button onclick={dispatch(&store, |_: MouseEvent| Action::ToggleFidelity)} aria-expanded={p.fidelity_open.to_string()}
                    title="What is exact and what is simplified, compared with real Redis 7.0.15">{ "Fidelity" }</button>
            </div>
            <Tools />
        </header>
    }
}
