//! Redis 7.0's access control lists, as one node keeps them: its users (the default user
//! always among them), the rules that decide which commands, keys and channels each may
//! use, and the ACL log of what was denied. Nothing here is shared between nodes, and a
//! restart forgets every user but the default one (there is no ACL file).

mod catalog;
mod log;
mod selector;
mod user;

use crate::types::vec_map::VecMap;

pub use catalog::{catalog, AclCommand, Catalog, CommandId, CATEGORIES};
pub use log::{Context, LogEntry, Reason};
pub use selector::{has_spaces, Selector, READ, WRITE};
pub use user::{hash_password, User};

/// Why a rule was refused, as `ACLSetUserStringError` words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleError {
    Unknown,
    Syntax,
    KeyAfterAll,
    ChannelAfterAll,
    NoSuchPassword,
    BadHash,
    FirstArgOfSubcommand,
}

impl RuleError {
    pub fn text(self) -> &'static str {
        match self {
            RuleError::Unknown => "Unknown command or category name in ACL",
            RuleError::Syntax => "Syntax error",
            RuleError::KeyAfterAll => "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
            RuleError::ChannelAfterAll => "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
            RuleError::NoSuchPassword => "The password you are trying to remove from the user does not exist",
            RuleError::BadHash => "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
            RuleError::FirstArgOfSubcommand => "Allowing first-arg of a subcommand is not supported",
        }
    }
}

/// What a user may not do with a command (`ACL_DENIED_*`), and the argument at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denied {
    Command,
    Key(usize),
    Channel(usize),
}

impl Denied {
    /// `processCommand`'s NOPERM text for this denial of the command `fullname`.
    pub fn noperm(self, fullname: &str) -> String {
        match self {
            Denied::Command => {
                format!("NOPERM this user has no permissions to run the '{fullname}' command")
            }
            Denied::Key(_) => {
                "NOPERM this user has no permissions to access one of the keys used as arguments".into()
            }
            Denied::Channel(_) => {
                "NOPERM this user has no permissions to access one of the channels used as arguments".into()
            }
        }
    }

    /// Redis's order for picking one error among selectors: command < key < channel.
    fn rank(self) -> (u8, usize) {
        match self {
            Denied::Command => (1, 0),
            Denied::Key(p) => (2, p),
            Denied::Channel(p) => (4, p),
        }
    }
}

/// A key a command touches: its argument position and the access its key spec declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyUse {
    pub pos: usize,
    pub access: u8,
}

/// Why a login (AUTH) fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginError {
    /// A bare password while the default user is `nopass`.
    NoPasswordSet,
    /// Wrong credentials, or a user that is `off`.
    WrongPass,
}

impl LoginError {
    /// AUTH's reply.
    pub fn text(self) -> &'static str {
        match self {
            LoginError::NoPasswordSet => "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
            LoginError::WrongPass => "WRONGPASS invalid username-password pair or user is disabled.",
        }
    }
}

/// `acllog-max-len`'s default.
pub const LOG_MAX_LEN: usize = 128;

/// One node's users and ACL log.
#[derive(Clone, Debug, PartialEq)]
pub struct Acl {
    /// By name, in byte order (the order ACL LIST and ACL USERS use).
    pub users: VecMap<Vec<u8>, User>,
    /// Newest first.
    pub log: Vec<LogEntry>,
}

impl Acl {
    /// The ACL of a process that just started: the default user, with `requirepass` as its
    /// password when set.
    pub fn new(requirepass: Option<&[u8]>) -> Self {
        let mut acl = Acl {
            users: VecMap::new(),
            log: Vec::new(),
        };
        acl.users.insert(b"default".to_vec(), User::default_user());
        acl.set_default_password(requirepass);
        acl
    }

    pub fn default_user(&self) -> &User {
        &self.users[b"default".as_slice()]
    }

    /// `ACLUpdateDefaultUserPassword` (CONFIG SET requirepass): `resetpass`, then the
    /// password, or `nopass` for none.
    pub fn set_default_password(&mut self, password: Option<&[u8]>) {
        let Some(u) = self.users.get_mut(b"default".as_slice()) else {
            return;
        };
        let _ = u.apply(b"resetpass");
        match password {
            Some(p) => {
                let _ = u.apply(&[b">", p].concat());
            }
            None => {
                let _ = u.apply(b"nopass");
            }
        }
    }

    /// Whether a new connection starts authenticated (the default user is `on nopass`).
    pub fn default_needs_no_auth(&self) -> bool {
        let d = self.default_user();
        d.nopass() && d.enabled()
    }

    /// `ACLCheckUserCredentials`.
    pub fn credentials_ok(&self, user: &[u8], password: &[u8]) -> bool {
        self.users
            .get(user)
            .is_some_and(|u| u.password_ok(password))
    }

