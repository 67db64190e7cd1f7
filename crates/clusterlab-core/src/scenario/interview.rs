//! Interview practice: questions with model answers whose claims link to the checkpoint
//! of a scenario that demonstrates them (`scenarios/interview.toml`).

/// One interview question.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Question {
    pub id: &'static str,
    pub topic: &'static str,
    pub question: &'static str,
    /// The file's `[[question.claim]]` tables.
    pub claims: &'static [Claim],
}

/// One claim of a model answer, with the demonstration that shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Claim {
    pub text: &'static str,
    /// `scenario-id:checkpoint` (1-based).
    pub demo: Option<&'static str>,
}

impl Claim {
    /// The demonstration as (scenario id, checkpoint index from 0).
    pub fn demo_target(&self) -> Option<(&str, usize)> {
        let (id, n) = self.demo?.rsplit_once(':')?;
        Some((id, n.parse::<usize>().ok()?.checked_sub(1)?))
    }
}

/// Every interview question, in order.
pub fn interview() -> Result<Vec<Question>, String> {
    Ok(super::INTERVIEW.to_vec())
}
