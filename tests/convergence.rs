//! After `cluster create`, every node's own table agrees on owners, roles and epochs,
//! reached through bus messages only.

use clusterlab_core::converge::fully_converged;
use clusterlab_core::node::flags;
use clusterlab_core::{ClusterShape, SLOTS};
use clusterlab_tests::console;

fn shape(seed: u64, masters: usize, replicas: usize) -> ClusterShape {
    ClusterShape {
        seed,
        masters,
        replicas_per_master: replicas,
        ..ClusterShape::default()
    }
}

#[test]
fn every_node_agrees_on_owners_and_epochs_after_create() {
    let c = console(shape(1, 3, 1));
    let world = c.world();
    assert!(fully_converged(world));
    let first = &world.processes()[0].node;
    for p in world.processes() {
        let n = &p.node;
        assert_eq!(n.known_nodes(), 6, "port {}", p.port);
        assert_eq!(n.cluster_size(), 3);
        assert!(n.state_ok());
        assert_eq!(
            n.current_epoch(),
            6,
            "port {}: cluster_current_epoch",
            p.port
        );
        for slot in [0u16, 5460, 5461, 10922, 10923, 16383] {
            let owner = n.slot_owner(slot).expect("every slot is assigned").name;
            assert_eq!(
                owner,
                first.slot_owner(slot).expect("assigned").name,
                "slot {slot} on port {}",
                p.port
            );
        }
        assert_eq!(n.assigned_slots(), SLOTS);
    }
    // Masters keep the epochs set by SET-CONFIG-EPOCH 1..3; replicas show their master's.
    for p in world.processes() {
        let me = p.node.myself();
        if me.has(flags::MASTER) {
            assert_eq!(me.config_epoch, u64::from(p.port - 7000), "port {}", p.port);
        }
    }
}

#[test]
fn larger_shapes_converge_with_redis_cli_slot_split() {
    for (masters, replicas) in [(4, 0), (5, 2), (10, 1)] {
        let c = console(shape(7, masters, replicas));
        let world = c.world();
        assert!(fully_converged(world), "{masters} masters × {replicas}");
        let splits = clusterlab_core::cluster_manager::slot_split(masters);
        let n = &world.processes()[0].node;
        for (i, (a, b)) in splits.iter().enumerate() {
            let owner_port = n.slot_owner(*a).expect("assigned").port;
            assert_eq!(owner_port, 7001 + i as u16);
            assert_eq!(n.slot_owner(*b).expect("assigned").port, 7001 + i as u16);
        }
    }
}

#[test]
fn config_epoch_collisions_resolve_to_distinct_epochs() {
    // Masters joined with ADDSLOTS + MEET but no SET-CONFIG-EPOCH all start at epoch 0;
    // the collision rule must leave them with distinct epochs (tests/cluster/00-base.tcl).
    use clusterlab_core::{SimDuration, World};
    let s = shape(3, 3, 0);
    let mut world = World::new(&s);
    let run = |world: &mut World, port: u16, args: &[&str]| {
        let c = world.connect(port).expect("node");
        let args: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        let r = world.execute(c, &args).expect("the node replies");
        world.disconnect(c);
        r
    };
    for (i, (a, b)) in clusterlab_core::cluster_manager::slot_split(3)
        .into_iter()
        .enumerate()
    {
        let r = run(
            &mut world,
            7001 + i as u16,
            &["cluster", "addslotsrange", &a.to_string(), &b.to_string()],
        );
        assert_eq!(r, clusterlab_core::Reply::ok());
    }
    run(&mut world, 7002, &["cluster", "meet", "127.0.0.1", "7001"]);
    run(&mut world, 7003, &["cluster", "meet", "127.0.0.1", "7001"]);
    world.advance(SimDuration::from_secs(30));
    let mut epochs: Vec<u64> = world
        .processes()
        .iter()
        .map(|p| p.node.myself().config_epoch)
        .collect();
    epochs.sort_unstable();
    epochs.dedup();
    assert_eq!(
        epochs.len(),
        3,
        "distinct epochs after collision handling: {epochs:?}"
    );
    assert!(world.processes().iter().all(|p| p.node.state_ok()));
}

fn exec(world: &mut clusterlab_core::World, port: u16, line: &str) -> clusterlab_core::Reply {
    let c = world.connect(port).expect("node listens");
    let args = clusterlab_core::console::split_args(line).expect("balanced");
    let r = world.execute(c, &args).expect("the node replies");
    world.disconnect(c);
    r
}

#[test]
fn stale_slot_claim_gets_update_messages_and_is_corrected() {
    use clusterlab_core::{EventKind, SimDuration};
    let mut c = console(shape(1, 3, 1));
    let world = c.world_mut();
    let id_7001 = world
        .node(world.by_port(7001).expect("7001"))
        .name()
        .to_string();
    // 7001 (configEpoch 1) claims slot 10923, which everyone knows 7003 owns at epoch 3.
    let r = exec(
        world,
        7001,
        &format!("cluster setslot 10923 node {id_7001}"),
    );
    assert_eq!(r, clusterlab_core::Reply::ok());
    world.advance(SimDuration::from_secs(10));
    let updates = world
        .events()
        .filter(
            |e| matches!(&e.kind, EventKind::UpdateSent { to, slot: 10923, .. } if to.port == 7001),
        )
        .count();
    assert!(
        updates > 0,
        "peers must send UPDATE messages to the stale node"
    );
    for p in world.processes() {
        let owner = p.node.slot_owner(10923).expect("assigned").port;
        assert_eq!(owner, 7003, "port {} sees slot 10923 on {owner}", p.port);
    }
}

#[test]
fn forgotten_node_stays_out_for_the_blacklist_ttl_then_gossip_brings_it_back() {
    use clusterlab_core::SimDuration;
    let mut c = console(shape(1, 3, 1));
    let world = c.world_mut();
    let idx = world.by_port(7001).expect("7001");
    let victim = world
        .node(world.by_port(7002).expect("7002"))
        .name()
        .to_string();
    assert_eq!(
        exec(world, 7001, &format!("cluster forget {victim}")),
        clusterlab_core::Reply::ok()
    );
    assert_eq!(world.node(idx).known_nodes(), 5);
    world.advance(SimDuration::from_secs(30));
    assert_eq!(world.node(idx).known_nodes(), 5, "blacklisted for 60 s");
    world.advance(SimDuration::from_secs(40));
    assert_eq!(
        world.node(idx).known_nodes(),
        6,
        "gossip from the others re-adds it after 60 s"
    );
}
