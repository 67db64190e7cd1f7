//! COMMAND: the command table as clients read it at connect time (redis-py, redis-cli's
//! hints). Every entry is Redis 7.0.15's own, recorded from a real server in
//! `command_info.resp3` (checked against one by `tests/command_info.rs`).

use super::args::is;
use crate::glob::glob_match;
use crate::node::Node;
use crate::reply::Reply;

/// `COMMAND INFO` of every modelled command, in RESP3, as redis-server 7.0.15 replies it.
const RECORDED: &[u8] = include_bytes!("command_info.resp3");

/// Redis 7.0.15's COMMAND subcommands and their arities.
pub(crate) const SUBCOMMANDS: &[(&str, i32)] = &[
    ("count", 2),
    ("docs", -2),
    ("getkeys", -3),
    ("getkeysandflags", -3),
    ("help", 2),
    ("info", -2),
    ("list", -2),
];

/// The recorded entries: `[name, arity, flags, first, last, step, acl categories, tips,
/// key specs, subcommands]`.
fn entries() -> Vec<Reply> {
    match Reply::parse(RECORDED) {
        Some((Reply::Array(Some(items)), _)) => items,
        _ => Vec::new(),
    }
}

fn fields(entry: &Reply) -> &[Reply] {
    match entry {
        Reply::Array(Some(f)) => f,
        _ => &[],
    }
}

fn name_of(entry: &Reply) -> &[u8] {
    match fields(entry).first() {
        Some(Reply::Bulk(Some(n))) => n,
        _ => b"",
    }
}

fn subcommands_of(entry: &Reply) -> &[Reply] {
    match fields(entry).get(9) {
        Some(Reply::Array(Some(s))) => s,
        _ => &[],
    }
}

/// The ACL access (`acl::READ`, `acl::WRITE`) of each modelled command's keys, from the
/// flags of its first key spec: `access` reads; `insert`, `delete` and `update` write.
pub(crate) fn key_access(name: &str) -> u8 {
    static ACCESS: std::sync::OnceLock<crate::types::vec_map::VecMap<String, u8>> =
        std::sync::OnceLock::new();
    let table = ACCESS.get_or_init(|| {
        let mut table = crate::types::vec_map::VecMap::new();
        for e in entries() {
            let name = String::from_utf8_lossy(name_of(&e)).into_owned();
            let flags = match fields(&e).get(8) {
                Some(Reply::Array(Some(specs)) | Reply::Set(specs)) => match specs.first() {
                    Some(Reply::Map(spec)) => spec
                        .iter()
                        .find(|(k, _)| *k == Reply::bulk("flags"))
                        .map(|(_, v)| v.clone()),
                    _ => None,
                },
                _ => None,
            };
            let mut access = 0;
            if let Some(Reply::Set(flags)) = flags {
                for f in flags {
                    match f {
                        Reply::Status(s) if s == "access" => access |= crate::acl::READ,
                        Reply::Status(s)
                            if ["insert", "delete", "update"].contains(&s.as_str()) =>
                        {
                            access |= crate::acl::WRITE
                        }
                        _ => {}
                    }
                }
            }
            table.insert(name, access);
        }
        table
    });
    table.get(name).copied().unwrap_or(0)
}

/// A command or a `container|subcommand` by name, case-insensitively.
fn find<'a>(entries: &'a [Reply], name: &[u8]) -> Option<&'a Reply> {
    let top = name.split(|&b| b == b'|').next().unwrap_or(name);
    let entry = entries
        .iter()
        .find(|e| name_of(e).eq_ignore_ascii_case(top))?;
    if top.len() == name.len() {
        return Some(entry);
    }
    subcommands_of(entry)
        .iter()
        .find(|s| name_of(s).eq_ignore_ascii_case(name))
}

pub fn command(_n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    let all = entries();
    let Some(sub) = args.get(1) else {
        return Reply::array(all);
    };
    if is(sub, "info") {
        if args.len() == 2 {
            return Reply::array(all);
        }
        let found = args[2..].iter().map(|name| find(&all, name).cloned());
        Reply::array(found.map(|e| e.unwrap_or(Reply::nil())).collect())
    } else if is(sub, "count") {
        Reply::int(all.len() as i64)
    } else if is(sub, "list") {
        list(&all, &args[2..])
    } else if is(sub, "getkeys") {
        getkeys(&args[2..])
    } else {
        let text = String::from_utf8_lossy(sub).to_ascii_uppercase();
        Reply::err(format!("ERR COMMAND {text} is not modelled by ClusterLab"))
    }
}