    /// AUTH's checks, for a client, a MIGRATE's connection or a replica's handshake alike:
    /// a bare password logs in as `default`, which must then have a password; the user
    /// logged in, or why not.
    pub fn login<'a>(
        &self,
        user: Option<&'a [u8]>,
        password: &[u8],
    ) -> Result<&'a [u8], LoginError> {
        if user.is_none() && self.default_user().nopass() {
            return Err(LoginError::NoPasswordSet);
        }
        let user = user.unwrap_or(b"default");
        if self.credentials_ok(user, password) {
            Ok(user)
        } else {
            Err(LoginError::WrongPass)
        }
    }

    /// `ACL SETUSER name rules…`: every rule is tried on a copy first, so that a bad one
    /// changes nothing. Returns Redis's error text.
    pub fn set_user(&mut self, name: &[u8], rules: &[Vec<u8>]) -> Result<(), String> {
        let rules = merge_selectors(rules)?;
        let mut staged = self
            .users
            .get(name)
            .cloned()
            .unwrap_or_else(|| User::new(name));
        for rule in &rules {
            if let Err(e) = staged.apply(rule) {
                return Err(format!(
                    "ERR Error in ACL SETUSER modifier '{}': {}",
                    String::from_utf8_lossy(rule),
                    e.text()
                ));
            }
        }
        staged.name = name.to_vec();
        self.users.insert(name.to_vec(), staged);
        Ok(())
    }

    /// `ACLCheckAllUserCommandPerm`: whether `user` may run command `id` with `args`
    /// touching `keys`; the first selector that allows it wins, otherwise the most
    /// relevant denial across selectors.
    pub fn check(
        user: &User,
        id: CommandId,
        args: &[Vec<u8>],
        keys: &[KeyUse],
    ) -> Result<(), Denied> {
        let cmd = catalog().get(id);
        let mut worst = Denied::Command;
        for s in &user.selectors {
            match check_selector(s, cmd, id, args, keys) {
                Ok(()) => return Ok(()),
                Err(d) if d.rank() > worst.rank() => worst = d,
                Err(_) => {}
            }
        }
        Err(worst)
    }

    /// [`Acl::check`] of the command `args` run, as the catalog finds it (a subcommand
    /// when one is named); a command the catalog does not know is let through. A denial
    /// comes with the command's id.
    pub fn check_args(
        user: &User,
        args: &[Vec<u8>],
        keys: &[KeyUse],
    ) -> Result<(), (Denied, CommandId)> {
        let Some(id) = catalog().command_for(args) else {
            return Ok(());
        };
        Acl::check(user, id, args, keys).map_err(|d| (d, id))
    }
}

fn check_selector(
    s: &Selector,
    cmd: &AclCommand,
    id: CommandId,
    args: &[Vec<u8>],
    keys: &[KeyUse],
) -> Result<(), Denied> {
    if !cmd.no_auth && !s.allows_command(id, cmd.parent.is_some(), args) {
        return Err(Denied::Command);
    }
    if !s.all_keys {
        for k in keys {
            if !s.allows_key(&args[k.pos], k.access) {
                return Err(Denied::Key(k.pos));
            }
        }
    }
    Ok(())
}

/// `ACLMergeSelectorArguments`: a selector written across several arguments, `(+get`
/// `~x*)`, becomes one rule.
fn merge_selectors(rules: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Vec<u8>)> = None;
    for (j, op) in rules.iter().enumerate() {
        if let Some((_, sel)) = open.as_mut() {
            sel.push(b' ');
            sel.extend_from_slice(op);
            if op.last() == Some(&b')') {
                out.push(open.take().map(|(_, s)| s).unwrap_or_default());
            }
            continue;
        }
        if op.first() == Some(&b'(') && op.last() != Some(&b')') {
            open = Some((j, op.clone()));
            continue;
        }
        out.push(op.clone());
    }
    match open {
        Some((j, _)) => Err(format!(
            "ERR Unmatched parenthesis in acl selector starting at '{}'.",
            String::from_utf8_lossy(&rules[j])
        )),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<Vec<u8>> {
        s.split(' ').map(|a| a.as_bytes().to_vec()).collect()
    }

    #[test]
    fn setuser_changes_nothing_when_a_rule_is_bad() {
        let mut acl = Acl::new(None);
        acl.set_user(b"alice", &args("on +get")).unwrap();
        let err = acl.set_user(b"alice", &args("+set +nosuch")).unwrap_err();
        assert_eq!(
            err,
            "ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL"
        );
        assert_eq!(
            acl.users[b"alice".as_slice()].describe(),
            "on resetchannels -@all +get"
        );
        let err = acl.set_user(b"bob", &args("(+get ~x")).unwrap_err();
        assert_eq!(
            err,
            "ERR Unmatched parenthesis in acl selector starting at '(+get'."
        );
        assert!(!acl.users.contains_key(b"bob".as_slice()));
    }

    #[test]
    fn selectors_are_tried_in_turn() {
        let mut acl = Acl::new(None);
        acl.set_user(b"u", &args("on ~a* +get (+set ~b*)")).unwrap();
        let u = &acl.users[b"u".as_slice()];
        let get = catalog().lookup(b"get").unwrap();
        let set = catalog().lookup(b"set").unwrap();
        let key = [KeyUse {
            pos: 1,
            access: READ,
        }];
        assert_eq!(Acl::check(u, get, &args("get a1"), &key), Ok(()));
        assert_eq!(
            Acl::check(u, get, &args("get b1"), &key),
            Err(Denied::Key(1))
        );
        assert_eq!(Acl::check(u, set, &args("set b1 v"), &key), Ok(()));
        assert_eq!(
            Acl::check(u, set, &args("set a1 v"), &key),
            Err(Denied::Key(1))
        );
        let del = catalog().lookup(b"del").unwrap();
        assert_eq!(
            Acl::check(u, del, &args("del a1"), &key),
            Err(Denied::Command)
        );
    }
}
