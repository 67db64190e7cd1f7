//! A full reshard (all 5461 slots of 7003 to 7001) while a deterministic workload writes
//! between every step of the tool, to the slot being moved (a key that was there before
//! and a new one: served by the source, then by ASK on the target) and elsewhere. No
//! acknowledged write may be lost (the world's lost-write ledger and a GET of every key
//! agree) and no key may exist twice (the masters' DBSIZEs add up to the keys written).

use std::collections::BTreeMap;

use clusterlab_core::config::ClusterShape;
use clusterlab_core::console::Console;
use clusterlab_core::slot::key_hash_slot;

/// Keys the workload writes to, spread over every slot.
const KEYS: usize = 3000;

/// For every slot, a hash tag that maps to it.
fn tags() -> Vec<String> {
    let mut tags = vec![String::new(); 16384];
    let mut missing = 16384;
    let mut i = 0u64;
    while missing > 0 {
        let tag = format!("t{i}");
        let slot = usize::from(key_hash_slot(tag.as_bytes()));
        if tags[slot].is_empty() {
            tags[slot] = tag;
            missing -= 1;
        }
        i += 1;
    }
    tags
}

fn last_line(out: &[u8]) -> String {
    let text = String::from_utf8_lossy(out);
    text.lines().last().unwrap_or("").to_string()
}

#[test]
fn no_key_lost_or_duplicated_across_a_full_reshard_under_writes() {
    let mut c = Console::new(ClusterShape {
        seed: 7,
        ..ClusterShape::default()
    })
    .expect("the cluster converges");
    // What each key must read back: the value of its last acknowledged SET.
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let mut write = |c: &mut Console, key: String, round: usize| {
        let value = format!("v{round}");
        let out = c.run_line(&format!("set {key} {value}"));
        if last_line(&out.text) == "OK" {
            expected.insert(key, value);
        } else {
            panic!(
                "SET {key} was refused: {}",
                String::from_utf8_lossy(&out.text)
            );
        }
    };
    let tags = tags();
    for n in 0..KEYS {
        write(&mut c, format!("k:{n}"), 0);
    }
    // One key in every slot of 7003, which the reshard will carry.
    for tag in &tags[10923..] {
        write(&mut c, format!("{{{tag}}}old"), 0);
    }
    let id = |c: &mut Console, port: u16| {
        c.run_line(&format!(".connect {port}"));
        let out = c.run_line("cluster myid");
        last_line(&out.text).trim_matches('"').to_string()
    };
    let (from, to) = (id(&mut c, 7003), id(&mut c, 7001));
    let line = format!(
        "reshard 127.0.0.1:7001 --cluster-from {from} --cluster-to {to} --cluster-slots 5461"
    );
    let words: Vec<&str> = line.split(' ').collect();
    let plan = c.start_cluster_tool(&words);
    assert!(plan.contains("Ready to move 5461 slots."), "{plan}");
    assert!(c.cluster_tool_running());
    let (mut steps, mut asks, mut n) = (0usize, 0usize, 0usize);
    let mut printed = String::new();
    let mut moving = 10923usize;
    while let Some(text) = c.cluster_tool_step() {
        printed.push_str(&text);
        if let Some(slot) = text.strip_prefix("Moving slot ") {
            moving = slot
                .split(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(moving);
        }
        steps += 1;
        // Three writes per step: the moving slot's old key and a new one, and a key
        // elsewhere (walking the key space with a stride).
        n += 7;
        let tag = &tags[moving];
        for key in [
            format!("{{{tag}}}old"),
            format!("{{{tag}}}new"),
            format!("k:{}", n % KEYS),
        ] {
            let before = c.world().events().count();
            write(&mut c, key, steps);
            asks += c
                .world()
                .events()
                .skip(before)
                .filter(|e| {
                    matches!(
                        e.kind,
                        clusterlab_core::EventKind::Redirected {
                            error: clusterlab_core::event::Redirect::Ask { .. },
                            ..
                        }
                    )
                })
                .count();
        }
    }
    assert_eq!(
        printed
            .lines()
            .filter(|l| l.starts_with("Moving slot "))
            .count(),
        5461,
        "every slot moved"
    );
    assert!(!printed.contains("failed"), "{printed}");
    assert!(asks > 0, "the workload never met a migrating slot");
    assert!(steps > 3 * 5461, "{steps} steps");
    eprintln!(
        "{steps} tool steps, {} writes during the reshard, {asks} ASK events",
        3 * steps
    );

    // Every acknowledged write is there, once.
    c.run_line(".connect 7001");
    for (key, value) in &expected {
        let out = c.run_line(&format!("get {key}"));
        assert_eq!(last_line(&out.text), format!("\"{value}\""), "GET {key}");
    }
    let lost: Vec<String> = c
        .world()
        .lost_writes()
        .map(|w| format!("{} at {}", w.command, w.at))
        .collect();
    assert!(lost.is_empty(), "lost writes: {lost:?}");
    // 7003 gave away its last slot and became a replica of 7001 (Redis 7 does this), so
    // the two masters left hold every key.
    c.run_line(".connect 7003");
    let role = c.run_line("role");
    assert!(
        String::from_utf8_lossy(&role.text).contains("slave"),
        "7003 is a replica"
    );
    let mut total = 0;
    for port in [7001, 7002] {
        c.run_line(&format!(".connect {port}"));
        let out = c.run_line("dbsize");
        let keys: usize = last_line(&out.text)
            .trim_start_matches("(integer) ")
            .parse()
            .expect("DBSIZE");
        total += keys;
    }
    assert_eq!(total, expected.len(), "keys on the masters");
    let info = c.run_line(".cluster-tool check 127.0.0.1:7001");
    let info = String::from_utf8_lossy(&info.text);
    let keys = format!("[OK] {} keys in 2 masters.", expected.len());
    assert!(info.contains(&keys), "{info}");
    assert!(info.contains("[OK] All 16384 slots covered."), "{info}");
}
