//! Clients blocked on keys (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
//! BZPOPMAX, BZMPOP), as `blocked.c` keeps them: served in the order they blocked when a
//! write makes one of their keys ready, answered with a null array at their timeout,
//! redirected when their slot leaves this node, and unblocked with an error when the node
//! turns replica.

use crate::event::Redirect;
use crate::keyspace::Value;
use crate::reply::{format_double, Reply};
use crate::slot::key_hash_slot;
use crate::time::SimTime;

use super::{Node, Output};

type Bytes = Vec<u8>;

/// What a blocked client waits to do.
#[derive(Clone, Debug, PartialEq)]
pub enum PopKind {
    /// BLPOP/BRPOP (no count) and BLMPOP (a count).
    List { left: bool, count: Option<usize> },
    /// BLMOVE and BRPOPLPUSH: pop from the key, push onto `dst`.
    Move {
        dst: Bytes,
        from_left: bool,
        to_left: bool,
        rpoplpush: bool,
    },
    /// BZPOPMIN/BZPOPMAX (no count) and BZMPOP (a count).
    ZSet { max: bool, count: Option<usize> },
    /// XREAD and XREADGROUP with BLOCK.
    Stream(Box<StreamWait>),
}

/// What an XREAD or XREADGROUP waits for: entries after `ids` (one per key; a group's
/// last delivered ID instead), at most `count`.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamWait {
    pub ids: Vec<crate::types::StreamId>,
    pub count: usize,
    /// The group, the consumer, and NOACK.
    pub group: Option<(Bytes, Bytes, bool)>,
}

/// A client blocked on keys.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockedPop {
    pub client: u64,
    pub keys: Vec<Bytes>,
    pub kind: PopKind,
    pub deadline: Option<SimTime>,
}

impl Node {
    /// `blockForKeys`: the client waits; the command's handler answers nothing now.
    pub(crate) fn block_pop(&mut self, pop: BlockedPop) {
        self.clients.blocked_pops.push(pop);
        self.clients.just_blocked = true;
    }

    /// Whether a command may block now (not inside a transaction: `CLIENT_DENY_BLOCKING`).
    pub(crate) fn may_block(&self) -> bool {
        self.clients.held_propagation.is_none()
    }

    /// `signalKeyAsReady`: a write touched `key`; clients blocked on it are tried before
    /// the node sleeps.
    pub(crate) fn signal_ready(&mut self, key: &[u8]) {
        let c = &mut self.clients;
        if c.blocked_pops
            .iter()
            .any(|b| b.keys.iter().any(|k| k == key))
            && !c.ready_keys.iter().any(|k| k == key)
        {
            c.ready_keys.push(key.to_vec());
        }
    }

    /// `handleClientsBlockedOnKeys`: for each ready key in turn, the clients blocked on it
    /// in the order they blocked, while it has elements of their type.
    pub(crate) fn serve_blocked_pops(&mut self) {
        while !self.clients.ready_keys.is_empty() {
            for key in std::mem::take(&mut self.clients.ready_keys) {
                let mut i = 0;
                while i < self.clients.blocked_pops.len() {
                    let b = &self.clients.blocked_pops[i];
                    if !b.keys.contains(&key) || !self.pop_ready(b, &key) {
                        i += 1;
                        continue;
                    }
                    let b = self.clients.blocked_pops.remove(i);
                    let reply = self.serve_one(&b, &key);
                    // `updateStatsOnUnblock`: an error counts against the command.
                    let name = self
                        .clients
                        .sessions
                        .get(&b.client)
                        .map(|s| s.last_command.clone());
                    if let (Reply::Error(e), Some(name)) = (&reply, name) {
                        self.stats.failed_later(&name, e);
                    }
                    self.reply_to(b.client, reply);
                }
            }
        }
    }

