//! Client commands: the command table, `processCommand`'s checks in Redis's order, and
//! dispatch to the handlers grouped by data type.

mod acl;
mod args;
mod bitmaps;
mod blocking;
mod client;
mod cluster;
mod cluster_views;
mod command;
mod config;
mod counters;
mod debug;
mod digest;
mod function;
mod geo;
mod hashes;
mod hello;
mod hyperloglog;
mod info;
mod keys;
mod lcs;
mod lists;
mod memory;
mod migrate;
mod monitor;
mod multi;
mod object;
mod restore;
mod routing;
mod sampling;
mod scan;
mod server;
mod sets;
mod sort;
mod stream_groups;
mod stream_info;
mod stream_read;
mod streams;
mod string_set;
mod strings;
mod sync;
mod table;
mod zset_ops;
mod zset_range;
mod zsets;

pub use args::{format_double, format_g17};
pub use cluster::subcommand_names as cluster_subcommand_names;
pub use cluster_views::{cluster_info_text, cluster_nodes_text};
pub use hello::REDIS_VERSION;
pub use table::{command_names, lookup, subcommands, CommandSpec, COMMANDS, READONLY, WRITE};

use crate::config::ProtectedAction;
use crate::node::{ClientSession, Exec, Node};
use crate::reply::Reply;
use crate::time::SimTime;

/// The most elements the simulation builds into one reply or one command's batch of keys
/// (a real server would try and exhaust its memory).
pub(crate) const MAX_REPLY_ELEMENTS: u64 = 1_000_000;
pub(crate) const TOO_MANY_ELEMENTS: &str =
    "ERR ClusterLab builds at most 1000000 elements for one command";

impl From<crate::keyspace::WrongType> for Reply {
    fn from(_: crate::keyspace::WrongType) -> Reply {
        Reply::err(args::ERR_WRONGTYPE)
    }
}

/// The reply of a handler written with `?`: its error is the reply.
pub(crate) fn reply_of(r: Result<Reply, Reply>) -> Reply {
    r.unwrap_or_else(|e| e)
}

/// `processCommand`'s subcommand lookup and arity check for a command with a subcommand
/// table (`CLUSTER`, `CLIENT`): an unknown name, then the subcommand's own arity.
pub(crate) fn check_subcommand(
    command: &str,
    table: &[(&str, i32)],
    args: &[Vec<u8>],
) -> Result<(), Reply> {
    let sub = &args[1];
    let Some(&(name, arity)) = table.iter().find(|(n, _)| args::is(sub, n)) else {
        let text: String = String::from_utf8_lossy(sub).chars().take(128).collect();
        return Err(Reply::err(sanitize_error(&format!(
            "ERR unknown subcommand '{text}'. Try {} HELP.",
            command.to_ascii_uppercase()
        ))));
    };
    let argc = args.len() as i32;
    let ok = if arity > 0 {
        argc == arity
    } else {
        argc >= -arity
    };
    if ok {
        Ok(())
    } else {
        Err(arity_error(&format!("{command}|{name}")))
    }
}

/// The error for an arity mismatch: `ERR wrong number of arguments for 'get' command`.
pub fn arity_error(fullname: &str) -> Reply {
    Reply::err(format!(
        "ERR wrong number of arguments for '{fullname}' command"
    ))
}

/// The commands a client may send before it authenticates (`CMD_NO_AUTH`).
const NO_AUTH: &[&str] = &["auth", "hello", "quit", "reset"];

/// The error for an unknown command, formatted as Redis 7.0's `processCommand`.
pub fn unknown_command_error(args: &[Vec<u8>]) -> Reply {
    let name = String::from_utf8_lossy(&args[0]);
    let name: String = name.chars().take(128).collect();
    let mut rest = String::new();
    for a in &args[1..] {
        if rest.len() >= 128 {
            break;
        }
        let room = 128 - rest.len();
        let text = String::from_utf8_lossy(a);
        let text: String = text.chars().take(room).collect();
        rest.push_str(&format!("'{text}' "));
    }
    Reply::err(sanitize_error(&format!(
        "ERR unknown command '{name}', with args beginning with: {rest}"
    )))
}

