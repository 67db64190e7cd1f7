//! The console panel: a terminal that behaves like `redis-cli -c` (prompt, history with
//! ↑/↓, tab completion, argument hints, redirect lines) and runs the same dot-commands as
//! the native console, through the same core `Console`.

use clusterlab_core::console::Console;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use super::store::{dispatch, use_playground};
use crate::model::state::Action;

/// Exchanges kept on screen; older ones scroll away (the transcript keeps them all).
const SCROLLBACK: usize = 400;

/// The line being typed and where the keys have taken it.
#[derive(Clone, Default, PartialEq)]
struct Line {
    input: String,
    /// Position in the history while browsing with ↑/↓, and the line being typed before.
    history_pos: Option<usize>,
    draft: String,
    /// Completion candidates and the one shown, while Tab cycles.
    completion: Option<(Vec<String>, usize)>,
}

impl Line {
    /// Applies an editing key; returns the line to run on Enter.
    fn key(&mut self, key: &str, history: &[String]) -> Option<String> {
        match key {
            "Enter" => {
                self.history_pos = None;
                self.completion = None;
                return Some(std::mem::take(&mut self.input));
            }
            "ArrowUp" | "ArrowDown" if !history.is_empty() => {
                let up = key == "ArrowUp";
                let pos = match (self.history_pos, up) {
                    (None, true) => {
                        self.draft = self.input.clone();
                        Some(history.len() - 1)
                    }
                    (None, false) => None,
                    (Some(p), true) => Some(p.saturating_sub(1)),
                    (Some(p), false) if p + 1 < history.len() => Some(p + 1),
                    (Some(_), false) => None,
                };
                self.history_pos = pos;
                self.input = match pos {
                    Some(p) => history[p].clone(),
                    None => self.draft.clone(),
                };
            }
            "Tab" => match &mut self.completion {
                Some((list, i)) => {
                    *i = (*i + 1) % list.len();
                    self.input = list[*i].clone();
                }
                None => {
                    let list = Console::complete(&self.input);
                    if let Some(first) = list.first() {
                        self.input = first.clone();
                        if list.len() > 1 {
                            self.completion = Some((list, 0));
                        }
                    }
                }
            },
            "Escape" => {
                self.input.clear();
                self.completion = None;
            }
            _ => {}
        }
        None
    }
}

#[function_component(Terminal)]
pub fn terminal() -> Html {
    let store = use_playground();
    // The line lives in a cell, not a state handle: an Enter right after an input event
    // (before a render) must see what was typed.
    let line = use_mut_ref(Line::default);
    let redraw = use_force_update();
    let input_ref = use_node_ref();
    let screen_ref = use_node_ref();
    let p = store.get();
    let session = p.session();
    let console = session.console();
    // Keep the newest output in view once something new was printed.
    {
        let screen = screen_ref.clone();
        use_effect_with(session.printed(), move |_| {
            if let Some(el) = screen.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let history: Vec<String> = session
        .transcript()
        .iter()
        .map(|x| x.line.clone())
        .filter(|l| !l.trim().is_empty())
        .collect();
    let transcript = session.transcript();
    let skip = transcript.len().saturating_sub(SCROLLBACK);
    let typed = line.borrow().input.clone();
    let hint = Console::hint(&typed).filter(|_| !typed.is_empty());
    let hint_text = hint.map(|h| {
        if typed.ends_with(' ') {
            h
        } else {
            format!(" {h}")
        }
    });
    let cli = console.cli();
    let mode = match (cli.cluster_mode(), cli.smart()) {
        (_, true) => "smart",
        (true, false) => "on",
        (false, false) => "off",
    };
    let mode_button = |m: &'static str, label: &'static str, title: &'static str| {
        html! {
            <button class={classes!((mode == m).then_some("on"))} aria-pressed={(mode == m).to_string()} title={title}
                onclick={dispatch(&store, move |_: MouseEvent| Action::RunLine(format!(".cluster {m}")))}>{ label }</button>
        }
    };
    let sub = match mode {
        "smart" => "smart client · .slotmap shows its cache",
        "on" => "redis-cli -c · type .help",
        _ => "redis-cli · type .help",
    };
    let focus = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        })
    };
    let oninput = {
        let (line, redraw) = (line.clone(), redraw.clone());
        Callback::from(move |e: InputEvent| {
            *line.borrow_mut() = Line {
                input: e.target_unchecked_into::<HtmlInputElement>().value(),
                ..Line::default()
            };
            redraw.force_update();
        })
    };
    let onkeydown = {
        let line = line.clone();
        let d = store.dispatcher();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if !matches!(
                key.as_str(),
                "Enter" | "ArrowUp" | "ArrowDown" | "Tab" | "Escape"
            ) {
                return;
            }
            e.prevent_default();
            let run = line.borrow_mut().key(&key, &history);
            redraw.force_update();
            if let Some(typed) = run {
                d.dispatch(Action::RunLine(typed));
            }
        })
    };
    html! {
        <>
            <div class="panel-head">
                <h2>{ "Console" }</h2>
                <span class="sub">{ sub }</span>
                <div class="seg" role="group" aria-label="Client">
                    { mode_button("on", "-c", "redis-cli -c: ask the connected node, follow each MOVED and ASK") }
                    { mode_button("smart", "smart", "A smart cluster client: cache the slot map from CLUSTER SLOTS, go straight to the owner, reload on MOVED") }
                    { mode_button("off", "raw", "redis-cli without -c: print MOVED and ASK as errors") }
                </div>
            </div>
            <div class="terminal" ref={screen_ref} onclick={focus}
                role="log" aria-label="Console output" aria-live="polite">
                if skip == 0 { <pre class="create-log">{ console.create_log() }</pre> }
                { for transcript.iter().skip(skip).map(|x| html! {
                    <div class="exchange">
                        <pre class="typed"><span class="prompt">{ &x.prompt }</span>{ &x.line }</pre>
                        if !x.output.is_empty() { <pre class="output">{ &x.output }</pre> }
                    </div>
                }) }
                <div class="input-line">
                    <label class="prompt" for="console-input">{ console.prompt() }</label>
                    <span class="input-wrap">
                        <input id="console-input" ref={input_ref} type="text" value={typed.clone()}
                            autocomplete="off" autocapitalize="off" spellcheck="false" aria-label="Console input"
                            {oninput} {onkeydown} />
                        <span class="hint-line" aria-hidden="true"><span class="ghost">{ &typed }</span>{ hint_text.unwrap_or_default() }</span>
                    </span>
                </div>
            </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::Line;

    #[test]
    fn the_line_browses_history_completes_and_clears() {
        let history = vec!["get a".to_string(), "set b 1".to_string()];
        let mut l = Line {
            input: "half".into(),
            ..Line::default()
        };
        l.key("ArrowUp", &history);
        assert_eq!(l.input, "set b 1");
        l.key("ArrowUp", &history);
        assert_eq!(l.input, "get a");
        l.key("ArrowDown", &history);
        l.key("ArrowDown", &history);
        assert_eq!(l.input, "half", "back to the draft");
        l.key("Escape", &history);
        l.input = "clu".into();
        l.key("Tab", &history);
        assert_eq!(l.input, "CLUSTER");
        assert_eq!(l.key("Enter", &history).as_deref(), Some("CLUSTER"));
        assert_eq!(l.input, "");
    }
}
