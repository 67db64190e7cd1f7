//! `.cluster-tool reshard HOST:PORT --cluster-from IDS|all --cluster-to ID --cluster-slots N`:
//! `redis-cli --cluster reshard`'s plan (`clusterManagerComputeReshardTable`) and moves
//! (`clusterManagerMoveSlot`), with its text, as if `--cluster-yes` were given.

use super::job::{Endpoint, MoveStyle, SlotMove, Task, ToolJob};
use super::load::{count, ToolNode};
use super::Tool;

/// Keys asked for and moved per MIGRATE (`--cluster-pipeline`, 10 by default).
pub(super) const PIPELINE: usize = 10;

const USAGE: &str = "(console) .cluster-tool reshard HOST:PORT --cluster-from IDS|all --cluster-to ID --cluster-slots N [--cluster-replace] [--cluster-pipeline N]\n";

fn slot_list(n: &ToolNode) -> Vec<u16> {
    n.slots.iter().flat_map(|&(a, b)| a..=b).collect()
}

impl Tool<'_> {
    /// Plans a reshard: the check, the plan's text, and the moves to run.
    pub(super) fn plan_reshard(
        nodes: &[ToolNode],
        check: String,
        opts: &[&str],
    ) -> Result<(String, ToolJob), String> {
        let (mut from, mut to, mut slots, mut replace, mut pipeline) =
            (None, None, None, false, PIPELINE);
        let mut i = 0;
        while i < opts.len() {
            let value = opts.get(i + 1).copied();
            match (opts[i], value) {
                ("--cluster-from", Some(v)) => from = Some(v),
                ("--cluster-to", Some(v)) => to = Some(v),
                ("--cluster-slots", Some(v)) => slots = v.parse::<usize>().ok(),
                ("--cluster-pipeline", Some(v)) => pipeline = v.parse().unwrap_or(PIPELINE),
                ("--cluster-replace", _) => {
                    replace = true;
                    i += 1;
                    continue;
                }
                ("--cluster-yes", _) => {
                    i += 1;
                    continue;
                }
                _ => return Err(USAGE.into()),
            }
            i += 2;
        }
        let (Some(from), Some(to), Some(numslots)) = (from, to, slots) else {
            return Err(USAGE.into());
        };
        let mut out = check;
        if !(1..=16384).contains(&numslots) {
            return Err(out + "*** Invalid number of slots to move.\n");
        }
        let Some(target) = nodes.iter().find(|n| n.master && n.id.starts_with(to)) else {
            return Err(
                out + "*** The specified node is not known or not a master, please retry.\n"
            );
        };
        let sources: Vec<&ToolNode> = if from == "all" {
            nodes
                .iter()
                .filter(|n| n.master && n.id != target.id)
                .collect()
        } else {
            let mut v = Vec::new();
            for id in from.split(',') {
                match nodes.iter().find(|n| n.master && n.id.starts_with(id)) {
                    Some(n) if n.id == target.id => {
                        return Err(out + "*** It is not possible to use the target node as source node.\n")
                    }
                    Some(n) => v.push(n),
                    None => return Err(out + &format!("*** The specified node ({id}) is not known or it is not a master, please retry.\n")),
                }
            }
            v
        };
        out.push_str(&format!(
            "\nReady to move {numslots} slots.\n  Source nodes:\n"
        ));
        for s in &sources {
            out.push_str(&Self::node_info(nodes, s, "    "));
        }
        out.push_str("  Destination node:\n");
        out.push_str(&Self::node_info(nodes, target, "    "));
        out.push_str("  Resharding plan:\n");
        let plan = reshard_table(&sources, numslots);
        for (slot, s) in &plan {
            out.push_str(&format!("    Moving slot {slot} from {}\n", s.id));
        }
        let masters = masters_of(nodes);
        let mut job = ToolJob {
            replace,
            pipeline,
            ..ToolJob::default()
        };
        for (slot, s) in plan {
            job.tasks.push_back(Task::Move(SlotMove::new(
                slot,
                s.endpoint(),
                target.endpoint(),
                masters.clone(),
                MoveStyle::Verbose,
            )));
        }
        Ok((out, job))
    }
}

/// Every master in the tool's order (each is told the new owner when a move closes).
pub(super) fn masters_of(nodes: &[ToolNode]) -> Vec<Endpoint> {
    nodes
        .iter()
        .filter(|n| n.master)
        .map(ToolNode::endpoint)
        .collect()
}

/// `clusterManagerComputeReshardTable`: the biggest sources first; the first gives its
/// share rounded up, the others theirs rounded down (in f32, as redis-cli computes it).
pub(super) fn reshard_table<'a>(
    sources: &[&'a ToolNode],
    numslots: usize,
) -> Vec<(u16, &'a ToolNode)> {
    let mut ordered = sources.to_vec();
    crate::order::sort_by_key(&mut ordered, |s| std::cmp::Reverse(count(&s.slots)));
    let total: usize = ordered.iter().map(|s| count(&s.slots)).sum();
    let mut plan = Vec::new();
    for (k, s) in ordered.iter().enumerate() {
        let share = numslots as f32 / total.max(1) as f32 * count(&s.slots) as f32;
        let n = if k == 0 { share.ceil() } else { share.floor() } as usize;
        for slot in slot_list(s).into_iter().take(n) {
            if plan.len() == numslots {
                break;
            }
            plan.push((slot, *s));
        }
    }
    plan
}
