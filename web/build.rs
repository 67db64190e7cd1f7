//! Renders FIDELITY.md to HTML at build time, so the playground shows the same page as the
//! repository without a Markdown renderer in the browser.

use std::path::PathBuf;

fn main() {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../FIDELITY.md");
    println!("cargo:rerun-if-changed={}", source.display());
    let markdown = std::fs::read_to_string(&source).expect("FIDELITY.md at the repository root");
    let parser = pulldown_cmark::Parser::new_ext(&markdown, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("fidelity.html");
    std::fs::write(out, html).expect("write fidelity.html");
}
