//! One node in the topology: a card with its own state and the others' opinion of it and
//! its fault buttons, or, in a big cluster, a chip.

use clusterlab_core::NodeIdx;
use yew::prelude::*;

use super::fault_buttons::FaultButtons;
use crate::model::topology::{Card as CardData, Process};

/// A badge as a CSS class name (`fail?` → `failq`).
fn badge_class(badge: &str) -> String {
    badge.replace('?', "q")
}

/// The classes of a card or chip: its kind, role and state, and how it is marked.
fn marks(kind: &'static str, state: String, props: &CardProps) -> Classes {
    classes!(
        kind,
        if props.card.master {
            "master"
        } else {
            "replica"
        },
        state,
        props.highlight.then_some("highlight"),
        props.selected.then_some("selected"),
        props.inspected.then_some("inspected")
    )
}

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub card: CardData,
    /// Its place on the stage.
    pub style: String,
    /// Highlighted by the selected event or the guide.
    pub highlight: bool,
    /// Selected for a partition.
    pub selected: bool,
    /// Shown in the inspector.
    pub inspected: bool,
    pub on_inspect: Callback<NodeIdx>,
    pub on_select: Callback<NodeIdx>,
}

#[function_component(Card)]
pub fn card(props: &CardProps) -> Html {
    let c = &props.card;
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
    let class = marks("card", format!("st-{}", badge_class(badge)), props);
    let on_inspect = props.on_inspect.reform(move |_: MouseEvent| idx);
    let on_select = props.on_select.reform(move |e: MouseEvent| {
        e.stop_propagation();
        idx
    });
    html! {
        <div class={class} style={props.style.clone()} onclick={on_inspect}>
            <div class="card-head">
                <input type="checkbox" checked={props.selected} aria-label={format!("Select {port} for a partition")}
                    title="Select for a partition or bus block" onclick={on_select} />
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
                <FaultButtons port={port} killed={c.process == Process::Killed} replica={!c.master} />
            </div>
        </div>
    }
}

#[function_component(Chip)]
pub fn chip(props: &CardProps) -> Html {
    let c = &props.card;
    let idx = c.idx;
    let badge = c.badge();
    let class = marks("chip", format!("b-{}", badge_class(badge)), props);
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
    let (on_inspect, on_select) = (props.on_inspect.clone(), props.on_select.clone());
    let onclick = Callback::from(move |e: MouseEvent| {
        if e.shift_key() {
            on_select.emit(idx)
        } else {
            on_inspect.emit(idx)
        }
    });
    html! {
        <button class={class} style={props.style.clone()} title={title.clone()} aria-label={title} {onclick}>
            { c.port }
        </button>
    }
}
