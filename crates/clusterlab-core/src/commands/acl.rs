//! ACL (users, rules, the log, DRYRUN) and the permission checks `processCommand` and
//! EXEC make, with Redis 7.0.15's replies and error texts.

use super::args::is;
use super::CommandSpec;
use crate::acl::{
    catalog, Acl, CommandId, Context, Denied, KeyUse, LogEntry, LoginError, Reason, User,
};
use crate::node::Node;
use crate::reply::Reply;

/// Redis 7.0.15's ACL subcommands and their arities.
pub(crate) const SUBCOMMANDS: &[(&str, i32)] = &[
    ("cat", -2),
    ("deluser", -3),
    ("dryrun", -4),
    ("genpass", -2),
    ("getuser", 3),
    ("help", 2),
    ("list", 2),
    ("load", 2),
    ("log", -2),
    ("save", 2),
    ("setuser", -3),
    ("users", 2),
    ("whoami", 2),
];

const NO_ACL_FILE: &str = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

const HELP: &[&str] = &[
    "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CAT [<category>]",
    "    List all commands that belong to <category>, or all command categories",
    "    when no category is specified.",
    "DELUSER <username> [<username> ...]",
    "    Delete a list of users.",
    "DRYRUN <username> <command> [<arg> ...]",
    "    Returns whether the user can execute the given command without executing the command.",
    "GETUSER <username>",
    "    Get the user's details.",
    "GENPASS [<bits>]",
    "    Generate a secure 256-bit user password. The optional `bits` argument can",
    "    be used to specify a different size.",
    "LIST",
    "    Show users details in config file format.",
    "LOAD",
    "    Reload users from the ACL file.",
    "LOG [<count> | RESET]",
    "    Show the ACL log entries.",
    "SAVE",
    "    Save the current config to the ACL file.",
    "SETUSER <username> <attribute> [<attribute> ...]",
    "    Create or modify a user with the specified attributes.",
    "USERS",
    "    List all the registered usernames.",
    "WHOAMI",
    "    Return the current connection username.",
    "HELP",
    "    Prints this help.",
];

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The access a command's keys need: from its key spec, but SET reads too with GET
/// (`setGetKeys`), and MIGRATE reads and deletes.
fn key_access(spec: &CommandSpec, args: &[Vec<u8>]) -> u8 {
    match spec.name {
        "set" if args.iter().skip(3).any(|a| is(a, "get")) => crate::acl::READ | crate::acl::WRITE,
        "set" => crate::acl::WRITE,
        "migrate" => crate::acl::READ | crate::acl::WRITE,
        name => super::command::key_access(name),
    }
}

/// Whether `user` may run the modelled command `spec` with `args`.
fn check(user: &User, spec: &CommandSpec, args: &[Vec<u8>]) -> Result<(), (Denied, CommandId)> {
    let access = key_access(spec, args);
    let keys: Vec<KeyUse> = spec
        .keys_of(args)
        .into_iter()
        .map(|pos| KeyUse { pos, access })
        .collect();
    Acl::check_args(user, args, &keys)
}

impl Node {
    /// The user a connection runs as.
    pub(crate) fn user_of(&self, client: u64) -> &User {
        let name = self
            .clients
            .sessions
            .get(&client)
            .and_then(|s| s.user.as_deref())
            .unwrap_or(b"default");
        self.acl
            .users
            .get(name)
            .unwrap_or_else(|| self.acl.default_user())
    }

    /// Where a denial happens: inside MULTI while the client queues, otherwise at top level.
    fn context_of(&self, client: u64) -> Context {
        let queueing = self
            .clients
            .sessions
            .get(&client)
            .is_some_and(|s| s.queued.is_some());
        if queueing {
            Context::Multi
        } else {
            Context::Toplevel
        }
    }

