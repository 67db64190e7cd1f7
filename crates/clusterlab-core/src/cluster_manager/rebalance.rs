//! `.cluster-tool rebalance HOST:PORT [--cluster-weight ID=W…] [--cluster-threshold P]
//! [--cluster-use-empty-masters] [--cluster-simulate]`: `clusterManagerCommandRebalance`,
//! its arithmetic in f32 as redis-cli does it, and its text.

use super::job::{MoveStyle, SlotMove, Task, ToolJob};
use super::load::{count, Loaded, ToolNode};
use super::reshard::{masters_of, reshard_table, PIPELINE};
use super::Tool;
use crate::slot::SLOTS;

/// `CLUSTER_MANAGER_REBALANCE_THRESHOLD`: 2%.
const THRESHOLD: f32 = 2.0;

const USAGE: &str = "(console) .cluster-tool rebalance HOST:PORT [--cluster-weight ID=W ...] [--cluster-threshold P] [--cluster-use-empty-masters] [--cluster-simulate] [--cluster-pipeline N] [--cluster-replace]\n";

impl Tool<'_> {
    pub(super) fn rebalance(&mut self, loaded: &mut Loaded, opts: &[&str]) -> String {
        let (mut weights, mut threshold, mut use_empty, mut simulate) =
            (Vec::new(), THRESHOLD, false, false);
        let mut job = ToolJob {
            pipeline: PIPELINE,
            rebalance_errors: true,
            ..ToolJob::default()
        };
        let mut i = 0;
        while i < opts.len() {
            let value = opts.get(i + 1).copied();
            match (opts[i], value) {
                ("--cluster-weight", _) => {
                    while let Some(w) = opts.get(i + 1).filter(|w| !w.starts_with("--")) {
                        weights.push(*w);
                        i += 1;
                    }
                }
                ("--cluster-threshold", Some(v)) => {
                    threshold = v.parse().unwrap_or(0.0);
                    i += 1;
                }
                ("--cluster-pipeline", Some(v)) => {
                    job.pipeline = v.parse().unwrap_or(PIPELINE);
                    i += 1;
                }
                ("--cluster-timeout", Some(_)) => i += 1,
                ("--cluster-use-empty-masters", _) => use_empty = true,
                ("--cluster-simulate", _) => simulate = true,
                ("--cluster-replace", _) => job.replace = true,
                ("--cluster-yes", _) => {}
                _ => return USAGE.into(),
            }
            i += 1;
        }
        let mut weight: Vec<f32> = vec![1.0; loaded.nodes.len()];
        for w in weights {
            let Some((name, value)) = w.split_once('=') else {
                return format!("*** invalid input {w}\n");
            };
            // `atof`: a weight that is not a number counts as 0.
            let value = value.parse().unwrap_or(0.0);
            let lower = name.to_ascii_lowercase();
            match loaded.nodes.iter().position(|n| n.id.starts_with(&lower)) {
                Some(k) => weight[k] = value,
                None => return format!("*** No such master node {name}\n"),
            }
        }
        let mut involved: Vec<usize> = Vec::new();
        let mut total_weight = 0.0f32;
        for (k, n) in loaded.nodes.iter().enumerate() {
            if !n.master || n.replicates.is_some() {
                continue;
            }
            if !use_empty && n.slots.is_empty() {
                weight[k] = 0.0;
                continue;
            }
            total_weight += weight[k];
            involved.push(k);
        }
        let (check, sane) = self.check_cluster(loaded, true, false);
        let mut out = check;
        if !sane {
            return out + "*** Please fix your cluster problems before rebalancing\n";
        }
        let nodes = &loaded.nodes;
        // How many slots each node must give (positive) or take (negative).
        let mut balance: Vec<(usize, i64)> = Vec::new();
        let (mut reached, mut total_balance) = (false, 0i64);
        for &k in &involved {
            let slots = count(&nodes[k].slots) as i64;
            let expected = ((SLOTS as f32 / total_weight) * weight[k]) as i64;
            balance.push((k, slots - expected));
            total_balance += slots - expected;
            if threshold > 0.0 {
                if slots > 0 {
                    let err = (100.0 - (100.0 * expected as f64 / slots as f64)).abs();
                    reached |= err > f64::from(threshold);
                } else if expected > 1 {
                    reached = true;
                }
            }
        }
        if !reached {
            return out
                + &format!(
                "*** No rebalancing needed! All nodes are within the {threshold:.2}% threshold.\n"
            );
        }
        while total_balance > 0 {
            for b in balance.iter_mut() {
                if b.1 <= 0 && total_balance > 0 {
                    b.1 -= 1;
                    total_balance -= 1;
                }
            }
        }
        crate::order::sort_by_key(&mut balance, |b| b.1);
        out.push_str(&format!(
            ">>> Rebalancing across {} nodes. Total weight = {total_weight:.2}\n",
            involved.len()
        ));
        let masters = masters_of(nodes);
        // What each node owns as the moves are planned (`CLUSTER_MANAGER_OPT_UPDATE`).
        let mut owned: Vec<ToolNode> = nodes.clone();
        let (mut dst, mut src) = (0usize, balance.len().saturating_sub(1));
        while dst < src {
            let numslots = balance[dst].1.abs().min(balance[src].1.abs());
            if numslots > 0 {
                let (d, s) = (balance[dst].0, balance[src].0);
                let text = format!(
                    "Moving {numslots} slots from {} to {}\n",
                    nodes[s].addr, nodes[d].addr
                );
                let table = reshard_table(&[&owned[s]], numslots as usize);
                let slots: Vec<u16> = table.iter().map(|(slot, _)| *slot).collect();
                if simulate {
                    out.push_str(&text);
                    out.push_str(&"#".repeat(slots.len()));
                    out.push('\n');
                } else {
                    job.tasks.push_back(Task::Text(text));
                    for &slot in &slots {
                        job.tasks.push_back(Task::Move(SlotMove::new(
                            slot,
                            nodes[s].endpoint(),
                            nodes[d].endpoint(),
                            masters.clone(),
                            MoveStyle::Quiet,
                        )));
                    }
                    job.tasks.push_back(Task::Text("\n".into()));
                }
                for &slot in &slots {
                    owned[s].set_slot(slot, false);
                }
            }
            balance[dst].1 += numslots;
            balance[src].1 -= numslots;
            if balance[dst].1 == 0 {
                dst += 1;
            }
            if balance[src].1 == 0 {
                src = src.saturating_sub(1);
            }
        }
        if !job.tasks.is_empty() {
            self.manager.job = Some(job);
        }
        out
    }
}
