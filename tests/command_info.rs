//! The COMMAND table the simulation serves is Redis 7.0.15's own: this test asks a real
//! `redis-server` for `COMMAND INFO` of every command the simulation models (in RESP3) and
//! checks that it equals `crates/clusterlab-core/src/commands/command_info.resp3`.
//! Set `UPDATE_EXPECT=1` to record the file again from the real server.
//!
//! Needs `redis-server`: `cargo xtask test` runs it (`--ignored`).

#[path = "real_node.rs"]
mod real_node;
#[path = "resp_client.rs"]
mod resp_client;

use std::path::PathBuf;

use clusterlab_core::Protocol;
use real_node::start_server;
use resp_client::Value;

/// Below the ephemeral range; no cluster bus.
const PORT: u16 = 23001;

#[test]
#[ignore = "needs redis-server: run `cargo xtask test`"]
fn the_command_table_is_redis_7s() {
    let (mut server, mut client, dir) = start_server(PORT, "command-info");
    client
        .call(&[b"HELLO".to_vec(), b"3".to_vec()])
        .expect("HELLO 3");
    let mut args = vec![b"COMMAND".to_vec(), b"INFO".to_vec()];
    args.extend(clusterlab_core::commands::command_names().map(|n| n.as_bytes().to_vec()));
    let mut real = client.call(&args).expect("COMMAND INFO");
    sort_subcommands(&mut real);
    let real = real.encode(Protocol::Resp3);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);

    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/clusterlab-core/src/commands/command_info.resp3");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &real).expect("write the table");
        return;
    }
    let ours = std::fs::read(&path).expect("the recorded table");
    assert!(
        ours == real,
        "COMMAND INFO differs from redis-server's; record it again with UPDATE_EXPECT=1"
    );
}

/// ACL rules name every command of Redis 7.0.15, modelled or not: `acl/commands.txt`
/// holds each command and subcommand (in name order, subcommands after their command)
/// with its arity, `no_auth` flag and ACL categories, as a real server's `COMMAND` says.
#[test]
#[ignore = "needs redis-server: run `cargo xtask test`"]
fn the_acl_catalog_is_redis_7s() {
    let (mut server, mut client, dir) = start_server(PORT + 1, "acl-catalog");
    let all = client.call(&[b"COMMAND".to_vec()]).expect("COMMAND");
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let real = catalog_lines(&all);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/clusterlab-core/src/acl/commands.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &real).expect("write the catalog");
        return;
    }
    let ours = std::fs::read_to_string(&path).expect("the recorded catalog");
    assert!(
        ours == real,
        "COMMAND differs from acl/commands.txt; record it again with UPDATE_EXPECT=1"
    );
}

/// A command's name, its line, and its subcommands' names and lines.
type Entry = (String, String, Vec<(String, String)>);

/// `name arity [no_auth] @category…` for each entry of COMMAND, sorted by name, each
/// command's subcommands after it.
fn catalog_lines(all: &Value) -> String {
    fn line(entry: &Value) -> (String, String) {
        let Value::Array(Some(f)) = entry else {
            return Default::default();
        };
        let word = |v: &Value| match v {
            Value::Bulk(Some(b)) => String::from_utf8_lossy(b).into_owned(),
            Value::Status(s) => s.clone(),
            Value::Integer(n) => n.to_string(),
            _ => String::new(),
        };
        let list = |v: Option<&Value>| match v {
            Some(Value::Array(Some(items))) => items.iter().map(word).collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        let name = word(&f[0]);
        let mut words = vec![name.clone(), word(&f[1])];
        if list(f.get(2)).iter().any(|w| w == "no_auth") {
            words.push("no_auth".into());
        }
        words.extend(list(f.get(6)));
        (name, words.join(" "))
    }
    let Value::Array(Some(entries)) = all else {
        return String::new();
    };
    let mut tops: Vec<Entry> = entries
        .iter()
        .map(|e| {
            let (name, l) = line(e);
            let mut subs: Vec<(String, String)> = match e {
                Value::Array(Some(f)) => match f.get(9) {
                    Some(Value::Array(Some(s))) => s.iter().map(line).collect(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            subs.sort();
            (name, l, subs)
        })
        .collect();
    tops.sort();
    let mut out = String::new();
    for (_, l, subs) in tops {
        out.push_str(&l);
        out.push('\n');
        for (_, s) in subs {
            out.push_str(&s);
            out.push('\n');
        }
    }
    out
}

/// Redis lists a container's subcommands in its hash table's order, which changes from
/// one process to the next: keep them sorted by name.
fn sort_subcommands(reply: &mut Value) {
    let Value::Array(Some(entries)) = reply else {
        return;
    };
    for entry in entries {
        if let Value::Array(Some(fields)) = entry {
            if let Some(subs @ Value::Array(Some(_))) = fields.get_mut(9) {
                sort_subcommands(subs);
                if let Value::Array(Some(list)) = subs {
                    list.sort_by_key(resp_client::render);
                }
            }
        }
    }
}
