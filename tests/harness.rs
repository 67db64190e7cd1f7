//! Shared test harness: transcript files (console lines in, exact redis-cli text out) and
//! helpers to build seeded clusters.
//!
//! A transcript is a file of blocks. A line starting with `> ` is typed into the console;
//! the lines up to the next `> ` are what it must print. Header lines `# key: value` set
//! the cluster shape (`seed`, `masters`, `replicas`, `node-timeout`). Output lines are
//! compared exactly, with two conveniences: `\r\n` counts as `\n` (CLUSTER INFO and INFO
//! end lines with CRLF; a unit test pins those bytes), and `{id:7001}` stands for the node
//! ID of the node on port 7001. `<any>` matches any text within one line.
//! Set `UPDATE_EXPECT=1` to rewrite the expectations from the actual output.

use std::fmt::Write as _;
use std::path::Path;

use clusterlab_core::{console::Console, ClusterShape};

/// Builds a converged console for a shape, printing the seed if it fails.
pub fn console(shape: ClusterShape) -> Console {
    let seed = shape.seed;
    Console::new(shape).unwrap_or_else(|e| panic!("seed {seed}: cluster did not start: {e}"))
}

/// Runs one line and returns its output as text.
pub fn run(console: &mut Console, line: &str) -> String {
    String::from_utf8_lossy(&console.run_line(line).text).into_owned()
}

struct Block {
    input: String,
    expected: Vec<String>,
}

