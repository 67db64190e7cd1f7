//! The event log's helpers: bookmarks for the moments learners look for, filters, and the
//! nodes an event concerns (for highlighting).

use std::collections::VecDeque;

use clusterlab_core::event::{Mention, Redirect};
use clusterlab_core::{Event, EventCategory, EventKind, NodeIdx, World};

/// The moments worth jumping to, in the order the timeline shows them.
pub const BOOKMARKS: [Bookmark; 6] = [
    Bookmark::FirstPfail,
    Bookmark::Fail,
    Bookmark::Election,
    Bookmark::Promotion,
    Bookmark::FirstAsk,
    Bookmark::FirstLostWrite,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bookmark {
    FirstPfail,
    Fail,
    Election,
    Promotion,
    FirstAsk,
    FirstLostWrite,
}

impl Bookmark {
    pub fn label(self) -> &'static str {
        match self {
            Bookmark::FirstPfail => "first PFAIL",
            Bookmark::Fail => "FAIL",
            Bookmark::Election => "election",
            Bookmark::Promotion => "promotion",
            Bookmark::FirstAsk => "first ASK",
            Bookmark::FirstLostWrite => "first lost write",
        }
    }

    pub fn matches(self, e: &Event) -> bool {
        match self {
            Bookmark::FirstPfail => matches!(e.kind, EventKind::PossiblyFailing { .. }),
            Bookmark::Fail => matches!(e.kind, EventKind::MarkedFailing { .. }),
            Bookmark::Election => matches!(
                e.kind,
                EventKind::ElectionDelayed { .. } | EventKind::ElectionStarted { .. }
            ),
            Bookmark::Promotion => matches!(e.kind, EventKind::BecameMaster { .. }),
            Bookmark::FirstAsk => matches!(
                e.kind,
                EventKind::Redirected {
                    error: Redirect::Ask { .. },
                    ..
                }
            ),
            Bookmark::FirstLostWrite => matches!(e.kind, EventKind::LostWrite { .. }),
        }
    }
}

/// Where each bookmark is, found incrementally: each call looks only at new events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookmarkIndex {
    found: [Option<u64>; BOOKMARKS.len()],
    scanned: u64,
}

impl BookmarkIndex {
    pub fn update(&mut self, world: &World) {
        let fresh = world.events().skip_while(|e| e.seq < self.scanned);
        for e in fresh {
            for (i, b) in BOOKMARKS.iter().enumerate() {
                if self.found[i].is_none() && b.matches(e) {
                    self.found[i] = Some(e.seq);
                }
            }
        }
        self.scanned = world.events_logged();
    }

    pub fn get(&self, b: Bookmark) -> Option<u64> {
        BOOKMARKS
            .iter()
            .position(|x| *x == b)
            .and_then(|i| self.found[i])
    }
}

/// Every category, for the filter menu.
pub const CATEGORIES: [EventCategory; 10] = [
    EventCategory::Membership,
    EventCategory::Slots,
    EventCategory::Epoch,
    EventCategory::Replication,
    EventCategory::State,
    EventCategory::Failure,
    EventCategory::Election,
    EventCategory::LostWrite,
    EventCategory::Client,
    EventCategory::Fault,
];

pub fn category_name(c: EventCategory) -> &'static str {
    match c {
        EventCategory::Membership => "membership",
        EventCategory::Slots => "slots",
        EventCategory::Epoch => "epochs",
        EventCategory::Replication => "replication",
        EventCategory::State => "cluster state",
        EventCategory::Failure => "failure detection",
        EventCategory::Election => "elections",
        EventCategory::LostWrite => "lost writes",
        EventCategory::Client => "client redirects",
        EventCategory::Fault => "faults",
    }
}

/// The nodes an event is about: where it happened, and every node it names, by ID or by
/// client port.
pub fn concerned_nodes(world: &World, e: &Event) -> Vec<NodeIdx> {
    let mut out: Vec<NodeIdx> = e.node.into_iter().collect();
    for m in e.kind.mentions() {
        let idx = match m {
            Mention::Node(tag) => world
                .processes()
                .iter()
                .find(|p| p.node.name() == tag.name)
                .map(|p| p.node.idx())
                .or_else(|| world.by_port(tag.port)),
            Mention::Port(port) => world.by_port(port),
        };
        if let Some(idx) = idx.filter(|i| !out.contains(i)) {
            out.push(idx);
        }
    }
    out
}

/// Rows kept by a filtered view, and how far back a new filter looks.
pub const FILTERED_ROWS: usize = 200;
const FILTER_SCAN: usize = 20_000;

