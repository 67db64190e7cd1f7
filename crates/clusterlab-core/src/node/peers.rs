//! A node's own table of the cluster: what *this* node believes about every node it knows.

use crate::ip::IpText;
use crate::name::NodeName;
use crate::node::flags;
use crate::slot::SlotSet;
use crate::time::SimTime;

/// A handle into one node's peer table (myself is always `PeerRef(0)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeerRef(pub u32);

/// A bus connection: my outbound one to a peer, or its outbound one to me.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub id: crate::node::LinkId,
    pub created: SimTime,
}

/// What a node knows about one node of the cluster (`clusterNode` in Redis).
#[derive(Clone, Debug)]
pub struct Peer {
    pub name: NodeName,
    pub ip: IpText,
    pub port: u16,
    pub cport: u16,
    pub flags: u16,
    /// The master's name, for replicas (set through `PeerTable::set_master`).
    pub master: Option<NodeName>,
    pub config_epoch: u64,
    /// The slots this node owns in my table (kept in step with `Node::slot_owner`).
    /// Shared copy-on-write: every node's view of a master ends up sharing the bitmap that
    /// master advertises, so a 1000-node world does not hold a million 2 KB copies.
    pub slots: std::sync::Arc<SlotSet>,
    /// `slots.count()`, kept by `Node::bind_slot`/`unbind_slot` (Redis's `numslots`).
    pub(crate) slot_count: u32,
    /// Bumped whenever `slots` changes, so a claim already compared need not be again.
    pub(crate) slots_version: u64,
    /// The last slot bitmap this node advertised to me, the peer (it or its master) and
    /// `slots_version` it was compared against, and the result.
    pub(crate) last_claim: Option<(std::sync::Arc<SlotSet>, PeerRef, u64, bool)>,
    /// When I sent it a ping still waiting for a pong.
    pub ping_sent: Option<SimTime>,
    /// When I last got a pong from it (or adopted a newer time from gossip).
    pub pong_received: Option<SimTime>,
    /// When any packet from it last arrived.
    pub data_received: Option<SimTime>,
    /// When I created this entry (handshake timeout).
    pub ctime: SimTime,
    /// My outbound link to it, if I have one.
    pub link: Option<Link>,
    /// Its link to me, once a packet on that connection named it (`inbound_link`), with
    /// its id on the sender's side and when that first packet arrived.
    pub inbound: Option<Link>,
    /// The id of the last link I opened to it (to keep the link map small).
    pub(crate) last_link_id: Option<crate::node::LinkId>,
    /// Its replication offset as last seen in a header.
    pub repl_offset: u64,
    /// Failure reports: (reporting master, time).
    pub fail_reports: Vec<(NodeName, SimTime)>,
    pub fail_time: Option<SimTime>,
    /// When I last voted for a replica of this master (`voted_time`).
    pub voted_time: Option<SimTime>,
    /// Since when this master has had no working replica (replica migration).
    pub orphaned_since: Option<SimTime>,
    /// My entries that name this node as their master, in the order they were attached
    /// (Redis's `slaves` array); kept by `PeerTable::set_master`.
    pub(crate) replicas: Vec<PeerRef>,
}

impl Peer {
    pub fn new(name: NodeName, flags: u16, now: SimTime) -> Peer {
        Peer {
            name,
            ip: IpText::EMPTY,
            port: 0,
            cport: 0,
            flags,
            master: None,
            config_epoch: 0,
            slots: SlotSet::shared_empty(),
            slot_count: 0,
            slots_version: 0,
            last_claim: None,
            ping_sent: None,
            pong_received: None,
            data_received: None,
            ctime: now,
            link: None,
            inbound: None,
            last_link_id: None,
            repl_offset: 0,
            fail_reports: Vec::new(),
            fail_time: None,
            voted_time: None,
            orphaned_since: None,
            replicas: Vec::new(),
        }
    }

    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    pub fn is_master(&self) -> bool {
        self.has(flags::MASTER)
    }

    pub fn is_replica(&self) -> bool {
        self.has(flags::SLAVE)
    }

    pub fn in_handshake(&self) -> bool {
        self.has(flags::HANDSHAKE)
    }

    pub fn is_failing(&self) -> bool {
        self.has(flags::PFAIL | flags::FAIL)
    }

    pub fn num_slots(&self) -> usize {
        self.slot_count as usize
    }

    /// Forgets what the previous life of my process knew about this node's connections,
    /// pings and reports (its identity, role and slots stay, as in nodes.conf).
    pub(crate) fn restart(&mut self, now: SimTime, myself: bool) {
        self.link = None;
        self.ping_sent = None;
        self.pong_received = self.pong_received.map(|_| now);
        self.data_received = None;
        self.fail_reports.clear();
        self.voted_time = None;
        self.orphaned_since = None;
        if !myself {
            self.flags &= !flags::PFAIL;
        }
    }

