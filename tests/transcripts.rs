//! Transcript tests: every file in `tests/transcripts/` is a console session with the
//! exact output redis-cli would print.

use std::path::PathBuf;

fn transcript(name: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("transcripts")
        .join(name);
    clusterlab_tests::check_transcript(&path);
}

#[test]
fn blog_walkthrough() {
    transcript("blog_walkthrough.txt");
}

#[test]
fn cross_slot_and_hash_tags() {
    transcript("hash_tags.txt");
}

#[test]
fn wrongtype_and_errors() {
    transcript("errors.txt");
}

#[test]
fn ttl_expires_in_virtual_time() {
    transcript("ttl.txt");
}

#[test]
fn readonly_replica_reads() {
    transcript("readonly.txt");
}

#[test]
fn data_types() {
    transcript("data_types.txt");
}

#[test]
fn cluster_mode_off_prints_raw_redirects() {
    transcript("cluster_mode_off.txt");
}

#[test]
fn cluster_subcommands() {
    transcript("cluster_commands.txt");
}

#[test]
fn replication_offsets_info_role_wait() {
    transcript("replication.txt");
}

#[test]
fn config_get_and_set() {
    transcript("config.txt");
}

#[test]
fn console_fault_commands() {
    transcript("faults.txt");
}

#[test]
fn hello_3_and_resp3_replies() {
    transcript("resp3.txt");
}

#[test]
fn multi_exec_discard_watch() {
    transcript("transactions.txt");
}

#[test]
fn migrate_moves_keys_of_an_open_slot() {
    transcript("migrate.txt");
}

#[test]
fn cluster_tool_info_and_check() {
    transcript("cluster_tool.txt");
}

#[test]
fn smart_client_caches_the_slot_map() {
    transcript("smart_client.txt");
}

#[test]
fn introspection_info_object_client_debug() {
    transcript("introspection.txt");
}

#[test]
fn string_commands() {
    transcript("strings.txt");
}

#[test]
fn keyspace_commands() {
    transcript("keyspace.txt");
}

#[test]
fn hash_commands() {
    transcript("hashes.txt");
}

#[test]
fn list_commands() {
    transcript("lists.txt");
}

#[test]
fn set_commands() {
    transcript("sets.txt");
}

#[test]
fn sorted_set_commands() {
    transcript("zsets.txt");
}

#[test]
fn dump_and_restore() {
    transcript("dump.txt");
}

#[test]
fn scan_family() {
    transcript("scan.txt");
}

#[test]
fn bitmaps() {
    transcript("bitmaps.txt");
}

#[test]
fn analytics_with_counters_hyperloglog_and_bitmaps() {
    transcript("analytics.txt");
}

#[test]
fn geo() {
    transcript("geo.txt");
}

#[test]
fn streams() {
    transcript("streams.txt");
}
