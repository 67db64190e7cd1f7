//! The Learn dialog: the scenario library by topic, and interview practice.

use yew::prelude::*;

use super::interview::Interview;
use super::store::{dispatch, use_playground};
use crate::model::guide::scenarios;
use crate::model::state::{Action, GuideAction, LearnTab};

#[function_component(Learn)]
pub fn learn() -> Html {
    let store = use_playground();
    let tab = store.get().learn.unwrap_or(LearnTab::Scenarios);
    let tab_button = |t: LearnTab, label: &'static str| {
        html! {
            <button class={classes!((tab == t).then_some("on"))} aria-pressed={(tab == t).to_string()}
                onclick={dispatch(&store, move |_: MouseEvent| Action::Learn(Some(t)))}>{ label }</button>
        }
    };
    html! {
        <aside class="learn" role="dialog" aria-label="Learn">
            <div class="learn-bar">
                <div class="seg" role="group" aria-label="Learn">
                    { tab_button(LearnTab::Scenarios, "Guided scenarios") }
                    { tab_button(LearnTab::Interview, "Interview practice") }
                </div>
                <button onclick={dispatch(&store, |_: MouseEvent| Action::Learn(None))}>{ "Close" }</button>
            </div>
            <div class="learn-body">
                if tab == LearnTab::Scenarios {
                    <ScenarioList />
                } else {
                    <Interview />
                }
            </div>
        </aside>
    }
}

#[function_component(ScenarioList)]
fn scenario_list() -> Html {
    let store = use_playground();
    let scenarios = scenarios();
    let mut topics: Vec<&str> = Vec::new();
    for s in scenarios {
        if !topics.contains(&s.topic) {
            topics.push(s.topic);
        }
    }
    html! {
        <>
            <p class="learn-intro">{ "Each scenario is a real run of the simulation: press Next to run a checkpoint, and the narration tells what this run did, with its own numbers. Every view stays live; leave the guide at any point and play on." }</p>
            { for topics.iter().map(|topic| html! {
                <section class="scenario-topic">
                    <h3>{ *topic }</h3>
                    { for scenarios.iter().filter(|s| s.topic == *topic).map(|s| {
                        let id = s.id;
                        html! {
                            <div class="scenario">
                                <div>
                                    <strong>{ &s.title }</strong>
                                    <p>{ &s.summary }</p>
                                </div>
                                <button class="primary" aria-label={format!("Start {}", s.title)}
                                    onclick={dispatch(&store, move |_: MouseEvent| Action::Guide(GuideAction::Start(id.to_string(), 0)))}>{ "Start" }</button>
                            </div>
                        }
                    }) }
                </section>
            }) }
        </>
    }
}
