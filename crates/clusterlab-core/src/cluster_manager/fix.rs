//! `.cluster-tool fix`: redis-cli's `clusterManagerFixOpenSlot` (cases 1 to 4) and
//! `clusterManagerFixSlotsCoverage`, with its text. Where redis-cli walks a hash table
//! (open slots, uncovered slots) we go in slot order, and "a random node" is the first
//! master: both are noted on the fidelity page.

use super::job::{MoveStyle, SlotMove, Task, ToolJob};
use super::load::{slot_set, ToolNode};
use super::reshard::{masters_of, PIPELINE};
use super::Tool;
use crate::reply::Reply;
use crate::slot::{format_ranges, RangeStyle};

/// What redis-cli prints before reading the user's answer; the console answers `yes`
/// itself and shows it, as a terminal would.
fn confirm(question: &str) -> String {
    format!("{question} (type 'yes' to accept): yes\n")
}

/// redis-cli's answer for the open-slot cases it does not handle.
fn unhandled(owner: &ToolNode, migrating: &str, importing: &str, out: &mut String) -> bool {
    out.push_str(&format!(
        "[ERR] Sorry, redis-cli can't fix this slot yet (work in progress). Slot is set as migrating in {migrating}, as importing in {importing}, owner is {}\n",
        owner.addr
    ));
    false
}

