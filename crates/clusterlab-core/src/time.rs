//! Virtual time. The world owns the clock; nothing in the core reads a real one.

use std::fmt;
use std::ops::{Add, Sub};

/// A point in simulated time, in milliseconds since the world started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of simulated time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

/// The Unix time, in milliseconds, that `SimTime(0)` stands for. Redis prints wall-clock
/// times (CLUSTER NODES ping/pong columns, PXAT propagation), so the simulation needs one.
/// 2026-01-01T00:00:00Z: a round second, so gossip's second-granularity times stay exact.
pub const DEFAULT_UNIX_EPOCH_MS: u64 = 1_767_225_600_000;

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// Milliseconds elapsed since `earlier`, or zero if `earlier` is in the future.
    pub fn since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl SimDuration {
    pub fn from_millis(ms: u64) -> Self {
        SimDuration(ms)
    }
    pub fn from_secs(s: u64) -> Self {
        SimDuration(s.saturating_mul(1000))
    }
    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// Parses `250ms`, `2s`, `1.5s`, `3m`, or a bare number of milliseconds.
    pub fn parse(text: &str) -> Option<SimDuration> {
        let t = text.trim();
        let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
            (n, 1.0)
        } else if let Some(n) = t.strip_suffix('s') {
            (n, 1000.0)
        } else if let Some(n) = t.strip_suffix('m') {
            (n, 60_000.0)
        } else if let Some(n) = t.strip_suffix('h') {
            (n, 3_600_000.0)
        } else {
            (t, 1.0)
        };
        let value: f64 = num.trim().parse().ok()?;
        let ms = value * scale;
        // Ten years of simulated time is plenty; beyond that the input is a typo.
        if !ms.is_finite() || !(0.0..=315_360_000_000.0).contains(&ms) {
            return None;
        }
        Some(SimDuration(ms.round() as u64))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, other: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(other.0))
    }
}

impl fmt::Display for SimTime {
    /// Formats as seconds with millisecond precision, e.g. `12.345s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1000, self.0 % 1000)
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 % 1000 == 0 {
            write!(f, "{}s", self.0 / 1000)
        } else {
            write!(f, "{}ms", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations_with_units() {
        assert_eq!(SimDuration::parse("2s"), Some(SimDuration(2000)));
        assert_eq!(SimDuration::parse("250ms"), Some(SimDuration(250)));
        assert_eq!(SimDuration::parse("1.5s"), Some(SimDuration(1500)));
        assert_eq!(SimDuration::parse("3m"), Some(SimDuration(180_000)));
        assert_eq!(SimDuration::parse("40"), Some(SimDuration(40)));
        assert_eq!(SimDuration::parse("-1s"), None);
        assert_eq!(SimDuration::parse("abc"), None);
        assert_eq!(SimDuration::parse("1e300s"), None);
    }

    #[test]
    fn displays_seconds_with_millis() {
        assert_eq!(SimTime(12_345).to_string(), "12.345s");
    }
}
