//! One node tested alone, as raft-rs tests one `Raft`: a [`Solo`] holds the node under
//! test and plays every other node of the cluster itself. It drives the node only through
//! [`Node::handle`] and reads only what [`Node::take_outputs`] gives back: messages,
//! events and replies. The other nodes ("fakes") answer pings with a PONG carrying their
//! own header (role, slots, epochs, offset) and nothing else, unless a test sends
//! something on their behalf.

mod epochs;
mod failover;
mod failure;
mod voting;

use std::sync::Arc;

use crate::bus::{Body, BusMessage, GossipEntry, Header, MessageType};
use crate::config::NodeConfig;
use crate::event::EventKind;
use crate::ip::IpText;
use crate::name::{NodeIdx, NodeName};
use crate::node::{flags, Dest, Input, Node, Outgoing, Output, Payload, ReplMessage, Via};
use crate::reply::Reply;
use crate::rng::SimRng;
use crate::slot::{Slot, SlotSet};
use crate::time::SimTime;

pub const IP: &str = "127.0.0.1";
/// The node under test listens on 7001; fake `i` on 7002 + i.
pub const PORT: u16 = 7001;
pub const NODE_TIMEOUT: u64 = 5000;

/// Another node of the cluster, as the test plays it.
#[derive(Clone, Debug)]
pub struct Fake {
    pub name: NodeName,
    pub idx: NodeIdx,
    pub port: u16,
    /// The fake it replicates, if it is a replica.
    pub master: Option<usize>,
    pub config_epoch: u64,
    pub current_epoch: u64,
    pub slots: Arc<SlotSet>,
    pub offset: u64,
    /// A dead fake refuses connections and answers nothing.
    pub alive: bool,
}

/// The node under test and the cluster around it.
pub struct Solo {
    pub node: Node,
    pub now: SimTime,
    pub fakes: Vec<Fake>,
    /// Everything the node produced, oldest first (tests clear it as they go).
    pub log: Vec<Output>,
    next_cron: SimTime,
}

/// A slot set from inclusive ranges.
pub fn slots(ranges: &[(Slot, Slot)]) -> Arc<SlotSet> {
    let mut s = SlotSet::new();
    for &(a, b) in ranges {
        for slot in a..=b {
            s.insert(slot);
        }
    }
    Arc::new(s)
}

impl Solo {
    /// A node on 7001 with `node-timeout` 5000 ms, alone.
    pub fn new() -> Solo {
        let config = NodeConfig {
            node_timeout: NODE_TIMEOUT,
            ..NodeConfig::default()
        };
        let node = Node::new(
            NodeIdx(0),
            PORT,
            config,
            SimRng::stream(7, 1000),
            SimTime::ZERO,
        );
        let mut solo = Solo {
            node,
            now: SimTime::ZERO,
            fakes: Vec::new(),
            log: Vec::new(),
            next_cron: SimTime(100),
        };
        solo.pump();
        solo
    }

    /// Adds a master that owns `ranges` with `config_epoch`; returns its index.
    pub fn master(&mut self, ranges: &[(Slot, Slot)], config_epoch: u64) -> usize {
        self.fake(None, slots(ranges), config_epoch)
    }

    /// Adds a replica of fake `master` at replication offset `offset`.
    pub fn replica(&mut self, master: usize, offset: u64) -> usize {
        let i = self.fake(Some(master), Arc::new(SlotSet::new()), 0);
        self.fakes[i].offset = offset;
        i
    }

    fn fake(&mut self, master: Option<usize>, slots: Arc<SlotSet>, config_epoch: u64) -> usize {
        let i = self.fakes.len();
        let name = NodeName(
            format!("{:040x}", 0xfa4e_0000u64 + i as u64)
                .into_bytes()
                .try_into()
                .expect("40 hex digits"),
        );
        self.fakes.push(Fake {
            name,
            idx: NodeIdx(i as u32 + 1),
            port: PORT + 1 + i as u16,
            master,
            config_epoch,
            current_epoch: config_epoch,
            slots,
            offset: 0,
            alive: true,
        });
        i
    }