/// `COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]`: full names,
/// subcommands included.
fn list(all: &[Reply], filter: &[Vec<u8>]) -> Reply {
    let keep: Box<dyn Fn(&Reply) -> bool> = match filter {
        [] => Box::new(|_| true),
        [f, kind, value] if is(f, "filterby") && is(kind, "module") => {
            let _ = value;
            Box::new(|_| false)
        }
        [f, kind, value] if is(f, "filterby") && is(kind, "aclcat") => {
            let cat = [b"@".as_slice(), value].concat();
            Box::new(move |e| match fields(e).get(6) {
                Some(Reply::Set(cats)) => cats.iter().any(
                    |c| matches!(c, Reply::Status(s) if s.as_bytes().eq_ignore_ascii_case(&cat)),
                ),
                _ => false,
            })
        }
        [f, kind, value] if is(f, "filterby") && is(kind, "pattern") => {
            let pattern = value.to_ascii_lowercase();
            Box::new(move |e| glob_match(&pattern, name_of(e)))
        }
        _ => return Reply::err(super::args::ERR_SYNTAX),
    };
    let mut names = Vec::new();
    for e in all {
        for entry in std::iter::once(e).chain(subcommands_of(e)) {
            if keep(entry) {
                names.push(Reply::bulk(name_of(entry)));
            }
        }
    }
    Reply::array(names)
}

/// `COMMAND GETKEYS command arg…`: the key arguments, from the command table.
fn getkeys(command: &[Vec<u8>]) -> Reply {
    let Some(spec) = super::lookup(&command[0]) else {
        return Reply::err("ERR Invalid command specified");
    };
    if !spec.arity_ok(command.len()) {
        return Reply::err("ERR Invalid number of arguments specified for command");
    }
    let keys = spec.keys_of(command);
    if keys.is_empty() {
        return Reply::err("ERR The command has no key arguments");
    }
    Reply::array(
        keys.into_iter()
            .map(|i| Reply::bulk(command[i].clone()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(r: &Reply) -> i64 {
        match r {
            Reply::Integer(n) => *n,
            other => panic!("not an integer: {other:?}"),
        }
    }

    #[test]
    fn the_recorded_table_agrees_with_ours() {
        let all = entries();
        assert_eq!(all.len(), super::super::COMMANDS.len());
        for spec in super::super::COMMANDS {
            let entry = find(&all, spec.name.as_bytes()).expect(spec.name);
            let f = fields(entry);
            assert_eq!(int(&f[1]), i64::from(spec.arity), "{} arity", spec.name);
            assert_eq!(
                int(&f[3]),
                i64::from(spec.first_key),
                "{} first key",
                spec.name
            );
            assert_eq!(
                int(&f[4]),
                i64::from(spec.last_key),
                "{} last key",
                spec.name
            );
            assert_eq!(int(&f[5]), i64::from(spec.step), "{} key step", spec.name);
        }
        assert!(find(&all, b"CLUSTER|INFO").is_some());
        assert!(find(&all, b"cluster|nosuch").is_none());
    }

    #[test]
    fn getkeys_uses_the_key_positions() {
        let args = |s: &str| {
            s.split(' ')
                .map(|a| a.as_bytes().to_vec())
                .collect::<Vec<_>>()
        };
        assert_eq!(getkeys(&args("mset a 1 b 2")), Reply::bulks(["a", "b"]));
        assert_eq!(
            getkeys(&args("get a b")),
            Reply::err("ERR Invalid number of arguments specified for command")
        );
        assert_eq!(
            getkeys(&args("ping x")),
            Reply::err("ERR The command has no key arguments")
        );
        assert_eq!(
            getkeys(&args("nosuch x")),
            Reply::err("ERR Invalid command specified")
        );
    }
}
#[cfg(test)]
mod key_access_tests {
    #[test]
    fn key_specs_give_the_access_acl_checks() {
        use crate::acl::{READ, WRITE};
        assert_eq!(super::key_access("get"), READ);
        assert_eq!(super::key_access("incr"), READ | WRITE);
        assert_eq!(super::key_access("del"), WRITE);
        assert_eq!(super::key_access("ping"), 0);
    }
}
