//! Interview practice: questions with model answers whose claims link to the checkpoint
//! of a scenario that demonstrates them (`scenarios/interview.toml`).

use serde::Deserialize;

/// One interview question.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub topic: String,
    pub question: String,
    #[serde(rename = "claim")]
    pub claims: Vec<Claim>,
}

/// One claim of a model answer, with the demonstration that shows it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub text: String,
    /// `scenario-id:checkpoint` (1-based).
    #[serde(default)]
    pub demo: Option<String>,
}

impl Claim {
    /// The demonstration as (scenario id, checkpoint index from 0).
    pub fn demo_target(&self) -> Option<(&str, usize)> {
        let (id, n) = self.demo.as_deref()?.rsplit_once(':')?;
        Some((id, n.parse::<usize>().ok()?.checked_sub(1)?))
    }
}

#[derive(Deserialize)]
struct File {
    question: Vec<Question>,
}

/// Every interview question, in order.
pub fn interview() -> Result<Vec<Question>, String> {
    basic_toml::from_str::<File>(include_str!("../../scenarios/interview.toml"))
        .map(|f| f.question)
        .map_err(|e| e.to_string())
}
