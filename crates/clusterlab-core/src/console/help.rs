//! The console's help: the dot-commands with their one-line help, redis-cli's own `help`
//! text, and the argument hints redis-cli shows after a command name. Every command and
//! subcommand of the command table has its hint (a test checks both ways).

/// Every dot-command with its one-line help.
pub const DOT_COMMANDS: &[(&str, &str)] = &[
    (".help", "this list"),
    (
        ".connect PORT",
        "talk to another node (like restarting redis-cli with -p PORT)",
    ),
    (
        ".advance DURATION",
        "let simulated time pass, e.g. .advance 2s, .advance 250ms, .advance 1m",
    ),
    (
        ".cluster on|off|smart",
        "follow MOVED/ASK like redis-cli -c (on), print them raw (off), or route by a cached slot map like a cluster client library (smart)",
    ),
    (
        ".slotmap",
        "the smart client's cached slot map beside who serves each slot now (stale runs marked)",
    ),
    (".time", "the current simulated time"),
    (
        ".nodes",
        "every node as the simulation knows it: port, role, epoch, slots, keys, offset",
    ),
    (
        ".events [N]",
        "the last N events (default 10), each with the rule and numbers behind it",
    ),
    (
        ".trace-hash",
        "a hash of the whole event log so far (the browser shows the same one)",
    ),
    (".seed", "the seed of this run"),
    (
        ".kill PORT",
        "kill a node: the process is gone, connections to it are refused",
    ),
    (
        ".restart PORT [empty|aof]",
        "start a killed node again with its ID and nodes.conf; empty dataset unless aof",
    ),
    (
        ".pause PORT DURATION",
        "freeze a node (like DEBUG SLEEP): alive but silent",
    ),
    (
        ".partition A,B / C,D",
        "split the nodes into groups that cannot talk (unlisted nodes form one more group)",
    ),
    (
        ".oneway FROM TO",
        "drop every message from one node to another",
    ),
    (
        ".blockbus PORTS",
        "block the cluster bus ports of these nodes; clients still reach them",
    ),
    (
        ".loss FROM TO PERCENT",
        "drop a percentage of the messages from one node to another",
    ),
    (
        ".delay FROM TO MS",
        "add latency to the link from one node to another",
    ),
    (
        ".heal",
        "remove every network fault and wake paused nodes (killed nodes stay down)",
    ),
    (
        ".failover PORT [force|takeover]",
        "send CLUSTER FAILOVER to a replica (maintenance), keeping this connection",
    ),
    (
        ".cluster-tool SUBCOMMAND ARGS",
        "redis-cli --cluster, with its text (as if --cluster-yes were given):\n\
        create HOST:PORT... [--cluster-replicas N]   (nodes from .start)\n\
        check HOST:PORT | info HOST:PORT\n\
        fix HOST:PORT                                (open slots, uncovered slots)\n\
        reshard HOST:PORT --cluster-from IDS|all --cluster-to ID --cluster-slots N [--cluster-pipeline N] [--cluster-replace]\n\
        rebalance HOST:PORT [--cluster-weight ID=W ...] [--cluster-threshold P] [--cluster-use-empty-masters] [--cluster-simulate]\n\
        add-node NEW_HOST:PORT EXISTING_HOST:PORT [--cluster-slave [--cluster-master-id ID]]\n\
        del-node HOST:PORT NODE_ID\n\
        any of them with -a PASSWORD [--user NAME]   (else the console's own password)\n\
        stop                                         (in the playground, where moves run as time passes)",
    ),
    (
        ".start PORT",
        "start a new empty node (cluster-enabled, knows only itself) on 127.0.0.1:PORT",
    ),
    (
        ".lost",
        "acknowledged writes that were lost, and the fault behind each",
    ),
    (".quit", "leave (quit and exit work too)"),
];

pub(super) fn help_text() -> String {
    let mut s = String::from(
        "Type Redis commands as in redis-cli (cluster mode follows MOVED/ASK), or console commands:\n",
    );
    for (name, what) in DOT_COMMANDS {
        s.push_str(&format!("  {name:<18} {what}\n"));
    }
    s
}

/// redis-cli's `help` output (`cliOutputGenericHelp`).
pub fn redis_cli_help() -> String {
    "redis-cli 7.0.15\n\
To get help about Redis commands type:\n      \"help @<group>\" to get a list of commands in <group>\n      \"help <command>\" for help on <command>\n      \"help <tab>\" to get a list of possible help topics\n      \"quit\" to exit\n\n\
To set redis-cli preferences:\n      \":set hints\" enable online hints\n      \":set nohints\" disable online hints\n\
Set your preferences in ~/.redisclirc\n"
        .to_string()
}

pub use super::command_hints::COMMAND_HINTS;

/// The hint after a command name (`get`, `cluster meet`, `.connect`), if it has one.
fn hint_of(name: &str) -> Option<&'static str> {
    if name.starts_with('.') {
        return DOT_COMMANDS.iter().find_map(|(usage, _)| {
            let (cmd, args) = usage.split_once(' ').unwrap_or((usage, ""));
            (cmd == name).then_some(args)
        });
    }
    COMMAND_HINTS
        .iter()
        .find(|(c, _)| *c == name)
        .map(|(_, h)| *h)
}

/// Commands that see only the node they are sent to: the console adds a note to their
/// hint (redis-cli shows none), a classic surprise in a cluster.
const THIS_NODE_ONLY: &[&str] = &["dbsize", "keys", "randomkey", "scan"];

/// The note after those commands' hints.
pub const THIS_NODE_NOTE: &str = "(this node's keys only: other masters hold other slots)";

