//! The ACL log (`ACL LOG`): denied commands, keys, channels and failed logins, newest
//! first, with repeats within a minute folded into one entry (`addACLLogEntry`).

use super::Acl;

/// `ACL_LOG_GROUPING_MAX_TIME_DELTA`, in milliseconds.
const GROUPING_MS: u64 = 60_000;
/// How many of the newest entries a new one is compared with.
const SCAN: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Command,
    Key,
    Channel,
    Auth,
}

impl Reason {
    pub fn name(self) -> &'static str {
        match self {
            Reason::Command => "command",
            Reason::Key => "key",
            Reason::Channel => "channel",
            Reason::Auth => "auth",
        }
    }
}

/// Where the denied command ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Toplevel,
    Multi,
}

impl Context {
    pub fn name(self) -> &'static str {
        match self {
            Context::Toplevel => "toplevel",
            Context::Multi => "multi",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub count: u64,
    pub reason: Reason,
    pub context: Context,
    /// The command's full name, the key or channel, or the login command (`AUTH`).
    pub object: Vec<u8>,
    pub username: Vec<u8>,
    /// Simulated milliseconds of the latest occurrence.
    pub at_ms: u64,
    /// The client's CLIENT INFO line at the latest occurrence.
    pub client_info: String,
}

impl Acl {
    /// Adds an entry, or counts it on a similar recent one (which then moves to the front).
    pub fn log_denial(&mut self, entry: LogEntry, max_len: usize) {
        let similar = self.log.iter().take(SCAN).position(|e| {
            e.reason == entry.reason
                && e.context == entry.context
                && e.at_ms.abs_diff(entry.at_ms) <= GROUPING_MS
                && e.object == entry.object
                && e.username == entry.username
        });
        match similar {
            Some(i) => {
                let mut e = self.log.remove(i);
                e.count += 1;
                e.at_ms = entry.at_ms;
                e.client_info = entry.client_info;
                self.log.insert(0, e);
            }
            None => {
                self.log.insert(0, entry);
                self.log.truncate(max_len);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(object: &str, at_ms: u64) -> LogEntry {
        LogEntry {
            count: 1,
            reason: Reason::Command,
            context: Context::Toplevel,
            object: object.as_bytes().to_vec(),
            username: b"u".to_vec(),
            at_ms,
            client_info: String::new(),
        }
    }

    #[test]
    fn repeats_within_a_minute_fold_into_one_entry() {
        let mut acl = Acl::new(None);
        acl.log_denial(entry("get", 0), 128);
        acl.log_denial(entry("set", 10), 128);
        acl.log_denial(entry("get", 60_000), 128);
        assert_eq!(acl.log.len(), 2);
        assert_eq!(
            (acl.log[0].object.as_slice(), acl.log[0].count),
            (&b"get"[..], 2)
        );
        acl.log_denial(entry("get", 200_000), 128);
        assert_eq!(acl.log.len(), 3);
        acl.log_denial(entry("x", 0), 2);
        assert_eq!(acl.log.len(), 2);
    }
}
