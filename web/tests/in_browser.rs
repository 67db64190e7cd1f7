//! Tests that run inside headless Chromium (`wasm-bindgen-test-runner`): the core compiled
//! to wasm32-unknown-unknown gives the native trace hash, and the app mounts and works.

#![cfg(target_arch = "wasm32")]

use clusterlab_web::model::session::{Session, SCRIPT_FOR_HASH, SCRIPT_TRACE_HASH};
use gloo_timers::future::sleep;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_core_in_the_browser_gives_the_native_trace_hash() {
    let mut s = Session::new(clusterlab_core::ClusterShape::default()).unwrap();
    for line in SCRIPT_FOR_HASH {
        s.run_line(line);
    }
    assert_eq!(s.console().world().trace_hash(), SCRIPT_TRACE_HASH);
}

#[wasm_bindgen_test]
fn every_scenario_runs_in_the_browser_to_its_golden_trace() {
    for parsed in clusterlab_core::scenario::library() {
        let s = parsed.unwrap();
        let (console, outcomes) = clusterlab_core::scenario::run_all(&s).unwrap();
        assert_eq!(outcomes.len(), s.checkpoints.len());
        assert_eq!(console.world().trace_hash(), s.trace_hash, "{}", s.id);
    }
}

async fn until(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

#[wasm_bindgen_test]
async fn the_app_mounts_six_cards_and_runs_a_typed_command() {
    let document = gloo_utils::document();
    let _ = gloo_utils::window()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear();
    let root = document.create_element("div").unwrap();
    root.set_id("app");
    document.body().unwrap().append_child(&root).unwrap();
    clusterlab_web::app::start();
    until("the cards", || {
        document.query_selector_all(".card").unwrap().length() == 6
    })
    .await;
    let prompt = document
        .query_selector(".input-line .prompt")
        .unwrap()
        .unwrap();
    assert_eq!(prompt.text_content().unwrap(), "127.0.0.1:7001> ");

    let input: web_sys::HtmlInputElement = document
        .get_element_by_id("console-input")
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value("set mykey myvalue");
    input
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    input
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
    let output = || {
        document
            .query_selector(".exchange .output")
            .unwrap()
            .and_then(|o| o.text_content())
            .unwrap_or_default()
    };
    until("the reply", || output().ends_with("OK\n")).await;
    let text = output();
    assert_eq!(
        text,
        "-> Redirected to slot [14687] located at 127.0.0.1:7003\nOK\n"
    );
    until("the new prompt", || {
        document
            .query_selector(".input-line .prompt")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
            == "127.0.0.1:7003> "
    })
    .await;
    let hash = gloo_utils::window().location().hash().unwrap();
    assert!(hash.starts_with("#v2&seed=1&m=3&r=1&nt=5000&at="), "{hash}");
    assert!(hash.contains(":set%20mykey%20myvalue"), "{hash}");
}
