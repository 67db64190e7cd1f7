//! Narration templates: `{placeholder}`s filled from the run, so every sentence states
//! what this very run did. `{{` and `}}` stand for braces.
//!
//! | placeholder | value |
//! | --- | --- |
//! | `{output}`, `{output.N}` | what the last (or Nth) line printed, trimmed |
//! | `{until.port}`, `{until.at}`, `{until.text}`, `{until.after}` | the event `until` waited for: its node, time, explanation, and time since the checkpoint began |
//! | `{first_port:PATTERN}`, `{first_at:…}`, `{first_text:…}`, `{first_after:…}` | the same for the first event of this checkpoint matching PATTERN |
//! | `{count:PATTERN}` | how many events of this checkpoint match |
//! | `{now}`, `{elapsed}` | the clock, and the checkpoint's duration |
//! | `{slot:KEY}`, `{owner:KEY}`, `{hits:KEY}` | a key's slot, the port serving it now, commands its slot got |
//! | `{epoch:PORT}`, `{offset:PORT}`, `{role:PORT}`, `{keys:PORT}`, `{slots:PORT}` | a node's configEpoch, replication offset, role, key count, slot count |
//! | `{info:PORT:FIELD}` | a field of that node's CLUSTER INFO |
//! | `{lost}` | acknowledged writes lost so far |

use crate::client::slot_cache::owners_now;
use crate::commands::cluster_info_text;
use crate::console::Console;
use crate::event::Event;
use crate::node::flags;
use crate::slot::key_hash_slot;
use crate::time::SimTime;

use super::EventPattern;

/// What a template may draw on.
pub(super) struct Facts<'a> {
    pub console: &'a Console,
    pub transcript: &'a [(String, String, String)],
    pub started: SimTime,
    pub events: (u64, u64),
    pub until_event: Option<u64>,
}

/// Fills every placeholder of `template`; an unknown one is an error.
pub(super) fn fill(template: &str, facts: &Facts) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let brace = &rest[i..];
        if brace.starts_with("{{") || brace.starts_with("}}") {
            out.push_str(&brace[..1]);
            rest = &brace[2..];
            continue;
        }
        if brace.starts_with('}') {
            return Err("a lone '}' in a template (write '}}')".into());
        }
        let end = brace
            .find('}')
            .ok_or_else(|| format!("unclosed placeholder in '{template}'"))?;
        out.push_str(&value(&brace[1..end], facts)?);
        rest = &brace[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn value(name: &str, f: &Facts) -> Result<String, String> {
    let world = f.console.world();
    let (func, arg) = name.split_once(':').unwrap_or((name, ""));
    let node_on = |port: &str| {
        port.parse::<u16>()
            .ok()
            .and_then(|p| world.by_port(p))
            .map(|i| world.node(i))
            .ok_or_else(|| format!("no node on port '{port}' in {{{name}}}"))
    };
    let event_field = |e: Option<&Event>, field: &str| -> Result<String, String> {
        let e = e.ok_or_else(|| format!("no event for {{{name}}}"))?;
        Ok(match field {
            "port" => e.port.map_or("-".into(), |p| p.to_string()),
            "at" => e.at.to_string(),
            "text" => e.kind.to_string(),
            "after" => human(e.at.since(f.started)),
            _ => return Err(format!("unknown field in {{{name}}}")),
        })
    };
    let in_checkpoint = || {
        world
            .events()
            .filter(move |e| e.seq >= f.events.0 && e.seq < f.events.1)
    };
    Ok(match func {
        "output" => f
            .transcript
            .last()
            .map(|t| t.2.trim_end().to_string())
            .unwrap_or_default(),
        _ if func.starts_with("output.") => {
            let n: usize = func[7..].parse().map_err(|_| format!("bad {{{name}}}"))?;
            f.transcript
                .get(n.wrapping_sub(1))
                .map(|t| t.2.trim_end().to_string())
                .ok_or_else(|| format!("no line {n} for {{{name}}}"))?
        }
        _ if func.starts_with("until.") => {
            let e = f
                .until_event
                .and_then(|seq| world.events().find(|e| e.seq == seq));
            event_field(e, &func[6..])?
        }
        "first_port" | "first_at" | "first_text" | "first_after" => {
            let p = EventPattern::parse(arg)?;
            event_field(in_checkpoint().find(|e| p.matches(e)), &func[6..])?
        }
        "count" => {
            let p = EventPattern::parse(arg)?;
            in_checkpoint().filter(|e| p.matches(e)).count().to_string()
        }
        "now" => world.now().to_string(),
        "elapsed" => human(world.now().since(f.started)),
        "slot" => key_hash_slot(arg.as_bytes()).to_string(),
        "owner" => owners_now(world)[usize::from(key_hash_slot(arg.as_bytes()))]
            .map_or("nobody".into(), |p| p.to_string()),
        "hits" => {
            world.observer().slot_hits()[usize::from(key_hash_slot(arg.as_bytes()))].to_string()
        }
        "epoch" => node_on(arg)?.my_epoch().to_string(),
        "offset" => node_on(arg)?.replication().offset.to_string(),
        "keys" => node_on(arg)?.keyspace().len().to_string(),
        "slots" => node_on(arg)?.myself().slots.count().to_string(),
        "role" => {
            let port: u16 = arg.parse().map_err(|_| format!("bad port in {{{name}}}"))?;
            let n = node_on(arg)?;
            if !world.is_running(port) {
                "down".into()
            } else if n.myself().has(flags::SLAVE) {
                format!("replica of {}", n.master_port().unwrap_or(0))
            } else {
                "master".into()
            }
        }
        "info" => {
            let (port, field) = arg
                .split_once(':')
                .ok_or_else(|| format!("{{{name}}} needs info:PORT:FIELD"))?;
            let text = cluster_info_text(node_on(port)?);
            text.lines()
                .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
                .map(|v| v.trim().to_string())
                .ok_or_else(|| format!("no CLUSTER INFO field '{field}'"))?
        }
        "lost" => world.lost_writes().count().to_string(),
        _ => return Err(format!("unknown placeholder {{{name}}}")),
    })
}

/// A duration as a reader says it: `850 ms`, `5.681 s`.
fn human(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{}.{:03} s", ms / 1000, ms % 1000)
    }
}
