//! Dot-commands: console controls that are not Redis commands (Redis has none starting
//! with a dot, so they never shadow one).

use super::{Console, LineOutput};
use crate::faults::{Fault, FAULT_COMMANDS};
use crate::node::flags;
use crate::slot::format_ranges;
use crate::time::SimDuration;

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

fn usage(text: &str) -> LineOutput {
    LineOutput::text(format!("(console) {text}\n"))
}

impl Console {
    pub(super) fn dot_command(&mut self, line: &str) -> LineOutput {
        let mut words = line.split_whitespace();
        let cmd = words.next().unwrap_or("").to_ascii_lowercase();
        let rest: Vec<&str> = words.collect();
        match cmd.as_str() {
            ".help" => LineOutput::text(help_text()),
            ".quit" | ".exit" => LineOutput {
                text: Vec::new(),
                quit: true,
            },
            ".connect" => match rest.as_slice() {
                [port] => match port.parse::<u16>() {
                    Ok(p) if self.world.by_port(p).is_some() => {
                        let host = self.shape.ip.clone();
                        self.cli.connect_to(&mut self.world, &host, p);
                        LineOutput::default()
                    }
                    _ => usage(&format!(
                        "no simulated node listens on port {port}; try .nodes"
                    )),
                },
                _ => usage(".connect needs one port, e.g. .connect 7002"),
            },
            ".advance" => match rest.as_slice() {
                [d] => match SimDuration::parse(d) {
                    Some(d) => {
                        self.run_until(self.world.now() + d);
                        LineOutput::default()
                    }
                    None => usage(&format!("'{d}' is not a duration; try 500ms, 2s or 1.5m")),
                },
                _ => usage(".advance needs a duration, e.g. .advance 2s"),
            },
            ".cluster" => match rest.as_slice() {
                ["on"] => {
                    self.cli.set_cluster_mode(true);
                    LineOutput::default()
                }
                ["off"] => {
                    self.cli.set_cluster_mode(false);
                    LineOutput::default()
                }
                ["smart"] => {
                    self.cli.set_smart();
                    LineOutput::default()
                }
                [] => LineOutput::text(format!(
                    "cluster mode is {}\n",
                    match (self.cli.cluster_mode(), self.cli.smart()) {
                        (_, true) => "smart",
                        (true, false) => "on",
                        (false, false) => "off",
                    }
                )),
                _ => usage(".cluster takes on, off or smart"),
            },
            ".slotmap" => match self.cli.slot_cache() {
                Some(cache) => LineOutput::text(cache.report(&self.world, self.cli.host())),
                None if self.cli.smart() => {
                    usage("the smart client loads its slot map with its first command")
                }
                None => usage(
                    "no slot map: redis-cli -c caches none and follows each redirect; .cluster smart starts a client that does",
                ),
            },
            ".time" => LineOutput::text(format!("{}\n", self.world.now())),
            ".trace-hash" => LineOutput::text(format!("{}\n", self.world.trace_hash())),
            ".seed" => LineOutput::text(format!("{}\n", self.world.seed())),
            ".events" => {
                let n = match rest.as_slice() {
                    [] => Ok(10),
                    [n] => n.parse::<usize>().map_err(|_| ()),
                    _ => Err(()),
                };
                match n {
                    Ok(n) => {
                        let events: Vec<String> = self
                            .world
                            .events()
                            .rev()
                            .take(n)
                            .map(|e| e.to_string())
                            .collect();
                        let mut text = String::new();
                        for e in events.iter().rev() {
                            text.push_str(e);
                            text.push('\n');
                        }
                        LineOutput::text(text)
                    }
                    Err(()) => usage(".events takes an optional count, e.g. .events 20"),
                }
            }
            ".nodes" => LineOutput::text(self.nodes_table()),
            ".failover" => self.failover(&rest),
            ".start" => self.start_node(&rest),
            ".cluster-tool" => LineOutput::text(
                if self.live_tools || rest.first().is_some_and(|w| w.eq_ignore_ascii_case("stop")) {
                    self.live_cluster_tool(&rest)
                } else {
                    self.cluster_tool(&rest)
                },
            ),
            ".lost" => {
                let total = self.world.acknowledged_writes().len();
                let lost: Vec<String> = self
                    .world
                    .lost_writes()
                    .map(|x| {
                        format!(
                            "{}) \"{}\" acknowledged by {} at {}: {}\n",
                            x.id + 1,
                            x.command,
                            x.port,
                            x.at,
                            x.lost.as_ref().map(|l| l.to_string()).unwrap_or_default()
                        )
                    })
                    .collect();
                LineOutput::text(format!(
                    "{} of {total} acknowledged writes lost\n{}",
                    lost.len(),
                    lost.concat()
                ))
            }
            c if FAULT_COMMANDS.contains(&c) => match Fault::parse_line(&cmd, &rest) {
                Ok(fault) => match self.world.apply(fault) {
                    Ok(text) => LineOutput::text(format!("(fault) {text}\n")),
                    Err(e) => usage(&e.to_string()),
                },
                Err(e) => usage(&e),
            },
            _ => usage(&format!("unknown command '{cmd}'; type .help for the list")),
        }
    }

