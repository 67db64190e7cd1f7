//! A stream's consumer groups: the last delivered ID, the read counter, the pending
//! entries list (PEL) of delivered but unacknowledged entries, and the consumers that
//! own them. Times are Unix milliseconds, as Redis keeps them.

use super::stream::StreamId;
use super::vec_map::VecMap;

type Bytes = Vec<u8>;

/// A pending entry: who has it, when it was last delivered, how many times.
#[derive(Clone, Debug, PartialEq)]
pub struct Nack {
    pub consumer: Bytes,
    pub delivered_at: u64,
    pub deliveries: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Consumer {
    pub seen_at: u64,
    /// The IDs it has pending (the values are the group's).
    pub pel: VecMap<StreamId, ()>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Group {
    pub last_id: StreamId,
    /// The logical read counter; -1 when it is not known (`SCG_INVALID_ENTRIES_READ`).
    pub entries_read: i64,
    pub pel: VecMap<StreamId, Nack>,
    pub consumers: VecMap<Bytes, Consumer>,
}

impl Group {
    pub fn new(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            ..Group::default()
        }
    }

    /// `streamLookupConsumer` (refreshing its seen time) or `streamCreateConsumer`;
    /// true when it was created.
    pub fn consumer(&mut self, name: &[u8], now: u64) -> bool {
        match self.consumers.get_mut(name) {
            Some(c) => {
                c.seen_at = now;
                false
            }
            None => {
                self.consumers.insert(
                    name.to_vec(),
                    Consumer {
                        seen_at: now,
                        pel: VecMap::default(),
                    },
                );
                true
            }
        }
    }

    /// Drops a pending entry from the group and its owner.
    pub fn unpend(&mut self, id: StreamId) -> Option<Nack> {
        let nack = self.pel.remove(&id)?;
        if let Some(c) = self.consumers.get_mut(&nack.consumer) {
            c.pel.remove(&id);
        }
        Some(nack)
    }

    /// Gives a pending entry (new or not) to `consumer`, delivered at `now`.
    pub fn deliver(&mut self, id: StreamId, consumer: &[u8], now: u64) {
        self.unpend(id);
        self.pel.insert(
            id,
            Nack {
                consumer: consumer.to_vec(),
                delivered_at: now,
                deliveries: 1,
            },
        );
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pel.insert(id, ());
        }
    }

    /// Moves an existing pending entry to `consumer` (XCLAIM, XAUTOCLAIM).
    pub fn reassign(&mut self, id: StreamId, consumer: &[u8]) {
        let Some(nack) = self.pel.get_mut(&id) else {
            return;
        };
        if nack.consumer != consumer {
            if let Some(c) = self.consumers.get_mut(&nack.consumer) {
                c.pel.remove(&id);
            }
            nack.consumer = consumer.to_vec();
        }
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pel.insert(id, ());
        }
    }

    /// `streamDelConsumer`: removes the consumer and its pending entries; how many
    /// it had.
    pub fn remove_consumer(&mut self, name: &[u8]) -> Option<usize> {
        let c = self.consumers.remove(name)?;
        for id in c.pel.keys() {
            self.pel.remove(id);
        }
        Some(c.pel.len())
    }
}
