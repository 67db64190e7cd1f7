//! Interview practice: a question, the learner's own answer, then the model answer whose
//! claims each open the scenario checkpoint that demonstrates them.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::store::{dispatch, use_playground};
use crate::model::interview::{questions, InterviewAction};
use crate::model::state::{Action, GuideAction};

#[function_component(Interview)]
pub fn interview() -> Html {
    let store = use_playground();
    let p = store.get();
    let questions = match questions() {
        Ok(q) => q,
        Err(e) => return html! { <p>{ e.clone() }</p> },
    };
    let st = &p.interview;
    let Some(q) = questions.get(st.current) else {
        return Html::default();
    };
    let act =
        |a: InterviewAction| dispatch(&store, move |_: MouseEvent| Action::Interview(a.clone()));
    let revealed = st.revealed.contains_key(q.id);
    let answer = st.answers.get(q.id).cloned().unwrap_or_default();
    let done = questions
        .iter()
        .filter(|q| st.revealed.contains_key(q.id))
        .count();
    html! {
        <div class="interview">
            <p class="learn-intro">{ format!("Answer in your own words first, then reveal the model answer: each claim opens the moment of a scenario that shows it. {done} of {} revealed; your answers stay in this browser.", questions.len()) }</p>
            <ol class="questions">
                { for questions.iter().enumerate().map(|(i, x)| html! {
                    <li class={classes!((i == st.current).then_some("on"), st.revealed.contains_key(x.id).then_some("done"))}>
                        <button onclick={act(InterviewAction::Select(i))}>{ &x.question }</button>
                    </li>
                }) }
            </ol>
            <div class="question">
                <p class="topic">{ &q.topic }</p>
                <h3>{ &q.question }</h3>
                <textarea aria-label="Your answer" rows="5" placeholder="Your answer, as you would say it in the interview" value={answer}
                    oninput={dispatch(&store, |e: InputEvent| Action::Interview(InterviewAction::Answer(e.target_unchecked_into::<HtmlTextAreaElement>().value())))} />
                <div class="question-buttons">
                    if !revealed {
                        <button class="primary" onclick={act(InterviewAction::Reveal)}>{ "Reveal the model answer" }</button>
                    }
                    if st.current + 1 < questions.len() {
                        <button onclick={act(InterviewAction::Select(st.current + 1))}>{ "Next question" }</button>
                    }
                    <button onclick={dispatch(&store, |_: MouseEvent| Action::ExportInterview)}
                        title="Download every question with your answers and the model answers as Markdown">{ "Export notes" }</button>
                </div>
                if revealed {
                    <ul class="claims" aria-label="Model answer">
                        { for q.claims.iter().map(|c| html! {
                            <li>
                                { &c.text }
                                if let Some((id, i)) = c.demo_target() {
                                    <button class="demo" title="Play the scenario up to the checkpoint that shows this"
                                        onclick={dispatch(&store, { let id = id.to_string(); move |_: MouseEvent| Action::Guide(GuideAction::Start(id.clone(), i + 1)) })}>
                                        { "▶ see it live" }</button>
                                }
                            </li>
                        }) }
                    </ul>
                }
            </div>
        </div>
    }
}
