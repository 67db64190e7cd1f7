//! The slot map: all 16384 slots as one node sees their owners, open (migrating or
//! importing) slots, and two heat measures, keys and hits per slot.

use clusterlab_core::types::vec_map::VecMap;

use clusterlab_core::client::slot_cache::owners_now;
use clusterlab_core::console::Console;
use clusterlab_core::{NodeIdx, Slot, World, SLOTS};

use super::topology::{names, Layout};

/// What the slot map colours by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heat {
    /// The owning shard, as the viewing node believes.
    Owner,
    /// Keys stored per slot (on the masters).
    Keys,
    /// Commands addressed to a key of the slot.
    Hits,
}

/// The owner of every slot as `viewer` sees it, as a shard index of `layout`.
pub fn owners(world: &World, viewer: NodeIdx, layout: &Layout) -> Vec<Option<u16>> {
    let names = names(world);
    let node = world.node(viewer);
    let mut out = vec![None; SLOTS];
    for (start, end, owner) in node.slot_table().runs() {
        let shard = node
            .peers()
            .get(owner)
            .and_then(|p| names.get(&p.name))
            .and_then(|idx| layout.shard_of(*idx))
            .map(|s| s as u16);
        for s in start..=end {
            out[usize::from(s)] = shard;
        }
    }
    out
}

/// Keys per slot, counted on the nodes that consider themselves masters.
pub fn keys_per_slot(world: &World) -> Vec<u32> {
    let mut out = vec![0u32; SLOTS];
    for p in world.processes() {
        if p.node.is_master() && p.is_running() {
            for (slot, n) in p.node.keyspace().slots_with_keys() {
                out[usize::from(slot)] += n as u32;
            }
        }
    }
    out
}

/// Slots some running node has in MIGRATING or IMPORTING state.
pub fn open_slots(world: &World) -> (VecMap<Slot, ()>, VecMap<Slot, ()>) {
    let (mut migrating, mut importing) = (VecMap::new(), VecMap::new());
    for p in world.processes().iter().filter(|p| p.is_running()) {
        for s in p.node.migrating().keys() {
            migrating.insert(*s, ());
        }
        for s in p.node.importing().keys() {
            importing.insert(*s, ());
        }
    }
    (migrating, importing)
}

/// Per slot, whether the smart client's cached map names another node than the one
/// serving it now (all false without a smart client).
pub fn stale_slots(console: &Console) -> Vec<bool> {
    let Some(cache) = console.cli().slot_cache() else {
        return Vec::new();
    };
    owners_now(console.world())
        .iter()
        .enumerate()
        .map(|(slot, now)| cache.owner(slot as Slot) != *now)
        .collect()
}

/// A slot from a position on the 128 × 128 grid (row-major).
pub fn slot_at(col: u32, row: u32) -> Option<Slot> {
    (col < 128 && row < 128).then(|| (row * 128 + col) as Slot)
}

/// A stable, readable colour per shard (golden-angle hues).
pub fn shard_rgb(shard: u16) -> [u8; 3] {
    let hue = (f64::from(shard) * 137.508 + 200.0) % 360.0;
    hsl_to_rgb(hue, 0.62, 0.52)
}

/// Heat colour for `value` on a log scale up to `max`.
pub fn heat_rgb(value: u32, max: u32) -> [u8; 3] {
    if value == 0 || max == 0 {
        return [60, 64, 72];
    }
    let t = (f64::from(value).ln_1p() / f64::from(max).ln_1p()).clamp(0.0, 1.0);
    hsl_to_rgb(50.0 - 50.0 * t, 0.9, 0.35 + 0.25 * t)
}

fn hsl_to_rgb(h: f64, s: f64, l: f64) -> [u8; 3] {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [
        ((r + m) * 255.0).round() as u8,
        ((g + m) * 255.0).round() as u8,
        ((b + m) * 255.0).round() as u8,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::console::Console;
    use clusterlab_core::{key_hash_slot, ClusterShape};

    #[test]
    fn every_slot_has_an_owner_and_keys_land_in_their_slot() {
        let mut c = Console::new(ClusterShape::default()).unwrap();
        let layout = Layout::of(c.world());
        let owners = owners(c.world(), NodeIdx(0), &layout);
        assert!(owners.iter().all(Option::is_some));
        assert_eq!(owners[0], Some(0));
        assert_eq!(owners[16383], Some(2));
        c.run_line("set mykey myvalue");
        assert_eq!(key_hash_slot(b"mykey"), 14687);
        assert_eq!(keys_per_slot(c.world())[14687], 1);
        assert_eq!(
            c.world().observer().slot_hits()[14687],
            2,
            "MOVED, then the retry"
        );
        assert_eq!(slot_at(127, 114), Some(14719));
        assert_eq!(slot_at(128, 0), None);
    }
}
