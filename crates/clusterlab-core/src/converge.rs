//! Convergence: whether every node's own table agrees with every other's (roles, masters,
//! slots, epochs, state) and every replica has synced. Observers use it (the console waits
//! for it after a create, tests check it); it reads the nodes directly and changes nothing.

use crate::node::flags;
use crate::time::SimDuration;
use crate::world::World;

/// Whether the nodes on `ports` agree on who owns which slots (redis-cli's signature).
pub fn ports_agree(world: &World, ports: &[u16]) -> bool {
    let sig = |port: u16| {
        world.by_port(port).map(|i| {
            let node = world.node(i);
            let mut v: Vec<_> = node
                .peers()
                .iter()
                .filter(|(_, p)| p.num_slots() > 0)
                .map(|(_, p)| (p.name, p.slots.ranges()))
                .collect();
            crate::order::sort(&mut v);
            v
        })
    };
    let first = sig(ports[0]);
    ports.iter().all(|&p| sig(p) == first)
}

/// Whether every node agrees on every node's role, master, slots and configEpoch, and
/// every replica has finished its first sync.
pub fn fully_converged(world: &World) -> bool {
    convergence_gap(world).is_none()
}

/// The first disagreement that keeps the cluster from being converged, in words.
pub fn convergence_gap(world: &World) -> Option<String> {
    gap(world, true)
}

/// Whether every node agrees on slot owners and epochs, reports `cluster_state:ok`, and
/// every replica synced, even if some nodes have not yet heard a replica announce its role
/// (in a large cluster that can take minutes, in Redis as here: roles travel only in a
/// node's own headers).
pub fn slots_converged(world: &World) -> bool {
    gap(world, false).is_none()
}

fn gap(world: &World, roles: bool) -> Option<String> {
    let procs = world.processes();
    for viewer in procs {
        let v = &viewer.node;
        if v.known_nodes() != procs.len() {
            return Some(format!(
                "{} knows {} of {} nodes",
                viewer.port,
                v.known_nodes(),
                procs.len()
            ));
        }
        if !v.state_ok() {
            return Some(format!("{} reports cluster_state:fail", viewer.port));
        }
        for subject in procs {
            let truth = subject.node.myself();
            let Some(seen) = v.peers().by_name(&truth.name) else {
                return Some(format!("{} does not know {}", viewer.port, subject.port));
            };
            let role = |f: u16| f & (flags::MASTER | flags::SLAVE);
            let truth_epoch = subject.node.my_epoch();
            let seen_epoch = match seen.master.and_then(|m| v.peers().by_name(&m)) {
                Some(m) if seen.is_replica() => m.config_epoch,
                _ => seen.config_epoch,
            };
            if roles && (role(seen.flags) != role(truth.flags) || seen.master != truth.master) {
                return Some(format!(
                    "{} has the wrong role or master for {}",
                    viewer.port, subject.port
                ));
            }
            let epoch_matters = roles || truth.is_master();
            if seen.slots != truth.slots || (epoch_matters && seen_epoch != truth_epoch) {
                return Some(format!(
                    "{} has stale slots or epoch for {}",
                    viewer.port, subject.port
                ));
            }
            if seen.has(flags::HANDSHAKE) {
                return Some(format!(
                    "{} is still in a handshake with {}",
                    viewer.port, subject.port
                ));
            }
        }
        if v.myself().is_replica() && !v.replication().link_up() {
            return Some(format!("{} has not finished its first sync", viewer.port));
        }
    }
    None
}

/// Advances until [`fully_converged`], at most `limit`; returns whether it converged.
pub fn wait_converged(world: &mut World, limit: SimDuration) -> bool {
    wait_for(world, limit, fully_converged)
}

/// Advances until `done` holds, at most `limit`; large clusters are checked once a second.
pub fn wait_for(world: &mut World, limit: SimDuration, done: fn(&World) -> bool) -> bool {
    let deadline = world.now() + limit;
    let step = if world.processes().len() > 20 {
        1000
    } else {
        100
    };
    while world.now() < deadline {
        if done(world) {
            return true;
        }
        world.advance(SimDuration(step));
    }
    done(world)
}
