//! `cargo xtask fidelity-page`: FIDELITY.md as the playground's fidelity page, a static
//! HTML file beside the WebAssembly that the page loads only when a learner opens it
//! (Trunk runs this before each build; see Trunk.toml).

use std::path::PathBuf;

use crate::root;

/// The page's own styles: the playground's colours, light and dark.
const STYLE: &str = "\
:root { --bg: #ffffff; --ink: #1d2330; --muted: #5d6677; --line: #d9dde5; color-scheme: light dark;
  --mono: ui-monospace, \"SFMono-Regular\", \"DejaVu Sans Mono\", Menlo, Consolas, monospace; }
@media (prefers-color-scheme: dark) { :root { --bg: #181b22; --ink: #e7e9ee; --muted: #9aa3b5; --line: #2b303b; } }
body { margin: 0; padding: 4px 16px 12px; background: var(--bg); color: var(--ink); line-height: 1.45;
  font: 13px/1.45 system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif; }
h1 { font-size: 18px; } h2 { font-size: 15px; margin-top: 18px; }
code { font-family: var(--mono); font-size: 12px; }
table { border-collapse: collapse; } td, th { border: 1px solid var(--line); padding: 2px 6px; }
a { color: inherit; }";

/// Writes `fidelity.html` into `TRUNK_STAGING_DIR` (or the folder given).
pub fn page(args: &[String]) -> Result<(), String> {
    let dir = args
        .first()
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from))
        .ok_or("fidelity-page: give a folder or run it from Trunk (TRUNK_STAGING_DIR)")?;
    let source = root().join("FIDELITY.md");
    let markdown = std::fs::read_to_string(&source)
        .map_err(|e| format!("reading {}: {e}", source.display()))?;
    let parser = pulldown_cmark::Parser::new_ext(&markdown, pulldown_cmark::Options::ENABLE_TABLES);
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, parser);
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>ClusterLab: fidelity to Redis 7.0.15</title><style>{STYLE}</style></head>\
         <body>\n{body}</body></html>\n"
    );
    let target = dir.join("fidelity.html");
    std::fs::write(&target, html).map_err(|e| format!("writing {}: {e}", target.display()))
}