    /// Adds an ACL log entry for `client`, with its CLIENT INFO line as it is now.
    fn log_acl(
        &mut self,
        client: u64,
        reason: Reason,
        object: Vec<u8>,
        username: Vec<u8>,
        context: Context,
    ) {
        let client_info = self
            .clients
            .sessions
            .get(&client)
            .map(|s| super::client::info_line(self, client, s, client))
            .unwrap_or_default();
        let entry = LogEntry {
            count: 1,
            reason,
            context,
            object,
            username,
            at_ms: self.now.as_millis(),
            client_info,
        };
        self.acl.log_denial(entry, crate::acl::LOG_MAX_LEN);
    }

    /// Checks the connection's user against the modelled command `spec` with `args`; a
    /// denial goes into the ACL log (`context`) and comes back.
    fn denial(
        &mut self,
        client: u64,
        spec: &CommandSpec,
        args: &[Vec<u8>],
        context: Context,
    ) -> Option<(Denied, CommandId)> {
        let user = self.user_of(client);
        if user.unrestricted() {
            return None;
        }
        let (denied, id) = check(user, spec, args).err()?;
        let (reason, object) = match denied {
            Denied::Command => (
                Reason::Command,
                catalog().get(id).fullname.as_bytes().to_vec(),
            ),
            Denied::Key(p) => (Reason::Key, args[p].clone()),
            Denied::Channel(p) => (Reason::Channel, args[p].clone()),
        };
        let username = user.name.clone();
        self.log_acl(client, reason, object, username, context);
        Some((denied, id))
    }

    /// `processCommand`'s ACL check: `NOPERM` (and an ACL log entry) if the connection's
    /// user may not run this command on these keys.
    pub(crate) fn acl_denial(
        &mut self,
        client: u64,
        spec: &CommandSpec,
        args: &[Vec<u8>],
    ) -> Option<Reply> {
        let context = self.context_of(client);
        let (denied, id) = self.denial(client, spec, args, context)?;
        Some(Reply::err(denied.noperm(catalog().get(id).fullname)))
    }

    /// EXEC's check of each queued command, in case the rules changed since it was queued.
    pub(crate) fn acl_exec_denial(
        &mut self,
        client: u64,
        spec: &CommandSpec,
        args: &[Vec<u8>],
    ) -> Option<Reply> {
        let (denied, _) = self.denial(client, spec, args, Context::Multi)?;
        let reason = match denied {
            Denied::Command => "no permission to execute the command or subcommand",
            Denied::Key(_) => "no permission to touch the specified keys",
            Denied::Channel(_) => "no permission to access one of the channels used as arguments",
        };
        Some(Reply::err(format!(
            "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: {reason}"
        )))
    }

    /// Logs in (`ACLAuthenticateUser`, after AUTH's own bare-password check); wrong
    /// credentials go into the ACL log under the command's name as typed.
    pub(crate) fn authenticate(
        &mut self,
        client: u64,
        user: Option<&[u8]>,
        password: &[u8],
        command: &[u8],
    ) -> Result<(), LoginError> {
        match self.acl.login(user, password) {
            Ok(user) => {
                let s = self.session(client);
                s.authenticated = true;
                s.user = (user != b"default").then(|| user.to_vec());
                Ok(())
            }
            Err(e) => {
                if e == LoginError::WrongPass {
                    let context = self.context_of(client);
                    let name = user.unwrap_or(b"default").to_vec();
                    self.log_acl(client, Reason::Auth, command.to_vec(), name, context);
                }
                Err(e)
            }
        }
    }
}

