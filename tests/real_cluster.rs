//! A real Redis 7 cluster of Debian's `redis-server` on loopback ports, created with the
//! real `redis-cli --cluster create`, stopped (and its files removed) when dropped.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::resp_client::{Client, Value};

pub struct RealCluster {
    children: Vec<Child>,
    dir: PathBuf,
    pub base: u16,
    node_timeout: u64,
}

impl Drop for RealCluster {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn text(port: u16, args: &[&str]) -> String {
    let args: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
    Client::connect(port)
        .and_then(|mut c| c.call(&args))
        .map(|v| match v {
            Value::Bulk(Some(b)) => String::from_utf8_lossy(&b).into_owned(),
            other => crate::resp_client::render(&other),
        })
        .unwrap_or_default()
}

fn wait(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl RealCluster {
    /// Starts 6 nodes on `base..base+6` and creates a 3 × 1 cluster. Panics with a clear
    /// message when `redis-server` is missing.
    pub fn start(base: u16, node_timeout: u64) -> RealCluster {
        let dir =
            std::env::temp_dir().join(format!("clusterlab-real-{base}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let mut cluster = RealCluster {
            children: Vec::new(),
            dir: dir.clone(),
            base,
            node_timeout,
        };
        for i in 0..6 {
            let child = cluster.spawn(i);
            cluster.children.push(child);
        }
        for i in 0..6 {
            wait("redis-server to answer", Duration::from_secs(10), || {
                text(base + i, &["PING"]) == "PONG\n"
            });
        }
        let addrs: Vec<String> = (0..6).map(|i| format!("127.0.0.1:{}", base + i)).collect();
        let out = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addrs)
            .args(["--cluster-replicas", "1", "--cluster-yes"])
            .output()
            .expect("redis-cli runs (apt install redis-tools)");
        assert!(
            out.status.success(),
            "redis-cli --cluster create: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        cluster.wait_converged();
        cluster
    }

    /// Starts node `i`'s process (with its nodes.conf, if it has one).
    fn spawn(&self, i: usize) -> Child {
        let port = self.port(i);
        Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                &format!("nodes-{port}.conf"),
            ])
            .args(["--cluster-node-timeout", &self.node_timeout.to_string()])
            .args(["--appendonly", "no", "--save", ""])
            // The differential suite compares DEBUG's modelled subcommands.
            .args(["--enable-debug-command", "yes"])
            .arg("--dir")
            .arg(&self.dir)
            .args(["--logfile", &format!("redis-{port}.log")])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server starts (apt install redis-server; .ci/run does)")
    }

    /// Starts killed node `i` again; with its nodes.conf it rejoins the cluster.
    pub fn restart(&mut self, i: usize) {
        self.children[i] = self.spawn(i);
        let port = self.port(i);
        wait("redis-server to answer", Duration::from_secs(10), || {
            text(port, &["PING"]) == "PONG\n"
        });
    }

    pub fn port(&self, i: usize) -> u16 {
        self.base + i as u16
    }

    pub fn id(&self, i: usize) -> String {
        text(self.port(i), &["CLUSTER", "MYID"])
            .trim_matches(|c| c == '"' || c == '\n')
            .to_string()
    }

    /// Every node says ok and knows 6 nodes, and every replica's link is up.
    pub fn wait_converged(&self) {
        for i in 0..6 {
            let port = self.port(i);
            wait("cluster_state:ok", Duration::from_secs(60), || {
                let info = text(port, &["CLUSTER", "INFO"]);
                info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:6")
            });
            wait("the replication link", Duration::from_secs(60), || {
                let repl = text(port, &["INFO", "replication"]);
                repl.contains("role:master") || repl.contains("master_link_status:up")
            });
        }
    }

    /// Kills node `i` (SIGKILL): the process is gone, as with the console's `.kill`.
    pub fn kill(&mut self, i: usize) {
        let _ = self.children[i].kill();
        let _ = self.children[i].wait();
    }

    /// Makes node `replica` replicate node `master` (to mirror the simulation's plan).
    pub fn replicate(&self, replica: usize, master: usize) {
        let id = self.id(master);
        let r = text(self.port(replica), &["CLUSTER", "REPLICATE", &id]);
        assert_eq!(r, "OK\n", "CLUSTER REPLICATE");
    }
}
