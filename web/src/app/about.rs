//! "About this run": the seed, the shape, the trace hash and the share link.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::storage::share_link;
use super::store::{dispatch, use_playground};
use crate::model::state::{share_text, Action};

#[derive(Properties, PartialEq)]
pub struct AboutProps {
    /// Frames drawn in the last second.
    pub fps: usize,
}

#[function_component(About)]
pub fn about(props: &AboutProps) -> Html {
    let store = use_playground();
    let p = store.get();
    let session = p.session();
    let world = session.console().world();
    let shape = session.shape();
    let link = share_link(&share_text(session));
    html! {
        <aside class="about" aria-label="About this run">
            <dl>
                <dt>{ "Seed" }</dt><dd>{ shape.seed }</dd>
                <dt>{ "Shape" }</dt><dd>{ format!("{} masters × {} replicas, node-timeout {} ms", shape.masters, shape.replicas_per_master, shape.node_timeout) }</dd>
                <dt>{ "Inputs" }</dt><dd>{ session.inputs().len() }</dd>
                <dt>{ "Simulated time" }</dt><dd>{ world.now().to_string() }</dd>
                <dt>{ "Events" }</dt><dd>{ world.events_logged() }</dd>
                <dt>{ "Trace hash" }</dt><dd><code class="trace-hash">{ world.trace_hash() }</code></dd>
                <dt>{ "Drawing" }</dt><dd><span class="fps" data-fps={props.fps.to_string()}>{ format!("{} frames per second", props.fps) }</span></dd>
            </dl>
            <label class="share">
                <span>{ "Share link (opens this run, replayed to the same trace hash)" }</span>
                <input type="text" readonly=true value={link} aria-label="Share link"
                    onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select())} />
            </label>
            <p class="hint">{ "The native console prints the same bytes and trace hash: " }
                <code>{ format!("cargo xtask console --seed {}", shape.seed) }</code>{ ", then " }<code>{ ".trace-hash" }</code></p>
            <button onclick={dispatch(&store, |_: MouseEvent| Action::ToggleAbout)}>{ "Close" }</button>
        </aside>
    }
}
