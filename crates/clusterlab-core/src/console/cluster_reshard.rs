//! `.cluster-tool reshard HOST:PORT --cluster-from IDS|all --cluster-to ID --cluster-slots N`:
//! `redis-cli --cluster reshard`'s plan (`clusterManagerComputeReshardTable`) and moves
//! (`clusterManagerMoveSlot`), with its text, as if `--cluster-yes` were given.

use super::cluster_tool::{count, ToolNode};
use super::Console;
use crate::reply::Reply;

/// Keys asked for and moved per MIGRATE (`--cluster-pipeline`, 10 by default).
const PIPELINE: usize = 10;
/// MIGRATE's timeout in ms (`--cluster-timeout`, 60000 by default).
const TIMEOUT_MS: &str = "60000";

const USAGE: &str = "(console) .cluster-tool reshard HOST:PORT --cluster-from IDS|all --cluster-to ID --cluster-slots N [--cluster-replace] [--cluster-pipeline N]\n";

fn slot_list(n: &ToolNode) -> Vec<u16> {
    n.slots.iter().flat_map(|&(a, b)| a..=b).collect()
}

impl Console {
    pub(super) fn reshard(&mut self, nodes: &[ToolNode], opts: &[&str]) -> String {
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
                _ => return USAGE.into(),
            }
            i += 2;
        }
        let (Some(from), Some(to), Some(numslots)) = (from, to, slots) else {
            return USAGE.into();
        };
        let mut out = Self::check_body(nodes);
        if !(1..=16384).contains(&numslots) {
            return out + "*** Invalid number of slots to move.\n";
        }
        let Some(target) = nodes.iter().find(|n| n.master && n.id.starts_with(to)) else {
            return out + "*** The specified node is not known or not a master, please retry.\n";
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
                        return out + "*** It is not possible to use the target node as source node.\n"
                    }
                    Some(n) => v.push(n),
                    None => return out + &format!("*** The specified node ({id}) is not known or it is not a master, please retry.\n"),
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
        // Biggest sources first; the first gives its share rounded up, the others down.
        let mut ordered = sources.clone();
        ordered.sort_by_key(|s| std::cmp::Reverse(count(&s.slots)));
        let total: usize = ordered.iter().map(|s| count(&s.slots)).sum();
        let mut plan: Vec<(u16, &ToolNode)> = Vec::new();
        for (k, s) in ordered.iter().enumerate() {
            let share = numslots as f32 / total.max(1) as f32 * count(&s.slots) as f32;
            let n = if k == 0 { share.ceil() } else { share.floor() } as usize;
            for slot in slot_list(s).into_iter().take(n) {
                if plan.len() == numslots {
                    break;
                }
                plan.push((slot, s));
            }
        }
        for (slot, s) in &plan {
            out.push_str(&format!("    Moving slot {slot} from {}\n", s.id));
        }
        for (slot, s) in &plan {
            out.push_str(&format!(
                "Moving slot {slot} from {} to {}: ",
                s.addr, target.addr
            ));
            match self.move_slot(*slot, s, target, nodes, replace, pipeline) {
                Ok(dots) => {
                    out.push_str(&".".repeat(dots));
                    out.push('\n');
                }
                Err(e) => {
                    // `clusterManagerPrintReplyError`, then the reshard's own line.
                    let (node_error, reason) = e.rsplit_once('\n').unwrap_or(("", &e));
                    out.push_str(&format!(
                        "\n{node_error}\nclusterManagerMoveSlot failed: {reason}\n"
                    ));
                    break;
                }
            }
        }
        out
    }

    /// One slot: IMPORTING on the target, MIGRATING on the source, keys by MIGRATE in
    /// pipelines, then SETSLOT NODE on every master in the order the tool lists them.
    fn move_slot(
        &mut self,
        slot: u16,
        source: &ToolNode,
        target: &ToolNode,
        nodes: &[ToolNode],
        replace: bool,
        pipeline: usize,
    ) -> Result<usize, String> {
        let slot_text = slot.to_string();
        let ok = |r: Option<Reply>| match r {
            Some(Reply::Status(_)) => Ok(()),
            Some(Reply::Error(e)) => Err(e),
            _ => Err("I/O error".to_string()),
        };
        let importing = ["CLUSTER", "SETSLOT", &slot_text, "IMPORTING", &source.id];
        ok(self.tool_call(target.port, &importing))?;
        let migrating = ["CLUSTER", "SETSLOT", &slot_text, "MIGRATING", &target.id];
        ok(self.tool_call(source.port, &migrating))?;
        let mut moved = 0;
        loop {
            let batch = pipeline.to_string();
            let keys = match self.tool_call(
                source.port,
                &["CLUSTER", "GETKEYSINSLOT", &slot_text, &batch],
            ) {
                Some(Reply::Array(Some(keys))) => keys,
                _ => return Err("I/O error".into()),
            };
            if keys.is_empty() {
                break;
            }
            let names: Vec<String> = keys
                .iter()
                .filter_map(|k| match k {
                    Reply::Bulk(Some(b)) => Some(String::from_utf8_lossy(b).into_owned()),
                    _ => None,
                })
                .collect();
            let ip = target.addr.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
            let port = target.port.to_string();
            let mut migrate = vec!["MIGRATE", ip, &port, "", "0", TIMEOUT_MS];
            if replace {
                migrate.push("REPLACE");
            }
            migrate.push("KEYS");
            migrate.extend(names.iter().map(String::as_str));
            ok(self.tool_call(source.port, &migrate))?;
            moved += names.len();
        }
        let node = ["CLUSTER", "SETSLOT", &slot_text, "NODE", &target.id];
        for n in nodes.iter().filter(|n| n.master) {
            match ok(self.tool_call(n.port, &node)) {
                Ok(()) => {}
                // The source gave its last slot away and already follows the target (it
                // heard the target's PONG first): on a real cluster redis-cli's SETSLOT
                // usually arrives first and the source turns replica on it instead.
                Err(e) if n.id == source.id && e.contains("only with masters") => {}
                Err(e) => return Err(format!("Node {} replied with error:\n{e}\n{e}", n.addr)),
            }
        }
        Ok(moved)
    }
}