    /// Runs a command on the node under test and returns its reply.
    pub fn command(&mut self, line: &str) -> Option<Reply> {
        let args: Vec<Vec<u8>> = line
            .split_whitespace()
            .map(|w| w.as_bytes().to_vec())
            .collect();
        let before = self.log.len();
        self.feed(Input::Command {
            client: 1,
            args: &args,
        });
        self.log[before..].iter().find_map(|o| match o {
            Output::Reply { client: 1, reply } => Some(reply.clone()),
            _ => None,
        })
    }

    /// Makes the node a master of `ranges` with `config_epoch`, as redis-cli's create does
    /// before the join.
    pub fn own(&mut self, ranges: &[(Slot, Slot)], config_epoch: u64) {
        for &(a, b) in ranges {
            let r = self.command(&format!("CLUSTER ADDSLOTSRANGE {a} {b}"));
            assert_eq!(r, Some(Reply::ok()));
        }
        let r = self.command(&format!("CLUSTER SET-CONFIG-EPOCH {config_epoch}"));
        assert_eq!(r, Some(Reply::ok()));
    }

    /// Introduces every fake with CLUSTER MEET and lets the handshakes and the first
    /// PING/PONG rounds run, so the node knows every fake's role, slots and epoch.
    pub fn join(&mut self) {
        for f in 0..self.fakes.len() {
            let port = self.fakes[f].port;
            let r = self.command(&format!("CLUSTER MEET {IP} {port}"));
            assert_eq!(r, Some(Reply::ok()));
        }
        // The handshakes, then one PING round each way so that roles and slots are known.
        self.advance(3000);
        for f in 0..self.fakes.len() {
            self.ping_from(f, Vec::new());
        }
        self.advance(100);
    }

    /// Lets `ms` of simulated time pass: a cron tick every 100 ms, each output answered
    /// as the fakes would.
    pub fn advance(&mut self, ms: u64) {
        let target = SimTime(self.now.0 + ms);
        while self.next_cron <= target {
            self.now = self.next_cron;
            self.next_cron = SimTime(self.next_cron.0 + 100);
            self.feed(Input::Cron);
        }
        self.now = target;
    }

    /// Hands an input to the node, then answers what it sent.
    pub fn feed(&mut self, input: Input<'_>) {
        self.node.handle(self.now, input);
        self.pump();
    }

    fn pump(&mut self) {
        let mut pending: std::collections::VecDeque<Output> = self.node.take_outputs().into();
        while let Some(out) = pending.pop_front() {
            if let Output::Send(o) = &out {
                if let Some(answer) = self.answer(o) {
                    let input = match &answer {
                        Answer::LinkUp(id) => Input::LinkUp(*id),
                        Answer::Refused { port, id } => Input::ConnectionLost {
                            ip: IP,
                            port: *port,
                            cport: port + 10_000,
                            link: Some(*id),
                        },
                        Answer::Pong { from, via, msg } => Input::Bus {
                            from: *from,
                            src_ip: IP,
                            local_ip: IP,
                            via: *via,
                            msg: (**msg).clone(),
                        },
                    };
                    self.node.handle(self.now, input);
                    pending.extend(self.node.take_outputs());
                }
            }
            self.log.push(out);
        }
    }

    /// What a fake does about a message the node sent it: accept the connection and
    /// answer pings, if it is alive.
    fn answer(&self, o: &Outgoing) -> Option<Answer> {
        let Dest::Addr { port: cport, .. } = o.dest else {
            return None;
        };
        let f = self.fakes.iter().position(|f| f.port + 10_000 == cport)?;
        let Via::SenderLink(id) = o.via else {
            return None;
        };
        let fake = &self.fakes[f];
        match &o.payload {
            Payload::Connect if fake.alive => Some(Answer::LinkUp(id)),
            Payload::Connect => Some(Answer::Refused {
                port: fake.port,
                id,
            }),
            Payload::Bus(m)
                if fake.alive && matches!(m.kind(), MessageType::Ping | MessageType::Meet) =>
            {
                Some(Answer::Pong {
                    from: fake.idx,
                    via: Via::ReceiverLink(id),
                    msg: Box::new(self.message(f, MessageType::Pong, Body::Gossip(Vec::new()))),
                })
            }
            _ => None,
        }
    }

