//! Guided mode: the "Learn" dialog (scenarios and interview practice) and the guide
//! strip that plays a scenario checkpoint by checkpoint beside the live views.

use std::sync::OnceLock;

use clusterlab_core::scenario::{library, Scenario};
use clusterlab_core::NodeIdx;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{storage, App, Msg};
use crate::model::guide::Guide;

/// Messages listed under a checkpoint's narration.
const KEY_MESSAGES: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnTab {
    Scenarios,
    Interview,
}

pub enum GuideMsg {
    OpenLearn(LearnTab),
    CloseLearn,
    /// Starts a scenario and runs its first `n` checkpoints.
    Start(String, usize),
    Next,
    Back,
    Pick(String),
    Leave,
    Export,
}

/// The scenario library, parsed once.
pub fn scenarios() -> &'static [Scenario] {
    static LIBRARY: OnceLock<Vec<Scenario>> = OnceLock::new();
    LIBRARY.get_or_init(|| library().into_iter().flatten().collect())
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

impl App {
    pub(super) fn guide_update(&mut self, m: GuideMsg) -> bool {
        match m {
            GuideMsg::OpenLearn(tab) => self.learn = Some(tab),
            GuideMsg::CloseLearn => self.learn = None,
            GuideMsg::Start(id, n) => match scenarios()
                .iter()
                .find(|s| s.id == id)
                .map(|s| Guide::start(s.clone()))
            {
                Some(Ok((session, mut guide))) => {
                    self.install(session);
                    self.playing = false;
                    self.learn = None;
                    let mut result = Ok(());
                    for _ in 0..n {
                        result = result.and_then(|()| guide.next(&mut self.session));
                    }
                    self.guide = Some(guide);
                    self.after_guide_step(result);
                }
                Some(Err(e)) => self.notice = Some(e),
                None => self.notice = Some(format!("no scenario '{id}'")),
            },
            GuideMsg::Next => {
                if let Some(mut guide) = self.guide.take() {
                    self.playing = false;
                    let result = guide.next(&mut self.session);
                    self.guide = Some(guide);
                    self.after_guide_step(result);
                }
            }
            GuideMsg::Back => {
                if let Some(mut guide) = self.guide.take() {
                    match guide.back() {
                        Ok(session) => {
                            self.install(session);
                            self.playing = false;
                            self.guide = Some(guide);
                            self.after_guide_step(Ok(()));
                        }
                        Err(e) => {
                            self.notice = Some(e);
                            self.guide = Some(guide);
                        }
                    }
                }
            }
            GuideMsg::Pick(choice) => {
                if let Some(g) = self.guide.as_mut() {
                    g.picked = Some(choice);
                }
            }
            GuideMsg::Leave => self.guide = None,
            GuideMsg::Export => {
                if let Some(g) = &self.guide {
                    download(&format!("{}.md", g.scenario.id), &g.markdown(&self.session));
                }
            }
        }
        true
    }

    /// After a checkpoint: select the event it waited for (the views highlight what it
    /// concerns), refresh everything, and keep the share link current.
    fn after_guide_step(&mut self, result: Result<(), String>) {
        if let Err(e) = result {
            self.notice = Some(format!("The scenario stopped: {e}"));
        }
        self.log.selected = self
            .guide
            .as_ref()
            .and_then(|g| g.current())
            .and_then(|o| o.until_event);
        self.after_change();
        storage::save(&self.session, &mut self.saved);
    }

