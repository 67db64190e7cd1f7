//! The `redis` crate's async cluster client, running the same session and kill-phase
//! writes as the programs in `tests/clients/`, printing the same lines.

use std::collections::BTreeSet;
use std::sync::mpsc::Sender;
use std::time::Duration;

use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{AsyncCommands, RedisResult};

use crate::client_run::{now_ms, say};

/// Runs everything on a runtime of its own; errors are printed as lines.
pub fn run(port: u16, tx: Sender<String>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    if let Err(e) = runtime.block_on(session(port, &tx)) {
        say(&tx, format!("error {e}"));
    }
}

fn client(port: u16, replicas: bool) -> RedisResult<ClusterClient> {
    let mut b = ClusterClient::builder(vec![format!("redis://127.0.0.1:{port}/")])
        .connection_timeout(Duration::from_secs(1))
        .response_timeout(Duration::from_secs(1));
    if replicas {
        b = b.read_from_replicas();
    }
    b.build()
}

async fn masters(conn: &mut ClusterConnection) -> RedisResult<usize> {
    let slots: Vec<redis::Value> = redis::cmd("CLUSTER").arg("SLOTS").query_async(conn).await?;
    let mut ports = BTreeSet::new();
    for range in slots {
        if let redis::Value::Array(items) = range {
            if let Some(redis::Value::Array(master)) = items.get(2) {
                if let Some(redis::Value::Int(p)) = master.get(1) {
                    ports.insert(*p);
                }
            }
        }
    }
    Ok(ports.len())
}

async fn session(port: u16, tx: &Sender<String>) -> RedisResult<()> {
    let mut rc = client(port, false)?.get_async_connection().await?;
    say(tx, format!("session masters {}", masters(&mut rc).await?));
    let set: String = rc.set("mykey", "myvalue").await?;
    let got: String = rc.get("mykey").await?;
    let slot: i64 = redis::cmd("CLUSTER")
        .arg("KEYSLOT")
        .arg("mykey")
        .query_async(&mut rc)
        .await?;
    say(tx, format!("session set {set} {got} {slot}"));
    for i in 0..100 {
        let _: () = rc.set(format!("key:{i}"), i).await?;
    }
    let mut sum = 0;
    for i in 0..100 {
        let v: i64 = rc.get(format!("key:{i}")).await?;
        sum += v;
    }
    say(tx, format!("session sum {sum}"));
    let (a, b, c, d): (String, i64, i64, String) = redis::pipe()
        .set("{user:1}:visits", 1)
        .incr("{user:1}:visits", 1)
        .hset("{user:1}:profile", "name", "ada")
        .hget("{user:1}:profile", "name")
        .query_async(&mut rc)
        .await?;
    say(tx, format!("session pipeline {a} {b} {c} {d}"));
    let mut replicas = client(port, true)?.get_async_connection().await?;
    let mut reads = BTreeSet::new();
    for _ in 0..20 {
        let v: Option<String> = replicas.get("mykey").await?;
        reads.extend(v);
    }
    let reads: Vec<String> = reads.into_iter().collect();
    say(tx, format!("session replica reads {}", reads.join(" ")));
    drop(replicas);
    say(tx, "ready".to_string());

    let (mut failed, mut ok_after) = (false, 0);
    let mut acked = Vec::new();
    let deadline = now_ms() + 90_000;
    let mut i = 0u64;
    while now_ms() < deadline && ok_after < 20 {
        let start = now_ms();
        let r: RedisResult<()> = rc.set(format!("{{mykey}}:w:{i}"), i.to_string()).await;
        let end = now_ms();
        let ok = r.is_ok();
        if ok {
            acked.push(i);
        }
        say(
            tx,
            format!("write {i} {start} {end} {}", if ok { "ok" } else { "fail" }),
        );
        if !ok || end - start > 1000 {
            failed = true;
        } else if failed {
            ok_after += 1;
        }
        i += 1;
        tokio::time::sleep(Duration::from_millis(100u64.saturating_sub(end - start))).await;
    }
    for n in acked {
        let v: RedisResult<Option<String>> = rc.get(format!("{{mykey}}:w:{n}")).await;
        if !matches!(v, Ok(Some(ref s)) if *s == n.to_string()) {
            say(tx, format!("missing {n}"));
        }
    }
    say(tx, "done".to_string());
    Ok(())
}
