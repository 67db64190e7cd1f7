//! What observers (the playground, tests) can watch without changing the run: the
//! messages sent on every link, how many commands hit each slot, and how many queue items
//! the world processed. None of it feeds the trace hash.

use std::collections::VecDeque;

use crate::bus::MessageType;
use crate::name::NodeIdx;
use crate::net::Envelope;
use crate::node::Payload;
use crate::slot::SLOTS;
use crate::time::SimTime;

/// How many sent messages the world remembers for observers.
pub const SENT_LOG_CAPACITY: usize = 4096;

/// What travelled: a cluster-bus message or a replication-stream write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wire {
    Bus(MessageType),
    Replication,
    /// Keys moving: a MIGRATE's RESTORE-ASKING to the target, or its reply.
    Migrate,
}

impl Wire {
    /// The label the playground draws: `PING`, `AUTH_REQUEST`, `REPL`…
    pub fn label(self) -> &'static str {
        match self {
            Wire::Bus(t) => t.label(),
            Wire::Replication => "REPL",
            Wire::Migrate => "MIGRATE",
        }
    }

    /// PING and PONG: the routine heartbeat a viewer may hide.
    pub fn is_heartbeat(self) -> bool {
        matches!(self, Wire::Bus(MessageType::Ping | MessageType::Pong))
    }
}

/// One message put on the network, with when it left and when it arrives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMessage {
    /// Position among all messages ever sent, from 0.
    pub id: u64,
    pub from: NodeIdx,
    pub to: NodeIdx,
    pub wire: Wire,
    pub sent_at: SimTime,
    pub deliver_at: SimTime,
}

/// The observer's records.
#[derive(Clone, Debug)]
pub struct Observer {
    sent: VecDeque<SentMessage>,
    sent_total: u64,
    slot_hits: Vec<u32>,
    pub(crate) steps: u64,
}

impl Default for Observer {
    fn default() -> Self {
        Observer {
            sent: VecDeque::new(),
            sent_total: 0,
            slot_hits: vec![0; SLOTS],
            steps: 0,
        }
    }
}

impl Observer {
    pub(crate) fn on_send(&mut self, env: &Envelope) {
        let wire = match &env.payload {
            Payload::Bus(m) => Wire::Bus(m.kind()),
            Payload::Repl(_) => Wire::Replication,
            Payload::Migrate(_) => Wire::Migrate,
            Payload::Connect => return,
        };
        if self.sent.len() == SENT_LOG_CAPACITY {
            self.sent.pop_front();
        }
        self.sent.push_back(SentMessage {
            id: self.sent_total,
            from: env.from,
            to: env.to,
            wire,
            sent_at: env.sent_at,
            deliver_at: env.deliver_at,
        });
        self.sent_total += 1;
    }

    pub(crate) fn on_command(
        &mut self,
        spec: Option<&crate::commands::CommandSpec>,
        args: &[Vec<u8>],
    ) {
        let Some(spec) = spec else {
            return;
        };
        if let Some(key) = spec.keys_of(args).first().and_then(|&i| args.get(i)) {
            self.slot_hits[usize::from(crate::slot::key_hash_slot(key))] += 1;
        }
    }

    /// Messages sent with `id >= from`, oldest first (only the last
    /// [`SENT_LOG_CAPACITY`] are kept).
    pub fn sent_since(&self, from: u64) -> impl Iterator<Item = &SentMessage> {
        let skip = from.saturating_sub(self.sent.front().map_or(0, |m| m.id));
        self.sent.iter().skip(skip as usize)
    }

    /// How many messages were ever sent.
    pub fn sent_total(&self) -> u64 {
        self.sent_total
    }

    /// Commands addressed to a key of each slot, since the world started.
    pub fn slot_hits(&self) -> &[u32] {
        &self.slot_hits
    }

    /// How many queue items (deliveries, cron ticks, timers) the world has processed; with
    /// the clock, it pins down exactly when an input happened, for replays.
    pub fn steps(&self) -> u64 {
        self.steps
    }
}
