//! Carrying out faults: killing, restarting, pausing processes and cutting links.

use super::{Item, ProcessState, World};
use crate::event::EventKind;
use crate::faults::{Fault, FaultError};
use crate::name::NodeIdx;
use crate::node::Input;

impl World {
    fn idx_of(&self, port: u16) -> Result<NodeIdx, FaultError> {
        self.by_port(port).ok_or(FaultError::UnknownPort(port))
    }

    /// Applies a fault and logs it; the `Ok` text says what was done.
    pub fn apply(&mut self, fault: Fault) -> Result<String, FaultError> {
        match &fault {
            Fault::Kill(port) => self.kill(*port)?,
            Fault::Restart { port, data } => {
                let idx = self.idx_of(*port)?;
                if self.procs[idx.index()].state != ProcessState::Killed {
                    return Err(FaultError::NotKilled(*port));
                }
                self.procs[idx.index()].state = ProcessState::Running;
                self.procs[idx.index()].cron_generation += 1;
                let was_master = self.procs[idx.index()].node.is_master();
                let replid = self.procs[idx.index()].node.replication().replid.clone();
                self.procs[idx.index()]
                    .node
                    .handle(self.now, Input::Restart(*data));
                if was_master && *data == crate::faults::DataOnRestart::Empty {
                    self.on_demotion(idx, &replid, true);
                }
                self.start_cron(idx);
                self.collect(idx);
            }
            Fault::Pause { port, duration } => {
                let idx = self.idx_of(*port)?;
                if self.procs[idx.index()].state == ProcessState::Killed {
                    return Err(FaultError::Killed(*port));
                }
                let until = self.now + *duration;
                self.procs[idx.index()].state = ProcessState::Paused { until };
                self.schedule(until, Item::Resume(idx));
            }
            Fault::Partition(groups) => {
                let mut seen = Vec::new();
                let mut group_of: Vec<usize> = vec![groups.len(); self.procs.len()];
                for (g, ports) in groups.iter().enumerate() {
                    for &p in ports {
                        let idx = self.idx_of(p)?;
                        if seen.contains(&p) {
                            return Err(FaultError::RepeatedPort(p));
                        }
                        seen.push(p);
                        group_of[idx.index()] = g;
                    }
                }
                for a in 0..self.procs.len() {
                    for b in 0..self.procs.len() {
                        if group_of[a] != group_of[b] {
                            self.faults
                                .cut
                                .insert((NodeIdx(a as u32), NodeIdx(b as u32)), ());
                        }
                    }
                }
            }
            Fault::OneWay { from, to } => {
                let (a, b) = (self.idx_of(*from)?, self.idx_of(*to)?);
                if a == b {
                    return Err(FaultError::SameNode);
                }
                self.faults.cut.insert((a, b), ());
            }
            Fault::BlockBus(ports) => {
                for &p in ports {
                    let idx = self.idx_of(p)?;
                    self.faults.bus_blocked.insert(idx, ());
                }
            }
            Fault::Loss { from, to, percent } => {
                let (a, b) = (self.idx_of(*from)?, self.idx_of(*to)?);
                if a == b {
                    return Err(FaultError::SameNode);
                }
                if *percent > 100 {
                    return Err(FaultError::BadPercent);
                }
                self.faults.loss.insert((a, b), *percent);
            }
            Fault::Delay { from, to, ms } => {
                let (a, b) = (self.idx_of(*from)?, self.idx_of(*to)?);
                if a == b {
                    return Err(FaultError::SameNode);
                }
                self.faults.delay.insert((a, b), *ms);
            }
            Fault::Heal => {
                self.faults = Default::default();
                for i in 0..self.procs.len() {
                    if let ProcessState::Paused { .. } = self.procs[i].state {
                        self.wake(NodeIdx(i as u32));
                    }
                }
            }
        }
        let text = fault.to_string();
        let (node, port) = match &fault {
            Fault::Kill(p) | Fault::Restart { port: p, .. } | Fault::Pause { port: p, .. } => {
                (self.by_port(*p), Some(*p))
            }
            _ => (None, None),
        };
        self.log_event(
            node,
            port,
            EventKind::FaultApplied {
                fault: fault.clone(),
            },
        );
        self.faults_log.push((self.now, fault));
        Ok(text)
    }

    fn kill(&mut self, port: u16) -> Result<(), FaultError> {
        let idx = self.idx_of(port)?;
        if self.procs[idx.index()].state == ProcessState::Killed {
            return Err(FaultError::AlreadyKilled(port));
        }
        self.procs[idx.index()].state = ProcessState::Killed;
        self.held[idx.index()].clear();
        self.close_connections_to(idx);
        // The kernel closes the dead process's sockets: every peer sees its connections end.
        let (ip, cport) = {
            let p = &self.procs[idx.index()];
            (p.ip.clone(), p.node.myself().cport)
        };
        for other in 0..self.procs.len() {
            if other == idx.index() || self.procs[other].state == ProcessState::Killed {
                continue;
            }
            let at = self.now + self.net.sample_latency();
            self.schedule(
                at,
                Item::ConnLost {
                    node: NodeIdx(other as u32),
                    ip: ip.clone(),
                    port,
                    cport,
                    link: None,
                },
            );
        }
        Ok(())
    }

    /// The faults applied so far, with their times.
    pub fn faults_applied(&self) -> &[(crate::time::SimTime, Fault)] {
        &self.faults_log
    }

    /// Whether a process is running (not killed, not paused).
    pub fn is_running(&self, port: u16) -> bool {
        self.by_port(port)
            .is_some_and(|i| self.procs[i.index()].is_running())
    }
}
