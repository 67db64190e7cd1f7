//! The event log: every event with its explanation, filterable by node and kind, with
//! bookmarks for the moments learners look for; a click highlights what an event concerns.

use std::collections::VecDeque;

use clusterlab_core::{Event, EventCategory};

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};
use yew::prelude::*;

use super::{App, Msg};
use crate::model::events::{category_name, concerned_nodes, BookmarkIndex, BOOKMARKS, CATEGORIES};

/// Rows drawn at once, and how far back a new filter looks.
const ROWS: usize = 200;
const SCAN: usize = 20_000;

/// The node and kind filters.
type FilterKey = (Option<u16>, Option<EventCategory>);

#[derive(Default)]
pub struct LogState {
    pub selected: Option<u64>,
    pub node: Option<u16>,
    pub category: Option<EventCategory>,
    pub list_ref: NodeRef,
    last_seen: u64,
    scrolled_to: Option<u64>,
    pub bookmarks: BookmarkIndex,
    /// The newest events that pass the filters, oldest first, kept up to date as events
    /// arrive (a new filter looks back once), so a frame never rescans the log.
    filtered: VecDeque<Event>,
    /// How many events had been logged when `filtered` was last brought up to date.
    filtered_upto: u64,
    filtered_for: Option<FilterKey>,
}

impl App {
    fn event_matches(&self, e: &Event) -> bool {
        let world = self.session.console().world();
        if self.log.category.is_some_and(|c| e.kind.category() != c) {
            return false;
        }
        match self.log.node.and_then(|p| world.by_port(p)) {
            Some(idx) => e.node == Some(idx) || concerned_nodes(world, e).contains(&idx),
            None => true,
        }
    }

    /// Brings the filtered rows up to date: only the events logged since the last call are
    /// examined, unless the filters changed or the run started again.
    pub(super) fn refresh_filtered(&mut self) {
        let key = (self.log.node, self.log.category);
        if key == (None, None) {
            // Unfiltered, the view reads the log's tail directly: nothing to keep.
            self.log.filtered.clear();
            self.log.filtered_for = None;
            return;
        }
        let world = self.session.console().world();
        let logged = world.events_logged();
        let fresh = self.log.filtered_for != Some(key) || logged < self.log.filtered_upto;
        let new = if fresh {
            SCAN
        } else {
            (logged - self.log.filtered_upto) as usize
        };
        let mut found: Vec<Event> = world
            .events()
            .rev()
            .take(new)
            .filter(|e| self.event_matches(e))
            .take(ROWS)
            .cloned()
            .collect();
        found.reverse();
        if fresh {
            self.log.filtered.clear();
            self.log.filtered_for = Some(key);
        }
        self.log.filtered.extend(found);
        while self.log.filtered.len() > ROWS {
            self.log.filtered.pop_front();
        }
        self.log.filtered_upto = logged;
    }

    /// Follows the newest event unless one is selected, which is scrolled into view.
    pub(super) fn log_rendered(&mut self) {
        if self.log.selected.is_some() && self.log.selected != self.log.scrolled_to {
            self.log.scrolled_to = self.log.selected;
            if let Some(list) = self.log.list_ref.cast::<HtmlElement>() {
                // Scroll the list only (not the page) so the selected row sits in the middle.
                if let Some(row) = list
                    .query_selector(".event.selected")
                    .ok()
                    .flatten()
                    .and_then(|r| r.dyn_into::<HtmlElement>().ok())
                {
                    let top = row.offset_top() - list.client_height() / 2;
                    list.set_scroll_top(top.max(0));
                }
            }
        }
        if self.log.selected.is_none() {
            self.log.scrolled_to = None;
        }
        let logged = self.session.console().world().events_logged();
        if self.log.selected.is_none() && logged != self.log.last_seen {
            self.log.last_seen = logged;
            if let Some(el) = self.log.list_ref.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        }
    }

    pub(super) fn view_event_log(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let world = self.session.console().world();
        let events: Vec<&Event> = match self.log.selected {
            Some(sel) => {
                // The retained log is in sequence order: start 40 events before the
                // selected one instead of walking the whole log.
                let first = world.events_logged() - world.events().len() as u64;
                let skip = sel.saturating_sub(40).saturating_sub(first) as usize;
                let mut v: Vec<&Event> = world
                    .events()
                    .skip(skip)
                    .filter(|e| self.event_matches(e))
                    .take(ROWS)
                    .collect();
                if !v.iter().any(|e| e.seq == sel) {
                    v.extend(world.events().skip(skip).find(|e| e.seq == sel));
                }
                v
            }
            None if self.log.node.is_none() && self.log.category.is_none() => {
                let mut v: Vec<&Event> = world.events().rev().take(ROWS).collect();
                v.reverse();
                v
            }
            None => self.log.filtered.iter().collect(),
        };
        let ports: Vec<u16> = world.processes().iter().map(|p| p.port).collect();
        let node_filter = link.callback(|e: web_sys::Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            Msg::FilterNode(v.parse().ok())
        });
        let cat_filter = link.callback(|e: web_sys::Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            Msg::FilterCategory(
                v.parse::<usize>()
                    .ok()
                    .and_then(|i| CATEGORIES.get(i).copied()),
            )
        });
        html! {
            <>
                <div class="panel-head">
                    <h2>{ "Events" }</h2>
                    <select aria-label="Filter by node" onchange={node_filter}>
                        <option value="" selected={self.log.node.is_none()}>{ "all nodes" }</option>
                        { for ports.iter().map(|p| html! { <option value={p.to_string()} selected={self.log.node == Some(*p)}>{ p }</option> }) }
                    </select>
                    <select aria-label="Filter by kind" onchange={cat_filter}>
                        <option value="" selected={self.log.category.is_none()}>{ "all kinds" }</option>
                        { for CATEGORIES.iter().enumerate().map(|(i, c)| html! {
                            <option value={i.to_string()} selected={self.log.category == Some(*c)}>{ category_name(*c) }</option>
                        }) }
                    </select>
                    if self.log.selected.is_some() {
                        <button onclick={link.callback(|_| Msg::SelectEvent(None))} title="Follow the newest events again">{ "live ↓" }</button>
                    }
                </div>
                <nav class="bookmarks" aria-label="Bookmarks">
                    { for BOOKMARKS.iter().map(|b| {
                        let at = self.log.bookmarks.get(*b);
                        html! {
                            <button disabled={at.is_none()} class={classes!((at.is_some() && at == self.log.selected).then_some("on"))}
                                title={if at.is_some() { "Jump to this event" } else { "Has not happened yet" }}
                                onclick={link.callback(move |_| Msg::SelectEvent(at))}>{ b.label() }</button>
                        }
                    }) }
                </nav>
                <ol class="events" ref={self.log.list_ref.clone()}>
                    { for events.iter().map(|e| {
                        let seq = e.seq;
                        let selected = self.log.selected == Some(seq);
                        let toggle = if selected { None } else { Some(seq) };
                        html! {
                            <li key={seq} class={classes!("event", format!("c-{}", category_name(e.kind.category()).replace(' ', "-")), selected.then_some("selected"))}
                                onclick={link.callback(move |_| Msg::SelectEvent(toggle))}>
                                <time>{ e.at.to_string() }</time>
                                <span class="port">{ e.port.map(|p| p.to_string()).unwrap_or_default() }</span>
                                <span class="kind">{ category_name(e.kind.category()) }</span>
                                <span class="text">{ e.kind.to_string() }</span>
                            </li>
                        }
                    }) }
                </ol>
            </>
        }
    }
}
