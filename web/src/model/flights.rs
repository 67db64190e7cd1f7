//! Messages drawn in flight. Bus latency is a few milliseconds of simulated time, far too
//! short to see, so each message is drawn for at least `MIN_FLIGHT_MS` of wall time; when
//! too many are on screen, routine PING/PONG are left out first.

use std::collections::VecDeque;

use clusterlab_core::world::Wire;
use clusterlab_core::{NodeIdx, World};

/// Shortest time a message stays visible, in wall-clock milliseconds.
pub const MIN_FLIGHT_MS: f64 = 700.0;
/// Most messages on screen at once.
pub const MAX_FLIGHTS: usize = 48;

#[derive(Clone, Debug, PartialEq)]
pub struct Flight {
    pub id: u64,
    pub from: NodeIdx,
    pub to: NodeIdx,
    pub wire: Wire,
    /// Wall-clock time (ms) the drawing starts, and how long it lasts.
    pub start: f64,
    pub duration: f64,
}

impl Flight {
    /// How far along its path the message is, 0 to 1.
    pub fn progress(&self, now: f64) -> f64 {
        ((now - self.start) / self.duration).clamp(0.0, 1.0)
    }
}

/// The messages being drawn, fed from the world's sent-message record.
#[derive(Clone, Debug, Default)]
pub struct Flights {
    list: VecDeque<Flight>,
    next: u64,
    /// Messages skipped because the screen was full (shown as a count).
    pub skipped: u64,
}

impl Flights {
    /// Starts drawing every message sent since the last call. `speed` converts simulated
    /// latency into wall time; `heartbeats` says whether PING/PONG are shown at all.
    pub fn ingest(&mut self, world: &World, now: f64, speed: f64, heartbeats: bool) {
        let obs = world.observer();
        for m in obs.sent_since(self.next) {
            if m.wire.is_heartbeat() && (!heartbeats || self.list.len() >= MAX_FLIGHTS / 2) {
                continue;
            }
            if self.list.len() >= MAX_FLIGHTS {
                self.skipped += 1;
                continue;
            }
            let latency = m.deliver_at.since(m.sent_at) as f64 / speed.max(0.001);
            self.list.push_back(Flight {
                id: m.id,
                from: m.from,
                to: m.to,
                wire: m.wire,
                start: now,
                duration: latency.max(MIN_FLIGHT_MS),
            });
        }
        self.next = obs.sent_total();
        self.list.retain(|f| f.start + f.duration > now);
    }

    /// Skips messages sent so far without drawing them (after a replay).
    pub fn skip_to(&mut self, world: &World) {
        self.list.clear();
        self.next = world.observer().sent_total();
    }

    pub fn iter(&self) -> impl Iterator<Item = &Flight> {
        self.list.iter()
    }
}

/// The colour class of a message type.
pub fn wire_class(w: Wire) -> &'static str {
    use clusterlab_core::bus::MessageType as T;
    match w {
        Wire::Bus(T::Ping) => "w-ping",
        Wire::Bus(T::Pong) => "w-pong",
        Wire::Bus(T::Meet) => "w-meet",
        Wire::Bus(T::Fail) => "w-fail",
        Wire::Bus(T::FailoverAuthRequest) => "w-authreq",
        Wire::Bus(T::FailoverAuthAck) => "w-authack",
        Wire::Bus(T::Update) => "w-update",
        Wire::Replication => "w-repl",
        Wire::Migrate => "w-migrate",
        Wire::Bus(_) => "w-other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::console::Console;
    use clusterlab_core::{ClusterShape, SimDuration};

    #[test]
    fn heartbeats_can_be_hidden_and_flights_expire() {
        let mut c = Console::new(ClusterShape::default()).unwrap();
        let mut f = Flights::default();
        f.skip_to(c.world());
        c.world_mut().advance(SimDuration(1000));
        f.ingest(c.world(), 0.0, 1.0, false);
        assert!(f.iter().all(|x| !x.wire.is_heartbeat()), "PING/PONG hidden");
        assert!(
            f.iter().all(|x| x.wire == Wire::Replication),
            "a calm second: REPLCONF ACKs"
        );
        c.world_mut().advance(SimDuration(1000));
        f.ingest(c.world(), 0.0, 1.0, true);
        assert!(f.iter().count() > 0);
        assert!(f.iter().all(|x| x.duration >= MIN_FLIGHT_MS));
        f.ingest(c.world(), 10_000.0, 1.0, true);
        assert_eq!(f.iter().count(), 0);
    }
}
