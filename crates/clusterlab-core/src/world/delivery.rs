//! What processes produce and how it arrives: a node's outputs collected after each
//! input (messages to carry, events to log, replies and closed connections for the
//! clients), messages delivered or refused, and the network faults that drop them.

use sha2::Digest;

use super::{ConnId, Item, ProcessState, World};
use crate::event::EventKind;
use crate::name::NodeIdx;
use crate::net::Envelope;
use crate::node::{Dest, Input, Output, Payload, Via};
use crate::time::SimDuration;

impl World {
    /// A message reached a dead process: if it opened a connection, the sender is refused.
    pub(super) fn refuse(&mut self, env: &Envelope) {
        if let Via::SenderLink(id) = env.via {
            let link = match env.payload {
                Payload::Bus(_) | Payload::Connect => Some(id),
                Payload::Repl(_) => None,
                Payload::Migrate(_) => return,
            };
            let p = &self.procs[env.to.index()];
            let (ip, port, cport) = (p.ip.clone(), p.port, p.node.myself().cport);
            let at = self.now + self.net.sample_latency();
            self.schedule(
                at,
                Item::ConnLost {
                    node: env.from,
                    ip,
                    port,
                    cport,
                    link,
                },
            );
        }
    }

    pub(super) fn deliver(&mut self, env: Envelope) {
        let to = env.to;
        self.hasher.update([1u8]);
        self.hasher.update(env.from.0.to_le_bytes());
        self.hasher.update(to.0.to_le_bytes());
        self.hasher.update(self.now.0.to_le_bytes());
        let src_ip = self.procs[env.from.index()].ip.clone();
        let local_ip = self.procs[to.index()].ip.clone();
        let from = env.from;
        let input = match env.payload {
            Payload::Bus(msg) => {
                self.traffic.bus_messages += 1;
                self.traffic.bus_bytes += msg.wire_size() as u64;
                self.hasher.update([msg.kind() as u8]);
                Input::Bus {
                    from,
                    src_ip: &src_ip,
                    local_ip: &local_ip,
                    via: env.via,
                    msg,
                }
            }
            // A connection opening is a LinkUp once established, never a delivery.
            Payload::Connect => return,
            Payload::Repl(msg) => {
                self.traffic.repl_messages += 1;
                self.hasher.update([2u8]);
                Input::Repl {
                    from,
                    src_ip: &src_ip,
                    msg,
                }
            }
            Payload::Migrate(msg) => {
                self.hasher.update([5u8]);
                Input::Migrate { from, msg }
            }
        };
        self.procs[to.index()].node.handle(self.now, input);
        self.collect(to);
    }