    pub fn addr(&self) -> String {
        format!("{}:{}", self.ip, self.port)
    }
}

/// The peer table: a slab in discovery order plus a name index.
#[derive(Clone, Debug, Default)]
pub struct PeerTable {
    slab: Vec<Option<Peer>>,
    /// Bumped when entries come or go or a replica changes master.
    version: u64,
    by_name: crate::node::name_index::NameIndex,
}

impl PeerTable {
    /// Changes when entries come or go or a replica changes master.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Marks a change that cached derived figures must notice (a role or FAIL flag).
    pub fn touch(&mut self) {
        self.version += 1;
    }

    pub fn insert(&mut self, peer: Peer) -> PeerRef {
        self.version += 1;
        let r = PeerRef(self.slab.len() as u32);
        self.by_name.insert(peer.name, r);
        self.slab.push(Some(peer));
        r
    }

    pub fn remove(&mut self, r: PeerRef) -> Option<Peer> {
        self.version += 1;
        self.set_master(r, None);
        let peer = self.slab.get_mut(r.0 as usize)?.take()?;
        self.by_name.remove(&peer.name);
        // Its replicas no longer know their master (`freeClusterNode`).
        for x in &peer.replicas {
            if let Some(rep) = self.slab.get_mut(x.0 as usize).and_then(Option::as_mut) {
                rep.master = None;
            }
        }
        Some(peer)
    }

    /// Sets (or clears) the master of `r`, keeping the masters' replica lists in step.
    pub fn set_master(&mut self, r: PeerRef, master: Option<NodeName>) {
        let Some(p) = self.slab.get_mut(r.0 as usize).and_then(Option::as_mut) else {
            return;
        };
        let old = std::mem::replace(&mut p.master, master);
        if old == master {
            return;
        }
        self.version += 1;
        if let Some(m) = old
            .and_then(|o| self.lookup(&o))
            .and_then(|m| self.get_mut(m))
        {
            m.replicas.retain(|x| *x != r);
        }
        if let Some(m) = master
            .and_then(|n| self.lookup(&n))
            .and_then(|m| self.get_mut(m))
        {
            m.replicas.push(r);
        }
    }

    pub fn lookup(&self, name: &NodeName) -> Option<PeerRef> {
        self.by_name.get(name)
    }

    pub fn get(&self, r: PeerRef) -> Option<&Peer> {
        self.slab.get(r.0 as usize).and_then(Option::as_ref)
    }

    pub fn get_mut(&mut self, r: PeerRef) -> Option<&mut Peer> {
        self.slab.get_mut(r.0 as usize).and_then(Option::as_mut)
    }

    pub fn by_name(&self, name: &NodeName) -> Option<&Peer> {
        self.lookup(name).and_then(|r| self.get(r))
    }

    /// Renames an entry (a handshake node learning the real ID).
    pub fn rename(&mut self, r: PeerRef, name: NodeName) {
        if let Some(p) = self.slab.get_mut(r.0 as usize).and_then(Option::as_mut) {
            let old = std::mem::replace(&mut p.name, name);
            let replicas = p.replicas.clone();
            self.by_name.remove(&old);
            self.by_name.insert(name, r);
            for x in replicas {
                if let Some(rep) = self.slab.get_mut(x.0 as usize).and_then(Option::as_mut) {
                    rep.master = Some(name);
                }
            }
        }
    }

    /// Live entries in discovery order.
    pub fn iter(&self) -> impl Iterator<Item = (PeerRef, &Peer)> {
        self.slab
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.as_ref().map(|p| (PeerRef(i as u32), p)))
    }

    /// Every slot of the table, including freed ones (`get` returns `None` for those);
    /// it borrows nothing, so callers may change the table while iterating.
    pub fn refs(&self) -> impl Iterator<Item = PeerRef> {
        (0..self.slab.len() as u32).map(PeerRef)
    }

    /// How many slots the table has (live or freed).
    pub fn capacity(&self) -> usize {
        self.slab.len()
    }

    /// Live replicas of `master`, without allocating.
    pub fn replica_refs<'a>(&'a self, master: &NodeName) -> impl Iterator<Item = PeerRef> + 'a {
        self.by_name(master)
            .into_iter()
            .flat_map(|m| m.replicas.iter().copied())
            .filter(|&r| self.get(r).is_some_and(Peer::is_replica))
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Replicas of `master` in my table, in discovery order.
    pub fn replicas_of(&self, master: &NodeName) -> Vec<PeerRef> {
        self.replica_refs(master).collect()
    }
}
