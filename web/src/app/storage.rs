//! The browser's side of keeping a run: the URL fragment always describes the current run
//! (so the address bar is the share link), the same text is kept in local storage so that
//! a reload without a fragment resumes where the learner was, interview progress is kept
//! there too, and notes are offered as downloads.

use wasm_bindgen::JsCast;

use crate::model::interview::InterviewState;
use crate::model::session::Session;
use crate::model::share::decode;
use clusterlab_core::ClusterShape;

const RUN_KEY: &str = "clusterlab.session";
const INTERVIEW_KEY: &str = "clusterlab.interview";

/// The page's local storage, if the browser gives one.
fn local_storage() -> Option<web_sys::Storage> {
    gloo_utils::window().local_storage().ok().flatten()
}

fn read(key: &str) -> Option<String> {
    local_storage().and_then(|s| s.get_item(key).ok().flatten())
}

fn write(key: &str, text: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(key, text);
    }
}

/// The session to start with: the link's run, else the stored one, else a fresh cluster.
/// The notice says what went wrong, if anything.
pub fn restore() -> (Session, Option<String>) {
    let hash = gloo_utils::window().location().hash().unwrap_or_default();
    let mut notice = None;
    for (source, text) in [("link", Some(hash)), ("saved session", read(RUN_KEY))] {
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

/// Writes the run's share text to the address bar and local storage.
pub fn save_run(text: &str) {
    let window = gloo_utils::window();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{text}")),
        );
    }
    write(RUN_KEY, text);
}

/// The interview progress kept in local storage.
pub fn load_interview() -> InterviewState {
    InterviewState::parse(&read(INTERVIEW_KEY).unwrap_or_default())
}

pub fn save_interview(text: &str) {
    write(INTERVIEW_KEY, text);
}

/// The share link of the run the address bar describes.
pub fn share_link(text: &str) -> String {
    let href = gloo_utils::window().location().href().unwrap_or_default();
    let page = href.split('#').next().unwrap_or_default();
    format!("{page}#{text}")
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str) {
    let document = gloo_utils::document();
    let Ok(a) = document.create_element("a") else {
        return;
    };
    let url = format!(
        "data:text/markdown;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(text))
    );
    let _ = a.set_attribute("href", &url);
    let _ = a.set_attribute("download", name);
    if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
        a.click();
    }
}