/// `ACL <subcommand> …`.
pub fn acl(n: &mut Node, c: u64, args: &[Vec<u8>]) -> Reply {
    let sub = &args[1];
    let argc = args.len();
    if is(sub, "setuser") && argc >= 3 {
        if crate::acl::has_spaces(&args[2]) {
            return Reply::err("ERR Usernames can't contain spaces or null characters");
        }
        match n.acl.set_user(&args[2], &args[3..]) {
            Ok(()) => Reply::ok(),
            Err(e) => Reply::err(super::sanitize_error(&e)),
        }
    } else if is(sub, "deluser") && argc >= 3 {
        deluser(n, c, &args[2..])
    } else if is(sub, "getuser") && argc == 3 {
        match n.acl.users.get(&args[2]) {
            Some(u) => getuser(u),
            None => Reply::nil(),
        }
    } else if (is(sub, "list") || is(sub, "users")) && argc == 2 {
        let names = is(sub, "users");
        let lines = n.acl.users.values().map(|u| {
            if names {
                Reply::bulk(u.name.clone())
            } else {
                Reply::bulk(format!("user {} {}", text(&u.name), u.describe()))
            }
        });
        Reply::array(lines.collect())
    } else if is(sub, "whoami") && argc == 2 {
        Reply::bulk(n.user_of(c).name.clone())
    } else if is(sub, "load") || is(sub, "save") {
        Reply::err(NO_ACL_FILE)
    } else if is(sub, "cat") && argc == 2 {
        Reply::bulks(crate::acl::CATEGORIES)
    } else if is(sub, "cat") && argc == 3 {
        cat(&args[2])
    } else if is(sub, "genpass") && argc <= 3 {
        genpass(n, args.get(2))
    } else if is(sub, "log") && argc <= 3 {
        log(n, args.get(2))
    } else if is(sub, "dryrun") && argc >= 4 {
        dryrun(n, &args[2], &args[3..])
    } else if is(sub, "help") && argc == 2 {
        Reply::Array(Some(
            HELP.iter().map(|l| Reply::Status((*l).into())).collect(),
        ))
    } else {
        Reply::err(super::sanitize_error(&format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try ACL HELP.",
            text(sub)
        )))
    }
}

/// `ACL DELUSER`: the connections logged in as a deleted user are closed (the calling
/// one after its reply).
fn deluser(n: &mut Node, c: u64, names: &[Vec<u8>]) -> Reply {
    if names.iter().any(|u| u == b"default") {
        return Reply::err("ERR The 'default' user cannot be removed");
    }
    let mut deleted = 0;
    for name in names {
        if n.acl.users.remove(name).is_none() {
            continue;
        }
        deleted += 1;
        let victims: Vec<u64> = n
            .clients
            .sessions
            .iter()
            .filter(|(_, s)| s.user.as_deref() == Some(name.as_slice()))
            .map(|(&id, _)| id)
            .collect();
        for v in victims {
            if v == c {
                let s = n.session(c);
                s.user = None;
                s.authenticated = false;
                n.clients.close_after_reply = true;
            } else {
                n.disconnect_client(v);
                n.out.push(crate::node::Output::CloseClient {
                    client: v,
                    after_reply: false,
                });
            }
        }
    }
    Reply::int(deleted)
}

fn selector_fields(s: &crate::acl::Selector) -> Vec<(Reply, Reply)> {
    vec![
        (Reply::bulk("commands"), Reply::bulk(s.describe_commands())),
        (Reply::bulk("keys"), Reply::bulk(s.keys_text())),
        (Reply::bulk("channels"), Reply::bulk(s.channels_text())),
    ]
}

/// `ACL GETUSER`: flags, password hashes, the root rules, then each selector's.
fn getuser(u: &User) -> Reply {
    let mut fields = vec![
        (
            Reply::bulk("flags"),
            Reply::Set(u.flag_names().into_iter().map(Reply::bulk).collect()),
        ),
        (
            Reply::bulk("passwords"),
            Reply::bulks(u.passwords.iter().map(String::as_str)),
        ),
    ];
    fields.extend(selector_fields(u.root()));
    let selectors = u.selectors[1..]
        .iter()
        .map(|s| Reply::Map(selector_fields(s)))
        .collect();
    fields.push((Reply::bulk("selectors"), Reply::array(selectors)));
    Reply::Map(fields)
}

/// `ACL CAT category`: its commands and subcommands.
fn cat(name: &[u8]) -> Reply {
    let Some(flag) = crate::acl::Catalog::category(name) else {
        let name: String = text(name).chars().take(128).collect();
        return Reply::err(super::sanitize_error(&format!(
            "ERR Unknown category '{name}'"
        )));
    };
    let all = catalog();
    let mut names = Vec::new();
    for &id in &all.top {
        for &cmd in std::iter::once(&id).chain(&all.get(id).subcommands) {
            if all.get(cmd).categories & flag != 0 {
                names.push(Reply::bulk(all.get(cmd).fullname));
            }
        }
    }
    Reply::array(names)
}

