//! Tunables: the cluster-* settings of each node and the shape of a world.

use crate::time::DEFAULT_UNIX_EPOCH_MS;

/// Per-node settings, named after their redis.conf keys.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeConfig {
    /// `cluster-node-timeout`, in ms.
    pub node_timeout: u64,
    /// `cluster-require-full-coverage`.
    pub require_full_coverage: bool,
    /// `cluster-allow-reads-when-down`.
    pub allow_reads_when_down: bool,
    /// `cluster-migration-barrier`.
    pub migration_barrier: u32,
    /// `cluster-replica-validity-factor`.
    pub replica_validity_factor: u32,
    /// `cluster-allow-replica-migration`.
    pub allow_replica_migration: bool,
    /// `cluster-replica-no-failover`.
    pub replica_no_failover: bool,
    /// `repl-ping-replica-period`, in seconds.
    pub repl_ping_replica_period: u64,
    /// `protected-mode`: without a password, only loopback clients are accepted (the
    /// server that holds the sockets enforces it).
    pub protected_mode: bool,
    /// `requirepass`: the default user's password (`None`: `nopass`, anyone is in).
    pub requirepass: Option<Vec<u8>>,
    /// `masterauth` and `masteruser`: what a replica sends its master's AUTH.
    pub masterauth: Option<Vec<u8>>,
    pub masteruser: Option<Vec<u8>>,
    /// `timeout`: close a client idle for more than this many seconds (0: never).
    pub timeout: u64,
    /// `client-query-buffer-limit` in bytes: a client whose unread requests grow past it
    /// is closed. 256 MiB by default (Redis's is 1 GiB), since one machine serves every
    /// simulated node.
    pub client_query_buffer_limit: u64,
    /// `enable-debug-command`: whether DEBUG may run (`no` by default, as in Redis).
    pub enable_debug_command: ProtectedAction,
    /// The Unix time, in ms, of simulated time zero.
    pub unix_epoch_ms: u64,
    /// `list-max-listpack-size` and `list-compress-depth`: kept and shown (a list is a
    /// quicklist whatever they say).
    pub list_max_listpack_size: i64,
    pub list_compress_depth: i64,
    /// `maxmemory-policy`: kept and shown (there is no `maxmemory`, so nothing is
    /// evicted); an LFU policy makes OBJECT FREQ answer.
    pub maxmemory_policy: String,
    /// `hll-sparse-max-bytes`: past this size a sparse HyperLogLog turns dense.
    pub hll_sparse_max_bytes: u64,
    /// `save`: the snapshot schedule as (seconds, changes) pairs; kept and shown (there is
    /// no persistence).
    pub save: Vec<(i64, i64)>,
}

/// Who may run a protected command (`enable-debug-command`): nobody, everybody, or
/// clients on the loopback interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProtectedAction {
    #[default]
    No,
    Yes,
    Local,
}

impl ProtectedAction {
    pub fn name(self) -> &'static str {
        match self {
            ProtectedAction::No => "no",
            ProtectedAction::Yes => "yes",
            ProtectedAction::Local => "local",
        }
    }

    pub fn parse(text: &str) -> Option<ProtectedAction> {
        [
            ProtectedAction::No,
            ProtectedAction::Yes,
            ProtectedAction::Local,
        ]
        .into_iter()
        .find(|a| text.eq_ignore_ascii_case(a.name()))
    }
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            node_timeout: 15_000,
            require_full_coverage: true,
            allow_reads_when_down: false,
            migration_barrier: 1,
            replica_validity_factor: 10,
            allow_replica_migration: true,
            replica_no_failover: false,
            repl_ping_replica_period: 10,
            protected_mode: true,
            requirepass: None,
            masterauth: None,
            masteruser: None,
            timeout: 0,
            client_query_buffer_limit: 256 * 1024 * 1024,
            enable_debug_command: ProtectedAction::No,
            unix_epoch_ms: DEFAULT_UNIX_EPOCH_MS,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            maxmemory_policy: "noeviction".into(),
            hll_sparse_max_bytes: 3000,
            save: vec![(3600, 1), (300, 100), (60, 10000)],
        }
    }
}

/// Link latency between any two simulated processes.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyModel {
    /// Base one-way latency in ms.
    pub base_ms: u64,
    /// Extra uniform jitter in `0..=jitter_ms`.
    pub jitter_ms: u64,
}

impl Default for LatencyModel {
    fn default() -> Self {
        LatencyModel {
            base_ms: 1,
            jitter_ms: 2,
        }
    }
}

/// The shape of a simulated cluster, as `redis-cli --cluster create` would build it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterShape {
    pub seed: u64,
    pub masters: usize,
    pub replicas_per_master: usize,
    pub node_timeout: u64,
    pub base_port: u16,
    pub ip: String,
    pub latency: LatencyModel,
}

impl Default for ClusterShape {
    fn default() -> Self {
        ClusterShape {
            seed: 1,
            masters: 3,
            replicas_per_master: 1,
            node_timeout: 5000,
            base_port: 7001,
            ip: "127.0.0.1".into(),
            latency: LatencyModel::default(),
        }
    }
}

impl ClusterShape {
    pub fn node_count(&self) -> usize {
        self.masters * (self.replicas_per_master + 1)
    }

    /// Checks the shape against Redis's own limits; the error is a sentence for the user.
    pub fn validate(&self) -> Result<(), String> {
        if self.masters < 3 {
            return Err(format!(
                "Redis Cluster requires at least 3 master nodes (asked for {}).",
                self.masters
            ));
        }
        if self.node_count() > 1000 {
            return Err(format!(
                "{} nodes asked for; ClusterLab simulates at most 1000 (Redis recommends no more).",
                self.node_count()
            ));
        }
        if self.node_timeout == 0 || self.node_timeout > 3_600_000 {
            return Err("node-timeout must be between 1 and 3600000 ms.".into());
        }
        let last = u32::from(self.base_port) + self.node_count() as u32 - 1;
        if self.base_port == 0 || last > 55535 {
            return Err(format!(
                "ports {}..{} do not fit: the bus port is port + 10000, so ports must stay at or below 55535.",
                self.base_port, last
            ));
        }
        Ok(())
    }
}