    /// Whether `key` holds what a blocked pop of `kind` takes.
    fn pop_ready(&self, b: &BlockedPop, key: &[u8]) -> bool {
        match (&b.kind, self.keyspace.get(key, self.now)) {
            (PopKind::Stream(w), Some(Value::Stream(s))) => match &w.group {
                Some((g, ..)) => s.groups.get(g).is_none_or(|g| s.last_id > g.last_id),
                None => b
                    .keys
                    .iter()
                    .position(|k| k == key)
                    .is_some_and(|i| s.last_id > w.ids[i]),
            },
            // XREADGROUP's key went away (or changed type): the client is unblocked.
            (PopKind::Stream(w), _) => w.group.is_some(),
            (PopKind::ZSet { .. }, Some(Value::ZSet(z))) => !z.is_empty(),
            (PopKind::ZSet { .. }, _) => false,
            (_, Some(Value::List(l))) => !l.is_empty(),
            _ => false,
        }
    }

    /// Serves one blocked client from `key` (which holds elements of its type): the reply,
    /// and the write replicated as its non-blocking form.
    fn serve_one(&mut self, b: &BlockedPop, key: &[u8]) -> Reply {
        let now = self.now;
        let key_reply = Reply::bulk(key.to_vec());
        // The non-blocking form: `LPOP key [count]` and the others.
        let plain = |name: &str, count: Option<usize>, n: usize| {
            let mut p = vec![name.as_bytes().to_vec(), key.to_vec()];
            p.extend(count.map(|_| n.to_string().into_bytes()));
            p
        };
        let reply = match &b.kind {
            PopKind::Stream(w) => return self.serve_stream(b, w, key),
            PopKind::List { left, count } => {
                let popped = self.keyspace.pop_list(key, now, *left, count.unwrap_or(1));
                let name = if *left { "LPOP" } else { "RPOP" };
                self.propagate(plain(name, *count, popped.len()));
                match count {
                    Some(_) => Reply::array(vec![key_reply, Reply::bulks(popped)]),
                    None => {
                        let mut out = vec![key_reply];
                        out.extend(popped.into_iter().map(Reply::bulk));
                        Reply::array(out)
                    }
                }
            }
            PopKind::Move {
                dst,
                from_left,
                to_left,
                rpoplpush,
            } => {
                if !matches!(self.keyspace.get(dst, now), None | Some(Value::List(_))) {
                    return Reply::err(
                        "WRONGTYPE Operation against a key holding the wrong kind of value",
                    );
                }
                let value = self
                    .keyspace
                    .pop_list(key, now, *from_left, 1)
                    .pop()
                    .unwrap_or_default();
                if let Ok(d) = self.keyspace.list_or_create(dst, now) {
                    if *to_left {
                        d.push_front(value.clone());
                    } else {
                        d.push_back(value.clone());
                    }
                }
                // `getStringObjectFromListPosition`: the shared lower-case words.
                let side = |left: bool| if left { &b"left"[..] } else { &b"right"[..] };
                self.propagate(if *rpoplpush {
                    vec![b"RPOPLPUSH".to_vec(), key.to_vec(), dst.clone()]
                } else {
                    vec![
                        b"LMOVE".to_vec(),
                        key.to_vec(),
                        dst.clone(),
                        side(*from_left).to_vec(),
                        side(*to_left).to_vec(),
                    ]
                });
                self.touch_watched(dst);
                self.signal_ready(dst);
                Reply::bulk(value)
            }
            PopKind::ZSet { max, count } => {
                let popped = self.keyspace.pop_zset(key, now, *max, count.unwrap_or(1));
                let name = if *max { "ZPOPMAX" } else { "ZPOPMIN" };
                self.propagate(plain(name, *count, popped.len()));
                let score = |s: f64| Reply::Double(format_double(s));
                match count {
                    Some(_) => Reply::array(vec![
                        key_reply,
                        Reply::array(
                            popped
                                .into_iter()
                                .map(|(s, m)| Reply::array(vec![Reply::bulk(m), score(s)]))
                                .collect(),
                        ),
                    ]),
                    None => {
                        let mut out = vec![key_reply];
                        for (s, m) in popped {
                            out.extend([Reply::bulk(m), score(s)]);
                        }
                        Reply::array(out)
                    }
                }
            }
        };
        self.touch_watched(key);
        reply
    }

