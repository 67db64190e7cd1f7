//! Every scenario of the library is a regression test: it runs natively, each checkpoint's
//! `until` and `expect` events must happen, every narration placeholder must fill, and the
//! run must end with the scenario's golden trace hash. `UPDATE_EXPECT=1` records new
//! hashes; `SCENARIO_PRINT=1` prints the narrations.

use std::path::PathBuf;

use clusterlab_core::scenario::{export_markdown, library, run_all};

fn file_of(id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{id}.toml"))
}

/// Writes `hash` as the scenario's `trace_hash` line.
fn record_hash(id: &str, hash: &str) {
    let path = file_of(id);
    let text = std::fs::read_to_string(&path).expect("scenario file");
    let line = format!("trace_hash = \"{hash}\"");
    let updated = match text.lines().find(|l| l.starts_with("trace_hash = ")) {
        Some(old) => text.replacen(old, &line, 1),
        None => {
            let topic = text
                .lines()
                .find(|l| l.starts_with("topic = "))
                .expect("topic");
            text.replacen(topic, &format!("{topic}\n{line}"), 1)
        }
    };
    std::fs::write(path, updated).expect("write");
}

#[test]
fn every_scenario_runs_with_its_events_and_golden_trace() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let print = std::env::var_os("SCENARIO_PRINT").is_some();
    let mut failures = Vec::new();
    let scenarios = library();
    assert!(scenarios.len() >= 12);
    for parsed in scenarios {
        let s = parsed.expect("every scenario file parses");
        assert!(file_of(s.id).exists(), "{} is in {}.toml", s.id, s.id);
        let (console, outcomes) = match run_all(&s) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: {e}", s.id));
                continue;
            }
        };
        let hash = console.world().trace_hash();
        if print {
            println!("{}", export_markdown(&s, &outcomes, console.world()));
        }
        if update {
            record_hash(s.id, &hash);
        } else if s.trace_hash != hash {
            failures.push(format!(
                "{}: trace hash {hash}, the golden one is {:?} (UPDATE_EXPECT=1 records it)",
                s.id, s.trace_hash
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_interview_demo_points_at_a_checkpoint() {
    let scenarios: Vec<_> = library().into_iter().flatten().collect();
    let questions = clusterlab_core::scenario::interview().expect("interview.toml parses");
    assert!(questions.len() >= 10);
    for q in &questions {
        assert!(!q.claims.is_empty(), "{}", q.id);
        for c in q.claims {
            if c.demo.is_none() {
                continue;
            }
            let (id, i) = c
                .demo_target()
                .unwrap_or_else(|| panic!("{}: bad demo", q.id));
            let s = scenarios
                .iter()
                .find(|s| s.id == id)
                .unwrap_or_else(|| panic!("{}: no scenario {id}", q.id));
            assert!(
                i < s.checkpoints.len(),
                "{}: {id} has no checkpoint {}",
                q.id,
                i + 1
            );
        }
    }
}

#[test]
fn the_scenario_format_lists_every_event_kind_and_field() {
    let readme = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/README.md"),
    )
    .expect("scenarios/README.md");
    for kind in clusterlab_core::EventKind::NAMES {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{kind}` |")))
            .unwrap_or_else(|| panic!("scenarios/README.md lists no kind '{kind}'"));
        for field in clusterlab_core::EventKind::field_names(kind).unwrap_or_default() {
            assert!(
                row.contains(&format!("`{field}`")),
                "scenarios/README.md: '{kind}' lacks its field '{field}'"
            );
        }
    }
}
