//! Simulated time that follows the wall clock (times `--speed`), and how far the
//! simulation has fallen behind it when a burst of work was bigger than the machine.

use std::time::{Duration, Instant};

use clusterlab_core::SimTime;

/// A lag worth a log line, in simulated milliseconds.
pub const LAG_WORTH_REPORTING_MS: u64 = 250;

/// The least wall time between two lag log lines.
const LAG_REPORT_INTERVAL: Duration = Duration::from_secs(10);

/// The mapping from wall time to simulated time, anchored at one moment.
#[derive(Clone, Debug)]
pub struct Clock {
    wall_start: Instant,
    sim_start: SimTime,
    speed: f64,
    /// How far behind the wall clock the simulation was when it last caught up.
    pub lag_ms: u64,
    /// The most it has ever been behind.
    pub max_lag_ms: u64,
    last_report: Option<Instant>,
}

impl Clock {
    pub fn new(wall: Instant, sim: SimTime, speed: f64) -> Clock {
        Clock {
            wall_start: wall,
            sim_start: sim,
            speed,
            lag_ms: 0,
            max_lag_ms: 0,
            last_report: None,
        }
    }

    /// Simulated seconds per wall second.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// The simulated time the wall clock says it is at `wall`.
    pub fn target(&self, wall: Instant) -> SimTime {
        let ms = wall
            .saturating_duration_since(self.wall_start)
            .as_secs_f64()
            * 1000.0;
        SimTime(self.sim_start.0 + (ms * self.speed) as u64)
    }

    /// The wall time until the simulation reaches `sim`, from `wall`.
    pub fn wall_until(&self, sim: SimTime, wall: Instant) -> Duration {
        let ahead = sim.0.saturating_sub(self.target(wall).0);
        Duration::from_secs_f64(ahead as f64 / 1000.0 / self.speed)
    }

    /// A console line (`.advance`, a blocking command typed at the console) carried the
    /// simulation past the wall clock: the clock follows from there, rather than
    /// stopping the cluster's timers until the wall clock catches up.
    pub fn rebase_if_ahead(&mut self, sim: SimTime, wall: Instant) {
        if sim > self.target(wall) {
            self.wall_start = wall;
            self.sim_start = sim;
        }
    }

    /// The simulation has reached `reached` at wall time `wall`; returns a line to log
    /// when it was noticeably behind (at most one every ten seconds).
    pub fn caught_up(&mut self, reached: SimTime, wall: Instant) -> Option<String> {
        self.lag_ms = self.target(wall).0.saturating_sub(reached.0);
        self.max_lag_ms = self.max_lag_ms.max(self.lag_ms);
        if self.lag_ms < LAG_WORTH_REPORTING_MS {
            return None;
        }
        if self
            .last_report
            .is_some_and(|t| wall.saturating_duration_since(t) < LAG_REPORT_INTERVAL)
        {
            return None;
        }
        self.last_report = Some(wall);
        Some(format!(
            "clusterlab: the simulation fell {} ms behind the wall clock (more work than this machine keeps up with); it is catching up",
            self.lag_ms
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulated_time_follows_the_wall_clock_times_the_speed() {
        let t0 = Instant::now();
        let clock = Clock::new(t0, SimTime(1000), 2.0);
        assert_eq!(clock.target(t0), SimTime(1000));
        assert_eq!(clock.target(t0 + Duration::from_millis(500)), SimTime(2000));
        assert_eq!(
            clock.wall_until(SimTime(3000), t0),
            Duration::from_millis(1000)
        );
    }

    #[test]
    fn a_console_line_that_ran_ahead_moves_the_anchor() {
        let t0 = Instant::now();
        let mut clock = Clock::new(t0, SimTime(0), 1.0);
        clock.rebase_if_ahead(SimTime(10_000), t0 + Duration::from_millis(100));
        assert_eq!(
            clock.target(t0 + Duration::from_millis(1100)),
            SimTime(11_000)
        );
        // Behind is not ahead: the anchor stays.
        clock.rebase_if_ahead(SimTime(0), t0 + Duration::from_millis(1100));
        assert_eq!(
            clock.target(t0 + Duration::from_millis(1100)),
            SimTime(11_000)
        );
    }

    #[test]
    fn a_lag_is_measured_and_reported_once_in_a_while() {
        let t0 = Instant::now();
        let mut clock = Clock::new(t0, SimTime(0), 1.0);
        assert_eq!(
            clock.caught_up(SimTime(1000), t0 + Duration::from_millis(1010)),
            None
        );
        assert_eq!(clock.lag_ms, 10);
        let line = clock.caught_up(SimTime(1000), t0 + Duration::from_millis(1500));
        assert!(line.unwrap().contains("500 ms behind"));
        assert_eq!(
            clock.caught_up(SimTime(1000), t0 + Duration::from_millis(1600)),
            None
        );
        assert_eq!(clock.max_lag_ms, 600);
        assert_eq!(
            clock.caught_up(SimTime(12_000), t0 + Duration::from_millis(12_001)),
            None
        );
        assert_eq!(clock.lag_ms, 1);
    }
}
