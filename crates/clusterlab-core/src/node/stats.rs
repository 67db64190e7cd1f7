//! The counters INFO reports and CONFIG RESETSTAT clears: per command (`calls`,
//! `rejected_calls`, `failed_calls`, time and its latency histogram), per error code
//! (`errorstat_ERR`), and the server-wide totals of the Stats section.
//!
//! The simulation does not measure CPU time: every call is charged
//! [`SIMULATED_CALL_USEC`] microseconds, so `usec`, the latency percentiles and the CPU
//! section follow from the call counts.

use crate::types::vec_map::VecMap;

/// The time every command call is charged, in microseconds.
pub const SIMULATED_CALL_USEC: u64 = 1;

/// Redis stops tracking new error codes past this many (`ERROR_STATS_NUMBER`).
const ERROR_CODES_MAX: usize = 128;

/// One command's counters (`struct redisCommand`'s stats fields).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandStats {
    pub calls: u64,
    pub usec: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
    /// Latency histogram in nanoseconds: HdrHistogram bucket value → count.
    pub latency: VecMap<u64, u64>,
}

/// The node's counters since it started or since CONFIG RESETSTAT.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// By full command name (`set`, `cluster|addslotsrange`).
    pub commands: VecMap<String, CommandStats>,
    /// By error code, the error's first word (`ERR`, `WRONGTYPE`, `MOVED`).
    pub errors: VecMap<String, u64>,
    pub total_error_replies: u64,
    pub commands_processed: u64,
    pub connections_received: u64,
    pub net_input_bytes: u64,
    pub expired_keys: u64,
    /// Full resyncs served, to replicas and to clients that ran SYNC (`stat_sync_full`).
    pub sync_full: u64,
    /// Replicas' `REPLCONF ACK`s: commands that get no reply (no write).
    pub replica_acks: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
}

impl Stats {
    fn entry(&mut self, name: &str) -> &mut CommandStats {
        if !self.commands.contains_key(name) {
            self.commands
                .insert(name.to_string(), CommandStats::default());
        }
        self.commands.get_mut(name).expect("just inserted")
    }

    /// A command ran (`call()`); `failed` if it replied with an error.
    pub fn called(&mut self, name: &str, failed: bool) {
        self.commands_processed += 1;
        let s = self.entry(name);
        s.calls += 1;
        s.usec += SIMULATED_CALL_USEC;
        if failed {
            s.failed_calls += 1;
        }
        let bucket = hdr_highest_equivalent(SIMULATED_CALL_USEC * 1000);
        *s.latency.entry(bucket).or_insert(0) += 1;
    }

    /// A blocked command (MIGRATE) failed when its reply came.
    pub fn failed_later(&mut self, name: &str, text: &str) {
        self.entry(name).failed_calls += 1;
        self.error_reply(text);
    }

    /// `processCommand` rejected a known command before running it.
    pub fn rejected(&mut self, name: &str) {
        self.entry(name).rejected_calls += 1;
    }

    /// An error reply went to a client (`afterErrorReply`): counted under its code.
    pub fn error_reply(&mut self, text: &str) {
        self.total_error_replies += 1;
        let code = text.split(' ').next().unwrap_or_default();
        if let Some(n) = self.errors.get_mut(code) {
            *n += 1;
        } else if self.errors.len() < ERROR_CODES_MAX {
            self.errors.insert(code.to_string(), 1);
        }
    }

    /// CONFIG RESETSTAT.
    pub fn reset(&mut self) {
        *self = Stats::default();
    }

    /// A command's latency at `percentile` (0–100), in nanoseconds, as
    /// `hdr_value_at_percentile` computes it.
    pub fn latency_at(s: &CommandStats, percentile: f64) -> u64 {
        let total: u64 = s.latency.values().sum();
        let wanted = ((percentile.min(100.0) / 100.0) * total as f64 + 0.5) as u64;
        let wanted = wanted.max(1);
        let mut seen = 0;
        for (&value, &count) in &s.latency {
            seen += count;
            if seen >= wanted {
                return value;
            }
        }
        0
    }
}

/// The highest value HdrHistogram (1 ns to 1 s, 2 significant figures, as Redis
/// creates it) counts together with `value`.
fn hdr_highest_equivalent(value: u64) -> u64 {
    // 2 significant figures: 256 sub-buckets, the lower half of each bucket past the
    // first overlapping the previous one.
    const SUB_BUCKET_MASK: u64 = 255;
    let pow2ceiling = 64 - (value | SUB_BUCKET_MASK).leading_zeros() as u64;
    let bucket = pow2ceiling - 8;
    let sub = value >> bucket;
    let lowest = sub << bucket;
    lowest + (1 << bucket) - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_match_redis_latency_percentiles() {
        // A 222 µs call shows as p50=222.207 on a real server; 1 µs as 1.003.
        assert_eq!(hdr_highest_equivalent(222_000), 222_207);
        assert_eq!(hdr_highest_equivalent(1_000), 1_003);
        assert_eq!(hdr_highest_equivalent(100), 100);
    }

    #[test]
    fn error_codes_are_the_first_word() {
        let mut s = Stats::default();
        s.error_reply("ERR syntax error");
        s.error_reply("ERR wrong number");
        s.error_reply("MOVED 12 127.0.0.1:7001");
        assert_eq!(s.errors.get("ERR"), Some(&2));
        assert_eq!(s.errors.get("MOVED"), Some(&1));
        assert_eq!(s.total_error_replies, 3);
    }
}
