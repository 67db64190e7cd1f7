//! The guide strip: the scenario being played, checkpoint by checkpoint, beside the live
//! views: the narration, the prediction and its reveal, the key messages, Back and Next.

use yew::prelude::*;

use super::store::{dispatch, use_playground};
use crate::model::state::{Action, GuideAction};

/// Messages listed under a checkpoint's narration.
const KEY_MESSAGES: usize = 10;

#[function_component(GuideStrip)]
pub fn guide_strip() -> Html {
    let store = use_playground();
    let p = store.get();
    let Some(g) = &p.guide else {
        return Html::default();
    };
    let guide = |a: GuideAction| dispatch(&store, move |_: MouseEvent| Action::Guide(a.clone()));
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
                    <button disabled={done == 0} onclick={guide(GuideAction::Back)}
                        title="Go back one checkpoint: the scenario's own steps replay to it (what you did in between is not replayed)">{ "◀ Back" }</button>
                    if let Some(n) = next {
                        <button class="primary guide-next" onclick={guide(GuideAction::Next)}>
                            { format!("Next ▶ {}", n.title) }</button>
                    }
                    <button onclick={guide(GuideAction::Export)}
                        title="Download this run as Markdown notes: narration, console, sequence diagrams">{ "Export notes" }</button>
                    <button onclick={guide(GuideAction::Leave)}
                        title="Leave the script here and play freely">{ "Leave guide" }</button>
                </span>
            </div>
            { body }
            if let Some(q) = next.and_then(|n| n.predict.as_ref()) {
                <div class="predict" role="group" aria-label="Predict, then reveal">
                    <strong>{ "Predict before you press Next: " }</strong>{ &q.question }
                    <span class="choices">
                        { for q.choices.iter().map(|c| {
                            let on = g.picked.as_deref() == Some(*c);
                            html! {
                                <button class={classes!(on.then_some("on"))} aria-pressed={on.to_string()}
                                    onclick={guide(GuideAction::Pick(c.to_string()))}>{ c }</button>
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
