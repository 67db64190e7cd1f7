//! A real `redis-server` 7.0.15 for the differential suites: one node in cluster mode
//! owning every slot, in a fresh directory, shut down when dropped.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::resp_client::{render, Client};

pub struct RealNode {
    port: u16,
    dir: std::path::PathBuf,
}

fn args(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

impl RealNode {
    /// Starts a node on `port` with `extra` options, gives it every slot and waits for
    /// `cluster_state:ok`.
    pub fn start(port: u16, extra: &[&str]) -> RealNode {
        let dir = std::env::temp_dir().join(format!("clusterlab-real-{port}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a directory for the real node");
        let _ = Command::new("redis-cli")
            .args(["-p", &port.to_string(), "shutdown", "nosave"])
            .output();
        let port_text = port.to_string();
        let mut options = vec![
            "--port",
            &port_text,
            "--cluster-enabled",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--logfile",
            "redis.log",
        ];
        options.extend_from_slice(extra);
        let status = Command::new("redis-server")
            .current_dir(&dir)
            .args(&options)
            .status()
            .expect("redis-server");
        assert!(status.success(), "redis-server did not start");
        for _ in 0..100 {
            if Client::connect(port).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut c = Client::connect(port).expect("the real node");
        c.call(&args(&["CLUSTER", "ADDSLOTSRANGE", "0", "16383"]))
            .expect("ADDSLOTSRANGE");
        wait_cluster_ok(&mut c);
        RealNode { port, dir }
    }
}

/// Waits until the node says `cluster_state:ok`.
pub fn wait_cluster_ok(c: &mut Client) {
    for _ in 0..200 {
        let info = c.call(&args(&["CLUSTER", "INFO"])).expect("CLUSTER INFO");
        if render(&info).contains("cluster_state:ok") {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the node never reached cluster_state:ok");
}

impl Drop for RealNode {
    fn drop(&mut self) {
        let _ = Command::new("redis-cli")
            .args(["-p", &self.port.to_string(), "shutdown", "nosave"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A throwaway `redis-server` on `port` (no persistence, its own directory), a client
/// connected to it, and the directory to remove afterwards.
pub fn start_server(port: u16, name: &str) -> (Child, Client, PathBuf) {
    let dir = std::env::temp_dir().join(format!("clusterlab-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let server = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
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
    for _ in 0..100 {
        if let Ok(c) = Client::connect(port) {
            return (server, c, dir);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut server = server;
    let _ = server.kill();
    let _ = server.wait();
    panic!("redis-server listening on {port}");
}
