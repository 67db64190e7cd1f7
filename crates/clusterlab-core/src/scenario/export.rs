//! A scenario run as Markdown revision notes: each checkpoint's narration, its console
//! transcript, and a Mermaid sequence diagram of the messages that mattered (heartbeats
//! left out).

use std::fmt::Write;

use super::{CheckpointOutcome, Scenario};
use crate::world::World;

/// Markdown for a run of `scenario` that reached `outcomes` in `world`.
pub fn export_markdown(
    scenario: &Scenario,
    outcomes: &[CheckpointOutcome],
    world: &World,
) -> String {
    let mut md = format!("# {}\n\n{}\n\n", scenario.title, scenario.summary);
    let _ = writeln!(
        md,
        "Seed {}, {} masters with {} replica(s) each, node-timeout {} ms. Trace hash `{}`.\n",
        scenario.seed,
        scenario.masters,
        scenario.replicas,
        scenario.node_timeout,
        world.trace_hash()
    );
    for (i, o) in outcomes.iter().enumerate() {
        let _ = writeln!(
            md,
            "## {}. {} ({} → {})\n",
            i + 1,
            o.title,
            o.started,
            o.ended
        );
        if let Some(q) = scenario.checkpoints.get(i).and_then(|c| c.predict.as_ref()) {
            let _ = writeln!(
                md,
                "**Predict:** {}  \n**Answer:** {}\n",
                q.question,
                o.answer.as_deref().unwrap_or("-")
            );
        }
        let _ = writeln!(md, "{}\n", o.narration.trim());
        if !o.transcript.is_empty() {
            md.push_str("```\n");
            for (prompt, line, out) in &o.transcript {
                let _ = writeln!(md, "{prompt}{line}");
                md.push_str(out);
                if !out.is_empty() && !out.ends_with('\n') {
                    md.push('\n');
                }
            }
            md.push_str("```\n\n");
        }
        md.push_str(&sequence_diagram(o));
    }
    md
}

/// A checkpoint's messages as a Mermaid sequence diagram.
fn sequence_diagram(o: &CheckpointOutcome) -> String {
    let Some(first) = o.messages.first() else {
        return String::new();
    };
    let mut s = String::from("```mermaid\nsequenceDiagram\n");
    for m in &o.messages {
        let _ = writeln!(s, "    {}->>{}: {} ({})", m.from, m.to, m.label, m.at);
    }
    if o.more_messages > 0 {
        let _ = writeln!(
            s,
            "    Note over {}: {} more messages",
            first.from, o.more_messages
        );
    }
    s.push_str("```\n\n");
    s
}
