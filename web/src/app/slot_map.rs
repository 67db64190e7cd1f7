//! The slot map: 16384 slots as a 128 × 128 grid on a canvas, coloured by the owning shard
//! as the inspected node sees it, or by keys or hits per slot; open slots are marked.

use clusterlab_core::{key_hash_slot, Slot, SLOTS};
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlInputElement, ImageData};
use yew::prelude::*;

use super::store::use_playground;
use crate::model::events::concerned_nodes;
use crate::model::slots::{
    heat_rgb, keys_per_slot, open_slots, owners, shard_rgb, slot_at, stale_slots, Heat,
};
use crate::model::state::Playground;

/// Canvas pixels per slot along each side.
const CELL: u32 = 3;
const SIDE: u32 = 128 * CELL;

/// The slot of the key typed in "find a key", if any.
fn found_slot(find_key: &str) -> Option<Slot> {
    (!find_key.is_empty()).then(|| key_hash_slot(find_key.as_bytes()))
}

fn draw(canvas: &NodeRef, p: &Playground, heat: Heat, found: Option<Slot>) {
    let Some(canvas) = canvas.cast::<HtmlCanvasElement>() else {
        return;
    };
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let session = p.session();
    let world = session.console().world();
    let owner = owners(world, p.inspected, session.layout());
    let values: Option<Vec<u32>> = match heat {
        Heat::Owner => None,
        Heat::Keys => Some(keys_per_slot(world)),
        Heat::Hits => Some(world.observer().slot_hits().to_vec()),
    };
    let max = values
        .as_ref()
        .map_or(0, |v| v.iter().copied().max().unwrap_or(0));
    let (migrating, importing) = open_slots(world);
    let focus: Vec<u16> = p
        .selected_event
        .and_then(|seq| world.events().find(|e| e.seq == seq))
        .map(|e| {
            concerned_nodes(world, e)
                .into_iter()
                .filter_map(|i| session.layout().shard_of(i))
                .map(|s| s as u16)
                .collect()
        })
        .unwrap_or_default();
    let stale = stale_slots(session.console());
    let guided = p.guide_focus_slots();
    let mut px = vec![0u8; (SIDE * SIDE * 4) as usize];
    for slot in 0..SLOTS {
        let mut rgb = match &values {
            None => owner[slot].map_or([90, 90, 96], shard_rgb),
            Some(v) => heat_rgb(v[slot], max),
        };
        if !focus.is_empty() && !owner[slot].is_some_and(|s| focus.contains(&s)) {
            rgb = rgb.map(|c| c / 3 + 40);
        }
        let (col, row) = ((slot % 128) as u32, (slot / 128) as u32);
        let mark = if migrating.contains_key(&(slot as Slot)) {
            Some([255, 255, 255])
        } else if importing.contains_key(&(slot as Slot)) {
            Some([0, 0, 0])
        } else {
            None
        };
        let is_stale = stale.get(slot).copied().unwrap_or(false);
        for dy in 0..CELL {
            for dx in 0..CELL {
                let centre = dx == 1 && dy == 1;
                let c = match mark {
                    Some(m) if centre || dx == dy => m,
                    _ if is_stale && dx + dy == CELL - 1 => [255, 150, 0],
                    _ => rgb,
                };
                let i = (((row * CELL + dy) * SIDE + col * CELL + dx) * 4) as usize;
                px[i..i + 4].copy_from_slice(&[c[0], c[1], c[2], 255]);
            }
        }
        if found == Some(slot as Slot) || guided.contains(&(slot as Slot)) {
            for d in 0..CELL {
                for (x, y) in [(d, 0), (d, CELL - 1), (0, d), (CELL - 1, d)] {
                    let i = (((row * CELL + y) * SIDE + col * CELL + x) * 4) as usize;
                    px[i..i + 4].copy_from_slice(&[255, 40, 160, 255]);
                }
            }
        }
    }
    if let Ok(img) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&px), SIDE, SIDE) {
        let _ = ctx.put_image_data(&img, 0.0, 0.0);
    }
}

