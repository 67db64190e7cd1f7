//! Keeping and sharing a run: the URL fragment always describes the current run (so the
//! address bar is the share link), and the same text is kept in local storage so that a
//! reload without a fragment resumes where the learner was.

use crate::model::session::Session;
use crate::model::share::{decode, encode, SharedRun};
use clusterlab_core::ClusterShape;

const KEY: &str = "clusterlab.session";

fn storage() -> Option<web_sys::Storage> {
    gloo_utils::window().local_storage().ok().flatten()
}

/// The session to start with: the link's run, else the stored one, else a fresh cluster.
/// The notice says what went wrong, if anything.
pub fn restore() -> (Session, Option<String>) {
    let hash = gloo_utils::window().location().hash().unwrap_or_default();
    let stored = storage().and_then(|s| s.get_item(KEY).ok().flatten());
    let mut notice = None;
    for (source, text) in [("link", Some(hash)), ("saved session", stored)] {
        let Some(text) = text.filter(|t| t.trim_start_matches('#').len() > 2) else {
            continue;
        };
        match decode(&text)
            .and_then(|r| Session::replay_with(r.shape, &r.inputs, r.until, r.live_tools))
        {
            Ok(s) => return (s, notice),
            Err(e) => {
                notice = Some(format!(
                    "Could not open the {source}: {e}. Started a fresh cluster."
                ))
            }
        }
    }
    let session = Session::new(ClusterShape::default()).expect("the default shape is valid");
    (session, notice)
}

/// The share text of the current run.
pub fn share_text(session: &Session) -> String {
    encode(&SharedRun {
        shape: session.shape().clone(),
        inputs: session.inputs().to_vec(),
        until: session.console().moment(),
        live_tools: session.console().live_tools(),
    })
}

/// Writes the run to the address bar and local storage.
pub fn save(session: &Session, saved: &mut String) {
    let text = share_text(session);
    if *saved == text {
        return;
    }
    let window = gloo_utils::window();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{text}")),
        );
    }
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, &text);
    }
    *saved = text;
}
