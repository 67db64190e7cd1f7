//! The network model: per-link latency with seeded jitter, FIFO delivery per direction
//! (TCP keeps order), and the envelopes the UI animates.

use crate::config::LatencyModel;
use crate::name::NodeIdx;
use crate::node::{Payload, Via};
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// A message in flight between two simulated processes.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    pub from: NodeIdx,
    pub to: NodeIdx,
    pub sent_at: SimTime,
    pub deliver_at: SimTime,
    pub via: Via,
    pub payload: Payload,
}

/// Which channel a message travels on (each is its own TCP connection, so its own order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Channel {
    Bus = 0,
    Replication = 1,
    Migrate = 2,
}

/// How many channels each ordered pair of processes has.
const CHANNELS: usize = 3;

/// Latency and ordering of every link.
#[derive(Clone, Debug)]
pub struct Network {
    latency: LatencyModel,
    rng: SimRng,
    /// Delivery time of the last message per (from, to, channel), flattened; sized for
    /// `procs` processes.
    last_delivery: Vec<SimTime>,
    procs: usize,
}

impl Network {
    pub fn new(latency: LatencyModel, rng: SimRng) -> Self {
        Network {
            latency,
            rng,
            last_delivery: Vec::new(),
            procs: 0,
        }
    }

    /// One draw of one-way latency.
    pub fn sample_latency(&mut self) -> SimDuration {
        let jitter = if self.latency.jitter_ms > 0 {
            self.rng.below(self.latency.jitter_ms + 1)
        } else {
            0
        };
        SimDuration(self.latency.base_ms + jitter)
    }

    fn resize(&mut self, procs: usize) {
        let mut grown = vec![SimTime::ZERO; procs * procs * CHANNELS];
        for from in 0..self.procs {
            for to in 0..self.procs {
                for c in 0..CHANNELS {
                    grown[(from * procs + to) * CHANNELS + c] =
                        self.last_delivery[(from * self.procs + to) * CHANNELS + c];
                }
            }
        }
        self.last_delivery = grown;
        self.procs = procs;
    }

    /// Wraps a payload into an envelope delivered after the link's latency, never before
    /// an earlier message on the same connection.
    pub fn send(
        &mut self,
        now: SimTime,
        from: NodeIdx,
        to: NodeIdx,
        via: Via,
        payload: Payload,
    ) -> Envelope {
        let channel = match payload {
            Payload::Bus(_) | Payload::Connect => Channel::Bus,
            Payload::Repl(_) => Channel::Replication,
            Payload::Migrate(_) => Channel::Migrate,
        };
        let mut deliver_at = now + self.sample_latency();
        let need = from.index().max(to.index()) + 1;
        if need > self.procs {
            self.resize(need.max(self.procs * 2));
        }
        let slot = (from.index() * self.procs + to.index()) * CHANNELS + channel as usize;
        let last = &mut self.last_delivery[slot];
        if deliver_at < *last {
            deliver_at = *last;
        }
        *last = deliver_at;
        Envelope {
            from,
            to,
            sent_at: now,
            deliver_at,
            via,
            payload,
        }
    }
}