    /// A new `redis-server --cluster-enabled yes` on a free port: empty, knowing only
    /// itself, ready for CLUSTER MEET or `--cluster add-node`.
    fn start_node(&mut self, rest: &[&str]) -> LineOutput {
        let [p] = rest else {
            return usage(".start PORT");
        };
        let p = match port(p) {
            Ok(p) if p <= 55_535 => p,
            Ok(_) => return usage("the port must leave room for its bus port (+10000)"),
            Err(e) => return usage(&e),
        };
        let taken = self.world.processes().iter().any(|x| {
            x.port == p
                || x.node.myself().cport == p
                || x.port + 10_000 == p
                || x.node.myself().cport == p + 10_000
        });
        if taken {
            return usage(&format!("port {p} or its bus port {} is taken", p + 10_000));
        }
        self.world.start_process("127.0.0.1", p);
        LineOutput::text(format!(
            "(admin) started an empty node on 127.0.0.1:{p} (bus port {}); it knows only itself: join it with CLUSTER MEET or --cluster add-node\n",
            p + 10_000
        ))
    }

    /// `CLUSTER FAILOVER [FORCE|TAKEOVER]` on a side connection to a replica.
    fn failover(&mut self, rest: &[&str]) -> LineOutput {
        let (p, option) = match rest {
            [p] => (p, None),
            [p, o] if o.eq_ignore_ascii_case("force") || o.eq_ignore_ascii_case("takeover") => {
                (p, Some(o.to_ascii_uppercase()))
            }
            _ => return usage(".failover PORT [force|takeover]"),
        };
        let p = match port(p) {
            Ok(p) => p,
            Err(e) => return usage(&e),
        };
        let Some(conn) = self.world.connect(p) else {
            return usage(&format!(
                "no simulated node listens on port {p}, or it is down"
            ));
        };
        let mut args = vec![b"CLUSTER".to_vec(), b"FAILOVER".to_vec()];
        args.extend(option.map(String::into_bytes));
        let result = self.world.execute(conn, &args);
        self.world.disconnect(conn);
        match result {
            Ok(reply) => {
                let text = crate::client::format::format_tty(&reply);
                LineOutput::text(format!("(admin) CLUSTER FAILOVER on {p}: {text}"))
            }
            Err(e) => usage(&format!("{p}: {e}")),
        }
    }

    fn nodes_table(&self) -> String {
        let mut s =
            String::from("port  role     id        epoch  slots                 keys  offset\n");
        for p in self.world.processes() {
            let n = &p.node;
            let me = n.myself();
            let role = if me.has(flags::SLAVE) {
                format!("replica of {}", n.master_port().unwrap_or(0))
            } else {
                "master".to_string()
            };
            let slots = format_ranges(me.slots.ranges());
            s.push_str(&format!(
                "{:<5} {:<8} {:<9} {:<6} {:<21} {:<5} {}\n",
                p.port,
                if me.has(flags::SLAVE) {
                    "replica"
                } else {
                    "master"
                },
                me.name.short(),
                n.my_epoch(),
                if slots.is_empty() { role } else { slots },
                n.keyspace().len(),
                n.replication().offset,
            ));
        }
        s
    }
}

