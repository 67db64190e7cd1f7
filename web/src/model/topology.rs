//! What the topology view shows: nodes grouped by shard in a layout fixed at creation
//! (so cards never jump), and each node's state as it sees itself and as the others see it.

use clusterlab_core::types::vec_map::VecMap;

use clusterlab_core::node::flags;
use clusterlab_core::slot::{format_ranges, RangeStyle};
use clusterlab_core::{NodeIdx, NodeName, ProcessState, World};

/// Shards in creation order: each is its master, then its replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub shards: Vec<Vec<NodeIdx>>,
}

impl Layout {
    /// Adds processes started after the layout was made (`.start PORT`), each as a shard
    /// of its own: a new node is an empty master until told otherwise.
    pub fn include_new(&mut self, world: &World) {
        let known: usize = self.shards.iter().map(Vec::len).sum();
        for p in world.processes().iter().skip(known) {
            self.shards.push(vec![p.node.idx()]);
        }
    }

    /// Groups nodes by the master each replica follows, masters in port order.
    pub fn of(world: &World) -> Layout {
        let names = names(world);
        let mut shards: Vec<Vec<NodeIdx>> = Vec::new();
        let mut shard_of: VecMap<NodeIdx, usize> = VecMap::new();
        for p in world.processes() {
            if p.node.is_master() {
                shard_of.insert(p.node.idx(), shards.len());
                shards.push(vec![p.node.idx()]);
            }
        }
        for p in world.processes() {
            if p.node.is_master() {
                continue;
            }
            let master = p.node.myself().master.and_then(|m| names.get(&m).copied());
            match master.and_then(|m| shard_of.get(&m).copied()) {
                Some(s) => shards[s].push(p.node.idx()),
                None => shards.push(vec![p.node.idx()]),
            }
        }
        Layout { shards }
    }

    /// The shard a node was placed in.
    pub fn shard_of(&self, idx: NodeIdx) -> Option<usize> {
        self.shards.iter().position(|s| s.contains(&idx))
    }
}

/// Node names to simulation indices.
pub fn names(world: &World) -> VecMap<NodeName, NodeIdx> {
    // A sorted vector, not a B-tree: one less map compiled into the page.
    let mut names = VecMap::new();
    for p in world.processes() {
        names.insert(p.node.name(), p.node.idx());
    }
    names
}

/// How the process itself is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Process {
    Running,
    Paused,
    Killed,
}

/// One card of the topology view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    pub idx: NodeIdx,
    pub port: u16,
    pub id: String,
    pub master: bool,
    /// For a replica: its master's port.
    pub replica_of: Option<u16>,
    pub config_epoch: u64,
    pub slots: String,
    pub keys: usize,
    pub offset: u64,
    pub process: Process,
    /// Its own `cluster_state`.
    pub state_ok: bool,
    /// How many running nodes see it as ok, `fail?` (PFAIL) and `fail`.
    pub seen_ok: usize,
    pub seen_pfail: usize,
    pub seen_fail: usize,
}

impl Card {
    /// One short phrase for the state, as a badge shows it.
    pub fn badge(&self) -> &'static str {
        match self.process {
            Process::Killed => "killed",
            Process::Paused => "paused",
            Process::Running if self.seen_fail > 0 => "fail",
            Process::Running if self.seen_pfail > 0 => "fail?",
            Process::Running => "ok",
        }
    }
}

pub fn card(world: &World, idx: NodeIdx) -> Card {
    let proc_ = &world.processes()[idx.index()];
    let node = &proc_.node;
    let me = node.myself();
    let replica_of = node.master_port();
    let (mut seen_ok, mut seen_pfail, mut seen_fail) = (0, 0, 0);
    for other in world.processes() {
        if other.node.idx() == idx || !other.is_running() {
            continue;
        }
        match other.node.peers().by_name(&me.name) {
            Some(p) if p.has(flags::FAIL) => seen_fail += 1,
            Some(p) if p.has(flags::PFAIL) => seen_pfail += 1,
            Some(_) => seen_ok += 1,
            None => {}
        }
    }
    Card {
        idx,
        port: proc_.port,
        id: me.name.to_string(),
        master: !me.has(flags::SLAVE),
        replica_of,
        config_epoch: node.my_epoch(),
        slots: format_ranges(&me.slots.ranges(), RangeStyle::Spaces),
        keys: node.keyspace().len(),
        offset: node.replication().offset,
        process: match proc_.state {
            ProcessState::Running => Process::Running,
            ProcessState::Paused { .. } => Process::Paused,
            ProcessState::Killed => Process::Killed,
        },
        state_ok: node.state_ok(),
        seen_ok,
        seen_pfail,
        seen_fail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::{console::Console, ClusterShape, Fault, SimDuration};

    #[test]
    fn shards_follow_replication_and_a_killed_master_is_seen_failing() {
        let mut c = Console::new(ClusterShape::default()).unwrap();
        let layout = Layout::of(c.world());
        assert_eq!(layout.shards.len(), 3);
        assert!(layout.shards.iter().all(|s| s.len() == 2));
        let master = layout.shards[2][0];
        let port = c.world().processes()[master.index()].port;
        c.world_mut().apply(Fault::Kill(port)).unwrap();
        c.world_mut().advance(SimDuration(20_000));
        let card = card(c.world(), master);
        assert_eq!(card.badge(), "killed");
        assert_eq!(card.seen_fail, 5);
        let promoted = super::card(c.world(), layout.shards[2][1]);
        assert!(promoted.master);
        assert!(promoted.slots.contains("10923-16383"));
    }

    #[test]
    fn a_started_node_gets_a_shard_of_its_own() {
        let mut c = Console::new(ClusterShape::default()).unwrap();
        let mut layout = Layout::of(c.world());
        c.run_line(".start 7007");
        layout.include_new(c.world());
        assert_eq!(layout.shards.len(), 4);
        assert_eq!(layout.shards[3].len(), 1);
        let card = card(c.world(), layout.shards[3][0]);
        assert!(card.master);
        layout.include_new(c.world());
        assert_eq!(layout.shards.len(), 4, "nothing new the second time");
    }
}
