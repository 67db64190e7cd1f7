//! The playground's guided scenarios: starting one, stepping through its checkpoints
//! and back, exporting notes, and what the current checkpoint is about.

use clusterlab_core::NodeIdx;

use super::super::guide::{scenarios, Guide};
use super::{Effect, GuideAction, Playground};

impl Playground {
    pub(super) fn guide_update(&mut self, m: GuideAction) {
        match m {
            GuideAction::Start(id, n) => match scenarios()
                .iter()
                .find(|s| s.id == id)
                .map(|s| Guide::start(*s))
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
            GuideAction::Next => {
                if let Some(mut guide) = self.guide.take() {
                    self.playing = false;
                    let result = guide.next(&mut self.session);
                    self.guide = Some(guide);
                    self.after_guide_step(result);
                }
            }
            GuideAction::Back => {
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
            GuideAction::Pick(choice) => {
                if let Some(g) = self.guide.as_mut() {
                    g.picked = Some(choice);
                }
            }
            GuideAction::Leave => self.guide = None,
            GuideAction::Export => {
                if let Some(g) = &self.guide {
                    let name = format!("{}.md", g.scenario.id);
                    let text = g.markdown(&self.session);
                    self.effects.push(Effect::Download { name, text });
                }
            }
        }
    }

    /// After a checkpoint: select the event it waited for (the views highlight what it
    /// concerns), refresh everything, and keep the share link current.
    fn after_guide_step(&mut self, result: Result<(), String>) {
        if let Err(e) = result {
            self.notice = Some(format!("The scenario stopped: {e}"));
        }
        self.selected_event = self
            .guide
            .as_ref()
            .and_then(|g| g.current())
            .and_then(|o| o.until_event);
        self.after_change();
    }

    /// Nodes the current checkpoint is about.
    pub fn guide_focus_nodes(&self) -> Vec<NodeIdx> {
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
    pub fn guide_focus_slots(&self) -> Vec<u16> {
        self.guide
            .as_ref()
            .and_then(Guide::current_checkpoint)
            .map(|cp| cp.focus_slots.to_vec())
            .unwrap_or_default()
    }
}
