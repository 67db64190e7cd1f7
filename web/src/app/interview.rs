//! Interview practice: a question, the learner's own answer, then the model answer whose
//! claims each open the scenario checkpoint that demonstrates them. Answers and what was
//! revealed are kept in local storage.

use std::collections::{BTreeMap, BTreeSet};

use std::sync::OnceLock;

use clusterlab_core::scenario::{interview, Question};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::guide::{download, GuideMsg};
use super::{App, Msg};

const KEY: &str = "clusterlab.interview";

/// The interview questions, parsed once.
fn questions() -> &'static Result<Vec<Question>, String> {
    static QUESTIONS: OnceLock<Result<Vec<Question>, String>> = OnceLock::new();
    QUESTIONS.get_or_init(interview)
}

/// Progress through the questions.
#[derive(Default)]
pub struct InterviewState {
    pub current: usize,
    pub answers: BTreeMap<String, String>,
    pub revealed: BTreeSet<String>,
}

pub enum InterviewMsg {
    Select(usize),
    Answer(String),
    Reveal,
    Export,
}

fn storage() -> Option<web_sys::Storage> {
    gloo_utils::window().local_storage().ok().flatten()
}

impl InterviewState {
    /// Reads the progress kept in local storage: one line per question,
    /// `id<TAB>revealed (0/1)<TAB>answer (URI-encoded)`.
    pub fn load() -> InterviewState {
        let mut s = InterviewState::default();
        let text = storage()
            .and_then(|st| st.get_item(KEY).ok().flatten())
            .unwrap_or_default();
        for line in text.lines() {
            let mut parts = line.splitn(3, '\t');
            let (Some(id), Some(rev), Some(answer)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if rev == "1" {
                s.revealed.insert(id.to_string());
            }
            if let Ok(a) = js_sys::decode_uri_component(answer) {
                let a = String::from(a);
                if !a.is_empty() {
                    s.answers.insert(id.to_string(), a);
                }
            }
        }
        s
    }

    fn save(&self) {
        let ids: BTreeSet<&String> = self.answers.keys().chain(&self.revealed).collect();
        let text: Vec<String> = ids
            .into_iter()
            .map(|id| {
                format!(
                    "{id}\t{}\t{}",
                    u8::from(self.revealed.contains(id)),
                    String::from(js_sys::encode_uri_component(
                        self.answers.get(id).map_or("", String::as_str)
                    ))
                )
            })
            .collect();
        if let Some(st) = storage() {
            let _ = st.set_item(KEY, &text.join("\n"));
        }
    }

    /// The session as Markdown: each question, the learner's answer, the model answer.
    fn markdown(&self, questions: &[Question]) -> String {
        let mut md = String::from("# Redis Cluster interview practice\n\n");
        for q in questions {
            md.push_str(&format!("## {}\n\n*{}*\n\n", q.question, q.topic));
            match self.answers.get(&q.id) {
                Some(a) => md.push_str(&format!("**My answer:** {a}\n\n")),
                None => md.push_str("**My answer:** (none yet)\n\n"),
            }
            md.push_str("**Model answer:**\n\n");
            for c in &q.claims {
                md.push_str(&format!("- {}", c.text));
                if let Some((id, i)) = c.demo_target() {
                    md.push_str(&format!(
                        " (see it: `clusterlab --scenario {id}`, checkpoint {})",
                        i + 1
                    ));
                }
                md.push('\n');
            }
            md.push('\n');
        }
        md
    }
}

impl App {
    pub(super) fn interview_update(&mut self, m: InterviewMsg) -> bool {
        let questions: &[Question] = questions().as_deref().unwrap_or_default();
        let id = questions.get(self.interview.current).map(|q| q.id.clone());
        match (m, id) {
            (InterviewMsg::Select(i), _) => {
                self.interview.current = i.min(questions.len().saturating_sub(1))
            }
            (InterviewMsg::Answer(text), Some(id)) => {
                self.interview.answers.insert(id, text);
            }
            (InterviewMsg::Reveal, Some(id)) => {
                self.interview.revealed.insert(id);
            }
            (InterviewMsg::Export, _) => {
                download("interview-practice.md", &self.interview.markdown(questions));
            }
            _ => {}
        }
        self.interview.save();
        true
    }

    pub(super) fn view_interview(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let questions = match questions() {
            Ok(q) => q,
            Err(e) => return html! { <p>{ e.clone() }</p> },
        };
        let st = &self.interview;
        let Some(q) = questions.get(st.current) else {
            return Html::default();
        };
        let revealed = st.revealed.contains(&q.id);
        let answer = st.answers.get(&q.id).cloned().unwrap_or_default();
        let done = questions
            .iter()
            .filter(|q| st.revealed.contains(&q.id))
            .count();
        html! {
            <div class="interview">
                <p class="learn-intro">{ format!("Answer in your own words first, then reveal the model answer: each claim opens the moment of a scenario that shows it. {done} of {} revealed; your answers stay in this browser.", questions.len()) }</p>
                <ol class="questions">
                    { for questions.iter().enumerate().map(|(i, x)| html! {
                        <li class={classes!((i == st.current).then_some("on"), st.revealed.contains(&x.id).then_some("done"))}>
                            <button onclick={link.callback(move |_| Msg::Interview(InterviewMsg::Select(i)))}>{ &x.question }</button>
                        </li>
                    }) }
                </ol>
                <div class="question">
                    <p class="topic">{ &q.topic }</p>
                    <h3>{ &q.question }</h3>
                    <textarea aria-label="Your answer" rows="5" placeholder="Your answer, as you would say it in the interview" value={answer}
                        oninput={link.callback(|e: InputEvent| Msg::Interview(InterviewMsg::Answer(e.target_unchecked_into::<HtmlTextAreaElement>().value())))} />
                    <div class="question-buttons">
                        if !revealed {
                            <button class="primary" onclick={link.callback(|_| Msg::Interview(InterviewMsg::Reveal))}>{ "Reveal the model answer" }</button>
                        }
                        if st.current + 1 < questions.len() {
                            <button onclick={link.callback({ let n = st.current + 1; move |_| Msg::Interview(InterviewMsg::Select(n)) })}>{ "Next question" }</button>
                        }
                        <button onclick={link.callback(|_| Msg::Interview(InterviewMsg::Export))}
                            title="Download every question with your answers and the model answers as Markdown">{ "Export notes" }</button>
                    </div>
                    if revealed {
                        <ul class="claims" aria-label="Model answer">
                            { for q.claims.iter().map(|c| html! {
                                <li>
                                    { &c.text }
                                    if let Some((id, i)) = c.demo_target() {
                                        <button class="demo" title="Play the scenario up to the checkpoint that shows this"
                                            onclick={link.callback({ let id = id.to_string(); move |_| Msg::Guide(GuideMsg::Start(id.clone(), i + 1)) })}>
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
}
