//! The `clusterlab` binary as a user runs it: scripts on stdin or from a file print only
//! what redis-cli would, deterministically; bad input gets one clear line, never a panic.

use std::io::Write;
use std::process::{Command, Stdio};

fn clusterlab(args: &[&str], stdin: &str) -> (String, String, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clusterlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run clusterlab");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

#[test]
fn piped_script_prints_what_redis_cli_prints() {
    let (out, err, ok) = clusterlab(&["--seed", "1"], "set mykey myvalue\nget mykey\n");
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "-> Redirected to slot [14687] located at 127.0.0.1:7003\nOK\n\"myvalue\"\n"
    );
    assert!(err.contains("seed 1"), "the seed goes to stderr: {err}");
}

#[test]
fn same_seed_and_script_give_the_same_bytes() {
    let script = "set a 1\ncluster nodes\n.advance 2s\ncluster info\n.trace-hash\n";
    let a = clusterlab(&["--seed", "9"], script);
    let b = clusterlab(&["--seed", "9"], script);
    assert_eq!(a.0, b.0);
}

#[test]
fn script_file_argument_runs_the_file() {
    let dir = std::env::temp_dir().join(format!("clusterlab-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("walkthrough.redis");
    std::fs::write(&path, "cluster keyslot mykey\n").expect("write script");
    let (out, _, ok) = clusterlab(&["--seed", "1", path.to_str().expect("utf8 path")], "");
    assert!(ok);
    assert_eq!(out, "(integer) 14687\n");
}

#[test]
fn options_shape_the_cluster() {
    let (out, err, ok) = clusterlab(
        &[
            "--seed",
            "3",
            "--masters",
            "4",
            "--replicas",
            "0",
            "--node-timeout",
            "2000",
            "--base-port",
            "30001",
        ],
        "cluster info\nset mykey myvalue\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("cluster_size:4\r\n"), "{out}");
    assert!(out.contains("cluster_known_nodes:4\r\n"));
    assert!(
        out.contains("-> Redirected to slot [14687] located at 127.0.0.1:30004\nOK\n"),
        "{out}"
    );
}

#[test]
fn bad_input_gets_one_clear_line_and_no_panic() {
    let script =
        "set \"open\n.nosuch\n.advance forever\n.connect 9999\n.events x\nget\n\u{1}\u{2}\n";
    let (out, err, ok) = clusterlab(&["--seed", "1"], script);
    assert!(ok, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        vec![
            "Invalid argument(s)",
            "(console) unknown command '.nosuch'; type .help for the list",
            "(console) 'forever' is not a duration; try 500ms, 2s or 1.5m",
            "(console) no simulated node listens on port 9999; try .nodes",
            "(console) .events takes an optional count, e.g. .events 20",
            "(error) ERR wrong number of arguments for 'get' command",
            "(error) ERR unknown command '\u{1}\u{2}', with args beginning with: ",
        ]
    );
}

#[test]
fn impossible_shapes_are_refused_with_a_sentence() {
    let (_, err, ok) = clusterlab(&["--masters", "2"], "");
    assert!(!ok);
    assert!(err.contains("at least 3 master nodes"), "{err}");
    let (_, err, ok) = clusterlab(&["--base-port", "60000"], "");
    assert!(!ok);
    assert!(err.contains("55535"), "{err}");
}