/// `ACL GENPASS [bits]`: random hex, 256 bits by default.
fn genpass(n: &mut Node, bits: Option<&Vec<u8>>) -> Reply {
    let bits = match bits {
        None => 256,
        Some(b) => match crate::keyspace::parse_canonical_i64(b) {
            Some(v) => v,
            None => return Reply::err("ERR value is not an integer or out of range"),
        },
    };
    if !(1..=4096).contains(&bits) {
        return Reply::err("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096");
    }
    let chars = ((bits + 3) / 4) as usize;
    let hex: String = (0..chars)
        .map(|_| char::from(b"0123456789abcdef"[n.rng.below(16) as usize]))
        .collect();
    Reply::bulk(hex)
}

/// `ACL LOG [count | RESET]`: the newest entries first, ten by default.
fn log(n: &mut Node, arg: Option<&Vec<u8>>) -> Reply {
    let mut count = 10;
    if let Some(a) = arg {
        if is(a, "reset") {
            n.acl.log.clear();
            return Reply::ok();
        }
        match crate::keyspace::parse_canonical_i64(a) {
            Some(v) => count = v.max(0) as usize,
            None => return Reply::err("ERR value is not an integer or out of range"),
        }
    }
    let now = n.now.as_millis();
    let entries = n.acl.log.iter().take(count).map(|e| {
        let age = now.saturating_sub(e.at_ms) as f64 / 1000.0;
        Reply::Map(vec![
            (Reply::bulk("count"), Reply::int(e.count as i64)),
            (Reply::bulk("reason"), Reply::bulk(e.reason.name())),
            (Reply::bulk("context"), Reply::bulk(e.context.name())),
            (Reply::bulk("object"), Reply::bulk(e.object.clone())),
            (Reply::bulk("username"), Reply::bulk(e.username.clone())),
            (
                Reply::bulk("age-seconds"),
                Reply::Double(super::format_g17(age)),
            ),
            (
                Reply::bulk("client-info"),
                Reply::bulk(e.client_info.clone()),
            ),
        ])
    });
    Reply::array(entries.collect())
}

/// `ACL DRYRUN user command args…`: OK, or why the user may not run it (as a bulk
/// string). Keys are checked for the commands the simulation models.
fn dryrun(n: &Node, name: &[u8], command: &[Vec<u8>]) -> Reply {
    let Some(user) = n.acl.users.get(name) else {
        return Reply::err(super::sanitize_error(&format!(
            "ERR User '{}' not found",
            text(name)
        )));
    };
    let all = catalog();
    let Some(id) = all.command_for(command) else {
        return Reply::err(super::sanitize_error(&format!(
            "ERR Command '{}' not found",
            text(&command[0])
        )));
    };
    let cmd = all.get(id);
    let argc = command.len() as i32;
    if (cmd.arity > 0 && cmd.arity != argc) || argc < -cmd.arity {
        return Reply::err(format!(
            "ERR wrong number of arguments for '{}' command",
            cmd.fullname
        ));
    }
    let result = match super::lookup(&command[0]) {
        Some(spec) => check(user, spec, command).map_err(|(d, _)| d),
        None => Acl::check(user, id, command, &[]),
    };
    match result {
        Ok(()) => Reply::ok(),
        Err(Denied::Command) => Reply::bulk(format!(
            "This user has no permissions to run the '{}' command",
            cmd.fullname
        )),
        Err(Denied::Key(p)) => Reply::bulk(format!(
            "This user has no permissions to access the '{}' key",
            text(&command[p])
        )),
        Err(Denied::Channel(p)) => Reply::bulk(format!(
            "This user has no permissions to access the '{}' channel",
            text(&command[p])
        )),
    }
}