    /// Carries out what a node produced: messages go into the queue, events into the
    /// log, replies to the connections waiting for them.
    pub(super) fn collect(&mut self, idx: NodeIdx) {
        let outputs = self.procs[idx.index()].node.take_outputs();
        for output in outputs {
            let out = match output {
                Output::Send(out) => out,
                Output::Event(kind) => {
                    self.log_node_event(idx, kind);
                    continue;
                }
                Output::Reply { client, reply } => {
                    // Replies for connections that closed meanwhile are dropped.
                    if self.process_of(ConnId(client)) == Some(idx) {
                        self.replies.push((ConnId(client), reply));
                    }
                    continue;
                }
                Output::Push { client, bytes } => {
                    if self.process_of(ConnId(client)) == Some(idx) {
                        self.pushes.push((ConnId(client), bytes));
                    }
                    continue;
                }
                Output::CloseClient {
                    client,
                    after_reply,
                } => {
                    let conn = ConnId(client);
                    if self.process_of(conn) == Some(idx) {
                        self.conns[conn.0 as usize] = None;
                        // Closed after its reply: a blocked command's answer (UNBLOCKED
                        // for a master turned replica) is still handed over.
                        if !after_reply {
                            self.replies.retain(|(c, _)| *c != conn);
                            self.blocked.remove(&conn);
                        }
                        self.closed.push(conn);
                    }
                    continue;
                }
            };
            let target = match &out.dest {
                Dest::Conn(n) => Some(*n),
                Dest::Addr { ip, port } => self.resolve(ip, *port, &out.payload),
            };
            if self.migrate_refused(idx, target, &out) {
                continue;
            }
            let Some(to) = target else {
                // Nobody listens there: the connection is refused.
                if let Dest::Addr { ip, port } = &out.dest {
                    let (ip, port) = (*ip, *port);
                    let at = self.now + self.net.sample_latency();
                    let (p, c) = match out.payload {
                        Payload::Bus(_) | Payload::Connect => (port.saturating_sub(10_000), port),
                        Payload::Repl(_) | Payload::Migrate(_) => {
                            (port, port.saturating_add(10_000))
                        }
                    };
                    self.schedule(
                        at,
                        Item::ConnLost {
                            node: idx,
                            ip: ip.to_string(),
                            port: p,
                            cport: c,
                            link: match out.via {
                                Via::SenderLink(id) if c == port => Some(id),
                                _ => None,
                            },
                        },
                    );
                }
                continue;
            };
            if self.procs[to.index()].state == ProcessState::Killed {
                let env = self.net.send(self.now, idx, to, out.via, out.payload);
                self.refuse(&env);
                continue;
            }
            if self.dropped_by_faults(idx, to, &out.via, &out.payload) {
                continue;
            }
            if let (Payload::Connect, Via::SenderLink(link)) = (&out.payload, &out.via) {
                // The TCP handshake: a round trip, then the link is usable.
                let at = self.now + self.net.sample_latency() + self.net.sample_latency();
                self.schedule(
                    at,
                    Item::LinkUp {
                        node: idx,
                        link: *link,
                    },
                );
                continue;
            }
            let mut env = self.net.send(self.now, idx, to, out.via, out.payload);
            if let Some(extra) = self.faults.delay.get(&(idx, to)) {
                env.deliver_at = env.deliver_at + SimDuration(*extra);
            }
            let at = env.deliver_at;
            self.observer.on_send(&env);
            self.schedule(at, Item::Deliver(Box::new(env)));
        }
    }

    /// Logs an event of a node; promotions and demotions mark lost writes in the ledger.
    pub(super) fn log_node_event(&mut self, idx: NodeIdx, kind: EventKind) {
        let port = self.procs[idx.index()].port;
        let promotion = matches!(kind, EventKind::BecameMaster { .. });
        let demotion = matches!(kind, EventKind::BecameReplica { .. });
        self.log_event(Some(idx), Some(port), kind);
        if promotion {
            self.on_promotion(idx);
        }
        if demotion {
            let replid = self.procs[idx.index()].node.replication().replid.clone();
            self.on_demotion(idx, &replid, false);
        }
    }

    /// Whether the network faults in force drop this message.
    pub(super) fn dropped_by_faults(
        &mut self,
        from: NodeIdx,
        to: NodeIdx,
        via: &Via,
        payload: &Payload,
    ) -> bool {
        if self.faults.is_empty() {
            return false;
        }
        if self.faults.cut.contains_key(&(from, to)) {
            return true;
        }
        if let Payload::Bus(_) | Payload::Connect = payload {
            // The side that accepted the connection is the one whose bus port is blocked.
            let listener = match via {
                Via::SenderLink(_) => to,
                Via::ReceiverLink(_) => from,
            };
            if self.faults.bus_blocked.contains_key(&listener) {
                return true;
            }
        }
        match self.faults.loss.get(&(from, to)).copied() {
            Some(pct) => self.rng.chance_percent(u32::from(pct)),
            None => false,
        }
    }

    pub(super) fn resolve(&self, ip: &str, port: u16, payload: &Payload) -> Option<NodeIdx> {
        let idx = match payload {
            Payload::Bus(_) | Payload::Connect => self.by_cport.get(&port),
            Payload::Repl(_) | Payload::Migrate(_) => self.by_data_port.get(&port),
        }?;
        (self.procs[idx.index()].ip == ip).then_some(*idx)
    }
}
