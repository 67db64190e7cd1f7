//! Bus connections: opening my link to a peer and greeting it once it is up, connections
//! ending (a peer died, a connect was refused, a link went stale), and a process starting
//! again from its nodes.conf.

use crate::bus::MessageType;
use crate::event::{EventKind, LinkDownCause};
use crate::faults::DataOnRestart;
use crate::node::peers::Link;
use crate::node::replication::UpstreamState;
use crate::node::{
    flags, BusState, Clients, ClusterState, Dest, FailoverState, LinkId, MigrateLink, Node,
    Outgoing, Output, Payload, PeerRef, Replication, Via,
};

impl Node {
    /// A connection to the process at `ip` (client port `port`, bus port `cport`) closed
    /// or was refused: free my bus link to it, mark my master link down if it was my
    /// master, forget it as a replica.
    pub(crate) fn handle_connection_lost(
        &mut self,
        ip: &str,
        port: u16,
        cport: u16,
        link: Option<LinkId>,
    ) {
        let now = self.now;
        match link {
            // A refused or reset bus link: exactly that one.
            Some(id) => {
                if let Some(r) = self.peer_by_link(id) {
                    self.view.peers.get_mut(r).expect("linked peer").link = None;
                }
                return;
            }
            // The process at that address died: every connection to it.
            None => {
                for r in self.view.peers.refs() {
                    let Some(p) = self.view.peers.get_mut(r) else {
                        continue;
                    };
                    if p.ip == ip && p.cport == cport {
                        p.link = None;
                        p.inbound = None;
                    }
                }
            }
        }
        if let Some(up) = self.repl.upstream.as_mut() {
            if up.ip == ip && up.port == port && up.state != UpstreamState::Disconnected {
                let was_connected = up.state == UpstreamState::Connected;
                up.state = UpstreamState::Disconnected;
                if was_connected {
                    up.down_since = Some(now);
                    let master = up.master;
                    let master = self.tag(&master);
                    self.emit(EventKind::ReplicationLinkDown {
                        master,
                        cause: LinkDownCause::ConnectionLost,
                    });
                }
            }
        }
        let before = self.repl.replicas.len();
        self.repl
            .replicas
            .retain(|r| !(r.ip == ip && r.port == port));
        if self.repl.replicas.len() != before {
            self.check_blocked_waits();
        }
    }

    /// Starts this process again: the same ID and cluster table (nodes.conf), everything
    /// else fresh. The dataset is empty unless it is reloaded from an AOF.
    pub(crate) fn handle_restart(&mut self, data: DataOnRestart) {
        let now = self.now;
        self.started_at = now;
        for r in self.view.peers.refs() {
            if let Some(p) = self.view.peers.get_mut(r) {
                p.restart(now, r == Self::ME);
            }
        }
        // Everything of the old life goes but the table (nodes.conf) and the ids of links
        // and MIGRATEs, which are never reused. The cluster size stays until the state
        // is next computed, by the first cron tick (a starting Redis has nothing flagged
        // for beforeSleep).
        self.state = ClusterState {
            size: self.state.size,
            dirty: false,
            ..ClusterState::default()
        };
        self.bus = BusState::default();
        self.clients = Clients::default();
        self.stats = super::stats::Stats::default();
        self.active_expire_enabled = true;
        // No ACL file: only the default user comes back, with `requirepass`.
        self.acl = crate::acl::Acl::new(self.config.requirepass.as_deref());
        self.failover = FailoverState::default();
        self.migrate = MigrateLink {
            next_id: self.migrate.next_id,
            ..MigrateLink::default()
        };
        self.out.retain(|o| !matches!(o, Output::Send(_)));
        if data == DataOnRestart::Empty {
            self.keyspace.clear();
        }
        let master = self.myself().master.filter(|_| self.myself().is_replica());
        self.repl = Replication::new(&mut self.rng);
        self.emit(EventKind::NodeStarted {
            port: self.port(),
            id: self.name(),
        });
        if let Some(m) = master {
            self.replicate_from(m);
        }
    }

    /// Opens my outbound link to `r` (`clusterNodeCronHandleReconnect`): the link exists
    /// at once, so pings can be queued on it, and the greeting goes out when the
    /// connection is established.
    pub(crate) fn connect(&mut self, r: PeerRef) {
        let id = self.view.next_link_id;
        self.view.next_link_id += 1;
        let now = self.now;
        let p = self.view.peers.get_mut(r).expect("connect to a known peer");
        if let Some(old) = p.last_link_id.replace(id) {
            self.view.links.remove(&old);
        }
        p.link = Some(Link { id, created: now });
        self.view.links.insert(id, r);
        let p = self.view.peers.get(r).expect("connect to a known peer");
        let dest = Dest::Addr {
            ip: p.ip,
            port: p.cport,
        };
        self.send(Outgoing {
            dest,
            via: Via::SenderLink(id),
            payload: Payload::Connect,
        });
    }

    /// `clusterLinkConnectHandler`: the connection is up, send MEET (if the entry has the
    /// MEET flag) or PING; an older pending ping time is kept.
    pub(crate) fn handle_link_up(&mut self, id: LinkId) {
        let Some(r) = self.peer_by_link(id) else {
            return;
        };
        let (old_ping, meet) = {
            let p = self.view.peers.get_mut(r).expect("link peer exists");
            let meet = p.has(flags::MEET);
            p.flags &= !flags::MEET;
            (p.ping_sent, meet)
        };
        self.send_ping(
            r,
            if meet {
                MessageType::Meet
            } else {
                MessageType::Ping
            },
        );
        if let Some(t) = old_ping {
            if let Some(p) = self.view.peers.get_mut(r) {
                p.ping_sent = Some(t);
            }
        }
    }
}
