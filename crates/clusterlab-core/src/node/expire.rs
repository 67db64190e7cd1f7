//! Active expiry: a master deletes keys whose TTL passed and tells its replicas with DEL.
//! Redis samples 20 keys per cycle; with teaching-sized datasets that finds them all, so
//! every expired key is deleted on the next cron tick.

use crate::node::Node;

impl Node {
    /// Deletes every expired key (masters only; replicas wait for the master's DEL).
    pub(crate) fn active_expire(&mut self) {
        if !self.is_master() || !self.active_expire_enabled {
            return;
        }
        for key in self.keyspace.expired_keys(self.now) {
            self.keyspace.remove(&key);
            self.stats.expired_keys += 1;
            self.propagate(vec![b"DEL".to_vec(), key]);
        }
    }
}