/// The argument hint redis-cli would show after what is typed so far: the command's
/// arguments minus one for every argument already typed (with a note for the commands
/// that see one node only).
pub fn hint_for(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let ends_with_space = line.ends_with(' ');
    for cmd_words in [2usize, 1] {
        if words.len() < cmd_words {
            continue;
        }
        let name = words[..cmd_words].join(" ");
        let Some(hint) = hint_of(&name) else {
            continue;
        };
        let typed_args = words.len() - cmd_words;
        if !ends_with_space && typed_args > 0 {
            // In the middle of a word: redis-cli shows nothing until the next space.
            return None;
        }
        let mut rest: Vec<&str> = hint.split_whitespace().skip(typed_args).collect();
        if cmd_words == 1 && THIS_NODE_ONLY.contains(&name.as_str()) {
            rest.push(THIS_NODE_NOTE);
        }
        return (!rest.is_empty()).then(|| rest.join(" "));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{hint_for, COMMAND_HINTS};
    use crate::commands;

    /// Every command and subcommand of the table, with its arity and how many words
    /// name it (0 for a container, whose arguments are its subcommands').
    fn table() -> Vec<(String, i32, i32)> {
        let mut out = Vec::new();
        for c in commands::COMMANDS {
            match commands::subcommands(c.name) {
                Some(subs) => {
                    for (sub, arity) in subs {
                        out.push((format!("{} {sub}", c.name), *arity, 2));
                    }
                    // COMMAND alone is a command too; the others need a subcommand.
                    let words = if c.name == "command" { 1 } else { 0 };
                    out.push((c.name.to_string(), c.arity, words));
                }
                None => out.push((c.name.to_string(), c.arity, 1)),
            }
        }
        out
    }

    #[test]
    fn every_command_has_a_hint_and_every_hint_names_a_command() {
        let table = table();
        for (name, ..) in &table {
            assert!(
                COMMAND_HINTS.iter().any(|(h, _)| h == name),
                "'{name}' has no hint in COMMAND_HINTS"
            );
        }
        for (h, _) in COMMAND_HINTS {
            assert!(
                table.iter().any(|(name, ..)| name == h),
                "the hint '{h}' names no command of the table"
            );
        }
    }

    /// Words outside brackets: the arguments a hint says are required.
    fn required(hint: &str) -> Option<i32> {
        let mut depth = 0;
        let mut words = 0;
        let mut in_word = false;
        for c in hint.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                // An alternative with spaces in it cannot be counted word by word.
                '|' if depth == 0 => return None,
                ' ' => in_word = false,
                _ if depth == 0 && !in_word => {
                    in_word = true;
                    words += 1;
                }
                _ => {}
            }
        }
        Some(words)
    }

    #[test]
    fn hints_agree_with_the_arities_of_the_command_table() {
        // redis-cli 7.0.15 prints nothing for these: their docs give the arguments as one
        // "command" block it does not render.
        const NO_HINT: [&str; 3] = ["command getkeys", "command getkeysandflags", "debug"];
        // Redis's arity for these lets through fewer arguments than their docs require
        // (PFMERGE with no source key merges the destination into itself; GEOHASH and
        // GEOPOS with no member answer an empty array).
        const LOOSER_ARITY: [&str; 3] = ["geohash", "geopos", "pfmerge"];
        for (name, arity, words) in table() {
            let hint = COMMAND_HINTS
                .iter()
                .find(|(h, _)| *h == name)
                .map(|(_, h)| *h)
                .unwrap_or_default();
            if words == 0
                || NO_HINT.contains(&name.as_str())
                || LOOSER_ARITY.contains(&name.as_str())
            {
                continue;
            }
            let Some(required) = required(hint) else {
                continue;
            };
            let least = if arity > 0 { arity } else { -arity };
            assert_eq!(
                required + words,
                least,
                "'{name} {hint}' against arity {arity}"
            );
            if arity > 0 {
                assert!(!hint.contains('['), "'{name}' takes exactly {arity} words");
            }
        }
    }

    #[test]
    fn hints_drop_the_arguments_already_typed() {
        assert_eq!(hint_for("get").as_deref(), Some("key"));
        assert_eq!(hint_for("get ").as_deref(), Some("key"));
        assert_eq!(hint_for("get k").as_deref(), None);
        assert_eq!(hint_for("get k ").as_deref(), None);
        assert_eq!(
            hint_for("set k ")
                .as_deref()
                .map(|h| h.starts_with("value [NX|XX]")),
            Some(true)
        );
        assert_eq!(hint_for("cluster keyslot").as_deref(), Some("key"));
        assert_eq!(
            hint_for("CLUSTER GETKEYSINSLOT 1 ").as_deref(),
            Some("count")
        );
        assert_eq!(hint_for("cluster info"), None);
        assert_eq!(hint_for(".connect ").as_deref(), Some("PORT"));
        assert_eq!(hint_for(".kill ").as_deref(), Some("PORT"));
        assert_eq!(hint_for("nosuch "), None);
    }

    #[test]
    fn commands_that_see_one_node_say_so() {
        let note = super::THIS_NODE_NOTE;
        assert_eq!(hint_for("dbsize").as_deref(), Some(note));
        assert_eq!(
            hint_for("KEYS ").as_deref(),
            Some(format!("pattern {note}").as_str())
        );
        assert_eq!(hint_for("keys * ").as_deref(), Some(note));
        assert!(hint_for("scan 0 ").is_some_and(|h| h.ends_with(note)));
        assert!(hint_for("hscan h ").is_some_and(|h| !h.contains(note)));
    }
}
