//! Connections ending (a peer died, a connect was refused, a link went stale) and a
//! process starting again from its nodes.conf.

use crate::event::{EventKind, LinkDownCause};
use crate::faults::DataOnRestart;
use crate::node::replication::UpstreamState;
use crate::node::{flags, LinkId, Node, Replication};
use crate::time::SimTime;

impl Node {
    /// A connection to the process at `ip` (client port `port`, bus port `cport`) closed
    /// or was refused: free my bus link to it, mark my master link down if it was my
    /// master, forget it as a replica.
    pub fn on_connection_lost(
        &mut self,
        now: SimTime,
        ip: &str,
        port: u16,
        cport: u16,
        link: Option<LinkId>,
    ) {
        self.now = now;
        match link {
            // A refused or reset bus link: exactly that one.
            Some(id) => {
                if let Some(r) = self.peer_by_link(id) {
                    self.peers.get_mut(r).expect("linked peer").link = None;
                }
                return;
            }
            // The process at that address died: every connection to it.
            None => {
                for r in self.peers.refs() {
                    let Some(p) = self.peers.get_mut(r) else {
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
        self.before_sleep();
    }

    /// Starts this process again: the same ID and cluster table (nodes.conf), everything
    /// else fresh. The dataset is empty unless it is reloaded from an AOF.
    pub(crate) fn restart(&mut self, now: SimTime, data: DataOnRestart) {
        self.now = now;
        self.started_at = now;
        for r in self.peers.refs() {
            let Some(p) = self.peers.get_mut(r) else {
                continue;
            };
            p.link = None;
            p.ping_sent = None;
            p.pong_received = p.pong_received.map(|_| now);
            p.data_received = None;
            p.fail_reports.clear();
            p.voted_time = None;
            p.orphaned_since = None;
            if r != Self::ME {
                p.flags &= !flags::PFAIL;
            }
        }
        self.state_ok = false;
        self.first_state_call = None;
        self.among_minority_since = None;
        self.state_dirty = true;
        self.stats_sent = [0; 11];
        self.stats_received = [0; 11];
        self.cron_ticks = 0;
        self.clients.clear();
        self.blocked.clear();
        self.unblocked.clear();
        self.outbox.clear();
        self.election = Default::default();
        self.mf = Default::default();
        self.write_pause_until = None;
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
}
