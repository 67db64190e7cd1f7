//! A node started with `cluster-enabled yes` that joined nothing, as Redis 7.0.15 shows it.

use clusterlab_core::client::RedisCli;
use clusterlab_core::{ClusterShape, World};

fn fresh() -> (World, RedisCli) {
    let shape = ClusterShape {
        seed: 11,
        masters: 1,
        replicas_per_master: 0,
        base_port: 7010,
        ..ClusterShape::default()
    };
    (World::new(&shape), RedisCli::new("127.0.0.1", 7010, true))
}

fn run(world: &mut World, cli: &mut RedisCli, line: &str) -> String {
    let args = clusterlab_core::console::split_args(line).expect("balanced");
    String::from_utf8(cli.run(world, &args).text).expect("utf8")
}

#[test]
fn fresh_node_reports_fail_and_no_slots() {
    let (mut world, mut cli) = fresh();
    let id = world.node(clusterlab_core::NodeIdx(0)).name().to_string();
    assert_eq!(
        run(&mut world, &mut cli, "cluster info"),
        "cluster_state:fail\r\ncluster_slots_assigned:0\r\ncluster_slots_ok:0\r\ncluster_slots_pfail:0\r\ncluster_slots_fail:0\r\ncluster_known_nodes:1\r\ncluster_size:1\r\ncluster_current_epoch:0\r\ncluster_my_epoch:0\r\ncluster_stats_messages_sent:0\r\ncluster_stats_messages_received:0\r\ntotal_cluster_links_buffer_limit_exceeded:0\r\n"
    );
    assert_eq!(
        run(&mut world, &mut cli, "cluster nodes"),
        format!("{id} :7010@17010 myself,master - 0 0 0 connected\n")
    );
    assert_eq!(
        run(&mut world, &mut cli, "cluster slots"),
        "(empty array)\n"
    );
    assert_eq!(
        run(&mut world, &mut cli, "cluster shards"),
        format!(
            "1) 1) \"slots\"\n   2) (empty array)\n   3) \"nodes\"\n   4) 1)  1) \"id\"\n          2) \"{id}\"\n          3) \"port\"\n          4) (integer) 7010\n          5) \"ip\"\n          6) \"\"\n          7) \"endpoint\"\n          8) \"\"\n          9) \"role\"\n         10) \"master\"\n         11) \"replication-offset\"\n         12) (integer) 0\n         13) \"health\"\n         14) \"online\"\n"
        )
    );
    // The unassigned-slot check comes before the cluster-down check.
    assert_eq!(
        run(&mut world, &mut cli, "set foo bar"),
        "(error) CLUSTERDOWN Hash slot not served\n"
    );
    assert_eq!(
        run(&mut world, &mut cli, "cluster keyslot foo"),
        "(integer) 12182\n"
    );
    assert_eq!(run(&mut world, &mut cli, "ping"), "PONG\n");
}

#[test]
fn cluster_size_is_recomputed_two_seconds_after_start() {
    let (mut world, mut cli) = fresh();
    world.advance(clusterlab_core::SimDuration::from_secs(3));
    assert!(run(&mut world, &mut cli, "cluster info").contains("cluster_size:0\r\n"));
}
