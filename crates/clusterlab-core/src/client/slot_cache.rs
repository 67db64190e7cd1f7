//! The slot map a smart cluster client keeps (as Jedis, Lettuce or redis-py do): loaded
//! with CLUSTER SLOTS, patched by MOVED, reloaded when it proves stale. Never by ASK,
//! which is about one command during a migration, not about who owns the slot.

use crate::types::vec_map::VecMap;

use crate::reply::Reply;
use crate::slot::{Slot, SLOTS};
use crate::time::SimTime;
use crate::world::World;

/// A cached map of slot → the port of the master serving it (0: unknown).
#[derive(Clone, Debug)]
pub struct SlotCache {
    owners: Vec<u16>,
    /// The address CLUSTER SLOTS gave for each port.
    hosts: VecMap<u16, String>,
    /// Where and when the map was last loaded with CLUSTER SLOTS.
    pub loaded_from: u16,
    pub loaded_at: SimTime,
    /// How many times it was loaded (the first load included).
    pub loads: u32,
}

/// One run of slots with the same cached owner and the same owner now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheRun {
    pub first: Slot,
    pub last: Slot,
    pub cached: Option<u16>,
    pub now: Option<u16>,
}

impl SlotCache {
    /// Reads a CLUSTER SLOTS reply (`[start, end, [ip, port, id, …], replicas…]…`).
    pub fn from_cluster_slots(reply: &Reply, from: u16, at: SimTime) -> Option<SlotCache> {
        let Reply::Array(Some(entries)) = reply else {
            return None;
        };
        let mut owners = vec![0u16; SLOTS];
        let mut hosts = VecMap::new();
        for entry in entries {
            let Reply::Array(Some(parts)) = entry else {
                return None;
            };
            let (Some(Reply::Integer(start)), Some(Reply::Integer(end))) =
                (parts.first(), parts.get(1))
            else {
                return None;
            };
            let Some(Reply::Array(Some(master))) = parts.get(2) else {
                return None;
            };
            let Some(Reply::Integer(port)) = master.get(1) else {
                return None;
            };
            let port = u16::try_from(*port).ok()?;
            if let Some(Reply::Bulk(Some(ip))) = master.first() {
                hosts.insert(port, String::from_utf8_lossy(ip).into_owned());
            }
            let (start, end) = (usize::try_from(*start).ok()?, usize::try_from(*end).ok()?);
            for owner in owners.get_mut(start..=end)? {
                *owner = port;
            }
        }
        Some(SlotCache {
            owners,
            hosts,
            loaded_from: from,
            loaded_at: at,
            loads: 1,
        })
    }

    /// The port the map sends `slot` to, if it knows one.
    pub fn owner(&self, slot: Slot) -> Option<u16> {
        Some(self.owners[usize::from(slot)]).filter(|&p| p != 0)
    }

    /// The address the map has for `port` (`fallback` if CLUSTER SLOTS gave none).
    pub fn host<'a>(&'a self, port: u16, fallback: &'a str) -> &'a str {
        self.hosts
            .get(&port)
            .map(String::as_str)
            .filter(|h| !h.is_empty())
            .unwrap_or(fallback)
    }

    /// Every master port the map knows, ascending.
    pub fn ports(&self) -> Vec<u16> {
        self.hosts.keys().copied().collect()
    }

    /// Records what a MOVED reply said about one slot.
    pub fn patch(&mut self, slot: Slot, host: &str, port: u16) {
        self.hosts.entry(port).or_insert_with(|| host.to_string());
        self.owners[usize::from(slot)] = port;
    }

    /// Takes a newly loaded map, keeping the count of loads.
    pub fn replace(&mut self, newer: SlotCache) {
        let loads = self.loads + 1;
        *self = newer;
        self.loads = loads;
    }

    /// How many ranges and distinct masters the map holds.
    pub fn shape(&self) -> (usize, usize) {
        let runs = self.compare(&vec![None; SLOTS]);
        let mut masters: Vec<u16> = runs.iter().filter_map(|r| r.cached).collect();
        crate::order::sort(&mut masters);
        masters.dedup();
        (
            runs.iter().filter(|r| r.cached.is_some()).count(),
            masters.len(),
        )
    }

