//! The fidelity page inside the playground: FIDELITY.md, rendered at build time.

use yew::prelude::*;

use super::store::{dispatch, use_playground};
use crate::model::state::Action;

/// FIDELITY.md as HTML (see `web/build.rs`).
const FIDELITY_HTML: &str = include_str!(concat!(env!("OUT_DIR"), "/fidelity.html"));

#[function_component(Fidelity)]
pub fn fidelity() -> Html {
    let store = use_playground();
    html! {
        <aside class="fidelity" role="dialog" aria-label="Fidelity: what is exact and what is simplified">
            <div class="fidelity-bar">
                <span>{ "What the simulation models exactly, what it simplifies, and how it compares with a real Redis 7.0.15 cluster" }</span>
                <button onclick={dispatch(&store, |_: MouseEvent| Action::ToggleFidelity)}>{ "Close" }</button>
            </div>
            <div class="fidelity-text">
                { Html::from_html_unchecked(AttrValue::Static(FIDELITY_HTML)) }
            </div>
        </aside>
    }
}
