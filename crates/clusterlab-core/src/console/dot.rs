//! Dot-commands: console controls that are not Redis commands (Redis has none starting
//! with a dot, so they never shadow one).

use super::help::help_text;
use super::{Console, LineOutput};
use crate::faults::{Fault, FAULT_COMMANDS};
use crate::node::flags;
use crate::slot::{format_ranges, RangeStyle};
use crate::time::SimDuration;

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
                    self.manager.run(&mut self.world, &rest)
                },
            ),
            ".lost" => {
                let total = self.world.acknowledged_count();
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
        // The admin connection logs in like the console's client (`redis-cli -a`).
        if let Some(password) = self.cli.auth().map(<[u8]>::to_vec) {
            let _ = self.world.execute(conn, &[b"AUTH".to_vec(), password]);
        }
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
            let slots = format_ranges(&me.slots.ranges(), RangeStyle::Spaces);
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
