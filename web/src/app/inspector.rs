//! The node inspector: `CLUSTER NODES` and `CLUSTER INFO` as the chosen node would answer
//! them, fields that disagree with most running nodes marked, and that node's fault buttons.

use clusterlab_core::NodeIdx;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::{App, Msg};
use crate::model::topology::{card, Process};

impl App {
    pub(super) fn view_inspector(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let world = self.session.console().world();
        let c = card(world, self.inspected);
        let port = c.port;
        let ins = &self.inspection;
        let choose = link.callback(|e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            Msg::Inspect(NodeIdx(v.parse().unwrap_or(0)))
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
                        { for world.processes().iter().map(|p| {
                            let i = p.node.idx();
                            html! { <option value={i.0.to_string()} selected={i == self.inspected}>{ p.port }</option> }
                        }) }
                    </select>
                    <span class={classes!("sub", (ins.disagreements > 0).then_some("warn"))}>{ summary }</span>
                    <div class="fault-bar" role="group" aria-label={format!("Faults for {port}")}>
                        if c.process == Process::Killed {
                            <button onclick={link.callback(move |_| Msg::RunLine(format!(".restart {port}")))}>{ "restart" }</button>
                        } else {
                            <button onclick={link.callback(move |_| Msg::RunLine(format!(".kill {port}")))}>{ "kill" }</button>
                            <button onclick={link.callback(move |_| Msg::RunLine(format!(".pause {port} 10s")))}>{ "pause 10s" }</button>
                            if !c.master {
                                <button onclick={link.callback(move |_| Msg::RunLine(format!(".failover {port}")))}>{ "failover" }</button>
                            }
                        }
                        <button onclick={link.callback(move |_| Msg::RunLine(format!(".connect {port}")))}
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
}