/// The newest events that pass a node and kind filter, oldest first, kept up to date as
/// events arrive: each refresh looks only at the events logged since the last one, unless
/// the filters changed or the run started again (then it looks back once).
#[derive(Clone, Debug, Default)]
pub struct FilteredEvents {
    rows: VecDeque<Event>,
    /// How many events had been logged at the last refresh, and for which filters.
    upto: u64,
    filters: Option<(Option<u16>, Option<EventCategory>)>,
}

impl FilteredEvents {
    /// Brings the rows up to date for these filters.
    pub fn refresh(&mut self, world: &World, node: Option<u16>, category: Option<EventCategory>) {
        let logged = world.events_logged();
        let key = (node, category);
        let fresh = self.filters != Some(key) || logged < self.upto;
        let new = if fresh {
            FILTER_SCAN
        } else {
            (logged - self.upto) as usize
        };
        let mut found: Vec<Event> = world
            .events()
            .rev()
            .take(new)
            .filter(|e| passes(world, e, node, category))
            .take(FILTERED_ROWS)
            .cloned()
            .collect();
        found.reverse();
        if fresh {
            self.rows.clear();
            self.filters = Some(key);
        }
        self.rows.extend(found);
        while self.rows.len() > FILTERED_ROWS {
            self.rows.pop_front();
        }
        self.upto = logged;
    }

    pub fn rows(&self) -> impl Iterator<Item = &Event> {
        self.rows.iter()
    }
}

/// Whether `e` passes a node filter (where it happened or a node it concerns) and a kind
/// filter.
pub fn passes(
    world: &World,
    e: &Event,
    node: Option<u16>,
    category: Option<EventCategory>,
) -> bool {
    if category.is_some_and(|c| e.kind.category() != c) {
        return false;
    }
    match node.and_then(|p| world.by_port(p)) {
        Some(idx) => e.node == Some(idx) || concerned_nodes(world, e).contains(&idx),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::{console::Console, ClusterShape, Fault, SimDuration};

    /// The first retained event matching the bookmark, by a full scan (what the index saves).
    fn find(world: &World, b: Bookmark) -> Option<u64> {
        world.events().find(|e| b.matches(e)).map(|e| e.seq)
    }

    #[test]
    fn a_failover_sets_the_failure_bookmarks_in_order() {
        let mut c = Console::new(ClusterShape::default()).unwrap();
        assert_eq!(find(c.world(), Bookmark::FirstPfail), None);
        c.world_mut().apply(Fault::Kill(7003)).unwrap();
        c.world_mut().advance(SimDuration(20_000));
        let at = |b| find(c.world(), b).unwrap_or_else(|| panic!("{b:?} not found"));
        assert!(at(Bookmark::FirstPfail) < at(Bookmark::Fail));
        assert!(at(Bookmark::Fail) < at(Bookmark::Election));
        assert!(at(Bookmark::Election) < at(Bookmark::Promotion));
        assert_eq!(find(c.world(), Bookmark::FirstAsk), None);
        let mut index = BookmarkIndex::default();
        index.update(c.world());
        for b in BOOKMARKS {
            assert_eq!(index.get(b), find(c.world(), b), "{b:?}");
        }
        let promotion = c
            .world()
            .events()
            .find(|e| e.seq == at(Bookmark::Promotion))
            .unwrap()
            .clone();
        let nodes = concerned_nodes(c.world(), &promotion);
        assert!(
            nodes.len() >= 2,
            "the promoted replica and the old master: {nodes:?}"
        );
    }

    #[test]
    fn a_filtered_view_keeps_up_with_new_events_and_starts_over_for_new_filters() {
        let mut c = Console::new(ClusterShape::default()).unwrap();
        let mut f = FilteredEvents::default();
        f.refresh(c.world(), None, Some(EventCategory::Failure));
        assert_eq!(f.rows().count(), 0);
        c.world_mut().apply(Fault::Kill(7003)).unwrap();
        c.world_mut().advance(SimDuration(20_000));
        f.refresh(c.world(), None, Some(EventCategory::Failure));
        let failures = c
            .world()
            .events()
            .filter(|e| e.kind.category() == EventCategory::Failure)
            .count();
        assert_eq!(f.rows().count(), failures.min(FILTERED_ROWS));
        assert!(f
            .rows()
            .all(|e| e.kind.category() == EventCategory::Failure));
        f.refresh(c.world(), Some(7005), None);
        assert!(f.rows().count() > 0);
        let w = c.world();
        let idx = w.by_port(7005).unwrap();
        assert!(f
            .rows()
            .all(|e| e.node == Some(idx) || concerned_nodes(w, e).contains(&idx)));
    }
}
