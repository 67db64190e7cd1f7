//! The node inspector: `CLUSTER NODES` and `CLUSTER INFO` exactly as one node would answer,
//! with every field that disagrees with what most running nodes believe marked.

use clusterlab_core::types::vec_map::VecMap;

use clusterlab_core::commands::{cluster_info_text, cluster_nodes_text};
use clusterlab_core::{NodeIdx, World};

/// One field of a CLUSTER NODES line, with a note when most nodes think otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub text: String,
    pub disagreement: Option<String>,
}

/// What one node says, ready to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    pub port: u16,
    pub nodes: Vec<Vec<Field>>,
    pub info: String,
    pub disagreements: usize,
}

/// The fields compared between views: flags (without `myself`), master, configEpoch, slots.
const FLAGS: usize = 2;
const MASTER: usize = 3;
const EPOCH: usize = 6;
const SLOTS_FROM: usize = 8;

fn comparable(fields: &[&str], i: usize) -> String {
    match i {
        FLAGS => fields[FLAGS]
            .split(',')
            .filter(|f| *f != "myself")
            .collect::<Vec<_>>()
            .join(","),
        SLOTS_FROM => fields[SLOTS_FROM..].join(" "),
        _ => fields[i].to_string(),
    }
}

/// Each running node's belief about each node ID: field index → value → ports believing it.
type Beliefs = VecMap<String, VecMap<usize, VecMap<String, Vec<u16>>>>;

fn beliefs(world: &World) -> Beliefs {
    let mut all: Beliefs = VecMap::new();
    for p in world.processes().iter().filter(|p| p.is_running()) {
        for line in cluster_nodes_text(&p.node).lines() {
            let fields: Vec<&str> = line.split(' ').collect();
            if fields.len() < SLOTS_FROM {
                continue;
            }
            let about = all.entry(fields[0].to_string()).or_default();
            for i in [FLAGS, MASTER, EPOCH, SLOTS_FROM] {
                about
                    .entry(i)
                    .or_default()
                    .entry(comparable(&fields, i))
                    .or_default()
                    .push(p.port);
            }
        }
    }
    all
}

pub fn inspect(world: &World, idx: NodeIdx) -> Inspection {
    let proc_ = &world.processes()[idx.index()];
    let all = beliefs(world);
    let mut disagreements = 0;
    let mut nodes = Vec::new();
    for line in cluster_nodes_text(&proc_.node).lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let mut out: Vec<Field> = Vec::new();
        let mut slots_note = None;
        for (i, text) in fields.iter().enumerate() {
            let key = matches!(i, FLAGS | MASTER | EPOCH | SLOTS_FROM).then_some(i);
            let mut note = None;
            if let Some(k) = key.filter(|_| fields.len() >= SLOTS_FROM) {
                if let Some(views) = all.get(fields[0]).and_then(|a| a.get(&k)) {
                    let mine = comparable(&fields, k);
                    let (top, holders) = views
                        .iter()
                        .max_by_key(|(_, ports)| ports.len())
                        .expect("at least this node's own view");
                    let mine_count = views.get(&mine).map_or(0, Vec::len);
                    if *top != mine && holders.len() > mine_count {
                        let shown = if top.is_empty() {
                            "(none)"
                        } else {
                            top.as_str()
                        };
                        note = Some(format!(
                            "{} of {} running nodes say {shown}",
                            holders.len(),
                            views.values().map(Vec::len).sum::<usize>()
                        ));
                        disagreements += 1;
                    }
                }
            }
            if i == SLOTS_FROM {
                slots_note = note.clone();
            }
            let note = if i > SLOTS_FROM {
                slots_note.clone()
            } else {
                note
            };
            out.push(Field {
                text: text.to_string(),
                disagreement: note,
            });
        }
        nodes.push(out);
    }
    Inspection {
        port: proc_.port,
        nodes,
        info: cluster_info_text(&proc_.node).replace("\r\n", "\n"),
        disagreements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::{console::Console, ClusterShape, Fault, SimDuration};

    #[test]
    fn a_converged_cluster_agrees_and_a_partitioned_master_disagrees() {
        let mut c = Console::new(ClusterShape::default()).unwrap();
        let calm = inspect(c.world(), NodeIdx(0));
        assert_eq!(calm.disagreements, 0);
        assert_eq!(calm.nodes.len(), 6);
        assert!(calm.info.starts_with("cluster_state:ok\n"));
        c.world_mut()
            .apply(Fault::Partition(vec![vec![7001]]))
            .unwrap();
        c.world_mut().advance(SimDuration(20_000));
        let isolated = inspect(c.world(), NodeIdx(0));
        assert!(isolated.info.starts_with("cluster_state:fail\n"));
        assert!(isolated.disagreements > 0, "{isolated:?}");
        let noted: Vec<&Field> = isolated
            .nodes
            .iter()
            .flatten()
            .filter(|f| f.disagreement.is_some())
            .collect();
        assert!(noted.iter().any(|f| f.text.contains("myself,master")));
    }
}
