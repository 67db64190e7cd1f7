//! The node inspector: `CLUSTER NODES` and `CLUSTER INFO` as the chosen node would answer
//! them, fields that disagree with most running nodes marked, and that node's fault buttons.

use clusterlab_core::NodeIdx;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::fault_buttons::FaultButtons;
use super::store::{dispatch, use_playground};
use crate::model::state::Action;
use crate::model::topology::{card, Process};

#[function_component(Inspector)]
pub fn inspector() -> Html {
    let store = use_playground();
    let p = store.get();
    let world = p.session().console().world();
    let c = card(world, p.inspected);
    let port = c.port;
    let ins = &p.inspection;
    let choose = dispatch(&store, |e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::Inspect(NodeIdx(v.parse().unwrap_or(0)))
    });
    let summary = if ins.disagreements == 0 {
        "agrees with the other nodes".to_string()
    } else {
        format!(
            "{} fields differ from what most nodes believe (marked)",
            ins.disagreements
        )
    };
    html! {
        <>
            <div class="panel-head">
                <h2>{ "Node" }</h2>
                <select aria-label="Node to inspect" onchange={choose}>
                    { for world.processes().iter().map(|x| {
                        let i = x.node.idx();
                        html! { <option value={i.0.to_string()} selected={i == p.inspected}>{ x.port }</option> }
                    }) }
                </select>
                <span class={classes!("sub", (ins.disagreements > 0).then_some("warn"))}>{ summary }</span>
                <div class="fault-bar" role="group" aria-label={format!("Faults for {port}")}>
                    <FaultButtons port={port} killed={c.process == Process::Killed} replica={!c.master} />
                    <button onclick={dispatch(&store, move |_: MouseEvent| Action::RunLine(format!(".connect {port}")))}
                        title="Point the console at this node">{ "connect console" }</button>
                </div>
            </div>
            <div class="inspector-body">
                <h3>{ format!("CLUSTER NODES on {port}") }</h3>
                <pre class="cluster-nodes">
                    { for ins.nodes.iter().map(|fields| html! {
                        <div class="nodes-line">
                            { for fields.iter().enumerate().map(|(i, f)| html! {
                                <>
                                    if i > 0 { { " " } }
                                    if let Some(note) = &f.disagreement {
                                        <mark class="disagree" title={note.clone()}>{ &f.text }</mark>
                                    } else {
                                        { &f.text }
                                    }
                                </>
                            }) }
                        </div>
                    }) }
                </pre>
                <h3>{ format!("CLUSTER INFO on {port}") }</h3>
                <pre class="cluster-info">{ &ins.info }</pre>
            </div>
        </>
    }
}
