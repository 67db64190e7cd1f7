//! Resharding with redis-cli's own tools: each button types `.cluster-tool` lines into
//! the console, so the terminal shows what redis-cli prints and the lines can be typed
//! again by hand.

use yew::prelude::*;

use super::store::{dispatch, use_playground};
use crate::model::state::Action;

#[function_component(Tools)]
pub fn tools() -> Html {
    let store = use_playground();
    let p = store.get();
    let console = p.session().console();
    let world = console.world();
    let entry = format!("127.0.0.1:{}", console.shape().base_port);
    let next_port = world
        .processes()
        .iter()
        .map(|x| x.port)
        .max()
        .unwrap_or(7000)
        + 1;
    // The newest node started from the playground, if any.
    let newest = world
        .processes()
        .iter()
        .skip(console.shape().node_count())
        .rfind(|x| x.is_running() && x.node.peers().iter().count() > 1)
        .map(|x| (x.port, x.node.name().to_string()));
    let add = vec![
        format!(".start {next_port}"),
        format!(".cluster-tool add-node 127.0.0.1:{next_port} {entry}"),
    ];
    let rebalance = vec![format!(
        ".cluster-tool rebalance {entry} --cluster-use-empty-masters"
    )];
    let fix = format!(".cluster-tool fix {entry}");
    // While a tool moves slots, the other tools wait (redis-cli would fight it).
    let busy = p.tools_busy();
    let line = |l: String| dispatch(&store, move |_: MouseEvent| Action::RunLine(l.clone()));
    let lines =
        |ls: Vec<String>| dispatch(&store, move |_: MouseEvent| Action::RunLines(ls.clone()));
    html! {
        <div class="group" role="group" aria-label="Resharding tools">
            if busy {
                <button class="stop-tool" onclick={dispatch(&store, |_: MouseEvent| Action::StopTool)}
                    title="Stop the running tool where it is, like Ctrl-C; a slot it was moving may stay open for Fix">
                    { "Stop tool" }</button>
            }
            <button disabled={busy} onclick={line(fix)}
                title="redis-cli --cluster fix: close open slots, cover unassigned ones">
                { "Fix" }</button>
            <button disabled={busy} onclick={lines(add)}
                title={format!("Start an empty node on port {next_port} and add it with redis-cli --cluster add-node")}>
                { format!("Add node {next_port}") }</button>
            <button disabled={busy} onclick={lines(rebalance)}
                title="redis-cli --cluster rebalance --cluster-use-empty-masters: move slots until every master has its share">
                { "Rebalance" }</button>
            if let Some((port, id)) = newest {
                <button disabled={busy} onclick={line(format!(".cluster-tool reshard {entry} --cluster-from all --cluster-to {id} --cluster-slots 1000"))}
                    title={format!("redis-cli --cluster reshard: move 1000 slots, keys and all, from every master to {port}")}>
                    { format!("Reshard 1000 → {port}") }</button>
                <button disabled={busy} onclick={lines(vec![
                        format!(".cluster-tool rebalance {entry} --cluster-weight {id}=0"),
                        format!(".cluster-tool del-node {entry} {id}"),
                    ])}
                    title={format!("Move every slot of {port} away (rebalance with weight 0), then redis-cli --cluster del-node")}>
                    { format!("Remove {port}") }</button>
            }
        </div>
    }
}
