//! The command table ACL rules are written against: every command and subcommand of Redis
//! 7.0.15 with its arity and ACL categories (`commands.txt`, recorded from a real server's
//! `COMMAND`), whether or not the simulation serves it, so that `ACL SETUSER alice +xadd`
//! and `+@stream` mean what they mean in Redis.

use crate::types::vec_map::VecMap;
use std::sync::OnceLock;

/// Redis's ACL categories, in `ACLCommandCategories` order (the order of `ACL CAT` and the
/// order `ACL LIST` tries them in).
pub const CATEGORIES: [&str; 21] = [
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// Index of a command in the catalog; it is also its bit in a selector's command bitmap.
pub type CommandId = u16;

/// One command or subcommand as ACL sees it.
#[derive(Debug)]
pub struct AclCommand {
    /// `get`, or `config|get` for a subcommand.
    pub fullname: &'static str,
    pub arity: i32,
    /// `no_auth` commands (AUTH, HELLO, QUIT, RESET) run whatever the rules say.
    pub no_auth: bool,
    /// Bit `j` is `CATEGORIES[j]`.
    pub categories: u32,
    pub parent: Option<CommandId>,
    pub subcommands: Vec<CommandId>,
}

/// Every command, top-level ones in name order, each followed by its subcommands.
pub struct Catalog {
    pub commands: Vec<AclCommand>,
    /// The top-level commands, in the order rules are described.
    pub top: Vec<CommandId>,
    by_name: VecMap<&'static str, CommandId>,
}

const RECORDED: &str = include_str!("commands.txt");

/// The catalog, parsed once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| parse(RECORDED))
}

fn parse(text: &'static str) -> Catalog {
    let mut commands: Vec<AclCommand> = Vec::new();
    let mut top = Vec::new();
    let mut by_name = VecMap::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let mut words = line.split(' ');
        let fullname = words.next().unwrap_or_default();
        let arity = words.next().and_then(|a| a.parse().ok()).unwrap_or(0);
        let mut no_auth = false;
        let mut categories = 0;
        for w in words {
            if w == "no_auth" {
                no_auth = true;
            } else if let Some(j) = CATEGORIES
                .iter()
                .position(|c| Some(*c) == w.strip_prefix('@'))
            {
                categories |= 1 << j;
            }
        }
        let id = commands.len() as CommandId;
        let parent = fullname
            .split_once('|')
            .and_then(|(p, _)| by_name.get(p).copied());
        match parent {
            Some(p) => commands[usize::from(p)].subcommands.push(id),
            None => top.push(id),
        }
        by_name.insert(fullname, id);
        commands.push(AclCommand {
            fullname,
            arity,
            no_auth,
            categories,
            parent,
            subcommands: Vec::new(),
        });
    }
    Catalog {
        commands,
        top,
        by_name,
    }
}

impl Catalog {
    /// `lookupCommandBySdsLogic` on the original table: `name` or `container|sub`,
    /// case-insensitively; more than one `|`, or a subcommand of a command without
    /// subcommands, finds nothing.
    pub fn lookup(&self, name: &[u8]) -> Option<CommandId> {
        let name = std::str::from_utf8(name).ok()?.to_ascii_lowercase();
        if name.matches('|').count() > 1 {
            return None;
        }
        self.by_name.get(name.as_str()).copied()
    }

    pub fn get(&self, id: CommandId) -> &AclCommand {
        &self.commands[usize::from(id)]
    }

    /// The category's bit, by name (case-insensitive).
    pub fn category(name: &[u8]) -> Option<u32> {
        CATEGORIES
            .iter()
            .position(|c| c.as_bytes().eq_ignore_ascii_case(name))
            .map(|j| 1 << j)
    }

    /// The command a client's arguments run, as `lookupCommand` finds it: the subcommand
    /// when the command has subcommands and a known one is named.
    pub fn command_for(&self, args: &[Vec<u8>]) -> Option<CommandId> {
        let id = self.lookup(args.first()?)?;
        let cmd = self.get(id);
        if cmd.subcommands.is_empty() {
            return Some(id);
        }
        let sub = args.get(1)?;
        let mut full = cmd.fullname.as_bytes().to_vec();
        full.push(b'|');
        full.extend_from_slice(sub);
        self.lookup(&full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_table_has_every_redis_command() {
        let c = catalog();
        assert_eq!(c.commands.len(), 366);
        assert_eq!(c.top.len(), 240);
        let config_get = c.lookup(b"CONFIG|get").expect("config|get");
        assert_eq!(c.get(config_get).parent, c.lookup(b"config"));
        assert!(c.get(c.lookup(b"auth").unwrap()).no_auth);
        assert!(c.lookup(b"config|get|x").is_none());
        assert!(c.lookup(b"get|x").is_none());
        let get = c.get(c.lookup(b"get").unwrap());
        assert_eq!(get.arity, 2);
        assert_eq!(get.categories, (1 << 1) | (1 << 7) | (1 << 14));
    }
}
