//! `--cluster info` and `--cluster check` (`clusterManagerShowClusterInfo`,
//! `clusterManagerCheckCluster`), with redis-cli's own text without its colours: the node
//! list, agreement, open slots and coverage, repairing as it goes for `fix`.

use super::load::{count, Loaded, ToolNode};
use super::Tool;
use crate::slot::{format_ranges, RangeStyle, SLOTS};

/// redis-cli's refusal to fix with masters it cannot reach (it exits there).
fn unreachable_warning(what: &str, n: usize) -> String {
    format!("*** Fixing {what} with {n} unreachable masters is dangerous: redis-cli will assume that slots about masters that are not reachable are not covered, and will try to reassign them to the reachable nodes. This can cause data loss and is rarely what you want to do. If you really want to proceed use the --cluster-fix-with-unreachable-masters option.\n")
}

impl Tool<'_> {
    pub(super) fn tool_info(nodes: &[ToolNode]) -> String {
        let mut s = String::new();
        let mut keys = 0;
        let mut masters = 0;
        for n in nodes.iter().filter(|n| n.master) {
            let replicas = nodes
                .iter()
                .filter(|r| r.replicates.as_deref() == Some(n.id.as_str()))
                .count();
            s.push_str(&format!(
                "{} ({}...) -> {} keys | {} slots | {} slaves.\n",
                n.addr,
                &n.id[..8],
                n.keys,
                count(&n.slots),
                replicas
            ));
            keys += n.keys;
            masters += 1;
        }
        s.push_str(&format!("[OK] {keys} keys in {masters} masters.\n"));
        s.push_str(&format!(
            "{:.2} keys per slot on average.\n",
            keys as f64 / f64::from(SLOTS as u32)
        ));
        s
    }

    /// `clusterManagerNodeInfo`: a node's two or three lines, indented by `indent`.
    pub(super) fn node_info(nodes: &[ToolNode], n: &ToolNode, indent: &str) -> String {
        let mut s = String::new();
        {
            let role = if n.master { 'M' } else { 'S' };
            s.push_str(&format!("{indent}{role}: {} {}\n", n.id, n.addr));
            s.push_str(&format!(
                "{indent}   slots:{} ({} slots) {}\n",
                format_ranges(&n.slots, RangeStyle::Bracketed),
                count(&n.slots),
                if n.master { "master" } else { "slave" }
            ));
            match &n.replicates {
                Some(m) => s.push_str(&format!("{indent}   replicates {m}\n")),
                None => {
                    let r = nodes
                        .iter()
                        .filter(|x| x.replicates.as_deref() == Some(n.id.as_str()))
                        .count();
                    if r > 0 {
                        s.push_str(&format!("{indent}   {r} additional replica(s)\n"));
                    }
                }
            }
        }
        s
    }

    /// `clusterManagerCheckCluster`: the node list (unless `quiet`), agreement, open slots
    /// and coverage, repairing as it goes when `fix` is set. Returns the text and whether
    /// the cluster looked sane.
    pub(super) fn check_cluster(
        &mut self,
        loaded: &mut Loaded,
        quiet: bool,
        fix: bool,
    ) -> (String, bool) {
        let nodes = &mut loaded.nodes;
        let entry = nodes.first().map_or("", |n| n.addr.as_str());
        let mut s = format!(">>> Performing Cluster Check (using node {entry})\n");
        if !quiet {
            for n in nodes.iter() {
                s.push_str(&Self::node_info(nodes, n, ""));
            }
        }
        let mut sane = nodes.windows(2).all(|w| w[0].signature == w[1].signature);
        s.push_str(if sane {
            "[OK] All nodes agree about slots configuration.\n"
        } else {
            "[ERR] Nodes don't agree about configuration!\n"
        });
        s.push_str(">>> Check for open slots...\n");
        let mut open: Vec<u16> = Vec::new();
        for n in nodes.iter() {
            for (state, slots) in [("migrating", &n.migrating), ("importing", &n.importing)] {
                if !slots.is_empty() {
                    let list: Vec<String> = slots.iter().map(|(x, _)| x.to_string()).collect();
                    s.push_str(&format!(
                        "[WARNING] Node {} has slots in {state} state {}.\n",
                        n.addr,
                        list.join(",")
                    ));
                    open.extend(slots.iter().map(|(x, _)| *x));
                }
            }
        }
        if !open.is_empty() {
            sane = false;
            crate::order::sort(&mut open);
            open.dedup();
            let list: Vec<String> = open.iter().map(u16::to_string).collect();
            s.push_str(&format!(
                "[WARNING] The following slots are open: {}.\n",
                list.join(",")
            ));
            if fix {
                if loaded.unreachable_masters > 0 {
                    s.push_str(&unreachable_warning(
                        "open slots",
                        loaded.unreachable_masters,
                    ));
                    return (s, false);
                }
                for slot in open {
                    if !self.fix_open_slot(nodes, slot, &mut s) {
                        break;
                    }
                }
            }
        }
        s.push_str(">>> Check slots coverage...\n");
        let mut covered = vec![false; SLOTS];
        for n in nodes.iter().filter(|n| n.master) {
            for &(a, b) in &n.slots {
                for slot in a..=b {
                    covered[usize::from(slot)] = true;
                }
            }
        }
        if covered.iter().all(|c| *c) {
            s.push_str("[OK] All 16384 slots covered.\n");
        } else {
            s.push_str("[ERR] Not all 16384 slots are covered by nodes.\n");
            sane = false;
            if fix {
                if loaded.unreachable_masters > 0 {
                    s.push_str(&unreachable_warning(
                        "slots coverage",
                        loaded.unreachable_masters,
                    ));
                    return (s, false);
                }
                if self.fix_coverage(nodes, &covered, &mut s) > 0 {
                    sane = true;
                }
            }
        }
        (s, sane)
    }
}
