//! `clusterCron`, every 100 ms: links, the ping schedule, PFAIL, and the once-a-second
//! replication cron.

use crate::bus::MessageType;
use crate::event::EventKind;
use crate::node::{flags, Node, PeerRef};
use crate::time::SimTime;

/// The period of `clusterCron`.
pub const CRON_PERIOD_MS: u64 = 100;

impl Node {
    /// One cron tick.
    pub(crate) fn handle_cron(&mut self) {
        let now = self.now;
        self.bus.cron_ticks += 1;
        self.close_idle_clients();
        self.resize_query_buffers();
        let node_timeout = self.config.node_timeout;
        let handshake_timeout = node_timeout.max(1000);

        // Reconnect links, drop stale handshakes, count PFAIL nodes.
        self.bus.pfail_count = 0;
        for r in self.view.peers.refs() {
            let Some(p) = self.view.peers.get(r) else {
                continue;
            };
            if r == Self::ME || p.has(flags::NOADDR) {
                continue;
            }
            if p.has(flags::PFAIL) {
                self.bus.pfail_count += 1;
            }
            if p.in_handshake() && now.since(p.ctime) > handshake_timeout {
                let (ip, port) = (p.ip, p.port);
                self.del_node(r);
                self.emit(EventKind::HandshakeTimedOut {
                    ip,
                    port,
                    timeout_ms: handshake_timeout,
                });
                continue;
            }
            if p.link.is_none() {
                self.connect(r);
            }
        }

        // Once every 10 ticks, ping the one of 5 random nodes with the oldest pong.
        if self.bus.cron_ticks % 10 == 0 {
            self.random_ping();
        }

        let i_am_replica = self.myself().is_replica();
        let (orphaned, max_replicas, my_replicas) = if i_am_replica {
            self.migration_counts()
        } else {
            (0, 0, 0)
        };
        for r in self.view.peers.refs() {
            let Some(p) = self.view.peers.get(r) else {
                continue;
            };
            if r == Self::ME || p.has(flags::NOADDR | flags::HANDSHAKE) {
                continue;
            }
            // Link refresh: a link older than node_timeout whose ping has waited half of it
            // with nothing at all arriving for half of it either is freed (and recreated).
            if let (Some(link), Some(ping)) = (p.link, p.ping_sent) {
                let data_age = p.data_received.map_or(u64::MAX, |t| now.since(t));
                if now.since(link.created) > node_timeout
                    && now.since(ping) > node_timeout / 2
                    && data_age > node_timeout / 2
                {
                    self.view.peers.get_mut(r).expect("ref from the table").link = None;
                }
            }
            let Some(p) = self.view.peers.get(r) else {
                continue;
            };
            // A master in a manual failover pings the replica every tick.
            if self.failover.mf.end.is_some()
                && self.is_master()
                && self.failover.mf.replica == Some(r)
                && p.link.is_some()
            {
                self.send_ping(r, MessageType::Ping);
                continue;
            }
            // Freshness ping: no pong for more than half the node timeout.
            let pong_age = p.pong_received.map_or(u64::MAX, |t| now.since(t));
            if p.link.is_some() && p.ping_sent.is_none() && pong_age > node_timeout / 2 {
                self.send_ping(r, MessageType::Ping);
                continue;
            }
            let Some(ping_sent) = p.ping_sent else {
                continue;
            };
            let ping_delay = now.since(ping_sent);
            let data_delay = p.data_received.map_or(u64::MAX, |t| now.since(t));
            let delay = ping_delay.min(data_delay);
            if delay > node_timeout && !p.has(flags::PFAIL | flags::FAIL) {
                let name = p.name;
                self.view
                    .peers
                    .get_mut(r)
                    .expect("ref from the table")
                    .flags |= flags::PFAIL;
                self.state.dirty = true;
                let peer = self.tag(&name);
                self.emit(EventKind::PossiblyFailing {
                    peer,
                    ping_ms: ping_delay,
                    silent_ms: delay,
                    node_timeout_ms: node_timeout,
                });
                if self.is_master() && self.state.size == 1 {
                    self.mark_failing_if_needed(r);
                }
            }
        }

        self.check_manual_failover_timeout();
        self.check_migrate_timeouts();
        self.redirect_blocked_pops();
        if self.myself().is_replica() {
            self.handle_manual_failover();
            self.handle_replica_failover();
            if orphaned > 0
                && max_replicas >= 2
                && my_replicas == max_replicas
                && self.config.allow_replica_migration
            {
                self.handle_replica_migration(max_replicas);
            }
        }
        self.active_expire();
        if self.bus.cron_ticks % 10 == 0 {
            self.replication_cron();
        }
        if self.state.dirty || !self.state.ok {
            self.state.dirty = false;
            self.update_state();
        }
    }

    /// Orphaned masters, the most ok replicas of any master, and my master's count, as
    /// `clusterCron` counts them; recounted only when the table changed.
    fn migration_counts(&mut self) -> (usize, usize, usize) {
        let version = self.view.peers.version();
        if let Some((v, o, m, mine)) = self.bus.migration_counts {
            if v == version {
                return (o, m, mine);
            }
        }
        let my_master = self.master_ref();
        let (mut orphaned, mut max_replicas, mut mine) = (0, 0, 0);
        for r in self.view.peers.refs() {
            let Some(p) = self.view.peers.get(r) else {
                continue;
            };
            if r == Self::ME
                || !p.is_master()
                || p.has(flags::FAIL | flags::NOADDR | flags::HANDSHAKE)
            {
                continue;
            }
            let ok = self.non_failing_replicas(r);
            if ok == 0 && p.num_slots() > 0 && p.has(flags::MIGRATE_TO) {
                orphaned += 1;
            }
            max_replicas = max_replicas.max(ok);
            if Some(r) == my_master {
                mine = ok;
            }
        }
        self.bus.migration_counts = Some((version, orphaned, max_replicas, mine));
        (orphaned, max_replicas, mine)
    }

    fn random_ping(&mut self) {
        let mut best: Option<(PeerRef, Option<SimTime>)> = None;
        for _ in 0..5 {
            let r = self.random_peer();
            let Some(p) = self.view.peers.get(r) else {
                continue;
            };
            if p.link.is_none() || p.ping_sent.is_some() || p.has(flags::MYSELF | flags::HANDSHAKE)
            {
                continue;
            }
            if best.is_none_or(|(_, t)| p.pong_received < t) {
                best = Some((r, p.pong_received));
            }
        }
        if let Some((r, _)) = best {
            self.send_ping(r, MessageType::Ping);
        }
    }
}