    /// Fake `f`'s header, as it would build it.
    pub fn header(&self, f: usize, kind: MessageType) -> Header {
        let me = &self.fakes[f];
        let master = me.master.map(|m| &self.fakes[m]);
        Header {
            kind,
            sender: me.name,
            current_epoch: me.current_epoch,
            config_epoch: master.map_or(me.config_epoch, |m| m.config_epoch),
            offset: me.offset,
            myslots: master.map_or_else(|| Arc::clone(&me.slots), |m| Arc::clone(&m.slots)),
            slaveof: master.map(|m| m.name),
            myip: IpText::EMPTY,
            port: me.port,
            cport: me.port + 10_000,
            flags: if master.is_some() {
                flags::SLAVE
            } else {
                flags::MASTER
            },
            state_ok: true,
            mflags: 0,
        }
    }

    pub fn message(&self, f: usize, kind: MessageType, body: Body) -> BusMessage {
        BusMessage {
            header: self.header(f, kind),
            body,
        }
    }

    /// Fake `f` sends `msg` on its own link to the node.
    pub fn send_from(&mut self, f: usize, msg: BusMessage) {
        let from = self.fakes[f].idx;
        self.feed(Input::Bus {
            from,
            src_ip: IP,
            local_ip: IP,
            via: Via::SenderLink(1000 + f as u64),
            msg,
        });
    }

    /// Fake `f` sends a PING with these gossip entries.
    pub fn ping_from(&mut self, f: usize, gossip: Vec<GossipEntry>) {
        let msg = self.message(f, MessageType::Ping, Body::Gossip(gossip));
        self.send_from(f, msg);
    }

    /// A gossip entry about fake `about` with these flags.
    pub fn gossip(&self, about: usize, extra_flags: u16) -> GossipEntry {
        let a = &self.fakes[about];
        GossipEntry {
            name: a.name,
            ping_sent_s: 0,
            pong_received_s: 0,
            ip: IpText::new(IP),
            port: a.port,
            cport: a.port + 10_000,
            flags: if a.master.is_some() {
                flags::SLAVE
            } else {
                flags::MASTER
            } | extra_flags,
        }
    }

    /// Fake `f` dies: its sockets close and it answers nothing from now on.
    pub fn kill(&mut self, f: usize) {
        self.fakes[f].alive = false;
        let port = self.fakes[f].port;
        self.feed(Input::ConnectionLost {
            ip: IP,
            port,
            cport: port + 10_000,
            link: None,
        });
    }

    /// Fake `f` tells the node that `about` is FAIL.
    pub fn fail_from(&mut self, f: usize, about: usize) {
        let about = self.fakes[about].name;
        let msg = self.message(f, MessageType::Fail, Body::Fail { about });
        self.send_from(f, msg);
    }

    /// The events logged since the log was last cleared.
    pub fn events(&self) -> Vec<EventKind> {
        self.log
            .iter()
            .filter_map(|o| match o {
                Output::Event(e) => Some(e.clone()),
                _ => None,
            })
            .collect()
    }

