//! The topology: one card per node, grouped by shard, the messages in flight drawn along
//! the links, and the network-fault bar for the nodes selected on their cards.

use clusterlab_core::types::vec_map::VecMap;
use std::rc::Rc;

use clusterlab_core::{Fault, NodeIdx, ProcessState};
use yew::prelude::*;

use super::card::{Card, Chip};
use super::store::{dispatch, use_playground};
use crate::model::events::concerned_nodes;
use crate::model::flights::wire_class;
use crate::model::state::Action;
use crate::model::topology::card;

/// Above this many nodes (or shards), cards shrink to chips.
const COMPACT_NODES: usize = 24;
const COMPACT_SHARDS: usize = 8;
const CARD_ROW_PX: f64 = 128.0;
const CHIP_ROW_PX: f64 = 26.0;
const CHIP_SHARDS_PER_ROW: usize = 10;

/// Where each node sits: x as a fraction of the stage width, y in pixels.
struct Stage {
    compact: bool,
    height: f64,
    columns: usize,
    spots: Vec<(NodeIdx, f64, f64)>,
}

impl Stage {
    fn of(shards: &[Vec<NodeIdx>]) -> Stage {
        let nodes: usize = shards.iter().map(Vec::len).sum();
        let tallest = shards.iter().map(Vec::len).max().unwrap_or(1);
        let mut spots = Vec::new();
        if nodes <= COMPACT_NODES && shards.len() <= COMPACT_SHARDS {
            let cols = shards.len().max(1);
            for (c, shard) in shards.iter().enumerate() {
                for (r, idx) in shard.iter().enumerate() {
                    let x = (c as f64 + 0.5) / cols as f64;
                    let y = r as f64 * CARD_ROW_PX + CARD_ROW_PX / 2.0;
                    spots.push((*idx, x, y));
                }
            }
            Stage {
                compact: false,
                height: tallest as f64 * CARD_ROW_PX,
                columns: cols,
                spots,
            }
        } else {
            let cols = shards.len().clamp(1, CHIP_SHARDS_PER_ROW);
            let block = tallest as f64 * CHIP_ROW_PX + 14.0;
            for (s, shard) in shards.iter().enumerate() {
                for (r, idx) in shard.iter().enumerate() {
                    let x = ((s % cols) as f64 + 0.5) / cols as f64;
                    let y = (s / cols) as f64 * block
                        + 8.0
                        + r as f64 * CHIP_ROW_PX
                        + CHIP_ROW_PX / 2.0;
                    spots.push((*idx, x, y));
                }
            }
            let rows = shards.len().div_ceil(cols);
            Stage {
                compact: true,
                height: rows as f64 * block,
                columns: cols,
                spots,
            }
        }
    }

    fn spot(&self, idx: NodeIdx) -> Option<(f64, f64)> {
        self.spots.iter().find(|s| s.0 == idx).map(|s| (s.1, s.2))
    }
}

const LEGEND: [(&str, &str); 9] = [
    ("PING", "w-ping"),
    ("PONG", "w-pong"),
    ("MEET", "w-meet"),
    ("FAIL", "w-fail"),
    ("AUTH_REQUEST", "w-authreq"),
    ("AUTH_ACK", "w-authack"),
    ("UPDATE", "w-update"),
    ("REPL", "w-repl"),
    ("MIGRATE", "w-migrate"),
];

/// Nodes ticked for a partition or a bus block; a tick toggles one.
#[derive(Default, PartialEq)]
struct Selection(VecMap<NodeIdx, ()>);

impl Reducible for Selection {
    type Action = NodeIdx;

    fn reduce(self: Rc<Self>, idx: NodeIdx) -> Rc<Self> {
        let mut nodes = self.0.clone();
        if nodes.remove(&idx).is_none() {
            nodes.insert(idx, ());
        }
        Rc::new(Selection(nodes))
    }
}

