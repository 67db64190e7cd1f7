//! The COMMAND table the simulation serves is Redis 7.0.15's own: this test asks a real
//! `redis-server` for `COMMAND INFO` of every command the simulation models (in RESP3) and
//! checks that it equals `crates/clusterlab-core/src/commands/command_info.resp3`.
//! Set `UPDATE_EXPECT=1` to record the file again from the real server.
//!
//! Needs `redis-server`: `cargo xtask test` runs it (`--ignored`).

#[path = "resp_client.rs"]
mod resp_client;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use clusterlab_core::Protocol;
use resp_client::{Client, Value};

/// Below the ephemeral range; no cluster bus.
const PORT: u16 = 23001;

#[test]
#[ignore = "needs redis-server: run `cargo xtask test`"]
fn the_command_table_is_redis_7s() {
    let dir = std::env::temp_dir().join(format!("clusterlab-command-info-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let mut server = Command::new("redis-server")
        .args([
            "--port",
            &PORT.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .arg("--dir")
        .arg(&dir)
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server (apt install redis-server)");
    let mut client = None;
    for _ in 0..100 {
        if let Ok(c) = Client::connect(PORT) {
            client = Some(c);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut client = client.expect("redis-server listening");
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