fn parse(text: &str) -> (ClusterShape, Vec<String>, Vec<Block>) {
    let mut shape = ClusterShape::default();
    let mut header = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    for line in text.lines() {
        if let Some(input) = line.strip_prefix("> ") {
            blocks.push(Block {
                input: input.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(block) = blocks.last_mut() {
            block.expected.push(line.to_string());
        } else {
            header.push(line.to_string());
            if let Some((k, v)) = line.strip_prefix("# ").and_then(|l| l.split_once(": ")) {
                let v = v.trim();
                match k.trim() {
                    "seed" => shape.seed = v.parse().expect("seed"),
                    "masters" => shape.masters = v.parse().expect("masters"),
                    "replicas" => shape.replicas_per_master = v.parse().expect("replicas"),
                    "node-timeout" => shape.node_timeout = v.parse().expect("node-timeout"),
                    _ => {}
                }
            }
        }
    }
    (shape, header, blocks)
}

fn substitute(console: &Console, line: &str) -> String {
    let mut out = line.to_string();
    for p in console.world().processes() {
        out = out.replace(&format!("{{id:{}}}", p.port), p.node.name().as_str());
    }
    out
}

fn line_matches(pattern: &str, actual: &str) -> bool {
    let parts: Vec<&str> = pattern.split("<any>").collect();
    if parts.len() == 1 {
        return pattern == actual;
    }
    let mut rest = actual;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(pos) = rest.find(part) else {
                return false;
            };
            rest = &rest[pos + part.len()..];
        }
    }
    true
}

/// Runs a transcript file and panics with a readable diff on the first mismatch.
pub fn check_transcript(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (shape, header, blocks) = parse(&text);
    let seed = shape.seed;
    let mut console = console(shape);
    // `# enable-debug-command: yes` starts every node with DEBUG allowed.
    for line in &header {
        if let Some(v) = line.strip_prefix("# enable-debug-command: ") {
            let allowed = clusterlab_core::config::ProtectedAction::parse(v.trim())
                .expect("enable-debug-command: no, yes or local");
            console.world_mut().set_enable_debug_command(allowed);
        }
    }
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut rewritten = header.join("\n");
    if !rewritten.is_empty() {
        rewritten.push('\n');
    }
    let mut failures = String::new();
    for block in &blocks {
        let input = substitute(&console, &block.input);
        let actual = run(&mut console, &input).replace("\r\n", "\n");
        let actual_lines: Vec<&str> = actual.lines().collect();
        let expected: Vec<String> = block
            .expected
            .iter()
            .map(|l| substitute(&console, l))
            .collect();
        let ok = actual_lines.len() == expected.len()
            && expected
                .iter()
                .zip(&actual_lines)
                .all(|(e, a)| line_matches(e, a));
        let _ = writeln!(rewritten, "> {}", block.input);
        if ok {
            for l in &block.expected {
                let _ = writeln!(rewritten, "{l}");
            }
        } else {
            for l in &actual_lines {
                let _ = writeln!(rewritten, "{l}");
            }
            let _ = write!(
                failures,
                "\n--- {} (seed {seed})\n> {}\nexpected:\n{}\nactual:\n{}\n",
                path.display(),
                block.input,
                expected.join("\n"),
                actual_lines.join("\n")
            );
        }
    }
    if update && !failures.is_empty() {
        std::fs::write(path, rewritten).expect("rewrite transcript");
        return;
    }
    assert!(failures.is_empty(), "transcript mismatch:{failures}");
}

/// The default cluster (seed 1, 3 × 1) with its first node on `base`, served on 127.0.0.1
/// by `clusterlab serve` at `speed` times real time.
pub fn serve_default(base: u16, speed: f64) -> clusterlab::serve::Serving {
    serve(
        console(ClusterShape {
            base_port: base,
            ..ClusterShape::default()
        }),
        speed,
    )
}

/// Serves `console`'s cluster on 127.0.0.1 at `speed` times real time.
pub fn serve(console: Console, speed: f64) -> clusterlab::serve::Serving {
    clusterlab::serve::listen(console, std::net::Ipv4Addr::LOCALHOST.into(), speed)
        .expect("clusterlab serve")
}

/// A seeded cluster with the given shape.
pub fn cluster(seed: u64, masters: usize, replicas: usize, node_timeout: u64) -> Console {
    console(ClusterShape {
        seed,
        masters,
        replicas_per_master: replicas,
        node_timeout,
        ..ClusterShape::default()
    })
}

/// The node on `port`.
pub fn node(console: &Console, port: u16) -> &clusterlab_core::node::Node {
    let w = console.world();
    w.node(
        w.by_port(port)
            .unwrap_or_else(|| panic!("no node on {port}")),
    )
}

/// Whether the node on `port` is a master in its own view.
pub fn is_master(console: &Console, port: u16) -> bool {
    node(console, port).is_master()
}

/// Steps the world until `pred` holds or `limit_ms` of simulated time pass; returns the
/// time it first held.
pub fn wait_until(
    console: &mut Console,
    limit_ms: u64,
    mut pred: impl FnMut(&Console) -> bool,
) -> Option<clusterlab_core::SimTime> {
    let deadline = console.world().now().as_millis() + limit_ms;
    loop {
        if pred(console) {
            return Some(console.world().now());
        }
        let w = console.world_mut();
        match w.next_event_time() {
            Some(t) if t.as_millis() <= deadline => {
                w.step();
            }
            _ => return None,
        }
    }
}

/// Checks the invariants that must hold at any moment of any run:
/// * every "election won" is backed by at least a quorum of "auth granted" votes for that
///   replica and epoch;
/// * no two masters that agree on the cluster (converged) claim one slot with one epoch.
pub fn check_invariants(console: &Console) {
    use clusterlab_core::EventKind;
    let w = console.world();
    let seed = w.seed();
    // (the replica's name, the epoch) of every vote granted.
    let granted: Vec<(clusterlab_core::NodeName, u64)> = w
        .events()
        .filter_map(|e| match &e.kind {
            EventKind::AuthGranted { to, epoch, .. } => Some((to.name, *epoch)),
            _ => None,
        })
        .collect();
    for e in w.events() {
        if let EventKind::ElectionWon { .. } = &e.kind {
            let port = e.port.expect("elections happen on a node");
            let winner = node(console, port).name();
            let wins_epoch = w
                .events()
                .rev()
                .filter(|x| x.port == e.port && x.seq <= e.seq)
                .find_map(|x| match &x.kind {
                    EventKind::ElectionStarted { epoch, .. } => Some(*epoch),
                    _ => None,
                });
            let votes = granted
                .iter()
                .filter(|(who, ep)| *who == winner && Some(*ep) == wins_epoch)
                .count();
            let masters = node(console, port).cluster_size().max(1);
            assert!(
                votes > masters / 2 || wins_epoch.is_none(),
                "seed {seed}: {port} won epoch {wins_epoch:?} with {votes} votes"
            );
        }
    }
    if clusterlab_core::converge::fully_converged(w) {
        let n = &w.processes()[0].node;
        let mut seen: Vec<(u16, u64)> = Vec::new();
        for (_, p) in n.peers().iter() {
            if p.is_master() && p.num_slots() > 0 {
                assert!(
                    !seen.iter().any(|(_, e)| *e == p.config_epoch),
                    "seed {seed}: two masters share configEpoch {}",
                    p.config_epoch
                );
                seen.push((p.port, p.config_epoch));
            }
        }
    }
}
