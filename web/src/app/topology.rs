//! The topology: one card per node, grouped by shard, with its own state and the others'
//! opinion of it, its fault buttons, and the messages in flight drawn along the links.

use clusterlab_core::NodeIdx;
use yew::prelude::*;

use super::{App, Msg};
use crate::model::events::concerned_nodes;
use crate::model::flights::wire_class;
use crate::model::topology::{card, Card, Process};

/// Above this many nodes (or shards), cards shrink to chips.
const COMPACT_NODES: usize = 24;
const COMPACT_SHARDS: usize = 8;
const CARD_ROW_PX: f64 = 128.0;
const CHIP_ROW_PX: f64 = 26.0;
const CHIP_SHARDS_PER_ROW: usize = 10;

/// A badge as a CSS class name (`fail?` → `failq`).
fn badge_class(badge: &str) -> String {
    badge.replace('?', "q")
}

/// How a node is marked: highlighted by the selected event, selected for a partition,
/// shown in the inspector.
#[derive(Clone, Copy)]
struct Marks {
    hl: bool,
    sel: bool,
    inspected: bool,
}

/// Where each node sits: x as a fraction of the stage width, y in pixels.
struct Stage {
    compact: bool,
    height: f64,
    columns: usize,
    spots: Vec<(NodeIdx, f64, f64)>,
}

