//! The playground's components. The root [`App`] holds the [`Store`](store::Store),
//! drives the simulation from animation frames, listens for the keyboard shortcuts and
//! lays out the panels; each panel is a component in its own file that reads the store
//! through [`store::use_playground`] and dispatches actions.

mod about;
mod card;
mod controls;
mod event_log;
mod fault_buttons;
mod fidelity;
mod guide;
mod inspector;
mod interview;
mod learn;
mod metrics;
mod slot_map;
mod storage;
mod store;
mod terminal;
mod tools;
mod topology;

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::model::state::{Action, Playground};
use metrics::{now_ms, publish, FpsMeter};
use store::{PlaygroundHandle, Store};

/// Mounts the playground in `#app`, replacing the loading indicator.
pub fn start() {
    let document = gloo_utils::document();
    if let Some(loader) = document.get_element_by_id("loading") {
        loader.remove();
    }
    let root = document
        .get_element_by_id("app")
        .unwrap_or_else(|| document.body().expect("a body").into());
    yew::Renderer::<App>::with_root(root).render();
}

/// The keyboard shortcuts (space = play/pause, `.` = step), unless the user is typing.
fn shortcut(e: &KeyboardEvent) -> Option<Action> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON"
            )
        });
    match e.key().as_str() {
        _ if typing => None,
        " " => Some(Action::TogglePlay),
        "." => Some(Action::Step),
        _ => None,
    }
}

/// Runs the simulation from animation frames while the page shows, measuring frames per
/// second; the frame request is dropped (cancelled) with the component.
#[hook]
fn use_frames(store: &PlaygroundHandle, fps: Rc<RefCell<FpsMeter>>) {
    let dispatcher = store.dispatcher();
    let store = store.clone();
    use_effect_with((), move |_| {
        let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
        let published = Rc::new(RefCell::new(0.0f64));
        fn next(
            handle: Rc<RefCell<Option<AnimationFrame>>>,
            on_frame: Rc<dyn Fn(f64)>,
        ) -> AnimationFrame {
            request_animation_frame(move |ts| {
                on_frame(ts);
                let again = next(Rc::clone(&handle), on_frame);
                *handle.borrow_mut() = Some(again);
            })
        }
        let on_frame: Rc<dyn Fn(f64)> = Rc::new(move |ts| {
            fps.borrow_mut().tick(ts);
            if ts - *published.borrow() >= 1000.0 {
                *published.borrow_mut() = ts;
                publish("fps", &fps.borrow().fps().to_string());
                let sim = store.get().session().console().world().now().0;
                publish("simMs", &sim.to_string());
            }
            dispatcher.dispatch(Action::Frame { ts, clock: now_ms });
        });
        let first = next(Rc::clone(&handle), on_frame);
        *handle.borrow_mut() = Some(first);
        move || {
            handle.borrow_mut().take();
        }
    });
}

/// Space and `.` anywhere on the page.
#[hook]
fn use_shortcuts(store: &PlaygroundHandle) {
    let dispatcher = store.dispatcher();
    use_effect_with((), move |_| {
        let options = gloo_events::EventListenerOptions::enable_prevent_default();
        let listener = EventListener::new_with_options(
            &gloo_utils::document(),
            "keydown",
            options,
            move |e| {
                if let Some(k) = e.dyn_ref::<KeyboardEvent>() {
                    if let Some(action) = shortcut(k) {
                        k.prevent_default();
                        dispatcher.dispatch(action);
                    }
                }
            },
        );
        move || drop(listener)
    });
}

#[function_component(App)]
fn app() -> Html {
    let store = use_reducer_eq(|| {
        let (session, notice) = storage::restore();
        Store::new(Playground::new(session, notice, storage::load_interview()))
    });
    let fps = use_mut_ref(FpsMeter::default);
    use_frames(&store, Rc::clone(&fps));
    use_shortcuts(&store);
    use_effect_with((), |_| {
        publish("firstRenderMs", &format!("{:.0}", now_ms()))
    });
    let p = store.get();
    let generation = p.generation;
    let frames = fps.borrow().fps();
    html! {
        <ContextProvider<PlaygroundHandle> context={store.clone()}>
            <div class="page">
                <controls::Controls />
                if let Some(n) = &p.notice {
                    <div class="notice" role="alert">{ n }</div>
                }
                if p.about_open { <about::About fps={frames} /> }
                if p.fidelity_open { <fidelity::Fidelity /> }
                if p.learn.is_some() { <learn::Learn /> }
                if p.guide.is_some() { <guide::GuideStrip /> }
                <main class="panels">
                    <section class="panel topology-panel" aria-label="Topology"><topology::Topology key={generation} /></section>
                    <section class="panel console-panel" aria-label="Console"><terminal::Terminal key={generation} /></section>
                    <section class="panel slots-panel" aria-label="Slot map"><slot_map::SlotMap key={generation} /></section>
                    <section class="panel inspector-panel" aria-label="Node inspector"><inspector::Inspector /></section>
                    <section class="panel log-panel" aria-label="Event log"><event_log::EventLog key={generation} /></section>
                </main>
            </div>
        </ContextProvider<PlaygroundHandle>>
    }
}
