//! Interview practice: the learner's place in the questions, their own answers and what
//! they revealed, the text that keeps it in local storage, and the Markdown export.

use std::sync::OnceLock;

use clusterlab_core::scenario::{interview, Question};
use clusterlab_core::types::vec_map::VecMap;

/// The interview questions, parsed once.
pub fn questions() -> &'static Result<Vec<Question>, String> {
    static QUESTIONS: OnceLock<Result<Vec<Question>, String>> = OnceLock::new();
    QUESTIONS.get_or_init(interview)
}

/// Progress through the questions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InterviewState {
    pub current: usize,
    pub answers: VecMap<String, String>,
    pub revealed: VecMap<String, ()>,
}

/// What the learner does in interview practice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterviewAction {
    Select(usize),
    Answer(String),
    Reveal,
}

impl InterviewState {
    /// Reads the stored progress: one line per question,
    /// `id<TAB>revealed (0/1)<TAB>answer (URI-encoded)`. Lines it cannot read are skipped.
    pub fn parse(text: &str) -> InterviewState {
        let mut s = InterviewState::default();
        for line in text.lines() {
            let mut parts = line.splitn(3, '\t');
            let (Some(id), Some(rev), Some(answer)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if rev == "1" {
                s.revealed.insert(id.to_string(), ());
            }
            if let Some(a) = decode_uri_component(answer).filter(|a| !a.is_empty()) {
                s.answers.insert(id.to_string(), a);
            }
        }
        s
    }

    /// The text [`InterviewState::parse`] reads back.
    pub fn serialize(&self) -> String {
        let mut ids = self.revealed.clone();
        for id in self.answers.keys() {
            ids.insert(id.clone(), ());
        }
        let lines: Vec<String> = ids
            .keys()
            .map(|id| {
                format!(
                    "{id}\t{}\t{}",
                    u8::from(self.revealed.contains_key(id)),
                    encode_uri_component(self.answers.get(id).map_or("", String::as_str))
                )
            })
            .collect();
        lines.join("\n")
    }

    /// Applies what the learner did to the question shown.
    pub fn apply(&mut self, action: InterviewAction, questions: &[Question]) {
        let id = questions.get(self.current).map(|q| q.id.to_string());
        match (action, id) {
            (InterviewAction::Select(i), _) => {
                self.current = i.min(questions.len().saturating_sub(1))
            }
            (InterviewAction::Answer(text), Some(id)) => {
                self.answers.insert(id, text);
            }
            (InterviewAction::Reveal, Some(id)) => {
                self.revealed.insert(id, ());
            }
            _ => {}
        }
    }

    /// The session as Markdown: each question, the learner's answer, the model answer.
    pub fn markdown(&self, questions: &[Question]) -> String {
        let mut md = String::from("# Redis Cluster interview practice\n\n");
        for q in questions {
            md.push_str(&format!("## {}\n\n*{}*\n\n", q.question, q.topic));
            match self.answers.get(q.id) {
                Some(a) => md.push_str(&format!("**My answer:** {a}\n\n")),
                None => md.push_str("**My answer:** (none yet)\n\n"),
            }
            md.push_str("**Model answer:**\n\n");
            for c in q.claims {
                md.push_str(&format!("- {}", c.text));
                if let Some((id, i)) = c.demo_target() {
                    md.push_str(&format!(
                        " (see it: `clusterlab scenario {id}`, checkpoint {})",
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

/// JavaScript's `encodeURIComponent`: every byte but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`
/// as `%XX` (stored answers written by earlier versions read back unchanged).
pub fn encode_uri_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// JavaScript's `decodeURIComponent`; `None` where it would throw (a bad escape, or bytes
/// that are not UTF-8).
pub fn decode_uri_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qs() -> &'static [Question] {
        questions().as_deref().expect("interview.toml parses")
    }

    #[test]
    fn progress_survives_storage_byte_for_byte() {
        let mut s = InterviewState::default();
        s.apply(InterviewAction::Select(2), qs());
        s.apply(
            InterviewAction::Answer("Yes: async replication;\tthen 100% é\n✓".into()),
            qs(),
        );
        s.apply(InterviewAction::Reveal, qs());
        s.apply(InterviewAction::Select(99), qs());
        assert_eq!(
            s.current,
            qs().len() - 1,
            "a pick past the end stays on the last"
        );
        let text = s.serialize();
        assert_eq!(text.lines().count(), 1, "{text}");
        let back = InterviewState::parse(&text);
        assert_eq!(back.answers, s.answers);
        assert_eq!(back.revealed, s.revealed);
    }

    #[test]
    fn the_encoding_is_encode_uri_component() {
        assert_eq!(
            encode_uri_component("a b/c?d=é!*'()~"),
            "a%20b%2Fc%3Fd%3D%C3%A9!*'()~"
        );
        assert_eq!(decode_uri_component("a%20b%C3%A9").as_deref(), Some("a bé"));
        assert_eq!(decode_uri_component("%E2%9C"), None, "not UTF-8");
        assert_eq!(decode_uri_component("%G1"), None, "not hex");
        assert_eq!(
            InterviewState::parse("q1\t1\t%ZZ\nbroken line\nq2\t0\thi").answers,
            {
                let mut want = VecMap::new();
                want.insert("q2".to_string(), "hi".to_string());
                want
            }
        );
    }

    #[test]
    fn the_export_has_every_question_with_the_learner_s_answer() {
        let mut s = InterviewState::default();
        s.apply(InterviewAction::Answer("Gossip.".into()), qs());
        let md = s.markdown(qs());
        assert!(md.starts_with("# Redis Cluster interview practice\n"));
        assert!(md.contains("**My answer:** Gossip."));
        assert_eq!(
            md.matches("**My answer:** (none yet)").count(),
            qs().len() - 1
        );
        assert!(md.contains("(see it: `clusterlab scenario "));
    }
}