#[function_component(Topology)]
pub fn topology() -> Html {
    let store = use_playground();
    let selected = use_reducer(Selection::default);
    let p = store.get();
    let world = p.session().console().world();
    let stage = Stage::of(&p.session().layout().shards);
    // Nodes the selected event concerns, and those the guide's checkpoint is about.
    let mut highlighted = p
        .selected_event
        .and_then(|seq| world.events().find(|e| e.seq == seq))
        .map(|e| concerned_nodes(world, e))
        .unwrap_or_default();
    highlighted.extend(p.guide_focus_nodes());
    let selected_ports: Vec<u16> = selected
        .0
        .keys()
        .map(|i| world.processes()[i.index()].port)
        .collect();
    let rest: Vec<u16> = world
        .processes()
        .iter()
        .filter(|x| !selected_ports.contains(&x.port))
        .map(|x| x.port)
        .collect();
    let partition = Fault::Partition(vec![selected_ports.clone(), rest]).console_line();
    let blockbus = Fault::BlockBus(selected_ports.clone()).console_line();
    let none_selected = selected_ports.is_empty();
    let faults_active = !world.net_faults().is_empty()
        || world
            .processes()
            .iter()
            .any(|x| matches!(x.state, ProcessState::Paused { .. }));
    let on_inspect = dispatch(&store, Action::Inspect);
    let on_select = {
        let d = selected.dispatcher();
        Callback::from(move |idx: NodeIdx| d.dispatch(idx))
    };
    let cards = stage.spots.iter().map(|(idx, x, y)| {
        let c = card(world, *idx);
        let style = format!(
            "left:{:.4}%;top:{y:.1}px;--cols:{}",
            x * 100.0,
            stage.columns
        );
        let (highlight, sel, inspected) = (
            highlighted.contains(idx),
            selected.0.contains_key(idx),
            p.inspected == *idx,
        );
        let (on_inspect, on_select) = (on_inspect.clone(), on_select.clone());
        if stage.compact {
            html! { <Chip key={idx.0} card={c} {style} {highlight} selected={sel} {inspected} {on_inspect} {on_select} /> }
        } else {
            html! { <Card key={idx.0} card={c} {style} {highlight} selected={sel} {inspected} {on_inspect} {on_select} /> }
        }
    });
    let now = p.wall_now;
    let flights = p.flights.iter().filter_map(|f| {
        let (fx, fy) = stage.spot(f.from)?;
        let (tx, ty) = stage.spot(f.to)?;
        let t = f.progress(now);
        let x = fx + (tx - fx) * t;
        let y = fy + (ty - fy) * t;
        let class = classes!("flight", wire_class(f.wire), f.wire.is_heartbeat().then_some("heartbeat"));
        Some(html! {
            <div key={f.id} class={class} style={format!("left:{:.3}%;top:{y:.1}px", x * 100.0)}
                title={format!("{} {} → {}", f.wire.label(), world.processes()[f.from.index()].port, world.processes()[f.to.index()].port)}>
                if !f.wire.is_heartbeat() { <span>{ f.wire.label() }</span> }
            </div>
        })
    });
    let lines = p.flights.iter().filter_map(|f| {
        let (fx, fy) = stage.spot(f.from)?;
        let (tx, ty) = stage.spot(f.to)?;
        Some(html! {
            <line key={f.id} class={classes!("path", wire_class(f.wire))}
                x1={format!("{:.1}", fx * 1000.0)} y1={format!("{fy:.1}")}
                x2={format!("{:.1}", tx * 1000.0)} y2={format!("{ty:.1}")} />
        })
    });
    let run = |line: String| dispatch(&store, move |_: MouseEvent| Action::RunLine(line.clone()));
    html! {
        <>
            <div class="panel-head">
                <h2>{ "Topology" }</h2>
                <label class="toggle">
                    <input type="checkbox" checked={p.show_heartbeats}
                        onchange={dispatch(&store, |_: Event| Action::ToggleHeartbeats)} />
                    { "PING/PONG" }
                </label>
                <div class="fault-bar" role="group" aria-label="Network faults">
                    <button disabled={none_selected} title="Cut the selected nodes off from the others"
                        onclick={run(partition)}>{ "Partition selected" }</button>
                    <button disabled={none_selected} title="Block the cluster bus port of the selected nodes; clients still reach them"
                        onclick={run(blockbus)}>{ "Block bus" }</button>
                    <button disabled={!faults_active} title="Remove every network fault and wake paused nodes"
                        onclick={run(Fault::Heal.console_line())}>{ "Heal" }</button>
                </div>
            </div>
            <ul class="legend" aria-label="Message colours">
                { for LEGEND.iter().map(|(l, c)| html! { <li class={classes!("flight-key", *c)}>{ *l }</li> }) }
            </ul>
            <div class={classes!("stage", stage.compact.then_some("compact"))} style={format!("height:{:.0}px", stage.height)}>
                <svg class="paths" viewBox={format!("0 0 1000 {:.0}", stage.height.max(1.0))} preserveAspectRatio="none" aria-hidden="true">
                    { for lines }
                </svg>
                { for cards }
                { for flights }
            </div>
        </>
    }
}