    /// The map beside `now` (one owner per slot), in runs.
    pub fn compare(&self, now: &[Option<u16>]) -> Vec<CacheRun> {
        let mut runs: Vec<CacheRun> = Vec::new();
        for (slot, &owner) in now.iter().enumerate().take(SLOTS) {
            let cached = self.owner(slot as Slot);
            match runs.last_mut() {
                Some(r) if r.cached == cached && r.now == owner => r.last = slot as Slot,
                _ => runs.push(CacheRun {
                    first: slot as Slot,
                    last: slot as Slot,
                    cached,
                    now: owner,
                }),
            }
        }
        runs
    }
}

impl SlotCache {
    /// The map beside who serves each slot now, for `.slotmap`.
    pub fn report(&self, world: &World, fallback_host: &str) -> String {
        let addr = |p: Option<u16>| {
            p.map_or("(none)".to_string(), |p| {
                format!("{}:{p}", self.host(p, fallback_host))
            })
        };
        let mut s = format!(
            "slot map loaded from {} at {} (loaded {} time{})\n",
            addr(Some(self.loaded_from)),
            self.loaded_at,
            self.loads,
            if self.loads == 1 { "" } else { "s" },
        );
        s.push_str(&format!(
            "{:<13} {:<16} {}\n",
            "slots", "cached", "served now by"
        ));
        let mut stale = 0;
        for run in self.compare(&owners_now(world)) {
            let slots = if run.first == run.last {
                run.first.to_string()
            } else {
                format!("{}-{}", run.first, run.last)
            };
            let mark = if run.cached == run.now {
                ""
            } else {
                stale += usize::from(run.last - run.first) + 1;
                "  STALE"
            };
            s.push_str(&format!(
                "{slots:<13} {:<16} {}{mark}\n",
                addr(run.cached),
                addr(run.now)
            ));
        }
        if stale == 0 {
            s.push_str("the map is up to date\n");
        } else {
            s.push_str(&format!(
                "{stale} slot{} stale: the next command for one of them gets MOVED, and the map is reloaded\n",
                if stale == 1 { "" } else { "s" }
            ));
        }
        s
    }
}

/// Who serves each slot now: the running master that claims it in its own table (the
/// highest configEpoch wins if two do, as the cluster will settle it).
pub fn owners_now(world: &World) -> Vec<Option<u16>> {
    let mut owners: Vec<Option<(u64, u16)>> = vec![None; SLOTS];
    for p in world.processes() {
        if !world.is_running(p.port) || !p.node.is_master() {
            continue;
        }
        let epoch = p.node.my_epoch();
        for slot in p.node.myself().slots.iter() {
            let o = &mut owners[usize::from(slot)];
            if o.is_none_or(|(e, _)| epoch > e) {
                *o = Some((epoch, p.port));
            }
        }
    }
    owners
        .into_iter()
        .map(|o| o.map(|(_, port)| port))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(start: i64, end: i64, port: i64) -> Reply {
        Reply::array(vec![
            Reply::int(start),
            Reply::int(end),
            Reply::array(vec![Reply::bulk("127.0.0.1"), Reply::int(port)]),
        ])
    }

    #[test]
    fn loads_patches_and_compares() {
        let reply = Reply::array(vec![entry(0, 9, 7001), entry(10, 16383, 7002)]);
        let mut cache = SlotCache::from_cluster_slots(&reply, 7001, SimTime(5)).unwrap();
        assert_eq!(cache.owner(9), Some(7001));
        assert_eq!(cache.shape(), (2, 2));
        cache.patch(9, "127.0.0.1", 7002);
        assert_eq!(cache.host(7002, "x"), "127.0.0.1");
        let mut now = vec![Some(7002); SLOTS];
        now[0] = Some(7001);
        let runs = cache.compare(&now);
        assert_eq!(runs.len(), 3);
        assert_eq!((runs[1].first, runs[1].last), (1, 8));
        assert_eq!((runs[1].cached, runs[1].now), (Some(7001), Some(7002)));
        assert!(SlotCache::from_cluster_slots(&Reply::err("ERR"), 7001, SimTime(0)).is_none());
        let bad = Reply::array(vec![entry(0, 99_999, 7001)]);
        assert!(SlotCache::from_cluster_slots(&bad, 7001, SimTime(0)).is_none());
    }
}
