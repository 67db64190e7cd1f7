//! The smart client mode: instead of asking one node and following redirects as
//! `redis-cli -c` does, the client sends each command straight to the master its cached
//! slot map names, reloads the map when a MOVED proves it stale, and follows an ASK for
//! that one command only. Every decision prints a `-> ` line, so a learner sees it.

use super::slot_cache::SlotCache;
use super::{parse_redirect, CliOutcome, RedisCli, MAX_REDIRECTS};
use crate::slot::{key_hash_slot, Slot};
use crate::world::World;

/// The slot of a command's first key, if it has keys.
pub fn command_slot(args: &[Vec<u8>]) -> Option<Slot> {
    let spec = crate::commands::lookup(args.first()?)?;
    let first = *spec.keys_of(args).first()?;
    Some(key_hash_slot(args.get(first)?))
}

impl RedisCli {
    /// Runs one command through the cached slot map.
    pub(super) fn run_smart(&mut self, world: &mut World, args: &[Vec<u8>]) -> CliOutcome {
        let started = world.now();
        let mut text = Vec::new();
        if self.cache.is_none() {
            self.load_slot_map(world, &[self.port], &mut text);
        }
        // MULTI pins the connection until EXEC or DISCARD: the queue stays on one node,
        // and a redirect inside it is printed, not followed (following would reconnect and
        // run the command outside the transaction).
        let name = args
            .first()
            .map(|a| a.to_ascii_lowercase())
            .unwrap_or_default();
        let pinned = self.in_multi;
        let slot = if pinned { None } else { command_slot(args) };
        self.in_multi = match name.as_slice() {
            b"multi" => true,
            b"exec" | b"discard" => false,
            _ => self.in_multi,
        };
        let mut ask: Option<(String, u16)> = None;
        let mut reloaded_after_refusal = false;
        let mut redirects = 0;
        loop {
            let asking = ask.is_some();
            let target = ask.take().or_else(|| {
                let cache = self.cache.as_ref()?;
                let port = cache.owner(slot?)?;
                Some((cache.host(port, &self.host).to_string(), port))
            });
            if let Some((host, port)) = target {
                if (host.as_str(), port) != (self.host.as_str(), self.port) {
                    if !asking {
                        text.extend(
                            format!(
                                "-> Sent to slot [{}] at {host}:{port}, as the cached slot map says\n",
                                slot.unwrap_or_default()
                            )
                            .bytes(),
                        );
                    }
                    self.connect_to(world, &host, port);
                }
            }
            let Some(conn) = self.ensure_conn(world) else {
                text.extend(self.refused_line().bytes());
                // A smart client asks another node for a fresh map and tries once more.
                let others: Vec<u16> = self
                    .cache
                    .as_ref()
                    .map(|c| c.ports().into_iter().filter(|&p| p != self.port).collect())
                    .unwrap_or_default();
                if reloaded_after_refusal || others.is_empty() || slot.is_none() {
                    return CliOutcome {
                        text,
                        reply: None,
                        redirects,
                    };
                }
                reloaded_after_refusal = true;
                self.load_slot_map(world, &others, &mut text);
                continue;
            };
            if asking {
                let _ = world.execute(conn, &[b"ASKING".to_vec()]);
            }
            let reply = match world.execute(conn, args) {
                Ok(r) => r,
                Err(e) => return self.closed(e, text, redirects),
            };
            let redirect = parse_redirect(&reply).filter(|_| !pinned);
            let Some((slot_moved, host, port, is_ask)) = redirect else {
                return self.finish(world, args, reply, started, text, redirects);
            };
            let host = if host.is_empty() {
                self.host.clone()
            } else {
                host
            };
            redirects += 1;
            if is_ask {
                text.extend(
                    format!(
                        "-> ASK: slot [{slot_moved}] is moving to {host}:{port}; sending ASKING and the command there, once (the slot map stays as it is)\n"
                    )
                    .bytes(),
                );
                ask = Some((host, port));
            } else {
                text.extend(
                    format!(
                        "-> MOVED: slot [{slot_moved}] is served by {host}:{port}; the cached slot map was stale\n"
                    )
                    .bytes(),
                );
                if let Some(cache) = self.cache.as_mut() {
                    cache.patch(slot_moved, &host, port);
                }
                // This also leaves the connection on the node MOVED named, where a
                // command without keys (say EXEC) goes next.
                self.load_slot_map(world, &[port], &mut text);
            }
            if redirects >= MAX_REDIRECTS {
                text.extend(b"(error) ClusterLab: redirect loop stopped after 16 redirects\n");
                return CliOutcome {
                    text,
                    reply: Some(reply),
                    redirects,
                };
            }
        }
    }

    /// Loads the slot map with CLUSTER SLOTS from the first of `ports` that answers.
    fn load_slot_map(&mut self, world: &mut World, ports: &[u16], text: &mut Vec<u8>) {
        for &port in ports {
            let host = self
                .cache
                .as_ref()
                .map_or(self.host.clone(), |c| c.host(port, &self.host).to_string());
            if (host.as_str(), port) != (self.host.as_str(), self.port) {
                self.connect_to(world, &host, port);
            }
            let Some(conn) = self.ensure_conn(world) else {
                text.extend(self.refused_line().bytes());
                continue;
            };
            let reply = world.execute(conn, &[b"CLUSTER".to_vec(), b"SLOTS".to_vec()]);
            let Some(fresh) = reply
                .ok()
                .and_then(|r| SlotCache::from_cluster_slots(&r, port, world.now()))
            else {
                text.extend(format!("-> CLUSTER SLOTS failed at {}:{port}\n", self.host).bytes());
                continue;
            };
            let verb = if self.cache.is_some() {
                "reloaded"
            } else {
                "loaded"
            };
            let (ranges, masters) = fresh.shape();
            match self.cache.as_mut() {
                Some(cache) => cache.replace(fresh),
                None => self.cache = Some(fresh),
            }
            text.extend(
                format!(
                    "-> Slot map {verb} from {}:{port} with CLUSTER SLOTS: {ranges} ranges, {masters} masters\n",
                    self.host
                )
                .bytes(),
            );
            return;
        }
    }
}
