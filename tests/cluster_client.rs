//! A real cluster client library (the `redis` crate's `ClusterClient`) against
//! `clusterlab serve`: it reads the slot map from CLUSTER SLOTS, sends each key to its
//! master, and follows MOVED when its map is stale.

use redis::cluster::ClusterClient;
use redis::Commands;

#[test]
fn the_redis_crate_cluster_client_runs_a_session() {
    // Below the ephemeral range (32768+), so no outgoing connection holds these ports.
    let base = 20001;
    let _serving = clusterlab_tests::serve_default(base, 1.0);
    let client = ClusterClient::new(vec![format!("redis://127.0.0.1:{base}/")]).expect("a client");
    let mut conn = client
        .get_connection()
        .expect("connected to the simulated cluster");
    let _: () = conn
        .set("mykey", "myvalue")
        .expect("SET through the slot map");
    let v: String = conn.get("mykey").expect("GET");
    assert_eq!(v, "myvalue");
    for i in 0..100 {
        let _: () = conn
            .set(format!("key:{i}"), i)
            .expect("SET on every master");
    }
    let sum: i64 = (0..100)
        .map(|i| conn.get::<_, i64>(format!("key:{i}")).expect("GET"))
        .sum();
    assert_eq!(sum, 4950);
    let n: i64 = conn.incr("{user1000}.following", 1).expect("INCR");
    assert_eq!(n, 1);
}
