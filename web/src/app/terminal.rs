//! The console panel: a terminal that behaves like `redis-cli -c` (prompt, history with
//! ↑/↓, tab completion, argument hints, redirect lines) and runs the same dot-commands as
//! the native console, through the same core `Console`.

use clusterlab_core::console::Console;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use super::{App, Msg};

/// Exchanges kept on screen; older ones scroll away (the transcript keeps them all).
const SCROLLBACK: usize = 400;

#[derive(Default)]
pub struct TermState {
    pub input: String,
    /// Position in the history while browsing with ↑/↓, and the line being typed before.
    history_pos: Option<usize>,
    draft: String,
    /// Completion candidates and the one shown, while Tab cycles.
    completion: Option<(Vec<String>, usize)>,
    pub input_ref: NodeRef,
    pub screen_ref: NodeRef,
    /// `Session::printed` when the screen last scrolled.
    shown: u64,
}

pub enum TermMsg {
    Input(String),
    Key(String),
    Focus,
    /// `.cluster on`, `.cluster smart` or `.cluster off`.
    ClientMode(&'static str),
}

impl App {
    fn history(&self) -> Vec<&str> {
        self.session
            .transcript()
            .iter()
            .map(|x| x.line.as_str())
            .filter(|l| !l.trim().is_empty())
            .collect()
    }

    pub(super) fn terminal_update(&mut self, m: TermMsg) -> bool {
        match m {
            TermMsg::Input(v) => {
                self.term.input = v;
                self.term.completion = None;
                self.term.history_pos = None;
                true
            }
            TermMsg::Focus => {
                if let Some(i) = self.term.input_ref.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                }
                false
            }
            TermMsg::ClientMode(mode) => {
                self.run_line(&format!(".cluster {mode}"));
                true
            }
            TermMsg::Key(k) => self.terminal_key(&k),
        }
    }

    fn terminal_key(&mut self, key: &str) -> bool {
        match key {
            "Enter" => {
                let line = std::mem::take(&mut self.term.input);
                self.term.history_pos = None;
                self.term.completion = None;
                self.run_line(&line);
                true
            }
            "ArrowUp" | "ArrowDown" => {
                let history: Vec<String> = self.history().iter().map(|s| s.to_string()).collect();
                if history.is_empty() {
                    return false;
                }
                let up = key == "ArrowUp";
                let pos = match (self.term.history_pos, up) {
                    (None, true) => {
                        self.term.draft = self.term.input.clone();
                        Some(history.len() - 1)
                    }
                    (None, false) => None,
                    (Some(p), true) => Some(p.saturating_sub(1)),
                    (Some(p), false) if p + 1 < history.len() => Some(p + 1),
                    (Some(_), false) => None,
                };
                self.term.history_pos = pos;
                self.term.input = match pos {
                    Some(p) => history[p].clone(),
                    None => self.term.draft.clone(),
                };
                true
            }
            "Tab" => {
                match &mut self.term.completion {
                    Some((list, i)) => {
                        *i = (*i + 1) % list.len();
                        self.term.input = list[*i].clone();
                    }
                    None => {
                        let list = Console::complete(&self.term.input);
                        if let Some(first) = list.first() {
                            self.term.input = first.clone();
                            if list.len() > 1 {
                                self.term.completion = Some((list, 0));
                            }
                        }
                    }
                }
                true
            }
            "Escape" => {
                self.term.input.clear();
                self.term.completion = None;
                true
            }
            _ => false,
        }
    }

    /// Keeps the newest output in view once something new was printed.
    pub(super) fn terminal_rendered(&mut self) {
        let n = self.session.printed();
        if n != self.term.shown {
            self.term.shown = n;
            if let Some(el) = self.term.screen_ref.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        }
    }

    pub(super) fn view_terminal(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let console = self.session.console();
        let transcript = self.session.transcript();
        let skip = transcript.len().saturating_sub(SCROLLBACK);
        let hint = Console::hint(&self.term.input).filter(|_| !self.term.input.is_empty());
        let hint_text = hint.map(|h| {
            if self.term.input.ends_with(' ') {
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
                    onclick={link.callback(move |_| Msg::Terminal(TermMsg::ClientMode(m)))}>{ label }</button>
            }
        };
        let sub = match mode {
            "smart" => "smart client · .slotmap shows its cache",
            "on" => "redis-cli -c · type .help",
            _ => "redis-cli · type .help",
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
                <div class="terminal" ref={self.term.screen_ref.clone()} onclick={link.callback(|_| Msg::Terminal(TermMsg::Focus))}
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
                            <input id="console-input" ref={self.term.input_ref.clone()} type="text" value={self.term.input.clone()}
                                autocomplete="off" autocapitalize="off" spellcheck="false" aria-label="Console input"
                                oninput={link.callback(|e: InputEvent| Msg::Terminal(TermMsg::Input(e.target_unchecked_into::<HtmlInputElement>().value())))}
                                onkeydown={link.batch_callback(|e: KeyboardEvent| {
                                    let ours = matches!(e.key().as_str(), "Enter" | "ArrowUp" | "ArrowDown" | "Tab" | "Escape");
                                    if ours {
                                        e.prevent_default();
                                    }
                                    ours.then(|| Msg::Terminal(TermMsg::Key(e.key())))
                                })} />
                            <span class="hint-line" aria-hidden="true"><span class="ghost">{ &self.term.input }</span>{ hint_text.unwrap_or_default() }</span>
                        </span>
                    </div>
                </div>
            </>
        }
    }
}