fn slot_description(p: &Playground, slot: Slot) -> String {
    let console = p.session().console();
    let world = console.world();
    let node = world.node(p.inspected);
    let owner = node
        .slot_owner(slot)
        .map_or("unassigned".to_string(), |o| format!("owner {}", o.port));
    let keys: usize = world
        .processes()
        .iter()
        .filter(|x| x.node.is_master() && x.is_running())
        .map(|x| x.node.keyspace().count_in_slot(slot))
        .sum();
    let hits = world.observer().slot_hits()[usize::from(slot)];
    let mut s = format!("slot {slot} · {owner} · {keys} keys · {hits} hits");
    if let Some(to) = world.processes().iter().find_map(|x| {
        x.node
            .migrating()
            .get(&slot)
            .map(|t| (x.port, t.short().to_string()))
    }) {
        s.push_str(&format!(" · MIGRATING on {} to {}", to.0, to.1));
    }
    if let Some(cache) = console.cli().slot_cache() {
        let cached = cache
            .owner(slot)
            .map_or("none".to_string(), |o| o.to_string());
        let stale = stale_slots(console)[usize::from(slot)];
        s.push_str(&format!(
            " · client map says {cached}{}",
            if stale { " (stale)" } else { "" }
        ));
    }
    s
}

#[function_component(SlotMap)]
pub fn slot_map() -> Html {
    let store = use_playground();
    let heat = use_state_eq(|| Heat::Owner);
    let hover = use_state_eq(|| None::<Slot>);
    let find_key = use_state_eq(String::new);
    let canvas = use_node_ref();
    let found = found_slot(&find_key);
    {
        let (canvas, store) = (canvas.clone(), store.clone());
        let deps = (store.get().slots_version, *heat, found);
        use_effect_with(deps, move |&(_, heat, found)| {
            draw(&canvas, &store.get(), heat, found)
        });
    }
    let p = store.get();
    let world = p.session().console().world();
    let viewer = world.processes()[p.inspected.index()].port;
    let heat_button = |h: Heat, label: &'static str, title: &'static str| {
        let set = heat.clone();
        html! {
            <button class={classes!((*heat == h).then_some("on"))} aria-pressed={(*heat == h).to_string()}
                title={title} onclick={Callback::from(move |_: MouseEvent| set.set(h))}>{ label }</button>
        }
    };
    let onmove = {
        let hover = hover.clone();
        Callback::from(move |e: MouseEvent| {
            let el: web_sys::Element = e.target_unchecked_into();
            let (w, h) = (
                el.client_width().max(1) as f64,
                el.client_height().max(1) as f64,
            );
            let col = (f64::from(e.offset_x()) / w * 128.0).floor();
            let row = (f64::from(e.offset_y()) / h * 128.0).floor();
            hover.set(if col < 0.0 || row < 0.0 {
                None
            } else {
                slot_at(col as u32, row as u32)
            });
        })
    };
    let onleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let onfind = {
        let find_key = find_key.clone();
        Callback::from(move |e: InputEvent| {
            find_key.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let shown = (*hover).or(found);
    let (migrating, importing) = open_slots(world);
    let stale = stale_slots(p.session().console())
        .iter()
        .filter(|s| **s)
        .count();
    html! {
        <>
            <div class="panel-head">
                <h2>{ "Slot map" }</h2>
                <span class="sub">{ format!("as {viewer} sees it") }</span>
                <div class="seg" role="group" aria-label="Colour by">
                    { heat_button(Heat::Owner, "owner", "Colour by owning shard") }
                    { heat_button(Heat::Keys, "keys", "Heat: keys stored per slot") }
                    { heat_button(Heat::Hits, "hits", "Heat: commands per slot (hot spots)") }
                </div>
            </div>
            <canvas ref={canvas} class="slot-canvas" width={SIDE.to_string()} height={SIDE.to_string()}
                role="img" aria-label="All 16384 hash slots, 128 per row"
                onmousemove={onmove} onmouseleave={onleave} />
            <div class="slot-legend" aria-label="Slot marks">
                <span><i class="mark migrating"></i>{ format!("migrating ({})", migrating.len()) }</span>
                <span><i class="mark importing"></i>{ format!("importing ({})", importing.len()) }</span>
                if p.session().console().cli().slot_cache().is_some() {
                    <span title="Slots the smart client's cached map sends to the wrong node (.slotmap lists them)">
                        <i class="mark stale"></i>{ format!("stale in the client's map ({stale})") }</span>
                }
            </div>
            <div class="slot-info" aria-live="polite">
                { shown.map_or("Hover a slot, or find a key's slot:".to_string(), |s| slot_description(&p, s)) }
            </div>
            <label class="field find-key">
                <span>{ "Key" }</span>
                <input type="text" placeholder="{user1000}.following" value={(*find_key).clone()} aria-label="Find the slot of a key"
                    oninput={onfind} />
                if let Some(s) = found { <output>{ format!("→ slot {s}") }</output> }
            </label>
        </>
    }
}
