//! Reads the scenario library and the interview questions (`scenarios/*.toml`) at build
//! time and writes them as static Rust data, so neither a TOML parser nor serde ships in
//! the playground. A file that does not parse fails the build with its error.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Deserialize;

/// The library's files, in the picker's order.
const FILES: [&str; 12] = [
    "blog-walkthrough",
    "hash-tags",
    "master-dies",
    "freshest-replica-wins",
    "split-brain",
    "resharding-a-slot",
    "add-node-and-rebalance",
    "remove-a-node",
    "common-mistakes",
    "hot-keys",
    "manual-failover",
    "replica-migration",
];

// The file formats; `src/scenario/mod.rs` documents each field.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    id: String,
    title: String,
    summary: String,
    topic: String,
    #[serde(default = "default_seed")]
    seed: u64,
    #[serde(default = "default_masters")]
    masters: usize,
    #[serde(default = "default_replicas")]
    replicas: usize,
    #[serde(default = "default_node_timeout")]
    node_timeout: u64,
    #[serde(default)]
    trace_hash: String,
    #[serde(rename = "checkpoint")]
    checkpoints: Vec<Checkpoint>,
}

fn default_seed() -> u64 {
    1
}
fn default_masters() -> usize {
    3
}
fn default_replicas() -> usize {
    1
}
fn default_node_timeout() -> u64 {
    5000
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Checkpoint {
    title: String,
    #[serde(default)]
    lines: Vec<String>,
    until: Option<String>,
    within: Option<String>,
    advance: Option<String>,
    narration: String,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    focus_ports: Vec<u16>,
    #[serde(default)]
    focus_slots: Vec<u16>,
    predict: Option<Prediction>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Prediction {
    question: String,
    #[serde(default)]
    choices: Vec<String>,
    answer: String,
    #[serde(default)]
    explain: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Interview {
    question: Vec<Question>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Question {
    id: String,
    topic: String,
    question: String,
    #[serde(rename = "claim")]
    claims: Vec<Claim>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Claim {
    text: String,
    demo: Option<String>,
}

fn read<T: serde::de::DeserializeOwned>(dir: &std::path::Path, name: &str) -> T {
    let path = dir.join(format!("{name}.toml"));
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}.toml: {e}"));
    basic_toml::from_str(&text).unwrap_or_else(|e| panic!("{name}.toml does not parse: {e}"))
}

fn strs(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("&[{}]", quoted.join(", "))
}

fn opt(item: &Option<String>) -> String {
    item.as_ref()
        .map_or("None".into(), |s| format!("Some({s:?})"))
}

fn checkpoint(out: &mut String, c: &Checkpoint) {
    let predict = c.predict.as_ref().map_or("None".into(), |p| {
        format!(
            "Some(Prediction {{ question: {:?}, choices: {}, answer: {:?}, explain: {:?} }})",
            p.question,
            strs(&p.choices),
            p.answer,
            p.explain
        )
    });
    let _ = writeln!(
        out,
        "Checkpoint {{ title: {:?}, lines: {}, until: {}, within: {}, advance: {}, \
         narration: {:?}, expect: {}, focus_ports: &{:?}, focus_slots: &{:?}, predict: {predict} }},",
        c.title,
        strs(&c.lines),
        opt(&c.until),
        opt(&c.within),
        opt(&c.advance),
        c.narration,
        strs(&c.expect),
        c.focus_ports,
        c.focus_slots,
    );
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    println!("cargo:rerun-if-changed={}", dir.display());
    for entry in std::fs::read_dir(&dir).expect("the scenarios folder") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        if let Some(stem) = name.strip_suffix(".toml") {
            assert!(
                stem == "interview" || FILES.contains(&stem),
                "scenarios/{name} is not in build.rs's FILES"
            );
        }
    }
    let mut out = String::from("/// The scenario library, in the picker's order.\n");
    out.push_str("pub static LIBRARY: &[Scenario] = &[\n");
    for name in FILES {
        let s: Scenario = read(&dir, name);
        let _ = writeln!(
            out,
            "Scenario {{ id: {:?}, title: {:?}, summary: {:?}, topic: {:?}, seed: {}, \
             masters: {}, replicas: {}, node_timeout: {}, trace_hash: {:?}, checkpoints: &[",
            s.id,
            s.title,
            s.summary,
            s.topic,
            s.seed,
            s.masters,
            s.replicas,
            s.node_timeout,
            s.trace_hash
        );
        for c in &s.checkpoints {
            checkpoint(&mut out, c);
        }
        out.push_str("] },\n");
    }
    out.push_str("];\n\n/// Every interview question, in order.\n");
    out.push_str("pub static INTERVIEW: &[Question] = &[\n");
    let interview: Interview = read(&dir, "interview");
    for q in &interview.question {
        let _ = write!(
            out,
            "Question {{ id: {:?}, topic: {:?}, question: {:?}, claims: &[",
            q.id, q.topic, q.question
        );
        for c in &q.claims {
            let _ = write!(
                out,
                "Claim {{ text: {:?}, demo: {} }}, ",
                c.text,
                opt(&c.demo)
            );
        }
        out.push_str("] },\n");
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("library.rs");
    std::fs::write(target, out).expect("write library.rs");
}