/// The first `words` arguments of a command as text, for explanations and the ledger.
pub fn command_text(args: &[Vec<u8>], words: usize) -> String {
    args.iter()
        .take(words)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A command's full name as CLIENT LIST and INFO commandstats show it: `set`, or
/// `cluster|addslotsrange` for a known subcommand of a container command.
pub fn full_name(spec: &CommandSpec, args: &[Vec<u8>]) -> String {
    let mut name = spec.name.to_string();
    if let (Some(table), Some(sub)) = (subcommands(spec.name), args.get(1)) {
        if let Some((sub, _)) = table.iter().find(|(n, _)| args::is(sub, n)) {
            name.push('|');
            name.push_str(sub);
        }
    }
    name
}

/// `addReplyHelp`: the usage line, the command's own lines, then HELP's.
pub(crate) fn help_reply(command: &str, lines: &[&str]) -> Reply {
    let mut out = vec![Reply::Status(format!(
        "{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    ))];
    out.extend(lines.iter().map(|l| Reply::Status((*l).to_string())));
    out.push(Reply::status("HELP"));
    out.push(Reply::status("    Prints this help."));
    Reply::array(out)
}

/// Error strings never contain newlines (Redis replaces them with spaces).
pub fn sanitize_error(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

impl Node {
    /// Executes a client command as Redis's `processCommand` would.
    pub(crate) fn execute(&mut self, client: u64, args: &[Vec<u8>]) -> Exec {
        let spec = args.first().and_then(|a| lookup(a));
        self.note_command(client, spec, args);
        let exec = self.process_command(client, spec, args);
        let session = self.session(client);
        if !args.first().is_some_and(|a| args::is(a, "asking")) {
            session.asking = false;
        }
        exec
    }

    /// Records what CLIENT INFO shows about a connection's latest command.
    fn note_command(&mut self, client: u64, spec: Option<&CommandSpec>, args: &[Vec<u8>]) {
        let now = self.now;
        let authenticated = self.acl.default_needs_no_auth();
        let session = self
            .clients
            .sessions
            .entry(client)
            .or_insert_with(|| ClientSession::starting(now, authenticated));
        session.last_at = now;
        session.request_len = crate::reply::command_resp_len(args);
        self.stats.net_input_bytes += session.request_len;
        let request_len = session.request_len;
        session
            .query
            .read(request_len, args.iter().map(|a| a.len() as u64));
        session.argv_mem = args.iter().map(|a| a.len() as u64).sum();
        if let Some(spec) = spec {
            session.last_command = full_name(spec, args);
        }
    }

    fn process_command(
        &mut self,
        client: u64,
        spec: Option<&'static CommandSpec>,
        args: &[Vec<u8>],
    ) -> Exec {
        let processed = self.stats.commands_processed;
        let exec = self.process_checked(client, spec, args);
        // An error with nothing run is a rejection (`rejectCommand`).
        if let Exec::Reply(Reply::Error(e)) = &exec {
            if self.stats.commands_processed == processed {
                if let Some(spec) = spec {
                    self.stats.rejected(&full_name(spec, args));
                }
                self.stats.error_reply(e);
            }
        }
        // A command rejected before it could be queued aborts the transaction (a MOVED
        // EXEC has already discarded it).
        if let Exec::Reply(Reply::Error(_)) = &exec {
            if spec.is_none_or(|s| !multi::runs_inside_multi(s.name)) {
                multi::flag_transaction(self, client);
            }
        }
        exec
    }

    /// Redis's `authRequired`: the default user needs a password (or is off) and the
    /// client has not authenticated.
    pub(crate) fn auth_required(&self, client: u64) -> bool {
        !self.acl.default_needs_no_auth()
            && !self
                .clients
                .sessions
                .get(&client)
                .is_some_and(|s| s.authenticated)
    }

    fn process_checked(
        &mut self,
        client: u64,
        spec: Option<&'static CommandSpec>,
        args: &[Vec<u8>],
    ) -> Exec {
        if args.is_empty() {
            return Exec::Reply(Reply::err("ERR empty command"));
        }
        let Some(spec) = spec else {
            return Exec::Reply(unknown_command_error(args));
        };
        if !spec.arity_ok(args.len()) {
            return Exec::Reply(arity_error(spec.name));
        }
        // COMMAND alone is a command of its own; the others need a subcommand.
        if let Some(table) = subcommands(spec.name).filter(|_| args.len() > 1) {
            if let Err(e) = check_subcommand(spec.name, table, args) {
                return Exec::Reply(e);
            }
        }
        if spec.name == "debug" && self.config.enable_debug_command == ProtectedAction::No {
            return Exec::Reply(Reply::err(debug::NOT_ALLOWED));
        }
        if self.auth_required(client) && !NO_AUTH.contains(&spec.name) {
            return Exec::Reply(Reply::err("NOAUTH Authentication required."));
        }
        if let Some(denied) = self.acl_denial(client, spec, args) {
            return Exec::Reply(denied);
        }
        let in_multi = self
            .clients
            .sessions
            .get(&client)
            .is_some_and(|s| s.queued.is_some());
        let redirect = if spec.name == "exec" && in_multi {
            let queued = self.session(client).queued.clone().unwrap_or_default();
            let redirect = self.route_transaction(client, &queued);
            if redirect.is_some() {
                multi::end_transaction(self, client);
            }
            redirect
        } else {
            self.route(client, spec, args)
        };
        if let Some(redirect) = redirect {
            return Exec::Reply(redirect);
        }
        // XGROUP's subcommands write, but for HELP (the table keeps one row for them).
        let help = spec.name == "xgroup" && args.get(1).is_some_and(|a| args::is(a, "help"));
        let write_command = spec.flags & WRITE != 0 && !help;
        let writes = write_command || (spec.name == "exec" && multi::exec_writes(self, client));
        if writes && self.writes_paused() {
            // A master pausing writes for a manual failover holds the command.
            self.failover.paused_writes.push((client, args.to_vec()));
            return Exec::Blocked;
        }
        if self.myself().is_replica() && write_command {
            return Exec::Reply(Reply::err(
                "READONLY You can't write against a read only replica.",
            ));
        }
        if in_multi && !multi::runs_inside_multi(spec.name) {
            return multi::queue(self, client, args);
        }
        if spec.name == "wait" {
            self.stats.called("wait", false);
            monitor::feed(self, client, "wait", args);
            return server::wait(self, client, args);
        }
        if spec.name == "migrate" {
            // MIGRATE's errors come with its reply, later or at once.
            let exec = migrate::migrate(self, client, args);
            let failed = matches!(&exec, Exec::Reply(Reply::Error(_)));
            self.stats.called("migrate", failed);
            monitor::feed(self, client, "migrate", args);
            if let Exec::Reply(Reply::Error(e)) = &exec {
                self.stats.error_reply(e);
            }
            return exec;
        }
        let reply = self.run(client, spec, args);
        if std::mem::take(&mut self.clients.just_blocked) {
            return Exec::Blocked;
        }
        Exec::Reply(reply)
    }

    /// Runs a command that passed every check (directly, or queued in a transaction).
    pub(crate) fn run(&mut self, client: u64, spec: &CommandSpec, args: &[Vec<u8>]) -> Reply {
        let keys = spec.keys_of(args);
        // Lazy expiry: a master deletes an expired key it is about to touch, and tells
        // its replicas.
        if self.is_master() {
            for &i in &keys {
                if self.keyspace.is_expired(&args[i], self.now) {
                    self.keyspace.remove(&args[i]);
                    self.stats.expired_keys += 1;
                    self.propagate(vec![b"DEL".to_vec(), args[i].clone()]);
                }
            }
        }
        self.touch_keys(spec, args, &keys);
        let reply = (spec.handler)(self, client, args);
        let name = full_name(spec, args);
        self.stats.called(&name, reply.is_error());
        monitor::feed(self, client, &name, args);
        if let Reply::Error(e) = &reply {
            self.stats.error_reply(e);
        }
        // A command that blocked its client changed nothing yet.
        let unmodified = std::mem::take(&mut self.clients.unmodified);
        if spec.flags & WRITE != 0 && !self.clients.just_blocked {
            let off = self.repl.offset;
            self.session(client).woff = off;
            if !reply.is_error() && !unmodified {
                for &i in &keys {
                    self.touch_watched(&args[i]);
                    self.signal_ready(&args[i]);
                }
                if spec.name == "flushall" || spec.name == "flushdb" {
                    self.touch_all_watched();
                }
            }
        }
        reply
    }

    /// Updates the access time of the keys a command looks up; TTL, TYPE, EXISTS and
    /// OBJECT look without touching (`LOOKUP_NOTOUCH`).
    fn touch_keys(&mut self, spec: &CommandSpec, args: &[Vec<u8>], keys: &[usize]) {
        const NOTOUCH: &[&str] = &[
            "exists",
            "expiretime",
            "object",
            "pexpiretime",
            "pttl",
            "ttl",
            "type",
        ];
        // Reads count as keyspace hits and misses (writes look up with `LOOKUP_WRITE`).
        if spec.flags & READONLY != 0 {
            for &i in keys {
                if self.keyspace.is_live(&args[i], self.now) {
                    self.stats.keyspace_hits += 1;
                } else {
                    self.stats.keyspace_misses += 1;
                }
            }
        }
        if NOTOUCH.contains(&spec.name) {
            return;
        }
        for &i in keys {
            self.keyspace.touch(&args[i], self.now);
        }
    }

    /// Runs the writes held during a manual-failover pause, now that it ended.
    pub(crate) fn release_paused_writes(&mut self) {
        for (client, args) in std::mem::take(&mut self.failover.paused_writes) {
            let spec = args.first().and_then(|a| lookup(a));
            if let Exec::Reply(r) = self.process_command(client, spec, &args) {
                self.reply_to(client, r);
            }
        }
    }

    /// Applies a command from the replication stream: no routing, no propagation.
    pub(crate) fn apply_replicated(&mut self, args: &[Vec<u8>]) {
        let Some(spec) = args.first().and_then(|a| lookup(a)) else {
            // PXAT/PEXPIREAT forms and SELECT come through their own paths.
            self.apply_special_replicated(args);
            return;
        };
        if spec.arity_ok(args.len()) && spec.flags & WRITE != 0 {
            self.clients.from_master = true;
            let _ = (spec.handler)(self, 0, args);
            self.clients.from_master = false;
            self.clients.unmodified = false;
        }
    }

    fn apply_special_replicated(&mut self, args: &[Vec<u8>]) {
        // `RESTORE-ASKING key abs-ttl payload [REPLACE] [ABSTTL]` from a MIGRATE.
        if args.first().is_some_and(|a| args::is(a, "restore-asking")) && args.len() >= 4 {
            if let (Some(value), Ok(at)) = (
                crate::rdb::restore(&args[3], &self.keyspace.limits).ok(),
                args::parse_i64(&args[2]),
            ) {
                let expires = (at > 0)
                    .then(|| SimTime((at as u64).saturating_sub(self.config.unix_epoch_ms)));
                self.keyspace.remove(&args[1]);
                self.keyspace
                    .set_with_expiry(args[1].clone(), value, expires);
            }
            return;
        }
        if args.first().is_some_and(|a| args::is(a, "pexpireat")) && args.len() == 3 {
            if let Ok(at) = args::parse_i64(&args[2]) {
                let t = (at as u64).saturating_sub(self.config.unix_epoch_ms);
                self.keyspace.set_expiry(&args[1], Some(SimTime(t)));
            }
        }
    }
}
