//! INFO: Redis 7.0.15's sections in its order, chosen as `genInfoSectionDict` chooses
//! them (`default`, `all`, `everything`, names in any case, several at once).
//!
//! What the simulation models is real (clients, replication, the cluster, the keyspace,
//! every command's and error's counters); what it has no notion of says so with a fixed
//! value: the process (`os`, `process_id`), CPU time (each call is charged
//! [`SIMULATED_CALL_USEC`]), memory (an estimate from the keys, until memory is modelled),
//! and persistence (none).

use crate::node::stats::{Stats, SIMULATED_CALL_USEC};
use crate::node::Node;
use crate::reply::Reply;

/// The sections INFO with no argument (or `default`) prints, in this order.
const DEFAULT_SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "module_list",
    "errorstats",
    "cluster",
    "keyspace",
];

/// Every section in the order `genRedisInfoString` prints them.
const ORDER: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "module_list",
    "commandstats",
    "errorstats",
    "latencystats",
    "cluster",
    "keyspace",
];

/// The memory a started cluster-mode node uses before any key (`used_memory_startup`
/// of a real 7.0.15 node).
const STARTUP_MEMORY: u64 = 1_600_184;

pub fn info(n: &mut Node, _c: u64, args: &[Vec<u8>]) -> Reply {
    Reply::Verbatim(info_text(n, &args[1..]))
}

/// The INFO text for these section arguments.
pub fn info_text(n: &Node, wanted: &[Vec<u8>]) -> String {
    let mut names: Vec<String> = Vec::new();
    let mut all = false;
    if wanted.is_empty() {
        names.extend(DEFAULT_SECTIONS.iter().map(|s| s.to_string()));
    }
    for w in wanted {
        let w = String::from_utf8_lossy(w).to_ascii_lowercase();
        match w.as_str() {
            "default" => names.extend(DEFAULT_SECTIONS.iter().map(|s| s.to_string())),
            "all" | "everything" => all = true,
            _ => names.push(w),
        }
    }
    let mut sections = Vec::new();
    for &name in ORDER {
        // `modules` names the module list too.
        let asked = names
            .iter()
            .any(|w| w == name || (name == "module_list" && w == "modules"));
        if all || asked {
            sections.push(section(n, name));
        }
    }
    sections.join("\r\n")
}

fn section(n: &Node, name: &str) -> String {
    match name {
        "server" => server(n),
        "clients" => clients(n),
        "memory" => memory(n),
        "persistence" => persistence(n),
        "stats" => stats(n),
        "replication" => super::server::replication_section(n),
        "cpu" => cpu(n),
        "module_list" => "# Modules\r\n".to_string(),
        "commandstats" => commandstats(&n.stats),
        "errorstats" => errorstats(&n.stats),
        "latencystats" => latencystats(&n.stats),
        "cluster" => "# Cluster\r\ncluster_enabled:1\r\n".to_string(),
        _ => keyspace(n),
    }
}

/// A field that is always 0 here.
fn zero(key: &'static str) -> (&'static str, String) {
    (key, "0".to_string())
}

fn lines(title: &str, fields: &[(&str, String)]) -> String {
    let mut s = format!("# {title}\r\n");
    for (k, v) in fields {
        s.push_str(k);
        s.push(':');
        s.push_str(v);
        s.push_str("\r\n");
    }
    s
}