impl Tool<'_> {
    fn count_keys(&mut self, port: u16, slot: u16) -> i64 {
        match self.tool_call(port, &["CLUSTER", "COUNTKEYSINSLOT", &slot.to_string()]) {
            Some(Reply::Integer(n)) => n,
            _ => -1,
        }
    }

    /// Runs a command; on error, prints it as `clusterManagerCheckRedisReply` does.
    fn checked(&mut self, n: &ToolNode, args: &[&str], out: &mut String) -> bool {
        match self.tool_call(n.port, args) {
            Some(Reply::Error(e)) => {
                out.push_str(&format!("Node {} replied with error:\n{e}\n", n.addr));
                false
            }
            None => false,
            Some(_) => true,
        }
    }

    /// `clusterManagerSetSlotOwner`: DELSLOTS, ADDSLOTS, optionally STABLE, and BUMPEPOCH
    /// in one MULTI/EXEC.
    fn set_slot_owner(&mut self, owner: &ToolNode, slot: u16, clear: bool) -> bool {
        let Some(conn) = self.open(owner.port) else {
            return false;
        };
        let s = slot.to_string();
        let mut cmds: Vec<Vec<&str>> = vec![
            vec!["MULTI"],
            vec!["CLUSTER", "DELSLOTS", &s],
            vec!["CLUSTER", "ADDSLOTS", &s],
        ];
        if clear {
            cmds.push(vec!["CLUSTER", "SETSLOT", &s, "STABLE"]);
        }
        cmds.push(vec!["CLUSTER", "BUMPEPOCH"]);
        cmds.push(vec!["EXEC"]);
        let mut last = None;
        for c in cmds {
            let args: Vec<Vec<u8>> = c.iter().map(|a| a.as_bytes().to_vec()).collect();
            last = self.world.execute(conn, &args).ok();
        }
        self.world.disconnect(conn);
        // Only an ADDSLOTS error counts (`clusterManagerOnSetOwnerErr`).
        match last {
            Some(Reply::Array(Some(replies))) => !matches!(replies.get(1), Some(Reply::Error(_))),
            _ => false,
        }
    }

    /// Runs one slot move now, as part of a fix; its text goes to `out`.
    fn fix_move(&mut self, m: SlotMove, out: &mut String) -> bool {
        let mut job = ToolJob {
            pipeline: PIPELINE,
            ..ToolJob::default()
        };
        job.tasks.push_back(Task::Move(m));
        let (text, ok) = self.run_job(job);
        out.push_str(&text);
        ok
    }

    /// The master among `nodes` with the most keys in `slot` (the first on a tie).
    fn most_keys(&mut self, nodes: &[ToolNode], slot: u16) -> Option<usize> {
        let mut best: Option<(usize, i64)> = None;
        for (i, n) in nodes.iter().enumerate() {
            if !n.master || n.replicates.is_some() {
                continue;
            }
            let k = self.count_keys(n.port, slot);
            if k < 0 {
                return None;
            }
            if best.is_none_or(|(_, b)| k > b) {
                best = Some((i, k));
            }
        }
        best.map(|(i, _)| i)
    }

    /// `clusterManagerFixOpenSlot`; returns false when the slot could not be fixed.
    pub(super) fn fix_open_slot(
        &mut self,
        nodes: &mut [ToolNode],
        slot: u16,
        out: &mut String,
    ) -> bool {
        out.push_str(&format!(">>> Fixing open slot {slot}\n"));
        let masters: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].master).collect();
        let mut owners = Vec::new();
        for &i in &masters {
            if nodes[i].has_slot(slot) {
                owners.push(i);
            } else if self.count_keys(nodes[i].port, slot) > 0 {
                out.push_str(&format!(
                    "*** Found keys about slot {slot} in non-owner node {}!\n",
                    nodes[i].addr
                ));
                owners.push(i);
            }
        }
        let mut owner = (owners.len() == 1).then(|| owners[0]);
        let (mut migrating, mut importing) = (Vec::new(), Vec::new());
        for &i in &masters {
            if nodes[i].migrating.iter().any(|(s, _)| *s == slot) {
                migrating.push(i);
            } else if nodes[i].importing.iter().any(|(s, _)| *s == slot) {
                importing.push(i);
            } else if Some(i) != owner && self.count_keys(nodes[i].port, slot) > 0 {
                out.push_str(&format!(
                    "*** Found keys about slot {slot} in node {}!\n",
                    nodes[i].addr
                ));
                importing.push(i);
            }
        }
        let addrs = |v: &[usize], nodes: &[ToolNode]| {
            v.iter()
                .map(|&i| nodes[i].addr.clone())
                .collect::<Vec<_>>()
                .join(",")
        };
        let (migrating_str, importing_str) = (addrs(&migrating, nodes), addrs(&importing, nodes));
        if !migrating.is_empty() {
            out.push_str(&format!("Set as migrating in: {migrating_str}\n"));
        }
        if !importing.is_empty() {
            out.push_str(&format!("Set as importing in: {importing_str}\n"));
        }
        let s = slot.to_string();
        if owner.is_none() {
            out.push_str(
                ">>> No single clear owner for the slot, selecting an owner by # of keys...\n",
            );
            let Some(o) = self.most_keys(nodes, slot) else {
                out.push_str("[ERR] Can't select a slot owner. Impossible to fix.\n");
                return false;
            };
            out.push_str(&format!(
                "*** Configuring {} as the slot owner\n",
                nodes[o].addr
            ));
            let n = nodes[o].clone();
            if !self.checked(&n, &["CLUSTER", "SETSLOT", &s, "STABLE"], out)
                || !self.set_slot_owner(&n, slot, false)
            {
                return false;
            }
            nodes[o].set_slot(slot, true);
            migrating.retain(|&i| i != o);
            importing.retain(|&i| i != o);
            owner = Some(o);
        }
        let Some(owner) = owner else { return false };
        if owners.len() > 1 {
            for &i in owners.iter().filter(|&&i| i != owner) {
                let n = nodes[i].clone();
                self.tool_call(n.port, &["CLUSTER", "DELSLOTS", &s]);
                nodes[i].set_slot(slot, false);
                let id = nodes[owner].id.clone();
                if !self.checked(&n, &["CLUSTER", "SETSLOT", &s, "node", &id], out)
                    || !self.checked(&n, &["CLUSTER", "SETSLOT", &s, "importing", &id], out)
                {
                    return false;
                }
                importing.retain(|&x| x != i);
                importing.push(i);
                migrating.retain(|&x| x != i);
            }
        }
        let all_masters = masters_of(nodes);
        let mv = |src: usize, dst: usize, style| {
            SlotMove::new(
                slot,
                nodes[src].endpoint(),
                nodes[dst].endpoint(),
                all_masters.clone(),
                style,
            )
        };
        if migrating.len() == 1 && importing.len() == 1 {
            let (src, dst) = (migrating[0], importing[0]);
            out.push_str(&format!(
                ">>> Case 1: Moving slot {slot} from {} to {}\n",
                nodes[src].addr, nodes[dst].addr
            ));
            let ok = self.fix_move(mv(src, dst, MoveStyle::Verbose), out);
            if ok {
                nodes[src].set_slot(slot, false);
                nodes[dst].set_slot(slot, true);
            }
            ok
        } else if migrating.is_empty() && !importing.is_empty() {
            out.push_str(&format!(
                ">>> Case 2: Moving all the {slot} slot keys to its owner {}\n",
                nodes[owner].addr
            ));
            for &i in importing.iter().filter(|&&i| i != owner) {
                if !self.fix_move(mv(i, owner, MoveStyle::Cold), out) {
                    return false;
                }
                out.push_str(&format!(
                    ">>> Setting {slot} as STABLE in {}\n",
                    nodes[i].addr
                ));
                let n = nodes[i].clone();
                if !self.checked(&n, &["CLUSTER", "SETSLOT", &s, "STABLE"], out) {
                    return false;
                }
            }
            let id = nodes[owner].id.clone();
            for &i in masters.iter().filter(|&&i| i != owner) {
                let n = nodes[i].clone();
                if !self.checked(&n, &["CLUSTER", "SETSLOT", &s, "NODE", &id], out) {
                    return false;
                }
            }
            true
        } else if migrating.len() == 1 && importing.len() > 1 {
            let src = migrating[0];
            let target_id = nodes[src]
                .migrating
                .iter()
                .find(|(x, _)| *x == slot)
                .map(|(_, id)| id.clone())
                .unwrap_or_default();
            let mut dst = None;
            for &i in &importing {
                if self.count_keys(nodes[i].port, slot) > 0 {
                    return unhandled(&nodes[owner], &migrating_str, &importing_str, out);
                }
                if nodes[i].id == target_id {
                    dst = Some(i);
                }
            }
            match dst {
                Some(dst) => {
                    out.push_str(&format!(
                        ">>> Case 3: Moving slot {slot} from {} to {} and closing it on all the other importing nodes.\n",
                        nodes[src].addr, nodes[dst].addr
                    ));
                    if !self.fix_move(mv(src, dst, MoveStyle::Verbose), out) {
                        return false;
                    }
                    for &i in importing.iter().filter(|&&i| i != dst) {
                        let n = nodes[i].clone();
                        if !self.checked(&n, &["CLUSTER", "SETSLOT", &s, "STABLE"], out) {
                            return false;
                        }
                    }
                    true
                }
                None => {
                    out.push_str(&format!(
                        ">>> Case 3: Closing slot {slot} on both migrating and importing nodes.\n"
                    ));
                    for &i in std::iter::once(&src).chain(&importing) {
                        let n = nodes[i].clone();
                        if !self.checked(&n, &["CLUSTER", "SETSLOT", &s, "STABLE"], out) {
                            return false;
                        }
                    }
                    true
                }
            }
        } else {
            let mut close = importing.is_empty() && migrating.len() == 1;
            if close && owner != migrating[0] {
                let batch = self.tool_call(
                    nodes[migrating[0]].port,
                    &["CLUSTER", "GETKEYSINSLOT", &s, "10"],
                );
                close = matches!(batch, Some(Reply::Array(Some(k))) if k.is_empty());
            }
            if close {
                let n = nodes[migrating[0]].clone();
                out.push_str(&format!(">>> Case 4: Closing slot {slot} on {}\n", n.addr));
                self.checked(&n, &["CLUSTER", "SETSLOT", &s, "STABLE"], out)
            } else {
                unhandled(&nodes[owner], &migrating_str, &importing_str, out)
            }
        }
    }

    /// `clusterManagerFixSlotsCoverage`; returns how many slots it covered.
    pub(super) fn fix_coverage(
        &mut self,
        nodes: &mut [ToolNode],
        covered: &[bool],
        out: &mut String,
    ) -> usize {
        out.push_str(">>> Fixing slots coverage...\n");
        let masters: Vec<usize> = (0..nodes.len())
            .filter(|&i| nodes[i].master && nodes[i].replicates.is_none())
            .collect();
        let (mut none, mut single, mut multi) = (Vec::new(), Vec::new(), Vec::new());
        for slot in (0..covered.len()).filter(|&s| !covered[s]) {
            let slot = slot as u16;
            let mut holders = Vec::new();
            for &i in &masters {
                let r = self.tool_call(
                    nodes[i].port,
                    &["CLUSTER", "GETKEYSINSLOT", &slot.to_string(), "1"],
                );
                if matches!(r, Some(Reply::Array(Some(k))) if !k.is_empty()) {
                    holders.push(i);
                }
            }
            match holders.len() {
                0 => none.push(slot),
                1 => single.push((slot, holders[0])),
                _ => multi.push((slot, holders)),
            }
        }
        let list = |slots: &mut dyn Iterator<Item = u16>| {
            format_ranges(&slot_set(slots).ranges(), RangeStyle::Bracketed) + "\n"
        };
        // Slots without keys go to the first master, slots with keys on one node to it.
        let mut cover: Vec<(u16, usize)> = Vec::new();
        if let Some(&first) = masters.first() {
            if !none.is_empty() {
                out.push_str("The following uncovered slots have no keys across the cluster:\n");
                out.push_str(&list(&mut none.iter().copied()));
                out.push_str(&confirm("Fix these slots by covering with a random node?"));
                cover.extend(none.iter().map(|&slot| (slot, first)));
            }
        }
        let mut fixed = 0;
        for (k, &(slot, i)) in cover.iter().chain(&single).enumerate() {
            if k == cover.len() {
                out.push_str("The following uncovered slots have keys in just one node:\n");
                out.push_str(&list(&mut single.iter().map(|(s, _)| *s)));
                out.push_str(&confirm("Fix these slots by covering with those nodes?"));
            }
            out.push_str(&format!(
                ">>> Covering slot {slot} with {}\n",
                nodes[i].addr
            ));
            let n = nodes[i].clone();
            if !self.set_slot_owner(&n, slot, false) {
                return fixed;
            }
            nodes[i].set_slot(slot, true);
            fixed += 1;
        }
        if !multi.is_empty() {
            out.push_str("The following uncovered slots have keys in multiple nodes:\n");
            out.push_str(&list(&mut multi.iter().map(|(s, _)| *s)));
            out.push_str(&confirm(
                "Fix these slots by moving keys into a single node?",
            ));
            for (slot, holders) in &multi {
                let slot = *slot;
                let holding: Vec<ToolNode> = holders.iter().map(|&i| nodes[i].clone()).collect();
                let Some(t) = self.most_keys(&holding, slot) else {
                    return fixed;
                };
                let t = holders[t];
                out.push_str(&format!(
                    ">>> Covering slot {slot} moving keys to {}\n",
                    nodes[t].addr
                ));
                let target = nodes[t].clone();
                if !self.set_slot_owner(&target, slot, true) {
                    return fixed;
                }
                nodes[t].set_slot(slot, true);
                let s = slot.to_string();
                for &i in holders.iter().filter(|&&i| i != t) {
                    let n = nodes[i].clone();
                    if !self.checked(&n, &["CLUSTER", "SETSLOT", &s, "NODE", &target.id], out)
                        || !self.checked(
                            &n,
                            &["CLUSTER", "SETSLOT", &s, "IMPORTING", &target.id],
                            out,
                        )
                    {
                        return fixed;
                    }
                    let m = SlotMove::new(
                        slot,
                        n.endpoint(),
                        target.endpoint(),
                        Vec::new(),
                        MoveStyle::Cold,
                    );
                    if !self.fix_move(m, out)
                        || !self.checked(&n, &["CLUSTER", "SETSLOT", &s, "STABLE"], out)
                    {
                        return fixed;
                    }
                }
                fixed += 1;
            }
        }
        fixed
    }
}