    /// Nodes the current checkpoint is about.
    pub(super) fn guide_focus_nodes(&self) -> Vec<NodeIdx> {
        let world = self.session.console().world();
        self.guide
            .as_ref()
            .and_then(Guide::current_checkpoint)
            .map(|cp| {
                cp.focus_ports
                    .iter()
                    .filter_map(|p| world.by_port(*p))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Slots the current checkpoint is about.
    pub(super) fn guide_focus_slots(&self) -> Vec<u16> {
        self.guide
            .as_ref()
            .and_then(Guide::current_checkpoint)
            .map(|cp| cp.focus_slots.clone())
            .unwrap_or_default()
    }

    pub(super) fn view_learn(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let tab = self.learn.unwrap_or(LearnTab::Scenarios);
        let tab_button = |t: LearnTab, label: &'static str| {
            html! {
                <button class={classes!((tab == t).then_some("on"))} aria-pressed={(tab == t).to_string()}
                    onclick={link.callback(move |_| Msg::Guide(GuideMsg::OpenLearn(t)))}>{ label }</button>
            }
        };
        html! {
            <aside class="learn" role="dialog" aria-label="Learn">
                <div class="learn-bar">
                    <div class="seg" role="group" aria-label="Learn">
                        { tab_button(LearnTab::Scenarios, "Guided scenarios") }
                        { tab_button(LearnTab::Interview, "Interview practice") }
                    </div>
                    <button onclick={link.callback(|_| Msg::Guide(GuideMsg::CloseLearn))}>{ "Close" }</button>
                </div>
                <div class="learn-body">
                    if tab == LearnTab::Scenarios {
                        { self.view_scenario_list(ctx) }
                    } else {
                        { self.view_interview(ctx) }
                    }
                </div>
            </aside>
        }
    }

    fn view_scenario_list(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let scenarios = scenarios();
        let mut topics: Vec<&str> = Vec::new();
        for s in scenarios {
            if !topics.contains(&s.topic.as_str()) {
                topics.push(&s.topic);
            }
        }
        html! {
            <>
                <p class="learn-intro">{ "Each scenario is a real run of the simulation: press Next to run a checkpoint, and the narration tells what this run did, with its own numbers. Every view stays live; leave the guide at any point and play on." }</p>
                { for topics.iter().map(|topic| html! {
                    <section class="scenario-topic">
                        <h3>{ *topic }</h3>
                        { for scenarios.iter().filter(|s| s.topic == *topic).map(|s| {
                            let id = s.id.clone();
                            html! {
                                <div class="scenario">
                                    <div>
                                        <strong>{ &s.title }</strong>
                                        <p>{ &s.summary }</p>
                                    </div>
                                    <button class="primary" aria-label={format!("Start {}", s.title)}
                                        onclick={link.callback(move |_| Msg::Guide(GuideMsg::Start(id.clone(), 0)))}>{ "Start" }</button>
                                </div>
                            }
                        }) }
                    </section>
                }) }
            </>
        }
    }

    pub(super) fn view_guide(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let Some(g) = &self.guide else {
            return Html::default();
        };
        let done = g.outcomes.len();
        let next = g.scenario.checkpoints.get(done);
        let last_cp = g.current_checkpoint();
        let body = match (g.current(), last_cp) {
            (Some(o), Some(cp)) => html! {
                <div class="guide-body">
                    <h3>{ format!("{}. {}", done, o.title) }</h3>
                    if let (Some(q), Some(answer)) = (&cp.predict, &o.answer) {
                        <p class="reveal">
                            <strong>{ "You were asked: " }</strong>{ &q.question }<br />
                            { format!("You said: {} · The run says: {answer}", g.pick_for(done - 1).unwrap_or("(no guess)")) }
                            if !q.explain.is_empty() { <br /><em>{ &q.explain }</em> }
                        </p>
                    }
                    <p class="narration">{ o.narration.trim() }</p>
                    if !o.messages.is_empty() {
                        <p class="key-messages" title="The messages of this checkpoint, heartbeats left out (Export notes draws them as a sequence diagram)">
                            <strong>{ "Messages: " }</strong>
                            { o.messages.iter().take(KEY_MESSAGES).map(|m| format!("{}→{} {}", m.from, m.to, m.label)).collect::<Vec<_>>().join(" · ") }
                            if o.messages.len() + o.more_messages > KEY_MESSAGES {
                                { format!(" · {} more", o.messages.len() + o.more_messages - KEY_MESSAGES) }
                            }
                        </p>
                    }
                </div>
            },
            _ => html! {
                <div class="guide-body"><p class="narration">{ &g.scenario.summary }</p></div>
            },
        };
        html! {
            <section class="guide" aria-label="Guided scenario" aria-live="polite">
                <div class="guide-head">
                    <strong>{ format!("Guided: {}", g.scenario.title) }</strong>
                    <span class="sub">{ format!("checkpoint {done} of {}", g.len()) }</span>
                    <span class="guide-buttons">
                        <button disabled={done == 0} onclick={link.callback(|_| Msg::Guide(GuideMsg::Back))}
                            title="Go back one checkpoint: the scenario's own steps replay to it (what you did in between is not replayed)">{ "◀ Back" }</button>
                        if let Some(n) = next {
                            <button class="primary guide-next" onclick={link.callback(|_| Msg::Guide(GuideMsg::Next))}>
                                { format!("Next ▶ {}", n.title) }</button>
                        }
                        <button onclick={link.callback(|_| Msg::Guide(GuideMsg::Export))}
                            title="Download this run as Markdown notes: narration, console, sequence diagrams">{ "Export notes" }</button>
                        <button onclick={link.callback(|_| Msg::Guide(GuideMsg::Leave))}
                            title="Leave the script here and play freely">{ "Leave guide" }</button>
                    </span>
                </div>
                { body }
                if let Some(q) = next.and_then(|n| n.predict.as_ref()) {
                    <div class="predict" role="group" aria-label="Predict, then reveal">
                        <strong>{ "Predict before you press Next: " }</strong>{ &q.question }
                        <span class="choices">
                            { for q.choices.iter().map(|c| {
                                let choice = c.clone();
                                let on = g.picked.as_deref() == Some(c.as_str());
                                html! {
                                    <button class={classes!(on.then_some("on"))} aria-pressed={on.to_string()}
                                        onclick={link.callback(move |_| Msg::Guide(GuideMsg::Pick(choice.clone())))}>{ c }</button>
                                }
                            }) }
                        </span>
                    </div>
                }
                if g.finished() {
                    <p class="guide-end">{ "The end of this scenario. Keep playing from here, go Back, or export your notes." }</p>
                }
            </section>
        }
    }
}
