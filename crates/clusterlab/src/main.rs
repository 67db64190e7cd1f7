//! `clusterlab`: a simulated Redis 7 cluster behind a `redis-cli -c` style prompt.

mod bench;
mod line_editor;

use clusterlab::serve;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, Parser};
use clusterlab_core::{console::Console, SimDuration};

use clusterlab::cli::{Cli, Command, ConsoleArgs, ServeArgs};

/// `clusterlab scenario ID`: runs one scenario of the library and prints its Markdown.
fn scenario(id: &str) -> ExitCode {
    use clusterlab_core::scenario::{export_markdown, library, run_all};
    let scenarios: Vec<_> = library().into_iter().flatten().collect();
    let Some(s) = scenarios.iter().find(|s| s.id == id) else {
        if id != "list" {
            eprintln!("clusterlab: no scenario '{id}'");
        }
        for s in &scenarios {
            println!("{:<24} {}", s.id, s.title);
        }
        return if id == "list" {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    };
    match run_all(s) {
        Ok((console, outcomes)) => {
            print!("{}", export_markdown(s, &outcomes, console.world()));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("clusterlab: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => console(cli.console),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Bench(args)) => {
            let seed = clusterlab::cli::seed_or_clock(args.seed);
            bench::run(&args.nodes, args.seconds, args.node_timeout, seed);
            ExitCode::SUCCESS
        }
        Some(Command::Scenario { id }) => scenario(&id),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "clusterlab",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let console = match Console::new(args.cluster.shape(args.cluster.seed())) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("clusterlab: {e}");
            return ExitCode::from(2);
        }
    };
    eprint!("{}", console.create_log());
    serve::run(console, &args)
}

fn console(args: ConsoleArgs) -> ExitCode {
    let seed = args.cluster.seed();
    let interactive = args.script.is_none() && std::io::stdin().is_terminal();
    let mut console = match Console::new(args.cluster.shape(seed)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("clusterlab: {e}");
            return ExitCode::from(2);
        }
    };
    if interactive {
        eprint!("{}", console.create_log());
        let base = args.cluster.base_port;
        eprintln!(
            "ClusterLab: {} simulated nodes on {}:{}-{}, seed {seed}. Type .help for console commands.",
            console.world().processes().len(),
            console.shape().ip,
            base,
            base as usize + console.world().processes().len() - 1
        );
        line_editor::run(&mut console, !args.manual_time)
    } else {
        eprintln!("clusterlab: seed {seed}");
        let script = match read_script(args.script.as_ref()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("clusterlab: {e}");
                return ExitCode::from(2);
            }
        };
        run_script(&mut console, &script)
    }
}

fn read_script(path: Option<&PathBuf>) -> Result<String, String> {
    match path {
        Some(p) if p.as_os_str() != "-" => std::fs::read(p)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| format!("cannot read {}: {e}", p.display())),
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

fn run_script(console: &mut Console, script: &str) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in script.lines() {
        let o = console.run_line(line);
        if out.write_all(&o.text).is_err() {
            return ExitCode::SUCCESS;
        }
        if o.quit {
            break;
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

/// Simulated time that follows the wall clock from the moment the prompt appears.
pub(crate) struct WallClock {
    start_wall: Instant,
    start_sim: u64,
}

impl WallClock {
    pub(crate) fn new(console: &Console) -> Self {
        WallClock {
            start_wall: Instant::now(),
            start_sim: console.world().now().as_millis(),
        }
    }

    pub(crate) fn catch_up(&self, console: &mut Console) {
        let target = self.start_sim + self.start_wall.elapsed().as_millis() as u64;
        let now = console.world().now().as_millis();
        if target > now {
            console.world_mut().advance(SimDuration(target - now));
        }
    }
}
