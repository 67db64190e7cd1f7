//! Client connections as a node keeps them: each connection's session (READONLY, ASKING,
//! RESP3, MULTI, WATCH), the clients blocked in WAIT, and the writes an EXEC holds back.
//! All of it is gone when the process restarts.

use crate::types::vec_map::VecMap;

use crate::node::Node;
use crate::time::SimTime;

/// Per-connection client state on a node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientSession {
    /// READONLY was sent (until READWRITE).
    pub readonly: bool,
    /// ASKING was sent for the next command only.
    pub asking: bool,
    /// The master offset after this client's last write (WAIT waits for it).
    pub woff: u64,
    /// CLIENT SETNAME.
    pub name: Option<Vec<u8>>,
    /// RESP2, or RESP3 after `HELLO 3`.
    pub protocol: crate::reply::Protocol,
    /// When the connection sent its first command, and its latest.
    pub since: SimTime,
    pub last_at: SimTime,
    /// The latest known command's full name (`client|info`), and its sizes: the request's
    /// RESP length and its arguments' bytes.
    pub last_command: String,
    pub request_len: u64,
    pub argv_mem: u64,
    /// Inside MULTI: the queued commands.
    pub queued: Option<Vec<Vec<Vec<u8>>>>,
    /// A command was rejected while queueing: EXEC aborts.
    pub dirty_exec: bool,
    /// WATCHed keys, and whether one of them was written since.
    pub watched: Vec<Vec<u8>>,
    pub dirty_cas: bool,
    /// Authenticated: at connection when the default user needs no password
    /// (`requirepass` unset), otherwise after AUTH or HELLO … AUTH.
    pub authenticated: bool,
    /// The ACL user the connection runs as (`None`: the default user).
    pub user: Option<Vec<u8>>,
    /// CLIENT REPLY: whether replies go out.
    pub reply_mode: ReplyMode,
    /// CLIENT NO-EVICT ON.
    pub no_evict: bool,
    /// The query buffer's allocation and recent peak.
    pub query: super::query_buffer::QueryBuffer,
}

/// CLIENT REPLY's state (`CLIENT_REPLY_OFF`, `CLIENT_REPLY_SKIP_NEXT`, `CLIENT_REPLY_SKIP`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReplyMode {
    #[default]
    On,
    /// No reply goes out until CLIENT REPLY ON.
    Off,
    /// CLIENT REPLY SKIP was just run: it has no reply, and the next command neither.
    SkipNext,
    /// This command's reply is skipped.
    Skip,
}

impl ClientSession {
    /// A session that starts `now`, authenticated at once if the default user has no
    /// password.
    pub(crate) fn starting(now: SimTime, authenticated: bool) -> Self {
        ClientSession {
            since: now,
            last_at: now,
            authenticated,
            ..ClientSession::default()
        }
    }
}

/// A command blocked on a node (WAIT).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedWait {
    pub client: u64,
    pub numreplicas: usize,
    pub woff: u64,
    pub deadline: Option<SimTime>,
}

/// Every client connection of one process.
#[derive(Clone, Debug, Default)]
pub struct Clients {
    pub sessions: VecMap<u64, ClientSession>,
    /// Clients blocked in WAIT.
    pub blocked: Vec<BlockedWait>,
    /// Clients blocked on keys (BLPOP and the others), in the order they blocked.
    pub blocked_pops: Vec<super::BlockedPop>,
    /// Keys written since the blocked clients were last tried, in order.
    pub ready_keys: Vec<Vec<u8>>,
    /// The command just run blocked its client (its reply comes later).
    pub just_blocked: bool,
    /// The write being run changed nothing WATCH or a blocked client sees (Redis calls
    /// no `signalModifiedKey` for it: XACK, XCLAIM, an XDEL that found nothing).
    pub unmodified: bool,
    /// The command being run came from this node's master (`mustObeyClient`).
    pub from_master: bool,
    /// During EXEC: the writes to send to replicas afterwards, wrapped in MULTI/EXEC.
    pub held_propagation: Option<Vec<Vec<Vec<u8>>>>,
    /// The command being run closes its own connection once it has replied (ACL DELUSER
    /// of the connection's own user).
    pub close_after_reply: bool,
    /// The client `clientsCron` visits first on its next tick.
    pub cron_cursor: u64,
    /// Clients that ran MONITOR, in the order they did.
    pub monitors: Vec<u64>,
}

impl Node {
    /// The protocol a client speaks.
    pub fn protocol(&self, client: u64) -> crate::reply::Protocol {
        self.clients
            .sessions
            .get(&client)
            .map(|s| s.protocol)
            .unwrap_or_default()
    }

    /// The session of a client, creating it on first use.
    pub(crate) fn session(&mut self, client: u64) -> &mut ClientSession {
        self.clients.sessions.entry(client).or_default()
    }

    /// A new client connection's state, as `createClient` sets it: authenticated at once
    /// while the default user has no password.
    pub(crate) fn accept_client(&mut self, client: u64) {
        let session = ClientSession::starting(self.now, self.acl.default_needs_no_auth());
        self.clients.sessions.insert(client, session);
        self.stats.connections_received += 1;
    }

    /// `clientsCronHandleTimeout`: a client idle for more than `timeout` seconds is closed,
    /// unless it is blocked (WAIT, MIGRATE, a write held by a manual failover).
    pub(crate) fn close_idle_clients(&mut self) {
        let limit = self.config.timeout;
        if limit == 0 {
            return;
        }
        let now = self.now;
        let idle: Vec<u64> = self
            .clients
            .sessions
            .iter()
            .filter(|(_, s)| now.since(s.last_at) / 1000 > limit)
            .map(|(&c, _)| c)
            .filter(|&c| {
                !self.clients.blocked.iter().any(|w| w.client == c)
                    && !self.migrate.pending.iter().any(|m| m.client == c)
                    && !self.failover.paused_writes.iter().any(|(p, _)| *p == c)
            })
            .collect();
        for client in idle {
            self.disconnect_client(client);
            self.out.push(super::Output::CloseClient {
                client,
                after_reply: false,
            });
        }
    }

    /// Forgets a client connection's state (READONLY, ASKING, a blocked WAIT).
    pub(crate) fn disconnect_client(&mut self, client: u64) {
        self.clients.sessions.remove(&client);
        self.repl.streams.retain(|&c| c != client);
        self.clients.monitors.retain(|&c| c != client);
        self.clients.blocked.retain(|w| w.client != client);
        self.clients.blocked_pops.retain(|b| b.client != client);
        // Nothing the client waited for is answered any more.
        self.migrate.pending.retain(|m| m.client != client);
        self.failover.paused_writes.retain(|(c, _)| *c != client);
    }

    /// A write touched `key`: transactions WATCHing it will abort.
    pub(crate) fn touch_watched(&mut self, key: &[u8]) {
        for s in self.clients.sessions.values_mut() {
            if s.watched.iter().any(|k| k == key) {
                s.dirty_cas = true;
            }
        }
    }

    /// FLUSHALL touches every watched key.
    pub(crate) fn touch_all_watched(&mut self) {
        for s in self.clients.sessions.values_mut() {
            if !s.watched.is_empty() {
                s.dirty_cas = true;
            }
        }
    }
}