/// A run ID for this life of the process, from its node ID and start time (a real
/// server draws it at random).
fn run_id(n: &Node) -> String {
    let mut seed = n.myself().name.0.to_vec();
    seed.extend_from_slice(&n.started_at.as_millis().to_le_bytes());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::new();
    for round in 0..3u8 {
        for &b in seed.iter().chain([&round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out.truncate(40);
    out
}

fn server(n: &Node) -> String {
    let now_ms = n.unix_ms(n.now);
    let uptime = n.now.since(n.started_at) / 1000;
    let port = n.myself().port;
    lines(
        "Server",
        &[
            ("redis_version", super::REDIS_VERSION.to_string()),
            ("redis_git_sha1", "00000000".into()),
            ("redis_git_dirty", "0".into()),
            ("redis_build_id", "0000000000000000".into()),
            ("redis_mode", "cluster".into()),
            ("os", "ClusterLab simulation".into()),
            ("arch_bits", "64".into()),
            ("monotonic_clock", "POSIX clock_gettime".into()),
            ("multiplexing_api", "epoll".into()),
            ("atomicvar_api", "c11-builtin".into()),
            ("gcc_version", "0.0.0".into()),
            ("process_id", (1000 + u64::from(n.idx.0)).to_string()),
            ("process_supervised", "no".into()),
            ("run_id", run_id(n)),
            ("tcp_port", port.to_string()),
            ("server_time_usec", (now_ms * 1000).to_string()),
            ("uptime_in_seconds", uptime.to_string()),
            ("uptime_in_days", (uptime / 86_400).to_string()),
            ("hz", "10".into()),
            ("configured_hz", "10".into()),
            ("lru_clock", ((now_ms / 1000) & ((1 << 24) - 1)).to_string()),
            ("executable", "clusterlab".into()),
            ("config_file", String::new()),
            ("io_threads_active", "0".into()),
        ],
    )
}

fn clients(n: &Node) -> String {
    let pops = &n.clients.blocked_pops;
    let waiting = n.clients.blocked.len() + n.migrate.pending.len() + pops.len();
    let blocked = waiting + n.failover.paused_writes.len();
    let in_timeout = n
        .clients
        .blocked
        .iter()
        .filter(|w| w.deadline.is_some())
        .count()
        + pops.iter().filter(|b| b.deadline.is_some()).count();
    let max_input = n
        .clients
        .sessions
        .values()
        .map(|s| s.request_len)
        .max()
        .unwrap_or(0);
    let others = n.view.peers.refs().count().saturating_sub(1);
    lines(
        "Clients",
        &[
            ("connected_clients", n.clients.sessions.len().to_string()),
            ("cluster_connections", (others * 2).to_string()),
            ("maxclients", "10000".into()),
            ("client_recent_max_input_buffer", max_input.to_string()),
            ("client_recent_max_output_buffer", "0".into()),
            ("blocked_clients", blocked.to_string()),
            ("tracking_clients", "0".into()),
            ("clients_in_timeout_table", in_timeout.to_string()),
        ],
    )
}

/// `bytesToHuman`.
fn human(n: u64) -> String {
    let f = n as f64;
    if n < 1024 {
        format!("{n}B")
    } else if n < 1024 * 1024 {
        format!("{:.2}K", f / 1024.0)
    } else if n < 1024 * 1024 * 1024 {
        format!("{:.2}M", f / (1024.0 * 1024.0))
    } else {
        format!("{:.2}G", f / (1024.0 * 1024.0 * 1024.0))
    }
}

/// An estimate of the dataset's memory: each key's name and value bytes and a fixed
/// overhead per key and element.
fn dataset_estimate(n: &Node) -> u64 {
    let mut total = 0u64;
    for key in n.keyspace.keys() {
        match n.keyspace.get(key, crate::time::SimTime(0)) {
            Some(v) => total += key_estimate(key, v),
            None => total += 56 + key.len() as u64,
        }
    }
    total
}

/// One key's share of that estimate (what MEMORY USAGE answers).
pub(super) fn key_estimate(key: &[u8], value: &crate::keyspace::Value) -> u64 {
    use crate::keyspace::Value;
    56 + key.len() as u64
        + match value {
            Value::String(s) => 16 + s.len() as u64,
            Value::List(l) => l.iter().map(|e| 11 + e.len() as u64).sum(),
            Value::Hash(h) => h.iter().map(|(f, v)| 22 + (f.len() + v.len()) as u64).sum(),
            Value::Set(s) => s.iter().map(|e| 40 + e.len() as u64).sum(),
            Value::ZSet(z) => z.len() as u64 * 64,
            Value::Stream(s) => s
                .entries()
                .map(|(_, f)| 16 + f.iter().map(|x| x.len() as u64).sum::<u64>())
                .sum(),
        }
}

/// `used_memory`: the startup memory, the clients' buffers and the dataset.
pub(super) fn used_memory(n: &Node) -> u64 {
    STARTUP_MEMORY + n.clients.sessions.len() as u64 * 20_512 + dataset_estimate(n)
}

fn memory(n: &Node) -> String {
    let dataset = dataset_estimate(n);
    let clients = n.clients.sessions.len() as u64 * 20_512;
    let overhead = STARTUP_MEMORY + clients;
    let used = overhead + dataset;
    let perc = |part: u64, whole: u64| {
        if whole == 0 {
            "0.00%".to_string()
        } else {
            format!("{:.2}%", part as f64 * 100.0 / whole as f64)
        }
    };
    let net = used - STARTUP_MEMORY;
    lines(
        "Memory",
        &[
            ("used_memory", used.to_string()),
            ("used_memory_human", human(used)),
            ("used_memory_rss", used.to_string()),
            ("used_memory_rss_human", human(used)),
            ("used_memory_peak", used.to_string()),
            ("used_memory_peak_human", human(used)),
            ("used_memory_peak_perc", "100.00%".into()),
            ("used_memory_overhead", overhead.to_string()),
            ("used_memory_startup", STARTUP_MEMORY.to_string()),
            ("used_memory_dataset", dataset.to_string()),
            ("used_memory_dataset_perc", perc(dataset, net)),
            ("allocator_allocated", used.to_string()),
            ("allocator_active", used.to_string()),
            ("allocator_resident", used.to_string()),
            zero("total_system_memory"),
            ("total_system_memory_human", "0B".into()),
            zero("used_memory_lua"),
            zero("used_memory_vm_eval"),
            ("used_memory_lua_human", "0B".into()),
            zero("used_memory_scripts_eval"),
            zero("number_of_cached_scripts"),
            zero("number_of_functions"),
            zero("number_of_libraries"),
            zero("used_memory_vm_functions"),
            zero("used_memory_vm_total"),
            ("used_memory_vm_total_human", "0B".into()),
            zero("used_memory_functions"),
            zero("used_memory_scripts"),
            ("used_memory_scripts_human", "0B".into()),
            zero("maxmemory"),
            ("maxmemory_human", "0B".into()),
            ("maxmemory_policy", "noeviction".into()),
            ("allocator_frag_ratio", "1.00".into()),
            zero("allocator_frag_bytes"),
            ("allocator_rss_ratio", "1.00".into()),
            zero("allocator_rss_bytes"),
            ("rss_overhead_ratio", "1.00".into()),
            zero("rss_overhead_bytes"),
            ("mem_fragmentation_ratio", "1.00".into()),
            zero("mem_fragmentation_bytes"),
            zero("mem_not_counted_for_evict"),
            zero("mem_replication_backlog"),
            zero("mem_total_replication_buffers"),
            zero("mem_clients_slaves"),
            ("mem_clients_normal", clients.to_string()),
            zero("mem_cluster_links"),
            zero("mem_aof_buffer"),
            ("mem_allocator", "clusterlab".into()),
            zero("active_defrag_running"),
            zero("lazyfree_pending_objects"),
            zero("lazyfreed_objects"),
        ],
    )
}

fn persistence(n: &Node) -> String {
    let start = n.unix_ms(n.started_at) / 1000;
    lines(
        "Persistence",
        &[
            zero("loading"),
            zero("async_loading"),
            zero("current_cow_peak"),
            zero("current_cow_size"),
            zero("current_cow_size_age"),
            ("current_fork_perc", "0.00".into()),
            zero("current_save_keys_processed"),
            zero("current_save_keys_total"),
            zero("rdb_changes_since_last_save"),
            zero("rdb_bgsave_in_progress"),
            ("rdb_last_save_time", start.to_string()),
            ("rdb_last_bgsave_status", "ok".into()),
            ("rdb_last_bgsave_time_sec", "-1".into()),
            ("rdb_current_bgsave_time_sec", "-1".into()),
            zero("rdb_saves"),
            zero("rdb_last_cow_size"),
            zero("rdb_last_load_keys_expired"),
            zero("rdb_last_load_keys_loaded"),
            zero("aof_enabled"),
            zero("aof_rewrite_in_progress"),
            zero("aof_rewrite_scheduled"),
            ("aof_last_rewrite_time_sec", "-1".into()),
            ("aof_current_rewrite_time_sec", "-1".into()),
            ("aof_last_bgrewrite_status", "ok".into()),
            zero("aof_rewrites"),
            zero("aof_rewrites_consecutive_failures"),
            ("aof_last_write_status", "ok".into()),
            zero("aof_last_cow_size"),
            zero("module_fork_in_progress"),
            zero("module_fork_last_cow_size"),
        ],
    )
}

fn stats(n: &Node) -> String {
    let s = &n.stats;
    lines(
        "Stats",
        &[
            (
                "total_connections_received",
                s.connections_received.to_string(),
            ),
            ("total_commands_processed", s.commands_processed.to_string()),
            zero("instantaneous_ops_per_sec"),
            ("total_net_input_bytes", s.net_input_bytes.to_string()),
            zero("total_net_output_bytes"),
            zero("total_net_repl_input_bytes"),
            zero("total_net_repl_output_bytes"),
            ("instantaneous_input_kbps", "0.00".into()),
            ("instantaneous_output_kbps", "0.00".into()),
            ("instantaneous_input_repl_kbps", "0.00".into()),
            ("instantaneous_output_repl_kbps", "0.00".into()),
            zero("rejected_connections"),
            ("sync_full", s.sync_full.to_string()),
            zero("sync_partial_ok"),
            zero("sync_partial_err"),
            ("expired_keys", s.expired_keys.to_string()),
            ("expired_stale_perc", "0.00".into()),
            zero("expired_time_cap_reached_count"),
            zero("expire_cycle_cpu_milliseconds"),
            zero("evicted_keys"),
            zero("evicted_clients"),
            zero("total_eviction_exceeded_time"),
            zero("current_eviction_exceeded_time"),
            ("keyspace_hits", s.keyspace_hits.to_string()),
            ("keyspace_misses", s.keyspace_misses.to_string()),
            zero("pubsub_channels"),
            zero("pubsub_patterns"),
            zero("pubsubshard_channels"),
            zero("latest_fork_usec"),
            zero("total_forks"),
            zero("migrate_cached_sockets"),
            zero("slave_expires_tracked_keys"),
            zero("active_defrag_hits"),
            zero("active_defrag_misses"),
            zero("active_defrag_key_hits"),
            zero("active_defrag_key_misses"),
            zero("total_active_defrag_time"),
            zero("current_active_defrag_time"),
            zero("tracking_total_keys"),
            zero("tracking_total_items"),
            zero("tracking_total_prefixes"),
            zero("unexpected_error_replies"),
            ("total_error_replies", s.total_error_replies.to_string()),
            zero("dump_payload_sanitizations"),
            ("total_reads_processed", s.commands_processed.to_string()),
            (
                "total_writes_processed",
                (s.commands_processed - s.replica_acks).to_string(),
            ),
            zero("io_threaded_reads_processed"),
            zero("io_threaded_writes_processed"),
            zero("reply_buffer_shrinks"),
            zero("reply_buffer_expands"),
        ],
    )
}

fn cpu(n: &Node) -> String {
    let calls: u64 = n.stats.commands.values().map(|c| c.calls).sum();
    let user = format!("{:.6}", (calls * SIMULATED_CALL_USEC) as f64 / 1e6);
    lines(
        "CPU",
        &[
            ("used_cpu_sys", "0.000000".into()),
            ("used_cpu_user", user.clone()),
            ("used_cpu_sys_children", "0.000000".into()),
            ("used_cpu_user_children", "0.000000".into()),
            ("used_cpu_sys_main_thread", "0.000000".into()),
            ("used_cpu_user_main_thread", user),
        ],
    )
}

fn commandstats(s: &Stats) -> String {
    let mut out = String::from("# Commandstats\r\n");
    for (name, c) in &s.commands {
        if c.calls == 0 && c.rejected_calls == 0 && c.failed_calls == 0 {
            continue;
        }
        let per_call = if c.calls == 0 {
            0.0
        } else {
            c.usec as f64 / c.calls as f64
        };
        out.push_str(&format!(
            "cmdstat_{name}:calls={},usec={},usec_per_call={per_call:.2},rejected_calls={},failed_calls={}\r\n",
            c.calls, c.usec, c.rejected_calls, c.failed_calls
        ));
    }
    out
}

fn errorstats(s: &Stats) -> String {
    let mut out = String::from("# Errorstats\r\n");
    for (code, count) in &s.errors {
        out.push_str(&format!("errorstat_{code}:count={count}\r\n"));
    }
    out
}

fn latencystats(s: &Stats) -> String {
    let mut out = String::from("# Latencystats\r\n");
    for (name, c) in &s.commands {
        if c.latency.is_empty() {
            continue;
        }
        let at = |p: f64| Stats::latency_at(c, p) as f64 / 1000.0;
        out.push_str(&format!(
            "latency_percentiles_usec_{name}:p50={:.3},p99={:.3},p99.9={:.3}\r\n",
            at(50.0),
            at(99.0),
            at(99.9)
        ));
    }
    out
}

fn keyspace(n: &Node) -> String {
    let mut s = String::from("# Keyspace\r\n");
    if !n.keyspace.is_empty() {
        s.push_str(&format!(
            "db0:keys={},expires={},avg_ttl=0\r\n",
            n.keyspace.len(),
            n.keyspace.expires_count()
        ));
    }
    s
}