    /// `serveClientsBlockedOnStreamKey`: the entries after the ID the client waits on
    /// (its group's last delivered one), or the error that unblocks it.
    fn serve_stream(&mut self, b: &BlockedPop, w: &StreamWait, key: &[u8]) -> Reply {
        use super::stream_reads::{createconsumer_form, keyed, read_range, GroupRead};
        let (now, protocol) = (self.now, self.protocol(b.client));
        let now_ms = self.unix_ms(now);
        let Ok(Some(s)) = self.keyspace.stream_mut(key, now) else {
            return Reply::err("UNBLOCKED the stream key no longer exists");
        };
        let read = w.group.as_ref().map(|(g, c, noack)| GroupRead {
            group: g,
            consumer: c,
            noack: *noack,
        });
        let gt =
            match &read {
                Some(r) => match s.groups.get_mut(r.group) {
                    None => return Reply::err(
                        "NOGROUP the consumer group this client was blocked on no longer exists",
                    ),
                    Some(g) => g.last_id,
                },
                None => w.ids[b.keys.iter().position(|k| k == key).unwrap_or(0)],
            };
        let mut written = Vec::new();
        if let Some(r) = &read {
            if let Some(g) = s.groups.get_mut(r.group) {
                if g.consumer(r.consumer, now_ms) && r.noack {
                    written.push(createconsumer_form(key, r));
                }
            }
        }
        let start = gt.next().unwrap_or_default();
        let entries = read_range(s, key, start, w.count, read.as_ref(), now_ms, &mut written);
        self.propagate_all(written);
        keyed(protocol, vec![(key.to_vec(), entries)])
    }

    /// Blocked clients whose timeout passed get a null array (strictly after it, as
    /// `handleBlockedClientsTimeout` compares).
    pub(crate) fn expire_blocked_pops(&mut self) {
        let now = self.now;
        if !self
            .clients
            .blocked_pops
            .iter()
            .any(|b| b.deadline.is_some_and(|d| now > d))
        {
            return;
        }
        let (due, still): (Vec<BlockedPop>, Vec<BlockedPop>) =
            std::mem::take(&mut self.clients.blocked_pops)
                .into_iter()
                .partition(|b| b.deadline.is_some_and(|d| now > d));
        self.clients.blocked_pops = still;
        for b in due {
            self.reply_to(b.client, Reply::Array(None));
        }
    }

    /// `clusterRedirectBlockedClientIfNeeded`, from the clients cron: a client blocked on
    /// a slot this node no longer serves (and is not importing) gets MOVED, or
    /// CLUSTERDOWN when the slot is unassigned or the cluster is down.
    pub(crate) fn redirect_blocked_pops(&mut self) {
        if self.clients.blocked_pops.is_empty() {
            return;
        }
        let mut still = Vec::new();
        for b in std::mem::take(&mut self.clients.blocked_pops) {
            let redirect = if !self.state.ok {
                Some(Redirect::Down)
            } else {
                b.keys.first().and_then(|k| {
                    let slot = key_hash_slot(k);
                    if self.view.importing.contains_key(&slot) {
                        return None;
                    }
                    match self.view.slots.owner(slot) {
                        None => Some(Redirect::Unbound),
                        Some(o) if o == Self::ME => None,
                        Some(o) => self.view.peers.get(o).map(|p| Redirect::Moved {
                            slot,
                            ip: p.ip,
                            port: p.port,
                        }),
                    }
                })
            };
            match redirect {
                Some(r) => self.reply_to(b.client, Reply::err(r.to_string())),
                None => still.push(b),
            }
        }
        self.clients.blocked_pops = still;
    }

    /// `disconnectAllBlockedClients`, when this node turns replica: every blocked client
    /// gets UNBLOCKED and its connection is closed after the reply.
    pub(crate) fn unblock_all_for_replica(&mut self) {
        for b in std::mem::take(&mut self.clients.blocked_pops) {
            self.reply_to(
                b.client,
                Reply::err(
                    "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)",
                ),
            );
            self.disconnect_client(b.client);
            self.out.push(Output::CloseClient {
                client: b.client,
                after_reply: true,
            });
        }
    }
}
