//! Figures the page publishes for its benchmark and the "about" panel: frames per second,
//! time since load, and `data-*` attributes on the root element.

use wasm_bindgen::JsCast;

/// Frames per second over the last second, for the "about" panel and the benchmark.
#[derive(Default)]
pub struct FpsMeter {
    frames: Vec<f64>,
}

impl FpsMeter {
    pub fn tick(&mut self, now: f64) {
        self.frames.push(now);
        self.frames.retain(|t| now - t <= 1000.0);
    }

    pub fn fps(&self) -> usize {
        self.frames.len()
    }
}

/// Milliseconds since the page started loading.
pub fn now_ms() -> f64 {
    gloo_utils::window().performance().map_or(0.0, |p| p.now())
}

/// Figures for the page benchmark, as `data-*` attributes of the root element.
pub fn publish(name: &str, value: &str) {
    if let Some(root) = gloo_utils::document()
        .document_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = root.dataset().set(name, value);
    }
}