fn port(word: &str) -> Result<u16, String> {
    word.parse::<u16>()
        .map_err(|_| format!("'{word}' is not a port"))
}

fn help_text() -> String {
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

/// The argument hint redis-cli would show after what is typed so far: the command's
/// arguments minus one for every argument already typed.
pub fn hint_for(line: &str) -> Option<String> {
    const HINTS: &[(&str, &str)] = &[
        ("set", " key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]"),
        ("get", " key"),
        ("del", " key [key ...]"),
        ("exists", " key [key ...]"),
        ("expire", " key seconds [NX|XX|GT|LT]"),
        ("pexpire", " key milliseconds [NX|XX|GT|LT]"),
        ("ttl", " key"),
        ("pttl", " key"),
        ("persist", " key"),
        ("type", " key"),
        ("incr", " key"),
        ("incrby", " key increment"),
        ("decr", " key"),
        ("decrby", " key decrement"),
        ("append", " key value"),
        ("strlen", " key"),
        ("mget", " key [key ...]"),
        ("mset", " key value [key value ...]"),
        ("hset", " key field value [field value ...]"),
        ("hget", " key field"),
        ("hgetall", " key"),
        ("hdel", " key field [field ...]"),
        ("hincrby", " key field increment"),
        ("hlen", " key"),
        ("lpush", " key element [element ...]"),
        ("rpush", " key element [element ...]"),
        ("lpop", " key [count]"),
        ("rpop", " key [count]"),
        ("lrange", " key start stop"),
        ("llen", " key"),
        ("sadd", " key member [member ...]"),
        ("srem", " key member [member ...]"),
        ("smembers", " key"),
        ("sismember", " key member"),
        ("scard", " key"),
        ("zadd", " key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]"),
        ("zincrby", " key increment member"),
        ("zscore", " key member"),
        ("zrange", " key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]"),
        ("zcard", " key"),
        ("keys", " pattern"),
        ("wait", " numreplicas timeout"),
        ("info", " [section [section ...]]"),
        ("ping", " [message]"),
        ("echo", " message"),
        ("cluster keyslot", " key"),
        ("cluster countkeysinslot", " slot"),
        ("cluster getkeysinslot", " slot count"),
        ("cluster meet", " ip port [cluster-bus-port]"),
        ("cluster addslots", " slot [slot ...]"),
        ("cluster addslotsrange", " start-slot end-slot [start-slot end-slot ...]"),
        ("cluster delslots", " slot [slot ...]"),
        ("cluster replicate", " node-id"),
        ("cluster replicas", " node-id"),
        ("cluster forget", " node-id"),
        ("cluster count-failure-reports", " node-id"),
        ("cluster set-config-epoch", " config-epoch"),
        ("cluster reset", " [HARD|SOFT]"),
        (".connect", " PORT"),
        (".advance", " DURATION"),
        (".cluster", " on|off|smart"),
        (".events", " [N]"),
    ];
    let lower = line.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let ends_with_space = line.ends_with(' ');
    for cmd_words in [2usize, 1] {
        if words.len() < cmd_words {
            continue;
        }
        let name = words[..cmd_words].join(" ");
        let Some((_, hint)) = HINTS.iter().find(|(c, _)| *c == name) else {
            continue;
        };
        let typed_args = words.len() - cmd_words;
        if !ends_with_space && typed_args > 0 {
            // In the middle of a word: redis-cli shows nothing until the next space.
            return None;
        }
        let rest: Vec<&str> = hint.split_whitespace().skip(typed_args).collect();
        return (!rest.is_empty()).then(|| rest.join(" "));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::hint_for;

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
        assert_eq!(hint_for("nosuch "), None);
    }
}
