//! The event log: every event with its explanation, filterable by node and kind, with
//! bookmarks for the moments learners look for; a click highlights what an event concerns.

use clusterlab_core::{Event, EventCategory};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};
use yew::prelude::*;

use super::store::{dispatch, use_playground};
use crate::model::events::{
    category_name, passes, FilteredEvents, BOOKMARKS, CATEGORIES, FILTERED_ROWS,
};
use crate::model::state::Action;

/// Where the list was last scrolled to.
#[derive(Default)]
struct Scroll {
    /// The selected event it was scrolled to, and how many events were logged when it
    /// last followed the newest.
    selected: Option<u64>,
    logged: u64,
}

#[function_component(EventLog)]
pub fn event_log() -> Html {
    let store = use_playground();
    let node = use_state_eq(|| None::<u16>);
    let category = use_state_eq(|| None::<EventCategory>);
    let filtered = use_mut_ref(FilteredEvents::default);
    let scroll = use_mut_ref(Scroll::default);
    let list = use_node_ref();
    {
        // Follow the newest event unless one is selected, which is scrolled into view.
        let (list, scroll, store) = (list.clone(), scroll.clone(), store.clone());
        use_effect(move || {
            let p = store.get();
            let mut s = scroll.borrow_mut();
            let selected = p.selected_event;
            if selected.is_some() && selected != s.selected {
                s.selected = selected;
                if let Some(l) = list.cast::<HtmlElement>() {
                    // Scroll the list only (not the page) so the selected row sits in the middle.
                    if let Some(row) = l
                        .query_selector(".event.selected")
                        .ok()
                        .flatten()
                        .and_then(|r| r.dyn_into::<HtmlElement>().ok())
                    {
                        let top = row.offset_top() - l.client_height() / 2;
                        l.set_scroll_top(top.max(0));
                    }
                }
            }
            if selected.is_none() {
                s.selected = None;
            }
            let logged = p.session().console().world().events_logged();
            if selected.is_none() && logged != s.logged {
                s.logged = logged;
                if let Some(el) = list.cast::<HtmlElement>() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }
    let p = store.get();
    let world = p.session().console().world();
    let (node_f, cat_f) = (*node, *category);
    let unfiltered = node_f.is_none() && cat_f.is_none();
    if !unfiltered {
        filtered.borrow_mut().refresh(world, node_f, cat_f);
    }
    let kept = filtered.borrow();
    let events: Vec<&Event> = match p.selected_event {
        Some(sel) => {
            // The retained log is in sequence order: start 40 events before the selected
            // one instead of walking the whole log.
            let first = world.events_logged() - world.events().len() as u64;
            let skip = sel.saturating_sub(40).saturating_sub(first) as usize;
            let mut v: Vec<&Event> = world
                .events()
                .skip(skip)
                .filter(|e| passes(world, e, node_f, cat_f))
                .take(FILTERED_ROWS)
                .collect();
            if !v.iter().any(|e| e.seq == sel) {
                v.extend(world.events().skip(skip).find(|e| e.seq == sel));
            }
            v
        }
        None if unfiltered => {
            let mut v: Vec<&Event> = world.events().rev().take(FILTERED_ROWS).collect();
            v.reverse();
            v
        }
        None => kept.rows().collect(),
    };
    let ports: Vec<u16> = world.processes().iter().map(|x| x.port).collect();
    let node_filter = {
        let node = node.clone();
        Callback::from(move |e: web_sys::Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            node.set(v.parse().ok());
        })
    };
    let cat_filter = {
        let category = category.clone();
        Callback::from(move |e: web_sys::Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            category.set(
                v.parse::<usize>()
                    .ok()
                    .and_then(|i| CATEGORIES.get(i).copied()),
            );
        })
    };
    html! {
        <>
            <div class="panel-head">
                <h2>{ "Events" }</h2>
                <select aria-label="Filter by node" onchange={node_filter}>
                    <option value="" selected={node_f.is_none()}>{ "all nodes" }</option>
                    { for ports.iter().map(|port| html! { <option value={port.to_string()} selected={node_f == Some(*port)}>{ port }</option> }) }
                </select>
                <select aria-label="Filter by kind" onchange={cat_filter}>
                    <option value="" selected={cat_f.is_none()}>{ "all kinds" }</option>
                    { for CATEGORIES.iter().enumerate().map(|(i, c)| html! {
                        <option value={i.to_string()} selected={cat_f == Some(*c)}>{ category_name(*c) }</option>
                    }) }
                </select>
                if p.selected_event.is_some() {
                    <button onclick={dispatch(&store, |_: MouseEvent| Action::SelectEvent(None))} title="Follow the newest events again">{ "live ↓" }</button>
                }
            </div>
            <nav class="bookmarks" aria-label="Bookmarks">
                { for BOOKMARKS.iter().map(|b| {
                    let at = p.bookmarks.get(*b);
                    html! {
                        <button disabled={at.is_none()} class={classes!((at.is_some() && at == p.selected_event).then_some("on"))}
                            title={if at.is_some() { "Jump to this event" } else { "Has not happened yet" }}
                            onclick={dispatch(&store, move |_: MouseEvent| Action::SelectEvent(at))}>{ b.label() }</button>
                    }
                }) }
            </nav>
            <ol class="events" ref={list}>
                { for events.iter().map(|e| {
                    let seq = e.seq;
                    let selected = p.selected_event == Some(seq);
                    let toggle = if selected { None } else { Some(seq) };
                    html! {
                        <li key={seq} class={classes!("event", format!("c-{}", category_name(e.kind.category()).replace(' ', "-")), selected.then_some("selected"))}
                            onclick={dispatch(&store, move |_: MouseEvent| Action::SelectEvent(toggle))}>
                            <time>{ e.at.to_string() }</time>
                            <span class="port">{ e.port.map(|x| x.to_string()).unwrap_or_default() }</span>
                            <span class="kind">{ category_name(e.kind.category()) }</span>
                            <span class="text">{ e.kind.to_string() }</span>
                        </li>
                    }
                }) }
            </ol>
        </>
    }
}