    /// The bus messages of `kind` sent since the log was last cleared, with the fake
    /// each went to.
    pub fn sent(&self, kind: MessageType) -> Vec<(usize, BusMessage)> {
        self.log
            .iter()
            .filter_map(|o| match o {
                Output::Send(Outgoing {
                    dest,
                    payload: Payload::Bus(m),
                    ..
                }) if m.kind() == kind => {
                    let to = match dest {
                        Dest::Addr { port, .. } => {
                            self.fakes.iter().position(|f| f.port + 10_000 == *port)
                        }
                        Dest::Conn(idx) => self.fakes.iter().position(|f| f.idx == *idx),
                    }?;
                    Some((to, m.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// The node's `PSYNC` to its master, if it sent one since the log was cleared.
    pub fn psync_sent(&self) -> bool {
        self.log.iter().any(|o| {
            matches!(
                o,
                Output::Send(Outgoing {
                    payload: Payload::Repl(ReplMessage::Psync { .. }),
                    ..
                })
            )
        })
    }

    /// The node becomes a replica of fake `master` and loads a snapshot at `offset`.
    pub fn replicate(&mut self, master: usize, offset: u64) {
        let name = self.fakes[master].name;
        let r = self.command(&format!("CLUSTER REPLICATE {name}"));
        assert_eq!(r, Some(Reply::ok()));
        assert!(self.psync_sent(), "a replica asks its master for a sync");
        let from = self.fakes[master].idx;
        self.feed(Input::Repl {
            from,
            src_ip: IP,
            msg: ReplMessage::FullResync {
                replid: "f".repeat(40),
                offset,
                dataset: Box::default(),
            },
        });
    }
}

/// How a fake answers a message of the node.
enum Answer {
    LinkUp(u64),
    Refused {
        port: u16,
        id: u64,
    },
    Pong {
        from: NodeIdx,
        via: Via,
        msg: Box<BusMessage>,
    },
}

#[test]
fn meet_then_pong_makes_every_fake_known_with_its_role_and_slots() {
    let mut s = Solo::new();
    s.own(&[(0, 5460)], 1);
    let m2 = s.master(&[(5461, 10922)], 2);
    let m3 = s.master(&[(10923, 16383)], 3);
    let r = s.replica(m3, 0);
    s.join();
    let events = s.events();
    let completed = events
        .iter()
        .filter(|e| matches!(e, EventKind::HandshakeCompleted { .. }))
        .count();
    assert_eq!(completed, 3, "{events:#?}");
    // The slots of both fake masters are bound in the node's table, nothing else.
    for (f, count) in [(m2, 5462), (m3, 5461)] {
        let port = s.fakes[f].port;
        assert!(
            events.iter().any(|e| matches!(e,
                EventKind::SlotsRebound { count: c, from: None, to, .. } if *c == count && to.port == port)),
            "{port} gets its {count} slots: {events:#?}"
        );
    }
    assert!(events
        .iter()
        .any(|e| matches!(e, EventKind::StateChanged { ok: true, .. })));
    let nodes = match s.command("CLUSTER NODES") {
        Some(Reply::Bulk(Some(b))) => String::from_utf8(b).expect("text"),
        Some(Reply::Verbatim(t)) => t,
        other => panic!("{other:?}"),
    };
    let line = nodes
        .lines()
        .find(|l| l.starts_with(s.fakes[r].name.as_str()))
        .expect("the replica is listed");
    assert!(
        line.contains(&format!("slave {}", s.fakes[m3].name)),
        "{line}"
    );
}

#[test]
fn a_late_refusal_from_a_former_master_is_ignored() {
    let mut s = Solo::new();
    s.join();
    let (old, new) = (s.master(&[(0, 8191)], 1), s.master(&[(8192, 16383)], 2));
    s.join();
    let name = s.fakes[new].name;
    assert_eq!(
        s.command(&format!("CLUSTER REPLICATE {name}")),
        Some(Reply::ok())
    );
    let refused = |master: usize| ReplMessage::Refused {
        refusal: crate::event::SyncRefusal::NoAuth,
        master_port: s.fakes[master].port,
    };
    let (stale, current) = (refused(old), refused(new));
    let from = s.fakes[old].idx;
    s.feed(Input::Repl {
        from,
        src_ip: IP,
        msg: stale,
    });
    let said = |s: &Solo| {
        s.events()
            .iter()
            .filter(|e| matches!(e, EventKind::SyncRefused { .. }))
            .count()
    };
    assert_eq!(said(&s), 0, "the old master's refusal is stale");
    let from = s.fakes[new].idx;
    s.feed(Input::Repl {
        from,
        src_ip: IP,
        msg: current,
    });
    assert_eq!(said(&s), 1);
}
