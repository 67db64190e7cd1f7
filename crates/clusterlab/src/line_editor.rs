//! The interactive prompt: line editing, history, tab completion and hints.

use std::borrow::Cow;
use std::io::Write;
use std::process::ExitCode;

use clusterlab_core::console::Console;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

use crate::WallClock;

struct ConsoleHelper;

impl Completer for ConsoleHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let head = &line[..pos];
        let candidates = Console::complete(head)
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: format!("{c} "),
            })
            .collect();
        Ok((0, candidates))
    }
}

impl Hinter for ConsoleHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        Console::hint(line).map(|h| {
            if line.ends_with(' ') {
                h.to_string()
            } else {
                format!(" {h}")
            }
        })
    }
}

impl Highlighter for ConsoleHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[90m{hint}\x1b[0m"))
    }
}

impl Validator for ConsoleHelper {}
impl Helper for ConsoleHelper {}

fn history_path() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".clusterlab_history"))
}

/// Runs the prompt until quit, Ctrl-C or Ctrl-D.
pub fn run(console: &mut Console, follow_wall_clock: bool) -> ExitCode {
    let mut editor: Editor<ConsoleHelper, DefaultHistory> = match Editor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("clusterlab: cannot open the terminal: {e}");
            return ExitCode::from(2);
        }
    };
    editor.set_helper(Some(ConsoleHelper));
    let history = history_path();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    let clock = WallClock::new(console);
    loop {
        match editor.readline(&console.prompt()) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                if follow_wall_clock {
                    clock.catch_up(console);
                }
                let out = console.run_line(&line);
                let mut stdout = std::io::stdout();
                let _ = stdout.write_all(&out.text);
                let _ = stdout.flush();
                if out.quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) | Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("clusterlab: {e}");
                break;
            }
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    ExitCode::SUCCESS
}
