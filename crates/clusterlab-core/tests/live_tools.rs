//! Live tools (the playground's mode): a reshard runs as time passes, can be stopped half
//! way with `.cluster-tool stop`, and `fix` then closes the slot it left open.

use clusterlab_core::{console::Console, ClusterShape, SimDuration};

fn text(c: &mut Console, line: &str) -> String {
    String::from_utf8(c.run_line(line).text).unwrap()
}

#[test]
fn a_reshard_stopped_half_way_is_repaired_by_fix() {
    let mut c = Console::new(ClusterShape::default()).unwrap();
    c.set_live_tools(true);
    // Keys in 7003's first slots, so the moves have keys to carry.
    for i in 0..400 {
        text(&mut c, &format!("set key:{i} v{i}"));
    }
    let ids: Vec<String> = c
        .world()
        .processes()
        .iter()
        .map(|p| p.node.name().to_string())
        .collect();
    let plan = text(
        &mut c,
        &format!(
            ".cluster-tool reshard 127.0.0.1:7001 --cluster-from {} --cluster-to {} --cluster-slots 200 --cluster-pipeline 1",
            ids[2], ids[0]
        ),
    );
    assert!(plan.contains("Ready to move 200 slots."), "{plan}");
    assert!(c.cluster_tool_running());
    // Step until a slot is open with keys still to move, then stop there.
    let mut steps = 0;
    loop {
        assert!(c.step());
        steps += 1;
        let source = &c.world().processes()[2].node;
        let open = source.migrating().keys().next().copied();
        if open.is_some_and(|s| source.keyspace().count_in_slot(s) > 0) || steps > 100_000 {
            break;
        }
    }
    let open_slot = *c.world().processes()[2]
        .node
        .migrating()
        .keys()
        .next()
        .unwrap();
    let check = text(&mut c, ".cluster-tool check 127.0.0.1:7001");
    assert!(check.contains("has slots in migrating state"), "{check}");
    assert!(text(&mut c, ".cluster-tool reshard 127.0.0.1:7001").contains("still moving"));
    let stopped = text(&mut c, ".cluster-tool stop");
    assert!(stopped.contains("stopped here"), "{stopped}");
    assert!(!c.cluster_tool_running());
    c.run_until(c.world().now() + SimDuration::from_secs(2));
    assert!(c.world().processes()[2]
        .node
        .migrating()
        .contains_key(&open_slot));
    let fix = text(&mut c, ".cluster-tool fix 127.0.0.1:7001");
    assert!(
        fix.contains(&format!("Fixing open slot {open_slot}")),
        "{fix}"
    );
    // fix finishes its moves before it returns, live or not.
    assert!(!c.cluster_tool_running());
    c.run_until(c.world().now() + SimDuration::from_secs(1));
    let check = text(&mut c, ".cluster-tool check 127.0.0.1:7001");
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");
    assert!(!check.contains("slots are open"), "{check}");
    for i in 0..400 {
        assert_eq!(
            text(&mut c, &format!("get key:{i}"))
                .lines()
                .last()
                .unwrap(),
            format!("\"v{i}\"")
        );
    }
    assert_eq!(c.world().lost_writes().count(), 0);
}
