//! The core's top-level modules form no import cycle: `node` never names `commands`,
//! `world` is named by no module it uses, and so on. A module "names" another when its
//! source mentions `crate::other` (in a `use`, a path, or a `crate::{…}` group).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules named in `text` through `crate::`.
fn named(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let group = rest
            .strip_prefix('{')
            .map(|g| &g[..g.find('}').unwrap_or(g.len())]);
        let heads: Vec<&str> = match group {
            Some(g) => g.split(',').map(str::trim).collect(),
            None => vec![rest],
        };
        for head in heads {
            let name: String = head
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if modules.contains(&name) {
                out.insert(name);
            }
        }
    }
    out
}

/// The import graph: module → the modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = src();
    let mut all = Vec::new();
    files(&root, &mut all);
    let module_of = |p: &Path| -> String {
        let rel = p.strip_prefix(&root).expect("below src");
        let first = rel.components().next().expect("a file");
        first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string()
    };
    let modules: BTreeSet<String> = all
        .iter()
        .map(|p| module_of(p))
        .filter(|m| m != "lib")
        .collect();
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &all {
        let m = module_of(p);
        if m == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(p).expect("readable source");
        let mut names = named(&text, &modules);
        names.remove(&m);
        g.entry(m).or_default().extend(names);
    }
    g
}

/// A cycle through `start`, if there is one.
fn cycle_from(g: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((m, path)) = stack.pop() {
        for next in g.get(&m).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(start.to_string());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.clone());
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

#[test]
fn the_core_s_top_level_modules_have_no_import_cycle() {
    let g = graph();
    assert!(g.contains_key("node") && g.contains_key("commands") && g.contains_key("world"));
    assert!(
        g["commands"].contains("node"),
        "the graph is read: commands names node"
    );
    let cycles: Vec<String> = g
        .keys()
        .filter_map(|m| cycle_from(&g, m))
        .map(|c| c.join(" -> "))
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn a_cycle_would_be_found() {
    let modules: BTreeSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
    assert_eq!(
        named("use crate::{a::X, b};\nlet y = crate::b::f();", &modules),
        modules
    );
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), ["b".to_string()].into()),
        ("b".to_string(), ["a".to_string()].into()),
    ]
    .into();
    assert_eq!(
        cycle_from(&g, "a"),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}

/// The files a code-map cell names: `a.rs`, `dir/{x,y}.rs`, or a whole `dir/`.
fn named_files(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in cell.split('`').skip(1).step_by(2) {
        match (part.find('{'), part.find('}')) {
            (Some(a), Some(b)) if a < b => {
                for name in part[a + 1..b].split(',') {
                    out.push(format!("{}{}{}", &part[..a], name, &part[b + 1..]));
                }
            }
            _ => out.push(part.to_string()),
        }
    }
    out
}

#[test]
fn the_code_map_lists_every_source_file_once() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    for (dir, prefix) in [("crates/clusterlab-core/src", ""), ("web", "")] {
        let base = root.join(dir);
        let mut all = Vec::new();
        let scan = if dir == "web" {
            base.join("src")
        } else {
            base.clone()
        };
        files(&scan, &mut all);
        let section = if dir == "web" {
            &map[map.find("`web/` (the playground").expect("the web table")..]
        } else {
            &map[..map.find("`web/` (the playground").expect("the web table")]
        };
        // The first cell of every table row.
        let cells: Vec<Vec<String>> = section
            .lines()
            .filter(|l| l.starts_with("| `"))
            .map(|l| named_files(l.split('|').nth(1).unwrap_or("")))
            .collect();
        for f in &all {
            let rel = f
                .strip_prefix(&base)
                .expect("below the folder")
                .to_string_lossy()
                .replace('\\', "/");
            let rel = format!("{prefix}{rel}");
            let listed = cells
                .iter()
                .flatten()
                .filter(|c| **c == rel || (c.ends_with('/') && rel.starts_with(c.as_str())))
                .count();
            assert_eq!(
                listed, 1,
                "ARCHITECTURE.md lists {dir}/{rel} {listed} times"
            );
        }
    }
}