impl Stage {
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

impl App {
    fn stage(&self) -> Stage {
        let shards = &self.session.layout().shards;
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

    /// Nodes the selected event concerns, and those the guide's checkpoint is about.
    fn highlighted(&self) -> Vec<NodeIdx> {
        let world = self.session.console().world();
        let mut nodes = self
            .log
            .selected
            .and_then(|seq| world.events().find(|e| e.seq == seq))
            .map(|e| concerned_nodes(world, e))
            .unwrap_or_default();
        nodes.extend(self.guide_focus_nodes());
        nodes
    }

    pub(super) fn view_topology(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let world = self.session.console().world();
        let stage = self.stage();
        let highlighted = self.highlighted();
        let selected_ports: Vec<u16> = self
            .selected
            .iter()
            .map(|i| world.processes()[i.index()].port)
            .collect();
        let rest: Vec<u16> = world
            .processes()
            .iter()
            .filter(|p| !selected_ports.contains(&p.port))
            .map(|p| p.port)
            .collect();
        let join = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
        let partition = format!(".partition {} / {}", join(&selected_ports), join(&rest));
        let blockbus = format!(".blockbus {}", join(&selected_ports));
        let none_selected = selected_ports.is_empty();
        let faults_active = !world.net_faults().is_empty()
            || world
                .processes()
                .iter()
                .any(|p| matches!(p.state, clusterlab_core::ProcessState::Paused { .. }));
        let cards = stage.spots.iter().map(|(idx, x, y)| {
            let c = card(world, *idx);
            let style = format!(
                "left:{:.4}%;top:{y:.1}px;--cols:{}",
                x * 100.0,
                stage.columns
            );
            let marks = Marks {
                hl: highlighted.contains(idx),
                sel: self.selected.contains(idx),
                inspected: self.inspected == *idx,
            };
            if stage.compact {
                self.view_chip(ctx, &c, style, marks)
            } else {
                self.view_card(ctx, &c, style, marks)
            }
        });
        let now = self.wall_now;
        let flights = self.flights.iter().filter_map(|f| {
            let (fx, fy) = stage.spot(f.from)?;
            let (tx, ty) = stage.spot(f.to)?;
            let p = f.progress(now);
            let x = fx + (tx - fx) * p;
            let y = fy + (ty - fy) * p;
            let class = classes!("flight", wire_class(f.wire), f.wire.is_heartbeat().then_some("heartbeat"));
            Some(html! {
                <div key={f.id} class={class} style={format!("left:{:.3}%;top:{y:.1}px", x * 100.0)}
                    title={format!("{} {} → {}", f.wire.label(), world.processes()[f.from.index()].port, world.processes()[f.to.index()].port)}>
                    if !f.wire.is_heartbeat() { <span>{ f.wire.label() }</span> }
                </div>
            })
        });
        let lines = self.flights.iter().filter_map(|f| {
            let (fx, fy) = stage.spot(f.from)?;
            let (tx, ty) = stage.spot(f.to)?;
            Some(html! {
                <line key={f.id} class={classes!("path", wire_class(f.wire))}
                    x1={format!("{:.1}", fx * 1000.0)} y1={format!("{fy:.1}")}
                    x2={format!("{:.1}", tx * 1000.0)} y2={format!("{ty:.1}")} />
            })
        });
        html! {
            <>
                <div class="panel-head">
                    <h2>{ "Topology" }</h2>
                    <label class="toggle">
                        <input type="checkbox" checked={self.show_heartbeats}
                            onchange={link.callback(|_| Msg::ToggleHeartbeats)} />
                        { "PING/PONG" }
                    </label>
                    <div class="fault-bar" role="group" aria-label="Network faults">
                        <button disabled={none_selected} title="Cut the selected nodes off from the others"
                            onclick={link.callback(move |_| Msg::RunLine(partition.clone()))}>{ "Partition selected" }</button>
                        <button disabled={none_selected} title="Block the cluster bus port of the selected nodes; clients still reach them"
                            onclick={link.callback(move |_| Msg::RunLine(blockbus.clone()))}>{ "Block bus" }</button>
                        <button disabled={!faults_active} title="Remove every network fault and wake paused nodes"
                            onclick={link.callback(|_| Msg::RunLine(".heal".into()))}>{ "Heal" }</button>
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

    fn view_card(&self, ctx: &Context<Self>, c: &Card, style: String, m: Marks) -> Html {
        let Marks { hl, sel, inspected } = m;
        let link = ctx.link();
        let idx = c.idx;
        let port = c.port;
        let badge = c.badge();
        let role = match c.replica_of {
            Some(m) => format!("replica of {m}"),
            None => "master".to_string(),
        };
        let others = c.seen_ok + c.seen_pfail + c.seen_fail;
        let seen = if c.seen_pfail + c.seen_fail == 0 {
            format!("{others} others: ok")
        } else {
            format!(
                "others: ok {} · fail? {} · fail {}",
                c.seen_ok, c.seen_pfail, c.seen_fail
            )
        };
        let class = classes!(
            "card",
            if c.master { "master" } else { "replica" },
            format!("st-{}", badge_class(badge)),
            hl.then_some("highlight"),
            sel.then_some("selected"),
            inspected.then_some("inspected")
        );
        let killed = c.process == Process::Killed;
        html! {
            <div class={class} style={style} key={c.idx.0}
                onclick={link.callback(move |_| Msg::Inspect(idx))}>
                <div class="card-head">
                    <input type="checkbox" checked={sel} aria-label={format!("Select {port} for a partition")}
                        title="Select for a partition or bus block"
                        onclick={link.callback(move |e: MouseEvent| { e.stop_propagation(); Msg::ToggleSelect(idx) })} />
                    <strong class="port">{ port }</strong>
                    <span class={classes!("badge", format!("b-{}", badge_class(badge)))}>{ badge }</span>
                </div>
                <div class="card-body">
                    <div class="role">{ format!("{role} · epoch {}", c.config_epoch) }</div>
                    <div class="slots-line">{ if c.slots.is_empty() { format!("{} · no slots", &c.id[..8]) } else { format!("{} · slots {}", &c.id[..8], c.slots) } }</div>
                    <div>{ format!("keys {} · offset {}", c.keys, c.offset) }</div>
                    <div class="seen" title="cluster_state as this node sees it, and how the other running nodes see this node">
                        { format!("state:{} · {seen}", if c.state_ok { "ok" } else { "fail" }) }</div>
                </div>
                <div class="card-actions" onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                    if killed {
                        <button onclick={link.callback(move |_| Msg::RunLine(format!(".restart {port}")))}
                            aria-label={format!("Restart {port} with an empty dataset")} title="Restart with an empty dataset">{ "restart" }</button>
                        <button onclick={link.callback(move |_| Msg::RunLine(format!(".restart {port} aof")))}
                            aria-label={format!("Restart {port} keeping its data (AOF)")} title="Restart keeping its data (AOF)">{ "restart (aof)" }</button>
                    } else {
                        <button onclick={link.callback(move |_| Msg::RunLine(format!(".kill {port}")))}
                            aria-label={format!("Kill {port}")}>{ "kill" }</button>
                        <button onclick={link.callback(move |_| Msg::RunLine(format!(".pause {port} 10s")))}
                            aria-label={format!("Pause {port} for 10 seconds")} title="Freeze for 10 s (like DEBUG SLEEP)">{ "pause 10s" }</button>
                        if !c.master {
                            <button onclick={link.callback(move |_| Msg::RunLine(format!(".failover {port}")))}
                                aria-label={format!("Manual failover to {port}")} title="CLUSTER FAILOVER on this replica">{ "failover" }</button>
                        }
                    }
                </div>
            </div>
        }
    }

    fn view_chip(&self, ctx: &Context<Self>, c: &Card, style: String, m: Marks) -> Html {
        let Marks { hl, sel, inspected } = m;
        let idx = c.idx;
        let badge = c.badge();
        let class = classes!(
            "chip",
            if c.master { "master" } else { "replica" },
            format!("b-{}", badge_class(badge)),
            hl.then_some("highlight"),
            sel.then_some("selected"),
            inspected.then_some("inspected")
        );
        let title = format!(
            "{} {} · {} · epoch {} · {} keys{}",
            c.port,
            if c.master { "master" } else { "replica" },
            badge,
            c.config_epoch,
            c.keys,
            if c.slots.is_empty() {
                String::new()
            } else {
                format!(" · slots {}", c.slots)
            }
        );
        let link = ctx.link();
        html! {
            <button class={class} style={style} key={c.idx.0} title={title.clone()} aria-label={title}
                onclick={link.callback(move |e: MouseEvent| if e.shift_key() { Msg::ToggleSelect(idx) } else { Msg::Inspect(idx) })}>
                { c.port }
            </button>
        }
    }
}
