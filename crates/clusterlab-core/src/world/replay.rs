//! Pinning inputs to exact points of a run, so that a recorded session (the playground's
//! share link) replays byte for byte, even with lines typed after a single step.

use super::World;
use crate::time::SimTime;

/// A point of a run: how many queue items were processed, and the clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    pub steps: u64,
    pub at: SimTime,
}

impl World {
    /// The exact point the run has reached: queue items processed and the clock. An input
    /// recorded with its moment replays identically, even one typed after a single step.
    pub fn moment(&self) -> Moment {
        Moment {
            steps: self.observer.steps,
            at: self.now,
        }
    }

    /// Runs forward to a recorded moment: exactly `m.steps` items, then the clock to
    /// `m.at`. Returns false if the run is already past it.
    pub fn run_to_moment(&mut self, m: Moment) -> bool {
        if self.observer.steps > m.steps || self.now > m.at {
            return false;
        }
        while self.observer.steps < m.steps {
            if !self.step() {
                return false;
            }
        }
        if m.at > self.now {
            self.run_until(m.at);
        }
        self.observer.steps == m.steps && self.now == m.at
    }
}
