//! The fidelity page inside the playground: FIDELITY.md, rendered at build time into
//! `fidelity.html` beside the page (`cargo xtask fidelity-page`) and loaded into a frame
//! only when the learner opens it.

use yew::prelude::*;

use super::store::{dispatch, use_playground};
use crate::model::state::Action;

#[function_component(Fidelity)]
pub fn fidelity() -> Html {
    let store = use_playground();
    html! {
        <aside class="fidelity" role="dialog" aria-label="Fidelity: what is exact and what is simplified">
            <div class="fidelity-bar">
                <span>{ "What the simulation models exactly, what it simplifies, and how it compares with a real Redis 7.0.15 cluster" }</span>
                <button onclick={dispatch(&store, |_: MouseEvent| Action::ToggleFidelity)}>{ "Close" }</button>
            </div>
            <iframe class="fidelity-text" src="fidelity.html" title="FIDELITY.md: exact, simplified and not modelled yet"></iframe>
        </aside>
    }
}
